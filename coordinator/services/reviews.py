"""Weekly review: measures in, recommendation, readiness and next week's targets out."""

from datetime import date

from sqlalchemy import select

from ..domain.actors import Actor
from ..domain.errors import InvalidValue, RuleViolation
from ..domain.policies import Reason
from ..domain.progression import ProgressSignals, StepOverride, TargetDecision, next_week_targets
from ..domain.review import (Measures, Recommendation, WeekRecord, check_override, check_review_date, progress_report,
                             review_week, unresolved_flags)
from ..domain.stages import Stage
from ..extensions import db
from ..models import ProgramSession, WeeklyReview
from .limits import current_gestation, job_demands, limits_on
from .program import baseline_of, save_targets, targets_by_week
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, command, open_command, record



def _previous_measures(case_id: int, week: int) -> list[Measures]:
    """Measures of the earlier reviews, oldest first."""
    rows = db.session.scalars(select(WeeklyReview).where(
        WeeklyReview.case_id == case_id, WeeklyReview.week < week).order_by(WeeklyReview.week)).all()
    return [Measures(capacities=r.capacities, **r.measures) for r in rows]


def _week_record(case, week: int, measures: Measures, scheduled: int, soreness: float,
                 week_ending: date) -> WeekRecord:
    """Attendance and the red flags of the week not yet dealt with by a reassessment, from its logged sessions."""
    sessions = db.session.scalars(select(ProgramSession).where(
        ProgramSession.case_id == case.id, ProgramSession.week == week)).all()
    flags = unresolved_flags([(s.held_on, [Reason(f["code"], f["text"]) for f in s.red_flags]) for s in sessions],
                             case.reassessed_on)
    return WeekRecord(measures=measures, sessions_attended=len(sessions), sessions_scheduled=scheduled,
                      soreness_hours=soreness, red_flags=flags, week_ending=week_ending)


def _next_targets(case, week: int, result, signals: ProgressSignals, override: StepOverride | None,
                  reviewed_on: date) -> list[TargetDecision]:
    """Next week's targets for progress, hold or deload; none after pause or discharge."""
    rec = result.recommendation
    if rec in (Recommendation.PAUSE, Recommendation.DISCHARGE):
        return []
    history = targets_by_week(case.id)
    # the week's own targets, else the latest set before it (a week begun while paused keeps the resumed ones)
    current = history.get(week) or next((history[w] for w in sorted(history, reverse=True) if w < week), None)
    if not current:
        raise RuleViolation(f"week {week} has no targets to progress from", field="week")
    if rec is Recommendation.HOLD:
        return [TargetDecision(t, a, a, 0.0, result.reasons, result.progression_policy)
                for t, a in current.items()]
    demands = job_demands(case)
    ceilings = limits_on(case, reviewed_on).ceilings_for(demands)
    return list(next_week_targets([d for d in demands if d.task in current], current, signals,
                                  override=override, ceilings=ceilings))


def submit_weekly_review(actor: Actor, case_id: int, *, week: int, reviewed_on: date,
                         measures: Measures, sessions_scheduled: int, soreness_hours: float = 0.0,
                         override: StepOverride | None = None,
                         hours_tolerated: float | None = None, options: Options = DEFAULT) -> WeeklyReview:
    """Review one program week: compute readiness, gains, the recommendation and next targets."""
    with command(options):
        if isinstance(week, bool) or not isinstance(week, int) or week < 1:
            raise InvalidValue("week must be a whole number from 1", field="week")
        case = open_command(actor, "submit_weekly_review", case_id, subject=week, options=options)
        check_review_date(case.program_started_on, week, reviewed_on, date.today())
        if db.session.scalar(select(WeeklyReview.id).where(WeeklyReview.case_id == case.id,
                                                           WeeklyReview.week == week)):
            raise RuleViolation(f"week {week} is already reviewed", field="week")
        baseline = Measures(capacities=baseline_of(case.id))
        record_ = _week_record(case, week, measures, sessions_scheduled, soreness_hours, reviewed_on)
        result = review_week(job_demands(case), baseline, _previous_measures(case.id, week), record_,
                             gestation_weeks=current_gestation(case, reviewed_on))
        check_override(result.recommendation, override, paused=case.stage == Stage.PAUSED)
        signals = ProgressSignals(soreness_hours=soreness_hours, fatigue=measures.fatigue,
                                  rpe_at_target=measures.rpe)
        targets = [] if case.stage == Stage.PAUSED else _next_targets(
            case, week, result, signals, override, reviewed_on)
        report = progress_report(result)
        tolerated = hours_tolerated if hours_tolerated is not None else _longest_session_hours(case.id, week)
        if tolerated is not None and not 0 <= tolerated <= 24:
            raise InvalidValue("hours tolerated must be from 0 to 24", field="hours_tolerated")
        review = WeeklyReview(
            case_id=case.id, week=week, reviewed_on=reviewed_on,
            capacities={str(k): v for k, v in measures.capacities.items()},
            measures=_measure_fields(measures), recommendation=str(result.recommendation),
            result={"report": report, "targets": [_target_json(t) for t in targets],
                    "hours_tolerated": tolerated, "pregnancy_plan": _plan_json(result.pregnancy_plan),
                    "sessions_scheduled": sessions_scheduled, "soreness_hours": soreness_hours},
            policy=str(result.policy), reviewed_by_id=actor.user_id,
        )
        db.session.add(review)
        if targets:
            save_targets(case.id, week + 1, targets)
        record(case, actor, "weekly_review_submitted",
               f"Week {week} reviewed: {result.recommendation}", on=reviewed_on,
               data={"week": week, "recommendation": str(result.recommendation),
                     "reasons": reasons_json(result.reasons)})
    return review


def _plan_json(plan) -> dict | None:
    """The pregnancy plan re-checked at this review, as gestation advanced (clinical content)."""
    if plan is None:
        return None
    return {"gestation_weeks": plan.gestation_weeks, "trimester": plan.trimester,
            "rpe_ceiling": plan.rpe_ceiling, "no_supine_work": plan.no_supine_work,
            "avoid_tasks": sorted(plan.avoid_tasks),
            "lift_limits_kg": {str(k): v for k, v in plan.lift_limits_kg.items()},
            "reasons": reasons_json(plan.reasons), "policy": str(plan.policy)}


def _longest_session_hours(case_id: int, week: int) -> float | None:
    """Hours tolerated: the longest session of the week that did not stop on a red flag."""
    minutes = db.session.scalars(select(ProgramSession.minutes).where(
        ProgramSession.case_id == case_id, ProgramSession.week == week,
        ProgramSession.stopped.is_(False))).all()
    return round(max(minutes) / 60, 2) if minutes else None


def _measure_fields(m: Measures) -> dict:
    """The non-capacity measures of a review, for storage."""
    return {"grip_strength_kg": m.grip_strength_kg, "six_minute_walk_m": m.six_minute_walk_m,
            "pain": m.pain, "fear_of_reinjury": m.fear_of_reinjury, "fatigue": m.fatigue, "rpe": m.rpe}


def _target_json(t: TargetDecision) -> dict:
    """A target decision with its reasons, as the review response carries it."""
    return {"task": str(t.task), "previous": t.previous, "next": t.next, "change_pct": t.change_pct,
            "override_reason": t.override_reason, "reasons": reasons_json(t.reasons),
            "policy": str(t.policy)}


def preview_weekly_review(actor: Actor, case_id: int, *, options: Options = DEFAULT, **review) -> dict:
    """What submitting the review would give (recommendation, next week's targets, readiness, each with its
    reasons and policy), computed by the very same command and then rolled back."""
    row = submit_weekly_review(actor, case_id, **review, options=options.previewing())
    return {"recommendation": row.recommendation, "policy": row.policy, "result": row.result, "week": row.week}
