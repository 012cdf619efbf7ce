"""OAuth 2.0 scopes, one per capability, and which scopes each role may ever hold."""

from ..domain.actors import Role
from ..domain.permissions import COMMAND_ROLES

CASES_READ = "cases:read"

# each write scope covers the commands of one capability; the roles that may hold it are
# derived from the domain's own command table, so a scope can never grant what the role cannot do
SCOPE_COMMANDS: dict[str, tuple[str, ...]] = {
    "cases:write": ("open_case", "request_clearance", "update_pregnancy", "discharge_case", "close_case",
                    "reassign_case", "invite_worker"),
    "clearances:write": ("record_clearance",),
    "sessions:write": ("record_baseline", "start_program", "log_session", "resume_program"),
    "reviews:write": ("submit_weekly_review",),
    "authorizations:write": ("request_authorization", "decide_authorization", "supply_information",
                             "appeal_authorization"),
    "restrictions:write": ("issue_restrictions",),
    "duty:write": ("propose_duty_offer", "check_duty_offer", "respond_to_duty_offer", "withdraw_duty_offer"),
    "milestones:write": ("start_milestone", "confirm_milestone", "report_setback"),
    "followups:write": ("record_follow_up", "answer_follow_up"),
    "documents:write": ("add_document",),
    "signatures:write": ("sign_program_plan", "sign_rtw_plan"),
    "reports:write": ("report_symptoms", "report_missed_session", "review_worker_report"),
}

SCOPE_DESCRIPTIONS: dict[str, str] = {
    CASES_READ: "See the cases your organisation takes part in, as your role may see them",
    "cases:write": "Open, discharge, close and reassign cases; invite the worker; request clearances; update "
                   "pregnancy status",
    "clearances:write": "Record medical clearances",
    "sessions:write": "Record baselines, start and resume programs, log treatment sessions",
    "reviews:write": "Submit weekly progress reviews",
    "authorizations:write": "Request, decide or appeal authorizations of sessions; supply what an insurer asks for",
    "restrictions:write": "Issue work restrictions",
    "duty:write": "Propose, check, answer or withdraw modified-duty offers",
    "milestones:write": "Start and confirm return-to-work milestones; report setbacks",
    "followups:write": "Record follow-ups after discharge",
    "documents:write": "Add documents to a case (an employer: its job descriptions and signed offers)",
    "signatures:write": "Sign the program plan or the return-to-work plan",
    "reports:write": "Report symptoms or a missed session between sessions (the worker); review a red flag",
}

ALL_SCOPES: tuple[str, ...] = (CASES_READ, *SCOPE_COMMANDS)

# scopes that write clinical information: never for an employer or an insurer
CLINICAL_WRITE_SCOPES = frozenset({
    "cases:write", "clearances:write", "sessions:write", "reviews:write", "restrictions:write", "followups:write",
    "reports:write",
})


def _roles_of(scope: str) -> frozenset[Role]:
    """Roles that may run at least one command the scope covers (the flows' SYSTEM actor excluded)."""
    return frozenset().union(*(COMMAND_ROLES[c] for c in SCOPE_COMMANDS[scope])) - {Role.SYSTEM}


# every party may read its own cases (the policy module narrows what each sees)
ROLE_SCOPES: dict[Role, frozenset[str]] = {
    role: frozenset({CASES_READ} | {s for s in SCOPE_COMMANDS if role in _roles_of(s)})
    for role in Role if role is not Role.SYSTEM
}


def scopes_for_role(role: Role | str) -> frozenset[str]:
    """Every scope a client or user of this role may ever hold (none for an unknown role)."""
    try:
        return ROLE_SCOPES.get(Role(role), frozenset())
    except ValueError:
        return frozenset()


def allowed_subset(role: Role | str, requested: list[str] | tuple[str, ...]) -> list[str]:
    """The requested scopes this role may hold, in the order asked, without duplicates."""
    allowed = scopes_for_role(role)
    return list(dict.fromkeys(s for s in requested if s in allowed))


def scope_for_command(command: str) -> str:
    """The write scope an API call needs to run a domain command (KeyError for an unknown one)."""
    for scope, commands in SCOPE_COMMANDS.items():
        if command in commands:
            return scope
    raise KeyError(command)


def describe(scopes: list[str]) -> list[tuple[str, str]]:
    """Each scope with its description in words, for the consent page."""
    return [(s, SCOPE_DESCRIPTIONS.get(s, s)) for s in scopes]
