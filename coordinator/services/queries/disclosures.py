"""Who read the worker's clinical data, and when: the audit trail of their case, grouped per person and day, for
the worker's own accounting (domain/disclosure.py says who may ask and which reads count)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ...audit import append as audit_append
from ...domain.actors import Actor
from ...domain.disclosure import ACCOUNTED_ACTIONS, may_see_accounting
from ...extensions import db
from ...models import AuditEntry, Organisation, User
from ..unit_of_work import NotFound, commit_read
from .access import case_for

DAYS_SHOWN = 60   # person-days, newest first


@dataclass(frozen=True)
class Reading:
    """One person's (or the automatic steps') reads of the case on one day."""

    day: date
    name: str
    role: str
    organisation: str
    times: int
    purposes: tuple[str, ...]
    first_at: object
    last_at: object


def accounting(actor: Actor, case_id: int) -> list[Reading]:
    """Who read the case's clinical data, per person and day, newest first, without the worker's own reads;
    NotFound for a case the actor is not on or a role without an accounting."""
    if not may_see_accounting(actor.role):
        raise NotFound(f"case {case_id} has no accounting for you", field="case_id")
    case = case_for(actor, case_id, purpose="accounting of reads")
    day = func.date(AuditEntry.at)
    rows = db.session.execute(
        select(day.label("day"), AuditEntry.actor_user_id, AuditEntry.actor_role, User.name, Organisation.name,
               func.count(), func.min(AuditEntry.at), func.max(AuditEntry.at),
               func.min(AuditEntry.purpose), func.max(AuditEntry.purpose))
        .outerjoin(User, User.id == AuditEntry.actor_user_id)
        .outerjoin(Organisation, Organisation.id == AuditEntry.actor_org_id)
        .where(AuditEntry.case_id == case.id, AuditEntry.category == "clinical", AuditEntry.outcome == "ok",
               AuditEntry.action.in_(ACCOUNTED_ACTIONS),
               AuditEntry.actor_user_id.is_distinct_from(actor.user_id))
        .group_by(day, AuditEntry.actor_user_id, AuditEntry.actor_role, User.name, Organisation.name)
        .order_by(day.desc(), func.max(AuditEntry.at).desc()).limit(DAYS_SHOWN)).all()
    audit_append(actor, "read_accounting", f"case:{case.id}", case_id=case.id, category="clinical",
                 purpose="accounting of reads")
    commit_read()
    return [Reading(date.fromisoformat(str(d)[:10]), name or "", role, org or "", times,
                    tuple(dict.fromkeys(p for p in (low, high) if p)), first, last)
            for d, _, role, name, org, times, first, last, low, high in rows]
