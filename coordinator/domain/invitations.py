"""Inviting the worker to their own portal: how long a link holds, what state an invitation is in, and which
addresses may receive one."""

import re
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import InvalidValue, RuleViolation
from .policies import PolicyRef

INVITATION_POLICY = PolicyRef(
    "worker-invitation", "2026.1",
    "[design] a link the clinic sends from the case; it holds 72 hours and is used once; a new invitation "
    "withdraws the one before it")
VALID_FOR = timedelta(hours=72)

# one @, no spaces, a dot in the domain: enough to catch a typo; the e-mail itself proves the address
_ADDRESS = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


class InvitationState(StrEnum):
    """Where an invitation stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class InvitationRefused(RuleViolation):
    """The link may not be used (used, expired, withdrawn or unknown); the message says why in plain words."""

    code = "invitation_refused"


# what the person who opens the link reads, by state
REFUSALS = {
    InvitationState.ACCEPTED: "This invitation has already been used. Sign in with the e-mail and password you "
                              "chose, or ask the clinic for a new invitation.",
    InvitationState.EXPIRED: "This invitation has expired (a link holds 72 hours). Ask the clinic to send you a "
                             "new one.",
    InvitationState.WITHDRAWN: "This invitation was replaced by a newer one. Use the link in the clinic's latest "
                               "e-mail.",
}
UNKNOWN = "This invitation link is not valid. Check that you copied the whole link, or ask the clinic for a new one."


def expires_at(sent_at: datetime) -> datetime:
    """When an invitation sent at `sent_at` stops holding."""
    return sent_at + VALID_FOR


def state_of(*, expires: datetime, accepted_at: datetime | None, withdrawn_at: datetime | None,
             now: datetime) -> InvitationState:
    """The invitation's state at `now` (used, then withdrawn, then expired: the first that applies)."""
    if accepted_at is not None:
        return InvitationState.ACCEPTED
    if withdrawn_at is not None:
        return InvitationState.WITHDRAWN
    return InvitationState.EXPIRED if now >= expires else InvitationState.OPEN


def require_open(state: InvitationState) -> None:
    """Raise InvitationRefused, saying why, unless the invitation may be accepted now."""
    if state is not InvitationState.OPEN:
        raise InvitationRefused(REFUSALS[state], field="token")


def address(value: str) -> str:
    """The e-mail address as it is stored (trimmed, lower case); InvalidValue for one that cannot be an address."""
    text = (value or "").strip().lower()
    if len(text) > 254 or not _ADDRESS.fullmatch(text):
        raise InvalidValue("enter the worker's e-mail address, like name@example.com", field="email")
    return text
