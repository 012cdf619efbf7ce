"""One set of intensity limits from cardiology, pregnancy, beta-blockers and restrictions."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .clearance import CardiologyClearance
from .demands import FREQUENCY_ORDER, LIFT_TASKS, Frequency, JobDemand, TaskKind
from .errors import RuleViolation
from .policies import PolicyRef, Reason, reason
from .pregnancy import PregnancyPlan
from .scales import MonitorBy, require_non_negative


@dataclass(frozen=True)
class IntensityPolicy:
    """Limits applied when no clinician has set one."""

    ref: PolicyRef = PolicyRef(
        "exercise-intensity", "2026.1",
        "[src] ACSM's Guidelines for Exercise Testing and Prescription, 11th ed. (2021): "
        "beta-blockade blunts heart rate, so prescribe by RPE (12-16 in cardiac rehabilitation)",
    )
    beta_blocker_rpe_ceiling: int = 16


DEFAULT_INTENSITY_POLICY = IntensityPolicy()


@dataclass(frozen=True)
class IntensityLimits:
    """The limits a session must respect; None means no ceiling of that kind."""

    hr_ceiling: int | None
    rpe_ceiling: int | None
    monitor_by: MonitorBy
    lift_limits_kg: dict[Frequency, float] = field(default_factory=dict)
    avoid_tasks: frozenset[TaskKind] = frozenset()
    no_supine_work: bool = False
    reasons: tuple[Reason, ...] = ()
    policy: PolicyRef = DEFAULT_INTENSITY_POLICY.ref
    sources: tuple[PolicyRef, ...] = ()

    def ceiling_for(self, demand: JobDemand) -> float | None:
        """Highest target allowed for a demand: 0 for an avoided task, the lift limit for lifts."""
        if demand.task in self.avoid_tasks:
            return 0.0
        if demand.task in LIFT_TASKS:
            return self.lift_limits_kg.get(demand.frequency)
        return None

    def ceilings_for(self, demands: Iterable[JobDemand]) -> dict[TaskKind, float]:
        """Ceilings per task for the demands that have one (input for progression)."""
        ceilings = {d.task: self.ceiling_for(d) for d in demands}
        return {task: kg for task, kg in ceilings.items() if kg is not None}


NO_LIMITS = IntensityLimits(None, None, MonitorBy.RPE)


def intensity_limits(
    *, cardiology: CardiologyClearance | None = None, pregnancy: PregnancyPlan | None = None,
    obstetric_rpe_ceiling: int | None = None, beta_blockers: bool = False,
    restriction_lift_limits_kg: Mapping[Frequency, float] | None = None,
    restriction_avoid_tasks: Iterable[TaskKind] = (),
    policy: IntensityPolicy = DEFAULT_INTENSITY_POLICY,
) -> IntensityLimits:
    """Combine every source of limits, keeping the strictest of each kind."""
    if cardiology is not None and not cardiology.cleared:
        raise RuleViolation("the cardiologist has not cleared the worker for exercise",
                            field="cardiology")
    hr = cardiology.heart_rate_ceiling if cardiology else None
    rpe, rpe_reasons = _rpe_ceiling(cardiology, pregnancy, beta_blockers, policy, obstetric_rpe_ceiling)
    monitor_by, monitor_reason = _monitoring(hr, pregnancy, beta_blockers)
    lifts = _lift_limits(pregnancy, restriction_lift_limits_kg)
    avoid = frozenset(TaskKind(t) for t in restriction_avoid_tasks)
    reasons = (*_hr_reasons(hr), *rpe_reasons, monitor_reason)
    if pregnancy is None:
        return IntensityLimits(hr, rpe, monitor_by, lifts, avoid, False, reasons, policy.ref,
                               (policy.ref,))
    return IntensityLimits(hr, rpe, monitor_by, lifts, avoid | pregnancy.avoid_tasks,
                           pregnancy.no_supine_work, (*reasons, *pregnancy.reasons), policy.ref,
                           (policy.ref, pregnancy.policy))


def _hr_reasons(hr: int | None) -> tuple[Reason, ...]:
    if hr is None:
        return ()
    return (reason("cardiology_hr_ceiling", f"heart rate above {hr} bpm (cardiology ceiling) stops "
                   "the session"),)


def _rpe_ceiling(cardiology: CardiologyClearance | None, pregnancy: PregnancyPlan | None,
                 beta_blockers: bool,
                 policy: IntensityPolicy, obstetric: int | None = None) -> tuple[int | None, tuple[Reason, ...]]:
    # the lowest of every ceiling applies: policy caps and the specialists' own
    candidates = []
    if cardiology and cardiology.rpe_ceiling is not None:
        candidates.append((cardiology.rpe_ceiling, "the cardiologist's RPE ceiling"))
    if obstetric is not None:
        candidates.append((obstetric, "the obstetrician's RPE ceiling"))
    if pregnancy:
        candidates.append((pregnancy.rpe_ceiling, "the pregnancy RPE cap"))
    if beta_blockers:
        candidates.append((policy.beta_blocker_rpe_ceiling, "the RPE ceiling on beta-blockers"))
    if not candidates:
        return None, ()
    ceiling, source = min(candidates)
    return ceiling, (reason("rpe_ceiling", f"RPE ceiling {ceiling} ({source}, the strictest)"),)


def _monitoring(hr: int | None, pregnancy: PregnancyPlan | None,
                beta_blockers: bool) -> tuple[MonitorBy, Reason]:
    if beta_blockers:
        return MonitorBy.RPE, reason("monitor_by_rpe", "beta-blockers blunt the heart-rate "
                                     "response: monitor intensity by RPE")
    if pregnancy:
        return MonitorBy.RPE, reason("monitor_by_rpe", "in pregnancy heart rate is an unreliable "
                                     "guide: monitor intensity by RPE (ACOG 804)")
    if hr is not None:
        return MonitorBy.HEART_RATE, reason("monitor_by_heart_rate",
                                            "monitor intensity by heart rate against the ceiling")
    return MonitorBy.RPE, reason("monitor_by_rpe",
                                 "no heart-rate ceiling: monitor intensity by RPE")


def _lift_limits(pregnancy: PregnancyPlan | None,
                 restriction: Mapping[Frequency, float] | None) -> dict[Frequency, float]:
    limits: dict[Frequency, float] = {}
    for source in (pregnancy.lift_limits_kg if pregnancy else {}, restriction or {}):
        for freq, kg in source.items():
            require_non_negative(kg, field="lift_limits_kg", what="a lift limit")
            limits[Frequency(freq)] = min(kg, limits.get(Frequency(freq), kg))
    # a load allowed more often can never exceed one allowed less often
    ordered = sorted(limits, key=FREQUENCY_ORDER.__getitem__)
    for lighter, heavier in zip(ordered, ordered[1:]):
        limits[heavier] = min(limits[heavier], limits[lighter])
    return {freq: limits[freq] for freq in ordered}
