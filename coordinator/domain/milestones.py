"""Graded return to work: a ladder of hours on modified duty up to full duty, gated by capacity."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import IllegalTransition, InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason

CONFIRMING_PARTY = "employer"   # the employer confirms each milestone at the worksite


@dataclass(frozen=True)
class LadderPolicy:
    """The rungs of hours per day on modified duty before full duty, and the readiness each needs."""

    ref: PolicyRef = PolicyRef(
        "rtw-ladder", "2026.1",
        "[src] graded return to work 4 -> 6 -> 8 h/day over about three weeks, then full duty; "
        "[design] readiness 0.75 for modified rungs, 1.0 for full duty",
    )
    modified_hours: tuple[float, ...] = (4.0, 6.0, 8.0)   # [src]
    days_per_rung: int = 7                                 # [src] about a week each
    modified_readiness: float = 0.75                       # [design] capacity / demand on modified duty
    full_duty_readiness: float = 1.0                       # [design] the whole demand

    def __post_init__(self):
        hours = tuple(self.modified_hours)
        object.__setattr__(self, "modified_hours", hours)
        if not hours or any(not 0 < h <= 24 for h in hours) or list(hours) != sorted(set(hours)):
            raise InvalidValue("modified-duty rungs are rising hours per day, each above 0 and at most 24",
                               field="modified_hours")
        if isinstance(self.days_per_rung, bool) or not isinstance(self.days_per_rung, int) or self.days_per_rung < 1:
            raise InvalidValue("a rung lasts at least one day", field="days_per_rung")
        if not 0 < self.modified_readiness <= self.full_duty_readiness:
            raise InvalidValue("modified-duty readiness is above 0 and at most the full-duty readiness",
                               field="modified_readiness")


DEFAULT_LADDER_POLICY = LadderPolicy()


class DutyKind(StrEnum):
    """Modified duty (a rung of the ladder) or full duty (the top)."""

    MODIFIED = "modified"
    FULL = "full"


@dataclass(frozen=True)
class Rung:
    """One milestone of the ladder, numbered from 1."""

    number: int
    hours_per_day: float
    duty: DutyKind
    planned_days: int   # 0 for full duty: it is the goal, not a step

    @property
    def is_full_duty(self) -> bool:
        """True for the top of the ladder."""
        return self.duty is DutyKind.FULL

    def __str__(self) -> str:
        return f"milestone {self.number} ({self.duty} duty, {self.hours_per_day:g} h/day)"


def ladder(policy: LadderPolicy = DEFAULT_LADDER_POLICY, shift_hours: float | None = None) -> tuple[Rung, ...]:
    """The rungs: modified duty at the policy's hours (up to the shift), then full duty at the shift."""
    if shift_hours is not None and not 0 < shift_hours <= 24:
        raise InvalidValue(f"shift hours must be above 0 and at most 24 (got {shift_hours!r})", field="shift_hours")
    full_hours = shift_hours if shift_hours is not None else policy.modified_hours[-1]
    hours = [h for h in policy.modified_hours if h <= full_hours]
    rungs = [Rung(i, h, DutyKind.MODIFIED, policy.days_per_rung) for i, h in enumerate(hours, start=1)]
    return tuple(rungs) + (Rung(len(rungs) + 1, full_hours, DutyKind.FULL, 0),)


def _numbers(rungs: Iterable[int | Rung]) -> frozenset[int]:
    """Rung numbers from rungs or numbers."""
    return frozenset(r.number if isinstance(r, Rung) else int(r) for r in rungs)


def next_milestone(confirmed_rungs: Iterable[int | Rung], policy: LadderPolicy = DEFAULT_LADDER_POLICY,
                   shift_hours: float | None = None) -> Rung | None:
    """The lowest rung not yet confirmed; None once full duty is confirmed (discharge-ready)."""
    confirmed = _numbers(confirmed_rungs)
    return next((r for r in ladder(policy, shift_hours) if r.number not in confirmed), None)


class MilestoneStatus(StrEnum):
    """Where one milestone stands."""

    PLANNED = "planned"
    STARTED = "started"
    CONFIRMED = "confirmed"        # by the employer at the worksite
    STEPPED_BACK = "stepped_back"  # after a setback; may be planned again


MILESTONE_TRANSITIONS: dict[MilestoneStatus, frozenset[MilestoneStatus]] = {
    MilestoneStatus.PLANNED: frozenset({MilestoneStatus.STARTED}),
    MilestoneStatus.STARTED: frozenset({MilestoneStatus.CONFIRMED, MilestoneStatus.STEPPED_BACK}),
    # a confirmed milestone can still be lost if the worker cannot sustain it
    MilestoneStatus.CONFIRMED: frozenset({MilestoneStatus.STEPPED_BACK}),
    MilestoneStatus.STEPPED_BACK: frozenset({MilestoneStatus.PLANNED, MilestoneStatus.STARTED}),
}


def transition_milestone(current: MilestoneStatus, target: MilestoneStatus) -> MilestoneStatus:
    """Return `target` if a milestone may move `current` -> `target`; IllegalTransition otherwise."""
    try:
        current, target = MilestoneStatus(current), MilestoneStatus(target)
    except ValueError as exc:
        raise InvalidValue(str(exc), field="status") from None
    if target not in MILESTONE_TRANSITIONS[current]:
        allowed = ", ".join(sorted(MILESTONE_TRANSITIONS[current])) or "none"
        raise IllegalTransition(f"a milestone that is '{current}' cannot become '{target}' (allowed: {allowed})",
                                field="status")
    return target


# -- the capacity gate -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneGate:
    """Whether a milestone may start, with a reason for each demand and for the hours."""

    may_start: bool
    rung: Rung
    required_readiness: float
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def required_readiness(rung: Rung, policy: LadderPolicy = DEFAULT_LADDER_POLICY) -> float:
    """The readiness every critical demand needs before the rung starts."""
    return policy.full_duty_readiness if rung.is_full_duty else policy.modified_readiness


def _readiness_checks(readiness: Mapping[str, float], needed: float, rung: Rung) -> list[tuple[bool, Reason]]:
    """One check per critical demand: its readiness against what the rung needs."""
    if not readiness:
        return [(False, reason("no_capacity_on_record", "the latest review shows no capacity per demand"))]
    checks = []
    for demand, value in sorted(readiness.items()):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise InvalidValue(f"readiness of '{demand}' must be zero or more (got {value!r})", field="readiness")
        ok = value >= needed
        text = f"{demand} readiness {value:.2f} {'meets' if ok else 'is below'} the {needed:.2f} needed"
        checks.append((ok, reason("demand_ready" if ok else "demand_not_ready", f"{text} for {rung.duty} duty")))
    return checks


def _hours_check(hours_tolerated: float | None, rung: Rung) -> tuple[bool, Reason]:
    """The hours a day the worker tolerates against the rung's hours."""
    if hours_tolerated is None:
        return False, reason("hours_not_on_record", "the latest review shows no hours tolerated per day")
    if not 0 <= hours_tolerated <= 24:
        raise InvalidValue(f"hours tolerated must be from 0 to 24 (got {hours_tolerated!r})",
                           field="hours_tolerated_per_day")
    text = f"tolerates {hours_tolerated:g} h/day; {rung} needs {rung.hours_per_day:g}"
    if hours_tolerated >= rung.hours_per_day:
        return True, reason("hours_tolerated", text)
    return False, reason("hours_short", text)


def _sequence_check(rung: Rung, confirmed_rungs: Iterable[int | Rung] | None) -> list[tuple[bool, Reason]]:
    """When the confirmed rungs are given, the rung below must be confirmed first."""
    if confirmed_rungs is None or rung.number == 1:
        return []
    if rung.number - 1 in _numbers(confirmed_rungs):
        return [(True, reason("previous_confirmed", f"milestone {rung.number - 1} is confirmed"))]
    return [(False, reason("previous_not_confirmed", f"milestone {rung.number - 1} is not confirmed yet"))]


def can_start_milestone(
    rung: Rung,
    readiness: Mapping[str, float],
    hours_tolerated_per_day: float | None,
    policy: LadderPolicy = DEFAULT_LADDER_POLICY,
    *,
    confirmed_rungs: Iterable[int | Rung] | None = None,
) -> MilestoneGate:
    """A milestone starts only when the latest review shows capacity for its hours and every critical demand.

    `readiness` maps each critical demand to capacity / demand from the latest review (1.0 = ready).
    """
    needed = required_readiness(rung, policy)
    checks = _sequence_check(rung, confirmed_rungs) + [_hours_check(hours_tolerated_per_day, rung)]
    checks += _readiness_checks(readiness, needed, rung)
    return MilestoneGate(all(ok for ok, _ in checks), rung, needed, tuple(r for _, r in checks), policy.ref)


# -- confirmation and setback ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneConfirmation:
    """The employer's confirmation of a started milestone."""

    rung: Rung
    status: MilestoneStatus
    confirmed_on: date
    discharge_ready: bool   # full duty confirmed
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def confirm(
    rung: Rung,
    status: MilestoneStatus,
    *,
    confirmed_by: str,
    started_on: date | None,
    confirmed_on: date,
    policy: LadderPolicy = DEFAULT_LADDER_POLICY,
) -> MilestoneConfirmation:
    """The employer confirms a milestone at the worksite, only after it started."""
    if str(confirmed_by) != CONFIRMING_PARTY:
        raise RuleViolation(f"only the employer confirms a milestone at the worksite, not '{confirmed_by}'",
                            field="confirmed_by")
    new_status = transition_milestone(status, MilestoneStatus.CONFIRMED)
    if started_on is None:
        raise RuleViolation(f"{rung} has no start date; it is confirmed only after it starts", field="started_on")
    if confirmed_on < started_on:
        raise InvalidValue(f"{rung} cannot be confirmed on {confirmed_on}, before it started on {started_on}",
                           field="confirmed_on")
    texts = [reason("milestone_confirmed", f"{rung} confirmed by the employer on {confirmed_on}")]
    if rung.is_full_duty:
        texts.append(reason("discharge_ready", "full duty confirmed: the case is ready for discharge"))
    return MilestoneConfirmation(rung, new_status, confirmed_on, rung.is_full_duty, tuple(texts), policy.ref)


@dataclass(frozen=True)
class Setback:
    """One step back down the ladder; from the first rung, back to the program."""

    from_rung: Rung
    to_rung: Rung | None
    back_to_program: bool
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def setback(current_rung: Rung, policy: LadderPolicy = DEFAULT_LADDER_POLICY,
            shift_hours: float | None = None) -> Setback:
    """Step back one milestone; below the first one the worker returns to the program."""
    rungs = ladder(policy, shift_hours)
    if current_rung not in rungs:
        raise InvalidValue(f"{current_rung} is not on this ladder", field="current_rung")
    if current_rung.number == 1:
        why = reason("back_to_program", f"setback on {current_rung}: back to the program")
        return Setback(current_rung, None, True, (why,), policy.ref)
    previous = rungs[current_rung.number - 2]
    why = reason("stepped_back", f"setback on {current_rung}: back to {previous}")
    return Setback(current_rung, previous, False, (why,), policy.ref)


def next_rung_ready(confirmed_rungs: Iterable[int | Rung], readiness: Mapping[str, float],
                    hours_tolerated_per_day: float | None, *, accepted_offer: bool,
                    shift_hours: float | None = None, policy: LadderPolicy = DEFAULT_LADDER_POLICY) -> bool:
    """True when the next rung may start now: its gate passes and, for modified duty, an offer was accepted."""
    rung = next_milestone(confirmed_rungs, policy, shift_hours)
    if rung is None or (not rung.is_full_duty and not accepted_offer):
        return False
    return can_start_milestone(rung, readiness, hours_tolerated_per_day, policy,
                               confirmed_rungs=confirmed_rungs).may_start
