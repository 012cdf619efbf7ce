"""The program: baseline test, start with week-1 targets, sessions with red-flag checks, resume."""

from datetime import date

from sqlalchemy import func, select

from ..domain.actors import Actor
from ..domain.demands import TaskKind
from ..domain.errors import InvalidValue, RuleViolation
from ..domain.progression import resume_after_pause, week_one_targets
from ..domain.safety import SessionObservations, assess_session
from ..domain.stages import Stage, transition
from ..extensions import db
from ..models import CapacityMeasure, Case, ProgramSession, WeeklyTarget
from .authorizations import authorization_covering, authorization_for_session
from .limits import current_gestation, job_demands, limits_on
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, command, open_command, record


def program_week(case: Case, on: date) -> int:
    """Program week of a date: week 1 starts on the program's first day."""
    if case.program_started_on is None or on < case.program_started_on:
        raise InvalidValue("the date is before the program started", field="held_on")
    return (on - case.program_started_on).days // 7 + 1


def baseline_of(case_id: int) -> dict[TaskKind, float]:
    """The newest baseline capacity of each task."""
    rows = db.session.scalars(select(CapacityMeasure).where(
        CapacityMeasure.case_id == case_id, CapacityMeasure.kind == "baseline"
    ).order_by(CapacityMeasure.id)).all()
    return {TaskKind(r.task): r.amount for r in rows}


def targets_by_week(case_id: int) -> dict[int, dict[TaskKind, float]]:
    """Every week's targets, oldest week first."""
    rows = db.session.scalars(select(WeeklyTarget).where(WeeklyTarget.case_id == case_id)
                              .order_by(WeeklyTarget.week, WeeklyTarget.id)).all()
    weeks: dict[int, dict[TaskKind, float]] = {}
    for row in rows:
        weeks.setdefault(row.week, {})[TaskKind(row.task)] = row.amount
    return weeks


def save_targets(case_id: int, week: int, decisions) -> list[WeeklyTarget]:
    """Store one week's target decisions, replacing that week's earlier targets."""
    existing = db.session.scalars(select(WeeklyTarget).where(
        WeeklyTarget.case_id == case_id, WeeklyTarget.week == week)).all()
    for row in existing:
        db.session.delete(row)
    db.session.flush()
    rows = [WeeklyTarget(case_id=case_id, week=week, task=d.task, amount=d.next,
                         change_pct=d.change_pct, override_reason=d.override_reason,
                         reasons=reasons_json(d.reasons), policy=str(d.policy)) for d in decisions]
    db.session.add_all(rows)
    return rows


def record_baseline(actor: Actor, case_id: int, *, measured_on: date,
                    capacities: dict[str, float], options: Options = DEFAULT) -> list[CapacityMeasure]:
    """The baseline capacity test: one measure per critical job demand."""
    with command(options):
        case = open_command(actor, "record_baseline", case_id, options=options)
        if measured_on < case.referral_date or measured_on > date.today():
            raise InvalidValue("the baseline date must lie between the referral and today",
                               field="measured_on")
        tasks = {d.task for d in case.demands}
        unknown = sorted(set(capacities) - tasks)
        if unknown:
            raise InvalidValue(f"not a demand of this job: {', '.join(unknown)}", field="capacities")
        missing = sorted(d.task for d in case.demands if d.critical and d.task not in capacities)
        if missing:
            raise InvalidValue(f"baseline missing for critical demands: {', '.join(missing)}",
                               field="capacities")
        rows = []
        for task, amount in capacities.items():
            if amount is None or isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
                raise InvalidValue(f"capacity of {task} must be zero or more", field="capacities")
            rows.append(CapacityMeasure(case_id=case.id, kind="baseline", week=0, task=task,
                                        amount=float(amount), measured_on=measured_on))
        db.session.add_all(rows)
        record(case, actor, "baseline_recorded", f"Baseline measured for {len(rows)} demands", on=measured_on,
               data={"capacities": capacities})
    return rows


def start_program(actor: Actor, case_id: int, *, start_on: date, options: Options = DEFAULT) -> Case:
    """Start week 1 once cleared, authorized and baselined: targets are a light share of baseline."""
    with command(options):
        case = open_command(actor, "start_program", case_id, options=options)
        if authorization_covering(case.id, start_on) is None:
            raise RuleViolation(f"no approved authorization covers {start_on}", field="start_on")
        baseline = baseline_of(case.id)
        limits = limits_on(case, start_on)
        demands = job_demands(case)
        decisions = week_one_targets(demands, baseline, ceilings=limits.ceilings_for(demands))
        case.stage = transition(case.stage, Stage.PROGRAM)
        case.program_started_on = start_on
        save_targets(case.id, 1, decisions)
        record(case, actor, "program_started", f"Program started on {start_on}; week 1 targets set", on=start_on,
               data={"targets": {d.task: d.next for d in decisions}})
    return case


def log_session(actor: Actor, case_id: int, observations: SessionObservations, *, options: Options = DEFAULT) -> ProgramSession:
    """Log a session; a red flag stops it and pauses the case, and the physician is told why."""
    with command(options):
        case = open_command(actor, "log_session", case_id, options=options)
        on = observations.session_date
        week = program_week(case, on)
        auth = authorization_for_session(case.id, on)
        safety = assess_session(observations, limits_on(case, on), pregnant=current_gestation(case, on) is not None)
        row = ProgramSession(
            case_id=case.id, held_on=on, week=week, minutes=observations.minutes, rpe=observations.rpe,
            pain=observations.pain, heart_rate=observations.heart_rate, systolic=observations.systolic,
            diastolic=observations.diastolic, symptoms=sorted(observations.symptoms),
            medication_taken=observations.medication_taken,
            loads={str(k): v for k, v in observations.performed_loads.items()}, stopped=safety.stop,
            red_flags=reasons_json(safety.red_flags), cautions=reasons_json(safety.cautions),
            authorization_id=auth.id, logged_by_id=actor.user_id,
        )
        db.session.add(row)
        if safety.pause:
            case.stage = transition(case.stage, Stage.PAUSED)
            case.paused_reason = "; ".join(r.text for r in safety.red_flags)
            record(case, actor, "red_flag", f"Session stopped and case paused: {case.paused_reason}", on=on,
                   data={"red_flags": row.red_flags, "week": week, "notify": "physician"})
        else:
            record(case, actor, "session_logged", f"Session logged (week {week}, {row.minutes} min)", on=on,
                   data={"week": week, "cautions": row.cautions})
    return row


def resume_program(actor: Actor, case_id: int, *, reassessed_on: date, note: str, options: Options = DEFAULT) -> Case:
    """After the physician's reassessment, resume one phase back (the week before the pause)."""
    if not (note or "").strip():
        raise InvalidValue("say what the reassessment found", field="note")
    with command(options):
        case = open_command(actor, "resume_program", case_id, options=options)
        history = targets_by_week(case.id)
        if not history:
            raise RuleViolation("the program has no targets to resume from", field="targets")
        # the pause began with the session that stopped on a red flag, however late it was recorded
        paused_on = db.session.scalar(select(func.max(ProgramSession.held_on)).where(
            ProgramSession.case_id == case.id, ProgramSession.stopped.is_(True))) or case.stage_since
        if reassessed_on < paused_on:
            raise InvalidValue(f"the reassessment cannot predate the pause ({paused_on})", field="reassessed_on")
        if reassessed_on > date.today():
            raise InvalidValue("a reassessment cannot be dated in the future", field="reassessed_on")
        decision = resume_after_pause([history[w] for w in sorted(history)])
        # the current week restarts at the earlier phase, so the very next session is lighter
        save_targets(case.id, program_week(case, reassessed_on), _resume_decisions(decision))
        case.stage = transition(case.stage, Stage.PROGRAM)
        case.paused_reason = None
        case.reassessed_on = reassessed_on   # the red flags before it are dealt with: reviews progress again
        record(case, actor, "program_resumed", f"Resumed after reassessment: {note.strip()[:200]}", on=reassessed_on,
               data={"targets": {str(k): v for k, v in decision.targets.items()},
                                    "reasons": reasons_json(decision.reasons)})
    return case


def _resume_decisions(decision):
    """Shape a ResumeDecision like target decisions so it is stored the same way."""
    from ..domain.progression import TargetDecision

    return [TargetDecision(task, amount, amount, None, decision.reasons, decision.policy)
            for task, amount in decision.targets.items()]
