"""The one access policy: which cases an actor sees and through which view (what a view holds is the domain's
minimum-necessary rule; the reads themselves, and their audit, are the read side's: services/queries/)."""

from enum import StrEnum

from sqlalchemy import Select, false, select, true

from .domain.actors import Actor, Role
from .models import Authorization, Case


class View(StrEnum):
    """How much of a case a party may see (DOMAIN.md section 1)."""

    CLINICAL = "clinical"      # clinic, physician, insurer: everything, claim-related
    FUNCTIONAL = "functional"  # employer: work status, restrictions, capacities, offers, milestones
    OWN = "own"                # the worker: their own clinical data, without other parties' internal notes


CLINIC_ROLES = frozenset({Role.THERAPIST, Role.CASE_MANAGER, Role.ADMIN})


def case_scope(actor: Actor, of=Case):
    """The SQL condition selecting exactly the cases the actor is a party to; `of`: Case, or a table that keeps
    its case's parties under the same names (the stored pending actions)."""
    role = Role(actor.role)
    if role is Role.SYSTEM:
        return true()
    if role is Role.PHYSICIAN:
        return of.physician_id == actor.user_id
    if role is Role.WORKER:
        # the worker's own cases; a table without the worker's column (the stored actions) holds none of theirs
        worker = getattr(of, "worker_id", None)
        return false() if worker is None or actor.user_id is None else worker == actor.user_id
    column = {Role.EMPLOYER: of.employer_id, Role.INSURER: of.insurer_id}.get(
        role, of.clinic_id if role in CLINIC_ROLES else None)
    if column is None or actor.org_id is None:
        return false()
    return column == actor.org_id


def request_scope(actor: Actor):
    """The SQL condition selecting the authorization requests of the actor's cases, by the parties each request
    keeps (its case's clinic and insurer): the clinic's staff and the insurer; nobody else reads requests so."""
    role = Role(actor.role)
    column = Authorization.insurer_id if role is Role.INSURER else (
        Authorization.clinic_id if role in CLINIC_ROLES else None)
    if column is None or actor.org_id is None:
        return false()
    return column == actor.org_id


def visible_cases(actor: Actor) -> Select:
    """A select of the actor's cases; every list and lookup of cases starts here."""
    return select(Case).where(case_scope(actor))


def view_for(actor: Actor) -> View:
    """The employer sees functional information only; the worker their own view; every other party the
    clinical view."""
    role = Role(actor.role)
    return View.FUNCTIONAL if role is Role.EMPLOYER else View.OWN if role is Role.WORKER else View.CLINICAL
