"""The return-to-work ladder and the work status, as the actor may read them (one answer for page and API)."""

from datetime import date

from ...domain.actors import Actor
from ...models import Case
from ..rtw import ladder_view, work_status
from .access import is_clinical_reader


def ladder(actor: Actor, case: Case) -> list[dict]:
    """Every rung with where it stands (after a setback, stepped back) and, for a clinical reader, why."""
    return ladder_view(case, clinical=is_clinical_reader(actor))


def work_status_for(actor: Actor, case: Case, on: date | None = None, record=None) -> dict:
    """The restrictions in force in functional terms and the ladder, through the actor's view (from the case's
    record when the caller has read it whole)."""
    return work_status(case, on or date.today(), clinical=is_clinical_reader(actor),
                       restrictions=record.restrictions if record else None,
                       milestones=record.milestones if record else None)
