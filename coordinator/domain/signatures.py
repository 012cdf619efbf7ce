"""Signatures on the papers of a case: which papers are signed and by whom, what exactly each contains (so that
a signature names the version it was given to), when it is due, and whether it still holds.

A signature is a typed name, the time, the signer's account and the SHA-256 of the paper's exact content; the
paper changing afterwards (new restrictions in the return-to-work plan, a new goal) leaves the signature void and
asks for it again."""

import hashlib
import json
from datetime import date
from enum import StrEnum

from .actors import Role
from .disclosure import FUNCTIONAL_PAPERS as DISCLOSED_PAPERS
from .calendar import add_business_days
from .errors import InvalidValue
from .milestones import DEFAULT_LADDER_POLICY
from .policies import PolicyRef

SIGNATURE_POLICY = PolicyRef(
    "signatures", "2026.1",
    "[src] the program plan with measurable goals is signed by provider and patient; the return-to-work plan by "
    "employee, supervisor and doctor (DOMAIN.md sections 4 and 8); [design] each signature is due within 5 "
    "business days of the paper")
DUE_BUSINESS_DAYS = 5


class Paper(StrEnum):
    """A paper of the case that its parties sign."""

    PROGRAM_PLAN = "program_plan"     # the goals (the job's critical demands) and the schedule
    RTW_PLAN = "rtw_plan"             # the accepted modified duty, the restrictions it keeps to, the ladder


# who signs each paper, in the order the paper lists them
SIGNERS: dict[Paper, tuple[Role, ...]] = {
    Paper.PROGRAM_PLAN: (Role.WORKER, Role.THERAPIST),
    Paper.RTW_PLAN: (Role.WORKER, Role.EMPLOYER, Role.PHYSICIAN),
}

TITLES = {Paper.PROGRAM_PLAN: "Program plan", Paper.RTW_PLAN: "Return-to-work plan"}

# the employer signs the return-to-work plan, so it reads it (functional terms only); the program plan stays
# between the worker and the clinic (the minimum-necessary rule's own list: domain/disclosure.py)
FUNCTIONAL_PAPERS = frozenset(Paper(p) for p in DISCLOSED_PAPERS)


def readable(paper: str, clinical_reader: bool) -> bool:
    """A reader of this view may read the paper."""
    return clinical_reader or paper in FUNCTIONAL_PAPERS


def program_plan(*, goal: str, targets: list[dict], starts_on: date, hours_per_day: float | None,
                 days_per_week: int | None) -> dict:
    """The program plan's content: the return-to-work goal, each critical demand of the job as a target, and
    when and how much the worker attends."""
    return {"paper": str(Paper.PROGRAM_PLAN), "goal": goal,
            "targets": [{"task": t["task"], "amount": t["amount"], "frequency": t["frequency"]} for t in targets],
            "schedule": {"starts_on": starts_on.isoformat(), "hours_per_day": hours_per_day,
                         "days_per_week": days_per_week, "reviewed": "weekly"}}


def rtw_plan(*, goal: str, offer: dict, restriction_version: int | None) -> dict:
    """The return-to-work plan's content: the goal, the modified duty accepted (its round's terms), the version
    of the restrictions it keeps to, and the ladder of hours up to full duty."""
    terms = {k: offer[k] for k in ("round", "tasks", "hours_per_day", "schedule", "location", "start_date")}
    return {"paper": str(Paper.RTW_PLAN), "goal": goal, "duty": terms, "restriction_version": restriction_version,
            "ladder": [*DEFAULT_LADDER_POLICY.modified_hours, "full duty"]}


def content_hash(content: dict) -> str:
    """The SHA-256 of a paper's content in one canonical form (keys sorted, no spaces, dates as ISO text)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def due_on(since: date, holidays=()) -> date:
    """The day a signature of a paper that exists from `since` is due."""
    return add_business_days(since, DUE_BUSINESS_DAYS, holidays)


def still_to_sign(paper: Paper, signed: set[Role] | frozenset[Role]) -> tuple[Role, ...]:
    """The signers of the paper whose signature of its current version is missing."""
    return tuple(role for role in SIGNERS[paper] if role not in signed)


def typed_name(value: str) -> str:
    """The name as the signer typed it; InvalidValue for an empty or implausible one."""
    text = " ".join((value or "").split())
    if len(text) < 2 or len(text) > 200 or not any(c.isalpha() for c in text):
        raise InvalidValue("type your full name to sign", field="typed_name")
    return text
