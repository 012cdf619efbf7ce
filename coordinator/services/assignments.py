"""Reassignment: hand a case to another therapist or case manager of its own clinic."""

from sqlalchemy import update

from ..domain.actors import Actor, Role
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import Case, Notification, User
from .unit_of_work import DEFAULT, Options, command, open_command, record

REASON_LIMIT = 500


def _assignee(user_id: int, role: Role, field: str, case: Case, current: int | None) -> User:
    """The named user, who must be an active `role` of the case's clinic and not already assigned."""
    title = role.replace("_", " ")
    user = db.session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    # a missing user and another organisation's user get the same answer: names outside the clinic stay unknown
    if user is None or user.org_id != case.clinic_id:
        raise InvalidValue(f"choose a {title} of the case's clinic", field=field)
    if user.role != role:
        raise InvalidValue(f"{user.name} is not a {title}", field=field)
    if not user.active:
        raise InvalidValue(f"{user.name} is no longer active and cannot take the case", field=field)
    if user.id == current:
        raise InvalidValue(f"{user.name} is already assigned as the {title}", field=field)
    return user


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else "nobody"


def reassign_case(actor: Actor, case_id: int, *, therapist_id: int | None = None,
                  case_manager_id: int | None = None, reason: str, options: Options = DEFAULT) -> Case:
    """Give the case a new therapist and/or case manager, with the reason; records `case_reassigned`."""
    with command(options):
        case = open_command(actor, "reassign_case", case_id, options=options)
        if therapist_id is None and case_manager_id is None:
            raise InvalidValue("name a new therapist or a new case manager", field="therapist_id")
        text = (reason or "").strip()
        if not text:
            raise InvalidValue("say why the case is reassigned", field="reason")
        if len(text) > REASON_LIMIT:
            raise InvalidValue(f"reason is longer than {REASON_LIMIT} characters", field="reason")
        # every name is checked before anything changes
        therapist = case_manager = None
        if therapist_id is not None:
            therapist = _assignee(therapist_id, Role.THERAPIST, "therapist_id", case, case.therapist_id)
        if case_manager_id is not None:
            case_manager = _assignee(case_manager_id, Role.CASE_MANAGER, "case_manager_id", case,
                                     case.case_manager_id)
        changes, data = [], {"reason": text}
        if therapist is not None:
            changes.append(f"Therapist changed from {_name(case.therapist_id)} to {therapist.name}")
            data["therapist"] = {"from": case.therapist_id, "to": therapist.id}
            if case.therapist_id is not None:
                # task notifications name the case's therapist (automation._notify): unsent ones go to the new one
                db.session.execute(update(Notification).where(
                    Notification.case_id == case.id, Notification.user_id == case.therapist_id,
                    Notification.role == str(Role.THERAPIST), Notification.sent_at.is_(None))
                    .values(user_id=therapist.id))
            case.therapist_id = therapist.id
        if case_manager is not None:
            changes.append(f"Case manager changed from {_name(case.case_manager_id)} to {case_manager.name}")
            data["case_manager"] = {"from": case.case_manager_id, "to": case_manager.id}
            case.case_manager_id = case_manager.id
        # the reason is free text and the event is non-clinical (the employer sees it): kept in the data only,
        # which no party's timeline shows
        record(case, actor, "case_reassigned", "; ".join(changes), data=data)
    return case
