"""Reading a case through the actor's view: the lookup that hides other parties' cases, and its audit entry."""

from ...audit import append as audit_append
from ...domain.actors import Actor
from ...extensions import db
from ...models import Case
from ...policy import View, view_for, visible_cases
from ..unit_of_work import NotFound


def case_for(actor: Actor, case_id: int, purpose: str = "view") -> Case:
    """The case if the actor is a party to it (NotFound otherwise, hiding it), with the read audited."""
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise NotFound(f"case {case_id!r} does not exist", field="case_id")
    case = db.session.scalar(visible_cases(actor).where(Case.id == case_id))
    audit_append(actor, "read_case", f"case:{case_id}", case_id=case_id if case else None,
                 category=_category(actor), outcome="ok" if case else "not_found", purpose=purpose)
    db.session.commit()
    if case is None:
        raise NotFound(f"case {case_id} does not exist", field="case_id")
    return case


def record_listing(actor: Actor, case_ids: list[int], purpose: str = "list") -> None:
    """Record that a list of cases was read through the actor's view (one entry for the page)."""
    audit_append(actor, "list_cases", "cases", category=_category(actor), purpose=purpose,
                 detail={"case_ids": case_ids})
    db.session.commit()


def _category(actor: Actor) -> str:
    return "clinical" if view_for(actor) is View.CLINICAL else "functional"


def is_clinical_reader(actor: Actor) -> bool:
    """The actor reads cases through the clinical view (everyone but the employer)."""
    return view_for(actor) is View.CLINICAL


def current_version(case_id: int) -> int:
    """The case's version as the database has it now (a command's answer carries it as the ETag)."""
    db.session.expire_all()
    return db.session.get(Case, case_id).version


def fresh_case(case_id: int) -> Case:
    """The case as the database has it now, for a command's answer (the command checked the party)."""
    db.session.expire_all()
    return db.session.get(Case, case_id)


def forget() -> None:
    """Drop what the request's session holds: after a refused command, the next read starts afresh."""
    db.session.rollback()
