"""The weekly review: readiness per demand, attendance, gains against MCIDs, a recommendation."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .demands import Frequency, JobDemand, TaskKind
from .errors import InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason
from .pregnancy import DEFAULT_PREGNANCY_POLICY, PregnancyPlan, PregnancyPolicy, pregnancy_plan
from .progression import (DEFAULT_PROGRESSION_POLICY, DeloadCheck, ProgressionPolicy,
                          ProgressSignals, deload_check, one_demand_per_task)
from .scales import require_non_negative, require_rating, require_rpe


class Recommendation(StrEnum):
    """What the review recommends for next week."""

    PROGRESS = "progress"
    HOLD = "hold"
    DELOAD = "deload"
    PAUSE = "pause"
    DISCHARGE = "discharge"


_NOT_PROGRESSING = {
    Recommendation.HOLD: "the review holds next week's targets",
    Recommendation.DELOAD: "the review calls for a deload",
    Recommendation.PAUSE: "the review pauses the program",
    Recommendation.DISCHARGE: "the review recommends discharge",
}


def check_override(recommendation: "Recommendation", override, paused: bool = False) -> None:
    """An override only raises targets that progress: refused, with the reason, rather than silently dropped."""
    if override is None:
        return
    if paused:
        raise RuleViolation("the override cannot be applied: the case is paused until the physician reassesses it",
                            field="override")
    if Recommendation(recommendation) in _NOT_PROGRESSING:
        raise RuleViolation(f"the override cannot be applied: {_NOT_PROGRESSING[Recommendation(recommendation)]}",
                            field="override")


def week_end(program_start: date, week: int) -> date:
    """The last day of a program week (week 1 starts on the program's first day)."""
    from datetime import timedelta

    return program_start + timedelta(days=7 * week - 1)


def check_review_date(program_start: date, week: int, reviewed_on: date, today: date) -> None:
    """A week is reviewed once it has ended: on its last day or later, and never in the future."""
    if reviewed_on > today:
        raise InvalidValue("a review cannot be dated in the future", field="reviewed_on")
    last = week_end(program_start, week)
    if reviewed_on < last:
        raise InvalidValue(f"week {week} ends on {last}: review it on or after that day", field="reviewed_on")


def unresolved_flags(sessions: Iterable[tuple[date, Sequence[Reason]]], reassessed_on: date | None) -> tuple[Reason, ...]:
    """The red flags of a week's sessions that no reassessment has dealt with yet (a flag before the physician's
    reassessment paused the case once already; progression resumes after it)."""
    return tuple(flag for held_on, flags in sessions
                 if reassessed_on is None or held_on > reassessed_on for flag in flags)


class Measure(StrEnum):
    """Measures besides per-demand capacity; the value names the field of Measures."""

    GRIP_STRENGTH = "grip_strength_kg"
    SIX_MINUTE_WALK = "six_minute_walk_m"
    PAIN = "pain"
    FEAR_OF_REINJURY = "fear_of_reinjury"


# for these a drop is the improvement
LOWER_IS_BETTER = frozenset({Measure.PAIN, Measure.FEAR_OF_REINJURY})


@dataclass(frozen=True)
class ReviewPolicy:
    """Attendance threshold, minimal clinically important differences and the plateau rule."""

    ref: PolicyRef = PolicyRef(
        "weekly-review", "2026.1",
        "[src] pain NPRS MCID 2 points: Farrar et al., Pain 2001;94:149-58; [src] grip strength "
        "MCID 6.5 kg: Bohannon, J Phys Ther Sci 2019;31:75-8; [src] six-minute walk MCID 30 m: "
        "Bohannon & Crouch, J Eval Clin Pract 2017;23:377-81; [design] fear of re-injury 2 points "
        "(as for pain), capacity 5 % (half the weekly step), attendance 80 %, plateau after 2 "
        "reviews; [seed] recommendation rules",
    )
    min_attendance: float = 0.8
    pain_mcid: float = 2.0
    grip_mcid_kg: float = 6.5
    six_minute_walk_mcid_m: float = 30.0
    fear_mcid: float = 2.0
    # relative to the earlier capacity, so a worker who keeps to the 10 % step never plateaus
    capacity_mcid_pct: float = 5.0
    plateau_reviews: int = 2

    def mcid(self, measure: Measure) -> float:
        """The minimal clinically important difference of `measure`."""
        return {Measure.GRIP_STRENGTH: self.grip_mcid_kg, Measure.PAIN: self.pain_mcid,
                Measure.SIX_MINUTE_WALK: self.six_minute_walk_mcid_m,
                Measure.FEAR_OF_REINJURY: self.fear_mcid}[Measure(measure)]


DEFAULT_REVIEW_POLICY = ReviewPolicy()


@dataclass(frozen=True, kw_only=True)
class Measures:
    """One set of measures: the baseline test or a weekly review (capacity at the job frequency)."""

    capacities: dict[TaskKind, float]
    grip_strength_kg: float | None = None
    six_minute_walk_m: float | None = None
    pain: float | None = None
    fear_of_reinjury: float | None = None
    fatigue: float | None = None
    rpe: float | None = None

    def __post_init__(self):
        caps = {TaskKind(t): require_non_negative(v, field="capacities", what=f"capacity for {t}")
                for t, v in self.capacities.items()}
        object.__setattr__(self, "capacities", caps)
        for name in ("grip_strength_kg", "six_minute_walk_m"):
            if getattr(self, name) is not None:
                require_non_negative(getattr(self, name), field=name, what=name.replace("_", " "))
        for name in ("pain", "fear_of_reinjury", "fatigue"):
            if getattr(self, name) is not None:
                require_rating(getattr(self, name), field=name, what=name.replace("_", " "))
        if self.rpe is not None:
            require_rpe(self.rpe)


@dataclass(frozen=True, kw_only=True)
class WeekRecord:
    """This week: its measures, attendance, soreness and any red flags from sessions."""

    measures: Measures
    sessions_attended: int
    sessions_scheduled: int
    soreness_hours: float = 0.0
    red_flags: tuple[Reason, ...] = ()
    week_ending: date | None = None

    def __post_init__(self):
        require_non_negative(self.sessions_scheduled, field="sessions_scheduled",
                             what="sessions scheduled")
        require_non_negative(self.sessions_attended, field="sessions_attended",
                             what="sessions attended")
        if self.sessions_attended > self.sessions_scheduled:
            raise InvalidValue("more sessions attended than scheduled", field="sessions_attended")
        require_non_negative(self.soreness_hours, field="soreness_hours", what="soreness hours")
        object.__setattr__(self, "red_flags", tuple(self.red_flags))


@dataclass(frozen=True)
class DemandProgress:
    """One job demand: capacity, readiness (capacity / demand), gains in % of the earlier value."""

    task: TaskKind
    frequency: Frequency
    critical: bool
    demand: float
    capacity: float
    readiness: float | None
    ready: bool
    gain_since_baseline_pct: float | None
    gain_since_last_pct: float | None
    plateau: bool


@dataclass(frozen=True)
class MeasureGain:
    """One measure's change, signed so that a positive gain is an improvement."""

    measure: Measure
    baseline: float | None
    current: float | None
    since_baseline: float | None
    since_last: float | None
    mcid: float
    meaningful_since_baseline: bool | None
    meaningful_since_last: bool | None
    plateau: bool


@dataclass(frozen=True)
class WeeklyReviewResult:
    """Everything the review computed, its recommendation and why."""

    recommendation: Recommendation
    demands: tuple[DemandProgress, ...]
    gains: tuple[MeasureGain, ...]
    attendance: float | None
    ready_for_job: bool
    plateau: bool
    deload: DeloadCheck
    red_flags: tuple[Reason, ...]
    pregnancy_plan: PregnancyPlan | None
    week_ending: date | None
    reasons: tuple[Reason, ...]
    policy: PolicyRef
    progression_policy: PolicyRef


def review_week(demands: Iterable[JobDemand], baseline: Measures, previous: Sequence[Measures],
                week: WeekRecord, policy: ReviewPolicy = DEFAULT_REVIEW_POLICY,
                progression_policy: ProgressionPolicy = DEFAULT_PROGRESSION_POLICY,
                gestation_weeks: float | None = None,
                pregnancy_policy: PregnancyPolicy = DEFAULT_PREGNANCY_POLICY) -> WeeklyReviewResult:
    """Review a week against the job (previous reviews oldest first) and recommend the next step."""
    demands = one_demand_per_task(demands)
    series = (baseline, *previous, week.measures)
    progress = tuple(_demand_progress(d, series, policy) for d in _measured(demands, series))
    gains = tuple(_measure_gain(m, series, policy) for m in Measure)
    attendance = _attendance(week)
    check = deload_check(ProgressSignals(soreness_hours=week.soreness_hours,
                                         fatigue=week.measures.fatigue,
                                         rpe_at_target=week.measures.rpe), progression_policy)
    critical = [p for p in progress if p.critical]
    ready = bool(critical) and all(p.ready for p in critical)
    stalled = [p for p in progress if p.critical and not p.ready]
    plateau = bool(stalled) and all(p.plateau for p in stalled)
    recommendation, reasons = _recommend(week, ready, plateau, check, attendance, policy)
    plan = None if gestation_weeks is None else pregnancy_plan(gestation_weeks, pregnancy_policy)
    return WeeklyReviewResult(recommendation, progress, gains, attendance, ready, plateau, check,
                              week.red_flags, plan, week.week_ending, reasons, policy.ref,
                              progression_policy.ref)


def _measured(demands: tuple[JobDemand, ...], series: Sequence[Measures]) -> list[JobDemand]:
    # a critical demand must be measured at baseline and this week; others only when they were
    baseline, current = series[0], series[-1]
    for d in demands:
        for name, measures in (("baseline", baseline), ("this week's measures", current)):
            if d.critical and d.task not in measures.capacities:
                raise InvalidValue(f"no capacity for {d.task} in {name}", field="capacities")
    return [d for d in demands if d.task in baseline.capacities and d.task in current.capacities]


def _demand_progress(demand: JobDemand, series: Sequence[Measures],
                     policy: ReviewPolicy) -> DemandProgress:
    values = [m.capacities.get(demand.task) for m in series]
    capacity = values[-1]
    readiness = round(capacity / demand.amount, 3) if demand.amount else None
    gains = [_pct_gain(a, b) for a, b in zip(values, values[1:])]
    plateau = _plateaued(gains, lambda g: g is None or g >= policy.capacity_mcid_pct, policy)
    return DemandProgress(demand.task, demand.frequency, demand.critical, demand.amount, capacity,
                          readiness, capacity >= demand.amount, _pct_gain(values[0], capacity),
                          gains[-1] if gains else None, plateau)


def _pct_gain(earlier: float | None, later: float | None) -> float | None:
    # None when unknown or rising from zero (no percentage); treated as meaningful, never a plateau
    if earlier is None or later is None or (earlier == 0 and later > 0):
        return None
    return 0.0 if earlier == 0 else round((later - earlier) / earlier * 100, 2)


def _plateaued(gains: Sequence, meaningful, policy: ReviewPolicy) -> bool:
    """Plateau when each of the last `plateau_reviews` gains is below the MCID."""
    recent = list(gains)[-policy.plateau_reviews:]
    return len(recent) == policy.plateau_reviews and not any(meaningful(g) for g in recent)


def _measure_gain(measure: Measure, series: Sequence[Measures],
                  policy: ReviewPolicy) -> MeasureGain:
    values = [getattr(m, measure.value) for m in series]
    sign = -1 if measure in LOWER_IS_BETTER else 1
    gains = [None if a is None or b is None else round(sign * (b - a), 3)
             for a, b in zip(values, values[1:])]
    mcid = policy.mcid(measure)
    since_base = None if values[0] is None or values[-1] is None else round(
        sign * (values[-1] - values[0]), 3)
    since_last = gains[-1] if gains else None
    plateau = _plateaued(gains, lambda g: g is None or g >= mcid, policy)
    return MeasureGain(measure, values[0], values[-1], since_base, since_last, mcid,
                       None if since_base is None else since_base >= mcid,
                       None if since_last is None else since_last >= mcid, plateau)


def _attendance(week: WeekRecord) -> float | None:
    if week.sessions_scheduled == 0:
        return None
    return round(week.sessions_attended / week.sessions_scheduled, 3)


def _recommend(week: WeekRecord, ready: bool, plateau: bool, check: DeloadCheck,
               attendance: float | None,
               policy: ReviewPolicy) -> tuple[Recommendation, tuple[Reason, ...]]:
    """The first finding in priority order decides; the reasons keep every finding."""
    findings = _findings(week, ready, plateau, check, attendance, policy)
    if not findings:
        return Recommendation.PROGRESS, (reason("progress", "no red flag, deload signal, plateau "
                                                "or attendance problem: progress the targets"),)
    return findings[0][0], tuple(r for _, why in findings for r in why)


def _findings(week: WeekRecord, ready: bool, plateau: bool, check: DeloadCheck,
              attendance: float | None,
              policy: ReviewPolicy) -> list[tuple[Recommendation, tuple[Reason, ...]]]:
    # priority: pause, then discharge (ready or plateau), then deload, then hold
    found = []
    if week.red_flags:
        found.append((Recommendation.PAUSE, (reason("red_flag_this_week", "a red flag occurred "
                      "this week: pause until the physician reassesses"), *week.red_flags)))
    if ready:
        found.append((Recommendation.DISCHARGE, (reason("ready_for_job", "every critical demand "
                      "is met (readiness >= 1): ready for the job"),)))
    if plateau:
        found.append((Recommendation.DISCHARGE, (reason("plateau", "gains below the MCID over "
                      f"{policy.plateau_reviews} consecutive reviews: the program is no longer "
                      "productive"),)))
    if check.deload:
        found.append((Recommendation.DELOAD, check.reasons))
    if attendance is not None and attendance < policy.min_attendance:
        found.append((Recommendation.HOLD, (reason("attendance_low", f"attendance {attendance:.0%} "
                      f"is below {policy.min_attendance:.0%}: hold the targets"),)))
    return found


def progress_report(result: WeeklyReviewResult) -> dict:
    """A plain summary of the review for the insurer and the physician (clinical content)."""
    return {
        "week_ending": result.week_ending.isoformat() if result.week_ending else None,
        "recommendation": str(result.recommendation),
        "ready_for_job": result.ready_for_job,
        "plateau": result.plateau,
        "attendance": result.attendance,
        "demands": [_demand_summary(p) for p in result.demands],
        "measures": [{"measure": str(g.measure), "baseline": g.baseline, "current": g.current,
                      "since_baseline": g.since_baseline, "since_last": g.since_last,
                      "mcid": g.mcid, "meaningful_since_baseline": g.meaningful_since_baseline}
                     for g in result.gains],
        "red_flags": [r.text for r in result.red_flags],
        "reasons": [{"code": r.code, "text": r.text} for r in result.reasons],
        "policies": [str(result.policy), str(result.progression_policy)],
    }


def _demand_summary(p: DemandProgress) -> Mapping[str, object]:
    return {"task": str(p.task), "frequency": str(p.frequency), "critical": p.critical,
            "demand": p.demand, "capacity": p.capacity, "readiness": p.readiness,
            "ready": p.ready, "gain_since_baseline_pct": p.gain_since_baseline_pct,
            "gain_since_last_pct": p.gain_since_last_pct, "plateau": p.plateau}
