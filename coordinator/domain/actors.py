"""Who acts on a case: parties, roles and the actor every command carries."""

from dataclasses import dataclass
from enum import StrEnum


class OrgKind(StrEnum):
    """Kinds of organisation taking part in a case."""

    CLINIC = "clinic"
    EMPLOYER = "employer"
    INSURER = "insurer"
    PHYSICIAN_PRACTICE = "physician_practice"


class Role(StrEnum):
    """What a person (or system) does in the coordinator."""

    THERAPIST = "therapist"
    CASE_MANAGER = "case_manager"
    PHYSICIAN = "physician"
    EMPLOYER = "employer"
    INSURER = "insurer"
    ADMIN = "admin"
    WORKER = "worker"     # the injured worker: invited by the clinic to their own case(s), of no organisation
    SYSTEM = "system"


# which organisation kind each role belongs to (a worker belongs to none: their cases make them a party)
ROLE_ORG_KIND = {
    Role.THERAPIST: OrgKind.CLINIC,
    Role.CASE_MANAGER: OrgKind.CLINIC,
    Role.ADMIN: OrgKind.CLINIC,
    Role.PHYSICIAN: OrgKind.PHYSICIAN_PRACTICE,
    Role.EMPLOYER: OrgKind.EMPLOYER,
    Role.INSURER: OrgKind.INSURER,
}

CLINICIANS = frozenset({Role.THERAPIST, Role.PHYSICIAN})


@dataclass(frozen=True)
class Actor:
    """The person or system behind a command: user id, role and organisation."""

    user_id: int | None
    role: Role
    org_id: int | None = None

    @property
    def label(self) -> str:
        """Short text for timelines and logs."""
        return f"{self.role}#{self.user_id}" if self.user_id else str(self.role)


SYSTEM = Actor(user_id=None, role=Role.SYSTEM)
