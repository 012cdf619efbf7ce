"""The work-status certificate: what the employer plans work with (restrictions in force, hours, the return-to-work
milestone, who issued them), built from functional data only whoever asks, so no clinical word can reach it."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.actors import Actor
from ...extensions import db
from ...models import Organisation, RestrictionSet, User
from ..rtw import work_status
from .access import case_for


@dataclass(frozen=True)
class Certificate:
    """The certificate's content: identifiers, the restrictions in functional terms, the milestone, the people."""

    clinic: str
    claim_number: str
    worker_name: str
    employer: str
    job_title: str
    shift_hours: float
    restrictions: list[str]
    valid_from: date | None
    valid_until: date | None         # the domain keeps no expiry: None means "until the next review"
    issued_by: str | None            # the clinician who signed the restrictions in force
    issued_by_role: str | None
    physician: str | None
    milestone: dict | None           # the rung being worked now (started, else the latest confirmed)
    ladder: list[dict]               # every rung with where it stands, without any setback's account
    discharged_on: date | None
    discharge_outcome: str | None
    prepared_on: date


def work_status_certificate(actor: Actor, case_id: int, on: date | None = None) -> Certificate:
    """The case's work-status certificate for any party to it (NotFound otherwise), the read audited; built
    through the functional view for every reader, clinical or not."""
    on = on or date.today()
    case = case_for(actor, case_id, purpose="work status certificate")
    status = work_status(case, on, clinical=False)   # functional terms only, never a note or a clinical account
    signed = _restriction_row(case.id, status["restrictions_since"], on)
    ladder = [{k: v for k, v in rung.items() if k != "setback"} for rung in status["ladder"]]
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_([i for i in (case.physician_id, signed and signed.issued_by_id) if i]))).all())
    orgs = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_((case.clinic_id, case.employer_id)))).all())
    return Certificate(
        orgs[case.clinic_id], case.claim_number, case.worker_name, orgs[case.employer_id], case.job_title,
        case.shift_hours, status["restrictions"], status["restrictions_since"], None,
        names.get(signed.issued_by_id) if signed else None, signed.issued_by_role if signed else None,
        names.get(case.physician_id), _current_rung(status["ladder"]), ladder, case.discharged_on,
        case.discharge_outcome, on)


def _restriction_row(case_id: int, issued_on: date | None, on: date) -> RestrictionSet | None:
    """The stored version in force (the highest issued by `on`), for its signer."""
    if issued_on is None:
        return None
    return db.session.scalar(select(RestrictionSet).where(RestrictionSet.case_id == case_id,
                                                          RestrictionSet.issued_on <= on)
                             .order_by(RestrictionSet.version.desc()).limit(1))


def _current_rung(ladder: list[dict]) -> dict | None:
    """The milestone started and not yet confirmed, else the highest confirmed one, without its setback."""
    started = [r for r in ladder if r["status"] == "started"]
    confirmed = [r for r in ladder if r["status"] == "confirmed"]
    rung = (started or confirmed or [None])[-1]
    return None if rung is None else {k: v for k, v in rung.items() if k != "setback"}
