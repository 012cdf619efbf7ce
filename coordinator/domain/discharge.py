"""Discharge from the program and the follow-ups that must be recorded before the case closes."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_months
from .errors import InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason

DISCHARGE_RULES = PolicyRef(
    "discharge", "2026.1",
    "[seed] discharge when full duty is confirmed, or when the program ends without it",
)


class DischargeOutcome(StrEnum):
    """How the program ended."""

    FULL_DUTY = "full_duty"
    MODIFIED_DUTY = "modified_duty"
    NOT_RETURNED = "not_returned"   # the program ended without a return to work


@dataclass(frozen=True)
class DischargeAssessment:
    """Whether the case may be discharged now, and with which outcome."""

    ready: bool
    outcome: DischargeOutcome | None
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def _derived_outcome(full_duty_confirmed: bool, modified_duty_confirmed: bool,
                     program_ended: bool) -> tuple[DischargeOutcome | None, Reason]:
    """The outcome the milestones support, or None while the program still runs."""
    if full_duty_confirmed:
        return DischargeOutcome.FULL_DUTY, reason("full_duty_confirmed", "the employer confirmed full duty")
    if not program_ended:
        return None, reason("program_running", "full duty is not confirmed and the program is still running")
    if modified_duty_confirmed:
        return DischargeOutcome.MODIFIED_DUTY, reason("ended_on_modified_duty",
                                                      "the program ended with the worker on modified duty")
    return DischargeOutcome.NOT_RETURNED, reason("ended_without_return", "the program ended without a return to work")


def _refuse_unsupported(outcome: DischargeOutcome, supported: DischargeOutcome | None) -> None:
    """A recorded outcome must be the one the confirmed milestones support."""
    if outcome is supported:
        return
    if outcome is DischargeOutcome.FULL_DUTY:
        message = "a full-duty discharge needs the full-duty milestone confirmed by the employer"
    elif supported is None:
        message = f"cannot discharge as {outcome} while the program is still running"
    else:
        message = f"the confirmed milestones support a discharge as {supported}, not {outcome}"
    raise RuleViolation(message, field="outcome")


def assess_discharge(
    full_duty_confirmed: bool,
    modified_duty_confirmed: bool,
    program_ended: bool,
    outcome: DischargeOutcome | str | None = None,
) -> DischargeAssessment:
    """Discharge once full duty is confirmed or the program ended; a stated outcome must match."""
    supported, why = _derived_outcome(full_duty_confirmed, modified_duty_confirmed, program_ended)
    if outcome is not None:
        try:
            outcome = DischargeOutcome(outcome)
        except ValueError:
            raise InvalidValue(f"unknown discharge outcome '{outcome}'", field="outcome") from None
        _refuse_unsupported(outcome, supported)
    return DischargeAssessment(supported is not None, supported, (why,), DISCHARGE_RULES)


# -- follow-ups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpPolicy:
    """When to follow a worker up after discharge, in months."""

    ref: PolicyRef = PolicyRef("follow-up", "2026.1", "[seed] follow-ups at 3 and 6 months after discharge")
    months_after_discharge: tuple[int, ...] = (3, 6)   # [seed]
    answer_opens_days_before: int = 14                   # [design] the worker is asked two weeks before it is due

    def __post_init__(self):
        months = tuple(self.months_after_discharge)
        object.__setattr__(self, "months_after_discharge", months)
        valid = all(isinstance(m, int) and not isinstance(m, bool) and m >= 1 for m in months)
        if not months or not valid or list(months) != sorted(set(months)):
            raise InvalidValue("follow-ups are at least one, at rising whole months from 1",
                               field="months_after_discharge")


DEFAULT_FOLLOW_UP_POLICY = FollowUpPolicy()


class WorkStatus(StrEnum):
    """The worker's status at a follow-up."""

    FULL_DUTY = "full_duty"
    MODIFIED_DUTY = "modified_duty"
    OFF_WORK = "off_work"


@dataclass(frozen=True)
class FollowUp:
    """A scheduled follow-up; once recorded it carries the work status and any recurrence."""

    discharge_date: date
    months_after: int
    due_on: date
    recorded_on: date | None = None
    work_status: WorkStatus | None = None
    recurrence: bool = False
    notes: str = ""

    def __post_init__(self):
        if self.due_on <= self.discharge_date:
            raise InvalidValue("a follow-up falls due after the discharge", field="due_on")
        if self.recorded_on is not None and self.recorded_on < self.discharge_date:
            raise InvalidValue(f"a follow-up cannot be recorded on {self.recorded_on}, before the "
                               f"discharge on {self.discharge_date}", field="recorded_on")
        if self.work_status is not None:
            object.__setattr__(self, "work_status", _work_status(self.work_status))
        if self.recorded_on is not None and self.work_status is None:
            raise InvalidValue("a recorded follow-up states the work status", field="work_status")

    @property
    def recorded(self) -> bool:
        """True once the follow-up has been recorded."""
        return self.recorded_on is not None


def _work_status(value) -> WorkStatus:
    """Coerce a work status, raising InvalidValue for unknown values."""
    try:
        return WorkStatus(value)
    except ValueError:
        raise InvalidValue(f"unknown work status '{value}'", field="work_status") from None


def follow_up_schedule(discharge_date: date, policy: FollowUpPolicy = DEFAULT_FOLLOW_UP_POLICY, *,
                       treated: bool = True) -> tuple[FollowUp, ...]:
    """The follow-ups to schedule at discharge, each N months later (clamped to month end); none for a worker the
    program never treated (a case closed after a refused clearance has no outcome to follow)."""
    if not treated:
        return ()
    return tuple(FollowUp(discharge_date, m, add_months(discharge_date, m)) for m in policy.months_after_discharge)


def open_for_answer(due_on: date, today: date, policy: FollowUpPolicy = DEFAULT_FOLLOW_UP_POLICY) -> bool:
    """The worker may answer a follow-up from two weeks before its due date."""
    return today >= due_on - timedelta(days=policy.answer_opens_days_before)


def record_follow_up(follow_up: FollowUp, recorded_on: date, work_status: WorkStatus | str,
                     recurrence: bool, notes: str = "") -> FollowUp:
    """Record a scheduled follow-up; never before its discharge date, and only once."""
    if follow_up.recorded:
        raise RuleViolation(f"the {follow_up.months_after}-month follow-up is already recorded", field="recorded_on")
    if not isinstance(recurrence, bool):
        raise InvalidValue("recurrence is yes or no", field="recurrence")
    return replace(follow_up, recorded_on=recorded_on, work_status=_work_status(work_status),
                   recurrence=recurrence, notes=notes)


@dataclass(frozen=True)
class ClosureCheck:
    """Whether the case can close: every scheduled follow-up is recorded."""

    can_close: bool
    outstanding: tuple[FollowUp, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def case_can_close(follow_ups: Iterable[FollowUp], policy: FollowUpPolicy = DEFAULT_FOLLOW_UP_POLICY, *,
                   treated: bool = True) -> ClosureCheck:
    """True when follow-ups were scheduled and every one of them is recorded; a worker the program never treated
    has none to wait for."""
    follow_ups = tuple(follow_ups)
    if not follow_ups and not treated:
        why = reason("never_treated", "the program never started: no follow-up is due")
        return ClosureCheck(True, (), (why,), policy.ref)
    if not follow_ups:
        why = reason("no_follow_up_scheduled", "no follow-up is scheduled yet")
        return ClosureCheck(False, (), (why,), policy.ref)
    outstanding = tuple(f for f in follow_ups if not f.recorded)
    reasons = tuple(reason("follow_up_outstanding", f"the {f.months_after}-month follow-up due {f.due_on} "
                           "is not recorded") for f in outstanding)
    if not outstanding:
        reasons = (reason("follow_ups_recorded", "every scheduled follow-up is recorded"),)
    return ClosureCheck(not outstanding, outstanding, reasons, policy.ref)
