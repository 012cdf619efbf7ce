"""What the progress report prints beyond the case page, for clinical readers only: the clinic and the clinicians,
the dates of service and attendance, each demand with its unit, the plan, the barriers and the red-flag history."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.demands import unit_of
from ...domain.stages import Stage
from ...extensions import db
from ...models import Case, CaseEvent, Milestone, Organisation, ProgramSession, User, WeeklyReview
from ..program import baseline_of, targets_by_week

MET = ("progress", "ready_for_job")   # a review's reasons that are no barrier


@dataclass(frozen=True)
class DemandLine:
    """One job demand as the report prints it: the job's amount, the baseline, the latest capacity and the next
    target, all in the demand's unit (kg or min), and the capacity by reviewed week for the chart."""

    task: str
    frequency: str
    critical: bool
    unit: str
    demand: float
    baseline: float | None
    current: float | None
    readiness: float | None
    target: float | None
    series: tuple[tuple[str, float], ...] = ()   # ("Baseline", 12.0), ("Week 1", 16.0), ...

    @property
    def label(self) -> str:
        """The task in plain words: 'Lift floor to waist'."""
        return self.task.replace("_", " ").capitalize()


@dataclass(frozen=True)
class WeekAttendance:
    """One program week's sessions: their dates and minutes, and the sessions planned when its review said so."""

    week: int
    dates: tuple[date, ...]
    minutes: int
    scheduled: int | None
    stopped: int

    @property
    def attended(self) -> int:
        """Sessions held (a session stopped on a red flag was attended)."""
        return len(self.dates)

    @property
    def missed(self) -> int | None:
        """Planned sessions not held; None when no review recorded the plan."""
        return None if self.scheduled is None else max(self.scheduled - self.attended, 0)


@dataclass(frozen=True)
class SafetyEvent:
    """One entry of the red-flag and adverse-event history."""

    on: date
    what: str
    detail: str


@dataclass(frozen=True)
class ReportDetails:
    """The progress report's letterhead, people, status, attendance, demands, plan, barriers and safety history."""

    clinic: str
    therapist: str | None
    therapist_licence: str | None      # no licence number is stored yet: the report leaves a line to fill in
    physician: str | None
    status: str
    rtw_goal: str
    shift_hours: float
    attendance: list[WeekAttendance]
    demands: list[DemandLine]
    targets_week: int | None
    barriers: list[str]
    safety: list[SafetyEvent]

    @property
    def dates_of_service(self) -> tuple[date, date] | None:
        """The first and the last session's dates."""
        days = [d for w in self.attendance for d in w.dates]
        return (min(days), max(days)) if days else None


def report_details(case: Case, latest: dict | None, standing: str, today: date | None = None) -> ReportDetails:
    """The details of a case the caller has already read and audited for a clinical reader (progress_report)."""
    today = today or date.today()
    reviews = list(db.session.scalars(select(WeeklyReview).where(WeeklyReview.case_id == case.id)
                                      .order_by(WeeklyReview.week)))
    names = _names((case.therapist_id, case.physician_id))
    demands = _demands(case, reviews, latest)
    return ReportDetails(
        clinic=db.session.get(Organisation, case.clinic_id).name, therapist=names.get(case.therapist_id),
        therapist_licence=None, physician=names.get(case.physician_id), status=_status(case, today, standing),
        rtw_goal=case.rtw_goal, shift_hours=case.shift_hours, attendance=_attendance(case, reviews),
        demands=demands, targets_week=max(targets_by_week(case.id), default=None),
        barriers=_barriers(latest, demands), safety=_safety(case))


def _names(user_ids) -> dict[int, str]:
    ids = [i for i in user_ids if i is not None]
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}


def program_week(case: Case, today: date) -> int | None:
    """The program week the case is in (or ended in), from week 1; None before the program started."""
    if case.program_started_on is None:
        return None
    end = min(today, case.discharged_on or today)
    return max((end - case.program_started_on).days // 7 + 1, 1)


def _status(case: Case, today: date, standing: str) -> str:
    """Where the case stands, in plain words (a pause in the words of the domain's standing)."""
    stage, week = Stage(case.stage), program_week(case, today)
    if stage is Stage.PAUSED:
        return standing or f"paused in week {week} after a red flag"
    return {Stage.INTAKE: "referred; the program has not started",
            Stage.CLEARANCE: "waiting for medical clearance before the program starts",
            Stage.AUTHORIZATION: "cleared; waiting for the insurer's authorization to start",
            Stage.PROGRAM: f"in the program, week {week}",
            Stage.RETURN_TO_WORK: f"back at work on the graded return-to-work plan, program week {week}",
            Stage.DISCHARGED: f"discharged from the program on {case.discharged_on}",
            Stage.CLOSED: f"closed; discharged from the program on {case.discharged_on}"}[stage]


def _demands(case: Case, reviews: list[WeeklyReview], latest: dict | None) -> list[DemandLine]:
    baseline = {str(k): v for k, v in baseline_of(case.id).items()}
    reported = {d["task"]: d for d in (latest or {}).get("demands", [])}
    targets = targets_by_week(case.id)
    current_targets = {str(k): v for k, v in targets[max(targets)].items()} if targets else {}
    lines = []
    for d in case.demands:
        series = ((("Baseline", baseline[d.task]),) if d.task in baseline else ()) + tuple(
            (f"Week {r.week}", r.capacities[d.task]) for r in reviews if r.capacities.get(d.task) is not None)
        current = reviews[-1].capacities.get(d.task) if reviews else None
        lines.append(DemandLine(d.task, d.frequency, d.critical, str(unit_of(d.task)), d.amount, baseline.get(d.task),
                                current, reported.get(d.task, {}).get("readiness"), current_targets.get(d.task),
                                series))
    return lines


def _attendance(case: Case, reviews: list[WeeklyReview]) -> list[WeekAttendance]:
    sessions = db.session.scalars(select(ProgramSession).where(ProgramSession.case_id == case.id)
                                  .order_by(ProgramSession.held_on, ProgramSession.id)).all()
    planned = {r.week: r.result.get("sessions_scheduled") for r in reviews}
    weeks: dict[int, list[ProgramSession]] = {}
    for s in sessions:
        weeks.setdefault(s.week, []).append(s)
    return [WeekAttendance(week, tuple(s.held_on for s in held), sum(s.minutes for s in held), planned.get(week),
                           sum(1 for s in held if s.stopped))
            for week, held in sorted(weeks.items())]


def _barriers(latest: dict | None, demands: list[DemandLine]) -> list[str]:
    """What stands between the worker and the job at the latest review: critical demands not yet met, and the
    review's findings other than progress (red flags, deload signals, a plateau, low attendance)."""
    if latest is None:
        return []
    short = [f"{d.label}: {d.current:g} {d.unit} of the {d.demand:g} {d.unit} the job needs"
             for d in demands if d.critical and d.current is not None and d.readiness is not None and d.readiness < 1]
    return short + [r["text"] for r in latest.get("reasons", []) if r["code"] not in MET]


def _safety(case: Case) -> list[SafetyEvent]:
    """Stopped sessions with their red flags, the reassessments that resumed the program, and setbacks on the
    return-to-work ladder, oldest first."""
    stopped = db.session.scalars(select(ProgramSession).where(ProgramSession.case_id == case.id,
                                                               ProgramSession.stopped.is_(True))).all()
    events = [SafetyEvent(s.held_on, "Session stopped; program paused and the physician told",
                          f"week {s.week}, after {s.minutes} min: " + "; ".join(f["text"] for f in s.red_flags))
              for s in stopped]
    resumed = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.kind == "program_resumed")).all()
    events += [SafetyEvent(e.occurred_on or e.at.date(), "Reassessed; program resumed one phase back",
                           e.summary.removeprefix("Resumed after reassessment: ")) for e in resumed]
    setbacks = db.session.scalars(select(Milestone).where(Milestone.case_id == case.id,
                                                          Milestone.setback_on.is_not(None))).all()
    events += [SafetyEvent(m.setback_on, f"Setback: milestone {m.rung} ({m.hours_per_day:g} h a day) stepped back",
                           m.setback_reason or "") for m in setbacks]
    return sorted(events, key=lambda e: e.on)
