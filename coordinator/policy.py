"""The one access policy: which cases an actor sees, through which view, and which commands it may run."""

from enum import StrEnum

from sqlalchemy import Select, false, select, true

from .audit import append as audit_append
from .domain.actors import Actor, Role
from .domain.disclosure import FUNCTIONAL_ACTIONS  # noqa: F401  (re-exported for the views)
from .domain.permissions import COMMAND_ROLES, can
from .extensions import db
from .models import Case
from .services.unit_of_work import NotFound, parties_of


class View(StrEnum):
    """How much of a case a party may see (DOMAIN.md section 1)."""

    CLINICAL = "clinical"      # worker, clinic, physician, insurer: everything, claim-related
    FUNCTIONAL = "functional"  # employer: work status, restrictions, capacities, offers, milestones


CLINIC_ROLES = frozenset({Role.THERAPIST, Role.CASE_MANAGER, Role.ADMIN})


def case_scope(actor: Actor):
    """The SQL condition selecting exactly the cases the actor is a party to."""
    role = Role(actor.role)
    if role is Role.SYSTEM:
        return true()
    if role is Role.PHYSICIAN:
        return Case.physician_id == actor.user_id
    column = {Role.EMPLOYER: Case.employer_id, Role.INSURER: Case.insurer_id}.get(
        role, Case.clinic_id if role in CLINIC_ROLES else None)
    if column is None or actor.org_id is None:
        return false()
    return column == actor.org_id


def visible_cases(actor: Actor) -> Select:
    """A select of the actor's cases; every list and lookup of cases starts here."""
    return select(Case).where(case_scope(actor))


def view_for(actor: Actor) -> View:
    """The employer sees functional information only; every other party the clinical view."""
    return View.FUNCTIONAL if Role(actor.role) is Role.EMPLOYER else View.CLINICAL


def read_case(actor: Actor, case_id: int, purpose: str = "view") -> Case:
    """The case if the actor is a party to it (NotFound otherwise, hiding it), with the read audited."""
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise NotFound(f"case {case_id!r} does not exist", field="case_id")
    case = db.session.scalar(visible_cases(actor).where(Case.id == case_id))
    view = view_for(actor)
    audit_append(actor, "read_case", f"case:{case_id}", case_id=case_id if case else None,
                 category="clinical" if view is View.CLINICAL else "functional",
                 outcome="ok" if case else "not_found", purpose=purpose)
    db.session.commit()
    if case is None:
        raise NotFound(f"case {case_id} does not exist", field="case_id")
    return case


def audit_listing(actor: Actor, case_ids: list[int], purpose: str = "list") -> None:
    """Record that a list of cases was read through the actor's view (one entry for the page)."""
    view = view_for(actor)
    audit_append(actor, "list_cases", "cases", category="clinical" if view is View.CLINICAL else "functional",
                 purpose=purpose, detail={"case_ids": case_ids})
    db.session.commit()


def allowed_commands(actor: Actor, case: Case) -> list[str]:
    """Commands whose role rule admits the actor on this case (the service still checks the stage)."""
    parties = parties_of(case)
    return [name for name in COMMAND_ROLES if can(actor, name, parties)]
