"""A case's timeline through the actor's view: the employer's leaves out the clinical events."""

from sqlalchemy import func, select

from ...domain.actors import Actor, Role
from ...domain.disclosure import INTERNAL_EVENTS, WORKER_ANSWER_EVENTS, in_care_team
from ...extensions import db
from ...models import Case, CaseEvent, User
from ..inbox import Page
from .access import case_for, is_clinical_reader
from .records import page_of


def _events(actor: Actor, case: Case):
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    if not is_clinical_reader(actor):
        query = query.where(CaseEvent.clinical.is_(False))
    if Role(actor.role) is Role.WORKER:
        query = query.where(CaseEvent.kind.notin_(INTERNAL_EVENTS))
    if not in_care_team(actor.role):   # the worker's own answers are their care team's (domain/disclosure.py)
        query = query.where(CaseEvent.kind.notin_(WORKER_ANSWER_EVENTS))
    return query


# by the day things happened (a back-dated session sits on its own day), then as they were recorded
ORDER = (func.coalesce(CaseEvent.occurred_on, func.date(CaseEvent.at)), CaseEvent.at, CaseEvent.id)


def timeline_page(actor: Actor, case_id: int, page: int, per_page: int) -> Page:
    """One page of the case's events, oldest first, read and audited."""
    case = case_for(actor, case_id, purpose="timeline")
    return page_of(_events(actor, case), page, per_page, ORDER)


def timeline(actor: Actor, case: Case) -> list:
    """Every event of a case already read, newest first (the page a person reads starts with what happened
    last; the API's pages keep the oldest first), with who acted."""
    events = _events(actor, case).subquery()
    query = (select(events.c.occurred_on, events.c.at, events.c.kind, events.c.summary, events.c.actor_role, User.name)
             .outerjoin(User, User.id == events.c.actor_user_id)
             .order_by(func.coalesce(events.c.occurred_on, func.date(events.c.at)).desc(), events.c.at.desc(),
                       events.c.id.desc()))
    return db.session.execute(query).all()
