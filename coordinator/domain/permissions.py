"""Who may run which command on a case: a role table plus the actor's place on the case."""

from dataclasses import dataclass

from .actors import Actor, Role
from .catalogue import CATALOGUE
from .errors import DomainError


class NotPermitted(DomainError):
    """The actor's role or party may not run this command on this case."""

    code = "forbidden"


@dataclass(frozen=True)
class CaseParties:
    """The organisations and people on a case, as the permission rules need them."""

    clinic_id: int
    employer_id: int
    insurer_id: int
    physician_id: int
    therapist_id: int | None = None
    worker_id: int | None = None


CLINIC_STAFF = frozenset({Role.THERAPIST, Role.CASE_MANAGER})
# commands and the roles that may issue them (SYSTEM is the flows' actor), as the catalogue lists them
COMMAND_ROLES: dict[str, frozenset[Role]] = {c.name: c.roles for c in CATALOGUE}


def is_on_case(actor: Actor, parties: CaseParties) -> bool:
    """True when the actor belongs to the party the role represents on this case."""
    role = Role(actor.role)
    if role is Role.SYSTEM:
        return True
    if role is Role.PHYSICIAN:
        return actor.user_id == parties.physician_id
    if role is Role.WORKER:
        return actor.user_id is not None and actor.user_id == parties.worker_id
    party_of_role = {
        Role.THERAPIST: parties.clinic_id, Role.CASE_MANAGER: parties.clinic_id,
        Role.ADMIN: parties.clinic_id, Role.EMPLOYER: parties.employer_id,
        Role.INSURER: parties.insurer_id,
    }
    return actor.org_id is not None and actor.org_id == party_of_role.get(role)


def can(actor: Actor, command: str, parties: CaseParties | None = None) -> bool:
    """True when the actor's role may run `command` and, given a case, the actor is on it."""
    if Role(actor.role) not in COMMAND_ROLES[command]:
        return False
    return parties is None or is_on_case(actor, parties)


def require(actor: Actor, command: str, parties: CaseParties | None = None) -> None:
    """Raise NotPermitted unless `can(actor, command, parties)`."""
    if Role(actor.role) not in COMMAND_ROLES[command]:
        raise NotPermitted(f"a {actor.role} may not {command.replace('_', ' ')}")
    if parties is not None and not is_on_case(actor, parties):
        raise NotPermitted(f"{actor.label} is not a party to this case")
