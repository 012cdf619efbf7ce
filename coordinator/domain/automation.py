"""Automatic steps: what the flows do on a case without a human decision, and when to look again."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .actions import ActionKind, CaseFacts, PendingAction, continuation_due_now
from .catalogue import refusal
from .discharge import DEFAULT_FOLLOW_UP_POLICY
from .policies import PolicyRef, Reason, reason
from .stages import Stage

ACTIVE_STAGES = (Stage.CLEARANCE, Stage.AUTHORIZATION, Stage.PROGRAM, Stage.PAUSED, Stage.RETURN_TO_WORK)
CONTINUATION_STAGES = (Stage.PROGRAM, Stage.PAUSED, Stage.RETURN_TO_WORK)


class StepKind(StrEnum):
    """Steps a flow takes on its own, each one service call."""

    REQUEST_CLEARANCE = "request_clearance"
    CHECK_PREGNANCY_PLAN = "check_pregnancy_plan"
    REQUEST_AUTHORIZATION = "request_authorization"
    START_PROGRAM = "start_program"
    REQUEST_CONTINUATION = "request_continuation"


# the catalogue's command (and kind) each step runs; the weekly pregnancy check changes no case state
STEP_COMMANDS: dict[StepKind, tuple[str, str | None]] = {
    StepKind.REQUEST_CLEARANCE: ("request_clearance", "request"),
    StepKind.REQUEST_AUTHORIZATION: ("request_authorization", "initial"),
    StepKind.START_PROGRAM: ("start_program", None),
    StepKind.REQUEST_CONTINUATION: ("request_authorization", "continuation"),
}


@dataclass(frozen=True)
class AutomationPolicy:
    """How often the flows look again, and how early a follow-up task opens."""

    ref: PolicyRef = PolicyRef(
        "automation", "2026.1",
        "[design] pregnancy plan re-checked weekly [src: ACOG Committee Opinion 804, exercise in pregnancy, "
        "re-evaluated as gestation advances]; follow-up task opens 7 days before it is due; "
        "an overdue task escalates to the case manager the day after its due date",
    )
    pregnancy_recheck_days: int = 7
    follow_up_lead_days: int = 7


DEFAULT_AUTOMATION_POLICY = AutomationPolicy()


@dataclass(frozen=True)
class AutomaticStep:
    """One step due now, with the date it acts for and why."""

    kind: StepKind
    on: date
    reason: Reason


def automatic_steps(f: CaseFacts, today: date,
                    policy: AutomationPolicy = DEFAULT_AUTOMATION_POLICY) -> list[AutomaticStep]:
    """Every automatic step due on the case today, in the order the case moves through them."""
    stage, steps = Stage(f.stage), []
    if stage is Stage.INTAKE and f.eligible:
        steps.append(AutomaticStep(StepKind.REQUEST_CLEARANCE, today,
                                   reason("screened_eligible", "the referral passed screening: ask for clearance")))
    if f.pregnant and stage in ACTIVE_STAGES and (
            f.pregnancy_checked_on is None
            or today >= f.pregnancy_checked_on + timedelta(days=policy.pregnancy_recheck_days)):
        steps.append(AutomaticStep(StepKind.CHECK_PREGNANCY_PLAN, today,
                                   reason("pregnancy_recheck", "the pregnancy plan is re-checked every week")))
    if (stage is Stage.CLEARANCE and not f.missing_clearances and not f.pending_authorization
            and f.authorized_until is None):
        # the block starts as soon as the insurer approves it: no authorized day is left idle
        steps.append(AutomaticStep(StepKind.REQUEST_AUTHORIZATION, today,
                                   reason("clearances_in", "every clearance is in: request the initial "
                                                           "authorization with the intake packet")))
    if (stage is Stage.AUTHORIZATION and not f.pending_authorization and f.baseline_recorded
            and f.authorized_from and f.authorized_until and f.authorized_from <= today <= f.authorized_until):
        steps.append(AutomaticStep(StepKind.START_PROGRAM, today,
                                   reason("authorized", "authorized and baselined: week 1 starts")))
    if continuation_due_now(f, today):   # never after a denial, a pend, a pause or a discharge recommendation
        steps.append(AutomaticStep(StepKind.REQUEST_CONTINUATION, f.authorized_until + timedelta(days=1),
                                   reason("continuation_due", f"the authorization ends {f.authorized_until}: "
                                                              "request a continuation with the progress report")))
    # a step is a command the flows run as the system: the catalogue must allow it on the case as it stands
    return [step for step in steps if _allowed(step.kind, f)]


def _allowed(kind: StepKind, f: CaseFacts) -> bool:
    """The catalogue lets the system run the step's command now (a step with no command always may)."""
    if kind not in STEP_COMMANDS:
        return True
    command, command_kind = STEP_COMMANDS[kind]
    return not refusal(command, f, kind=command_kind)


def task_opens(action: PendingAction, today: date, policy: AutomationPolicy = DEFAULT_AUTOMATION_POLICY) -> bool:
    """Whether a pending action is a task to hand to its party now (a follow-up opens shortly before it is due)."""
    if action.kind is ActionKind.FOLLOW_UP:
        return today >= action.due - timedelta(days=policy.follow_up_lead_days)
    return True


def must_escalate(due: date, today: date) -> bool:
    """Every task past its due date escalates to the case manager."""
    return today > due


def next_check(f: CaseFacts, actions: list[PendingAction], today: date,
               policy: AutomationPolicy = DEFAULT_AUTOMATION_POLICY) -> date | None:
    """The first day after today on which time alone changes what is due on the case; None when nothing will."""
    stage, days = Stage(f.stage), []
    days += [a.due + timedelta(days=1) for a in actions]                   # escalation
    days += [a.due - timedelta(days=policy.follow_up_lead_days) for a in actions if a.kind is ActionKind.FOLLOW_UP]
    if f.worker_joined:   # the worker is asked for their answer from a fortnight before each follow-up is due
        days += [due - timedelta(days=DEFAULT_FOLLOW_UP_POLICY.answer_opens_days_before) for _, due in f.follow_ups_due]
    if f.program_started_on and stage in CONTINUATION_STAGES:
        weeks_done = (today - f.program_started_on).days // 7
        days.append(f.program_started_on + timedelta(days=7 * (weeks_done + 1)))  # the next week's end
    if f.continuation_prepare_from and stage in CONTINUATION_STAGES:
        days.append(f.continuation_prepare_from)
    if stage is Stage.AUTHORIZATION and f.authorized_from:
        days.append(f.authorized_from)
    if f.clearance_asked_again_on:
        days.append(f.clearance_asked_again_on)                             # a deferred clearance is asked for
    if f.pregnant and stage in ACTIVE_STAGES and f.pregnancy_checked_on:
        days.append(f.pregnancy_checked_on + timedelta(days=policy.pregnancy_recheck_days))
    future = [d for d in days if d > today]
    return min(future) if future else None
