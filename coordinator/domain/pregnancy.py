"""The exercise plan for a pregnant worker (ACOG Committee Opinion 804; NIOSH lifting limits)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from .demands import FALL_RISK_TASKS, Frequency, TaskKind
from .policies import PolicyRef, Reason, reason
from .scales import MonitorBy, require_gestation, require_non_negative
from .symptoms import GENERAL_RED_FLAGS, PREGNANCY_WARNING_SIGNS, Symptom

# NIOSH provisional recommended weight limits for lifting in pregnancy (MacDonald et al. 2013):
# the best-case lifting zone (load close to the body, between knuckle and mid-thigh height).
# "infrequent" is read as occasional, "repetitive < 1 h/day" as frequent, "repetitive >= 1 h/day"
# as constant.
_NIOSH_BEFORE_20_WEEKS_KG = {Frequency.OCCASIONAL: 16.0, Frequency.FREQUENT: 13.6,
                             Frequency.CONSTANT: 8.2}
_NIOSH_FROM_20_WEEKS_KG = {Frequency.OCCASIONAL: 11.8, Frequency.FREQUENT: 9.1,
                           Frequency.CONSTANT: 5.9}


@dataclass(frozen=True)
class PregnancyPolicy:
    """Exercise limits in pregnancy; replaceable by the obstetrician's or payer's own."""

    ref: PolicyRef = PolicyRef(
        "pregnancy-exercise", "2026.1",
        "[src] ACOG Committee Opinion 804, Physical Activity and Exercise During Pregnancy and the "
        "Postpartum Period (2020); [src] MacDonald LA et al., Clinical guidelines for occupational "
        "lifting in pregnancy, Am J Obstet Gynecol 2013;209(2):80-88 (NIOSH provisional limits)",
    )
    # "somewhat hard"; heart rate responds unreliably in pregnancy, so RPE is what is watched
    rpe_ceiling: int = 14
    second_trimester_from_week: int = 14
    third_trimester_from_week: int = 28
    lift_limits_drop_from_week: int = 20
    lift_limits_early_kg: dict[Frequency, float] = field(
        default_factory=lambda: dict(_NIOSH_BEFORE_20_WEEKS_KG))
    lift_limits_late_kg: dict[Frequency, float] = field(
        default_factory=lambda: dict(_NIOSH_FROM_20_WEEKS_KG))
    # falls harm mother and fetus; the NIOSH guidance also advises against overhead lifting
    avoid_tasks: frozenset[TaskKind] = FALL_RISK_TASKS | {TaskKind.LIFT_OVERHEAD}
    recheck_every_days: int = 7
    warning_signs: frozenset[Symptom] = PREGNANCY_WARNING_SIGNS | GENERAL_RED_FLAGS


DEFAULT_PREGNANCY_POLICY = PregnancyPolicy()


@dataclass(frozen=True)
class PregnancyPlan:
    """What a pregnant worker may do at this gestation, and what to watch for."""

    gestation_weeks: float
    trimester: int
    rpe_ceiling: int
    monitor_by: MonitorBy
    no_supine_work: bool
    avoid_tasks: frozenset[TaskKind]
    lift_limits_kg: dict[Frequency, float]
    warning_signs: frozenset[Symptom]
    recheck_every_days: int
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def trimester(gestation_weeks: float, policy: PregnancyPolicy = DEFAULT_PREGNANCY_POLICY) -> int:
    """1, 2 or 3; week 13 is still the first trimester, week 14 starts the second."""
    require_gestation(gestation_weeks)
    if gestation_weeks >= policy.third_trimester_from_week:
        return 3
    return 2 if gestation_weeks >= policy.second_trimester_from_week else 1


def pregnancy_plan(gestation_weeks: float,
                   policy: PregnancyPolicy = DEFAULT_PREGNANCY_POLICY) -> PregnancyPlan:
    """The plan at `gestation_weeks`: RPE cap, supine and fall-risk rules, lift limits, warnings."""
    stage = trimester(gestation_weeks, policy)
    late = gestation_weeks >= policy.lift_limits_drop_from_week
    limits = dict(policy.lift_limits_late_kg if late else policy.lift_limits_early_kg)
    no_supine = stage > 1
    reasons = (
        reason("pregnancy_rpe_ceiling", f"intensity capped at RPE {policy.rpe_ceiling} "
               "('somewhat hard') and monitored by RPE, not heart rate (ACOG 804)"),
        _supine_reason(no_supine),
        reason("pregnancy_avoid_tasks", "avoid " + ", ".join(sorted(policy.avoid_tasks))
               + ": fall risk or overhead lifting"),
        reason("pregnancy_lift_limits", _lift_text(gestation_weeks, late, limits, policy)),
        reason("pregnancy_recheck", f"re-check the plan every {policy.recheck_every_days} days "
               "as gestation advances"),
    )
    return PregnancyPlan(gestation_weeks, stage, policy.rpe_ceiling, MonitorBy.RPE, no_supine,
                         frozenset(policy.avoid_tasks), limits, frozenset(policy.warning_signs),
                         policy.recheck_every_days, reasons, policy.ref)


def _supine_reason(no_supine: bool) -> Reason:
    if no_supine:
        return reason("no_supine_work", "after the first trimester no work lying on the back "
                      "(supine position can compress the vena cava)")
    return reason("supine_allowed", "first trimester: supine work still allowed")


def _lift_text(weeks: float, late: bool, limits: dict[Frequency, float],
               policy: PregnancyPolicy) -> str:
    period = (f"from week {policy.lift_limits_drop_from_week}" if late
              else f"before week {policy.lift_limits_drop_from_week}")
    figures = ", ".join(f"{freq} {kg:g} kg" for freq, kg in limits.items())
    return (f"week {weeks:g} ({period}): lift limits {figures} (NIOSH provisional limits, "
            "MacDonald 2013); lift from above mid-shin only")


def next_recheck(plan_date: date, policy: PregnancyPolicy = DEFAULT_PREGNANCY_POLICY) -> date:
    """When the plan made on `plan_date` must be re-checked (weekly by default)."""
    return plan_date + timedelta(days=policy.recheck_every_days)


def gestation_on(day: date, weeks_recorded: float, recorded_on: date) -> float:
    """Gestation in weeks on `day`, advanced from the weeks recorded on `recorded_on`."""
    require_gestation(weeks_recorded, field="weeks_recorded")
    require_non_negative((day - recorded_on).days, field="day",
                         what="days since the gestation was recorded")
    weeks = weeks_recorded + (day - recorded_on).days / 7
    return require_gestation(round(weeks, 4))
