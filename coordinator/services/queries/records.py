"""A case's records (clearances, sessions, reviews, restrictions, authorizations, offers, milestones,
follow-ups) in pages, through the actor's view: a clinical record is not listed for an employer at all."""

from dataclasses import dataclass

from sqlalchemy import func, select

from ...domain.actors import Actor
from ...extensions import db
from ...models import (Authorization, Clearance, DutyOffer, FollowUp, Milestone, ProgramSession, RestrictionSet,
                       WeeklyReview, WorkerReport)
from ..inbox import Page
from ..unit_of_work import NotFound
from ...domain.disclosure import in_care_team
from .access import case_for, is_clinical_reader


@dataclass(frozen=True)
class Record:
    """How a kind of record is listed: its table, its order, and whether only clinical readers may list it."""

    model: type
    order: tuple
    clinical_only: bool = False
    care_team_only: bool = False    # the worker's own answers (domain/disclosure.py)


RECORDS: dict[str, Record] = {
    "clearances": Record(Clearance, (Clearance.decided_on, Clearance.id), clinical_only=True),
    "sessions": Record(ProgramSession, (ProgramSession.held_on, ProgramSession.id), clinical_only=True),
    "reviews": Record(WeeklyReview, (WeeklyReview.reviewed_on, WeeklyReview.id), clinical_only=True),
    "restrictions": Record(RestrictionSet, (RestrictionSet.issued_on, RestrictionSet.id)),
    "authorizations": Record(Authorization, (Authorization.start_date, Authorization.id)),
    "duty_offers": Record(DutyOffer, (DutyOffer.sent_on, DutyOffer.id)),
    "milestones": Record(Milestone, (Milestone.started_on, Milestone.id)),
    "follow_ups": Record(FollowUp, (FollowUp.due_on, FollowUp.id)),
    "worker_reports": Record(WorkerReport, (WorkerReport.reported_on, WorkerReport.id), clinical_only=True,
                             care_team_only=True),
}
SUBJECTS = {"authorization_id": Authorization, "offer_id": DutyOffer, "milestone_id": Milestone,
            "follow_up_id": FollowUp, "report_id": WorkerReport}


class ClinicalOnly(Exception):
    """The record is clinical and the reader an employer (the API answers 403, naming the rule)."""


def page_of(query, page: int, per_page: int, order) -> Page:
    """Rows of one page in a stable order, and how many the whole list holds."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), total, page, per_page)


def record_page(actor: Actor, case_id: int, kind: str, page: int, per_page: int) -> Page:
    """One page of the case's records of a kind, read and audited; ClinicalOnly for an employer asking for a
    clinical kind (checked before the case is even looked up: the answer tells nothing about the case)."""
    record = RECORDS[kind]
    if (record.clinical_only and not is_clinical_reader(actor)) or (record.care_team_only
                                                                    and not in_care_team(actor.role)):
        raise ClinicalOnly(kind)
    case = case_for(actor, case_id, purpose=f"api:{kind}")
    query = select(record.model).where(record.model.case_id == case.id)
    return page_of(query, page, per_page, record.order)


def require_on_case(field: str, object_id: int, case_id: int) -> None:
    """NotFound unless the record named in the path exists and belongs to the case; the same words either way,
    so an id of another party's case tells nothing."""
    model = SUBJECTS[field]
    row = db.session.get(model, object_id)
    if row is None or row.case_id != case_id:
        raise NotFound(f"{field.removesuffix('_id').replace('_', ' ')} {object_id} does not exist", field=field)


def subject_of(field: str, object_id: int | None, case_id: int):
    """The record a form acts on when it belongs to the case, else None (a foreign or absent id)."""
    if object_id is None:
        return None
    row = db.session.get(SUBJECTS[field], object_id)   # already in the session when the case was read whole
    return row if row is not None and row.case_id == case_id else None


def accepted_offer(case_id: int, offers: list | None = None):
    """The modified-duty offer the clinic accepted last on this case (its tasks are the duties), or None.
    `offers`: the case's, when already read."""
    if offers is not None:
        return max((o for o in offers if o.status == "accepted"), key=lambda o: o.round, default=None)
    return db.session.scalar(select(DutyOffer).where(DutyOffer.case_id == case_id, DutyOffer.status == "accepted")
                             .order_by(DutyOffer.round.desc()).limit(1))
