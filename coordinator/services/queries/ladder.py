"""The return-to-work ladder and the work status, as the actor may read them (one answer for page and API)."""

from datetime import date

from ...domain.actors import Actor
from ...models import Case
from ..rtw import ladder_view, work_status
from .access import is_clinical_reader


def ladder(actor: Actor, case: Case) -> list[dict]:
    """Every rung with where it stands (after a setback, stepped back) and, for a clinical reader, why."""
    return ladder_view(case, clinical=is_clinical_reader(actor))


def work_status_for(actor: Actor, case: Case, on: date | None = None) -> dict:
    """The restrictions in force in functional terms and the ladder, through the actor's view."""
    return work_status(case, on or date.today(), clinical=is_clinical_reader(actor))
