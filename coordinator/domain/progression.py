"""Week-by-week load targets per job demand: small steps, a hard ceiling, deloads, resuming."""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .demands import JobDemand, TaskKind
from .errors import InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason
from .scales import require_non_negative, require_rating, require_rpe

# percentages are compared after rounding, so 20 kg -> 22 kg counts as exactly 10 %
_PCT_DIGITS = 6


@dataclass(frozen=True)
class ProgressionPolicy:
    """How fast targets rise and when they drop instead."""

    ref: PolicyRef = PolicyRef(
        "graded-load-progression", "2026.1",
        "[seed] product brief (10 % weekly step, 20 % hard ceiling with a logged override, deload "
        "on soreness > 48 h, high fatigue or RPE >= 17 at target); [src] ACSM Position Stand, "
        "Progression models in resistance training, Med Sci Sports Exerc 2009;41:687-708 "
        "(2-10 % load increases); [design] fatigue high from 7/10, deload 10 %, week 1 at 80 % "
        "of baseline, targets rounded down to 0.1",
    )
    step_pct: float = 10.0
    hard_ceiling_pct: float = 20.0
    soreness_limit_hours: float = 48.0
    high_fatigue_from: float = 7.0
    deload_rpe_from: int = 17
    deload_pct: float = 10.0
    # "week 1 light": the first targets sit below the measured baseline
    week_one_fraction: float = 0.8
    resolution: float = 0.1


DEFAULT_PROGRESSION_POLICY = ProgressionPolicy()


@dataclass(frozen=True, kw_only=True)
class ProgressSignals:
    """How the worker tolerated this week's targets (fatigue on a 0-10 scale, 10 = exhausted)."""

    soreness_hours: float = 0.0
    fatigue: float | None = None
    rpe_at_target: float | None = None

    def __post_init__(self):
        require_non_negative(self.soreness_hours, field="soreness_hours", what="soreness hours")
        if self.fatigue is not None:
            require_rating(self.fatigue, field="fatigue", what="fatigue")
        if self.rpe_at_target is not None:
            require_rpe(self.rpe_at_target, field="rpe_at_target")


@dataclass(frozen=True)
class DeloadCheck:
    """Whether next week's targets must drop, and why."""

    deload: bool
    reasons: tuple[Reason, ...]
    policy: PolicyRef


@dataclass(frozen=True)
class StepOverride:
    """A therapist's logged reason to raise targets by more than the default step."""

    step_pct: float
    reason: str
    logged_by: str = ""

    def __post_init__(self):
        if isinstance(self.step_pct, bool) or not self.step_pct > 0:
            raise InvalidValue("an override step must be a positive percentage", field="step_pct")
        if not (self.reason or "").strip():
            raise InvalidValue("an override needs a reason", field="reason")


@dataclass(frozen=True)
class TargetDecision:
    """One demand's target for next week, against the previous one."""

    task: TaskKind
    previous: float
    next: float
    change_pct: float | None
    reasons: tuple[Reason, ...]
    policy: PolicyRef
    override_reason: str | None = None


@dataclass(frozen=True)
class ResumeDecision:
    """Targets to resume at after a pause: one phase back."""

    targets: dict[TaskKind, float]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def deload_check(signals: ProgressSignals,
                 policy: ProgressionPolicy = DEFAULT_PROGRESSION_POLICY) -> DeloadCheck:
    """Deload when soreness lasts beyond 48 h, fatigue is high, or RPE at target is 17 or more."""
    reasons = []
    if signals.soreness_hours > policy.soreness_limit_hours:
        reasons.append(reason("soreness_persists", f"soreness lasted {signals.soreness_hours:g} h "
                              f"(beyond {policy.soreness_limit_hours:g} h)"))
    if signals.fatigue is not None and signals.fatigue >= policy.high_fatigue_from:
        reasons.append(reason("fatigue_high", f"fatigue {signals.fatigue:g}/10 is high "
                              f"(from {policy.high_fatigue_from:g})"))
    if signals.rpe_at_target is not None and signals.rpe_at_target >= policy.deload_rpe_from:
        reasons.append(reason("rpe_at_target_high", f"RPE {signals.rpe_at_target:g} at target "
                              f"load (deload from {policy.deload_rpe_from})"))
    return DeloadCheck(bool(reasons), tuple(reasons), policy.ref)


def week_one_targets(demands: Iterable[JobDemand], baseline: Mapping[TaskKind, float],
                     policy: ProgressionPolicy = DEFAULT_PROGRESSION_POLICY,
                     ceilings: Mapping[TaskKind, float] | None = None,
                     ) -> tuple[TargetDecision, ...]:
    """Week 1 is light: a fraction of the baseline capacity, never above the job or a ceiling."""
    demands = one_demand_per_task(demands)
    decisions = []
    for demand in demands:
        base = _amount(baseline, demand.task, "baseline")
        raw = base * policy.week_one_fraction
        why = reason("week_one_light", f"week 1 at {policy.week_one_fraction:.0%} of the baseline "
                     f"{base:g}")
        decisions.append(_decide(demand, base, raw, (why,), ceilings, policy))
    return tuple(decisions)


def next_week_targets(demands: Iterable[JobDemand], current: Mapping[TaskKind, float],
                      signals: ProgressSignals,
                      policy: ProgressionPolicy = DEFAULT_PROGRESSION_POLICY,
                      override: StepOverride | None = None,
                      ceilings: Mapping[TaskKind, float] | None = None,
                      ) -> tuple[TargetDecision, ...]:
    """Raise each target by the step (or a logged override up to 20 %), or drop it on deload."""
    demands = one_demand_per_task(demands)
    if override is not None and _rounded(override.step_pct) > policy.hard_ceiling_pct:
        raise RuleViolation(f"a step of {override.step_pct:g} % is above the hard ceiling of "
                            f"{policy.hard_ceiling_pct:g} %, even with an override",
                            field="step_pct")
    check = deload_check(signals, policy)
    factor, why, logged = _weekly_factor(check, override, policy)
    decisions = []
    for demand in demands:
        previous = _amount(current, demand.task, "current_targets")
        decision = _decide(demand, previous, previous * factor, why, ceilings, policy)
        decisions.append(_with_override(decision, logged, policy))
    return tuple(decisions)


def _weekly_factor(check: DeloadCheck, override: StepOverride | None,
                   policy: ProgressionPolicy) -> tuple[float, tuple[Reason, ...], str | None]:
    if check.deload:
        dropped = reason("deload", f"next week's target drops by {policy.deload_pct:g} %")
        ignored = (reason("override_not_applied", "the override is not applied during a deload"),
                   ) if override else ()
        return 1 - policy.deload_pct / 100, (*check.reasons, dropped, *ignored), None
    if override is not None:
        why = reason("override_step", f"step of {override.step_pct:g} % by override: "
                     f"{override.reason.strip()}")
        return 1 + override.step_pct / 100, (why,), override.reason.strip()
    rise = reason("step", f"target rises by {policy.step_pct:g} %")
    return 1 + policy.step_pct / 100, (rise,), None


def _with_override(decision: TargetDecision, logged: str | None,
                   policy: ProgressionPolicy) -> TargetDecision:
    # only a rise beyond the default step actually uses the override
    if logged is None or decision.change_pct is None or decision.change_pct <= policy.step_pct:
        return decision
    return TargetDecision(decision.task, decision.previous, decision.next, decision.change_pct,
                          decision.reasons, decision.policy, logged)


def check_target_step(demand: JobDemand, previous: float, proposed: float,
                      policy: ProgressionPolicy = DEFAULT_PROGRESSION_POLICY,
                      override_reason: str | None = None,
                      ceiling: float | None = None) -> TargetDecision:
    """Accept a therapist's proposed target or raise RuleViolation (above 10 % needs a reason)."""
    require_non_negative(previous, field="previous", what="the previous target")
    require_non_negative(proposed, field="proposed", what="the proposed target")
    _require_within_caps(demand, proposed, ceiling)
    pct = _change_pct(previous, proposed)
    if pct is None:
        raise RuleViolation("a target cannot step up from 0; set week-1 targets from a baseline",
                            field="proposed")
    if pct <= policy.step_pct:
        why = reason("within_step", f"change of {pct:g} % is within the {policy.step_pct:g} % step")
        return TargetDecision(demand.task, previous, proposed, pct, (why,), policy.ref)
    return _overridden_step(demand, previous, proposed, pct, override_reason, policy)


def _overridden_step(demand: JobDemand, previous: float, proposed: float, pct: float,
                     override_reason: str | None, policy: ProgressionPolicy) -> TargetDecision:
    if pct > policy.hard_ceiling_pct:
        raise RuleViolation(f"a rise of {pct:g} % is above the hard ceiling of "
                            f"{policy.hard_ceiling_pct:g} %, even with an override",
                            field="proposed")
    logged = (override_reason or "").strip()
    if not logged:
        raise RuleViolation(f"a rise of {pct:g} % is above the {policy.step_pct:g} % step and "
                            "needs a logged override reason", field="override_reason")
    why = reason("override_step", f"rise of {pct:g} % by override: {logged}")
    return TargetDecision(demand.task, previous, proposed, pct, (why,), policy.ref, logged)


def _require_within_caps(demand: JobDemand, proposed: float, ceiling: float | None) -> None:
    if proposed > demand.amount:
        raise RuleViolation(f"a target of {proposed:g} is above the job demand of "
                            f"{demand.amount:g} {demand.unit}", field="proposed")
    if ceiling is not None and proposed > ceiling:
        raise RuleViolation(f"a target of {proposed:g} is above the ceiling of {ceiling:g}",
                            field="proposed")


def resume_after_pause(target_history: Sequence[Mapping[TaskKind, float]],
                       policy: ProgressionPolicy = DEFAULT_PROGRESSION_POLICY) -> ResumeDecision:
    """Resume one phase back: the targets of the week before the pause (oldest week first)."""
    if not target_history:
        raise InvalidValue("no targets to resume from", field="target_history")
    if len(target_history) == 1:
        why = reason("resume_first_week", "paused in the first week: resume at its targets")
        return ResumeDecision(dict(target_history[0]), (why,), policy.ref)
    why = reason("resume_previous_phase", "resume at the targets of the week before the pause")
    return ResumeDecision(dict(target_history[-2]), (why,), policy.ref)


def _decide(demand: JobDemand, previous: float, raw: float, why: tuple[Reason, ...],
            ceilings: Mapping[TaskKind, float] | None, policy: ProgressionPolicy) -> TargetDecision:
    target, capped = _floor(raw, policy.resolution), ()
    if target > demand.amount:
        target, capped = demand.amount, (reason("capped_at_job_demand", f"capped at the job "
                                                f"demand of {demand.amount:g} {demand.unit}"),)
    ceiling = (ceilings or {}).get(demand.task)
    if ceiling is not None and target > ceiling:
        target, capped = ceiling, (reason("capped_at_ceiling", f"capped at the ceiling of "
                                          f"{ceiling:g} (pregnancy or restriction)"),)
    return TargetDecision(demand.task, previous, target, _change_pct(previous, target),
                          (*why, *capped), policy.ref)


def one_demand_per_task(demands: Iterable[JobDemand]) -> tuple[JobDemand, ...]:
    """The demands as a tuple; InvalidValue when two share a task kind (targets are per task)."""
    demands = tuple(demands)
    tasks = [d.task for d in demands]
    if len(set(tasks)) != len(tasks):
        raise InvalidValue("targets are kept per task kind: give one demand per task",
                           field="demands")
    return demands


def _amount(values: Mapping[TaskKind, float], task: TaskKind, field: str) -> float:
    if task not in values:
        raise InvalidValue(f"no {field.replace('_', ' ')} value for {task}", field=field)
    return require_non_negative(values[task], field=field, what=f"the value for {task}")


def _floor(value: float, resolution: float) -> float:
    # rounding down keeps a rounded step from ever exceeding the allowed percentage
    return round(math.floor(value / resolution + 1e-9) * resolution, _PCT_DIGITS)


def _rounded(pct: float) -> float:
    return round(pct, _PCT_DIGITS)


def _change_pct(previous: float, new: float) -> float | None:
    if previous == 0:
        return 0.0 if new == 0 else None
    return _rounded((new - previous) / previous * 100)
