"""Return to work: the milestone ladder, setbacks, discharge, follow-ups and closing the case."""

from datetime import date

from sqlalchemy import select

from ..domain import discharge as discharge_rules
from ..domain import milestones as ladder_rules
from ..domain.actors import Actor
from ..domain.disclosure import shared_words
from ..domain.errors import InvalidValue, RuleViolation
from ..domain.stages import Stage, transition
from ..extensions import db
from ..models import Case, DutyOffer, FollowUp, Milestone, WeeklyReview
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, NotFound, authorize, command, load_case, open_command, record


def _rungs(case: Case) -> tuple[ladder_rules.Rung, ...]:
    return ladder_rules.ladder(shift_hours=case.shift_hours)


def _milestones(case_id: int) -> list[Milestone]:
    return list(db.session.scalars(select(Milestone).where(Milestone.case_id == case_id).order_by(Milestone.id)))


def confirmed_rungs(case_id: int) -> set[int]:
    """Rungs confirmed by the employer and not since lost to a setback."""
    return {m.rung for m in _milestones(case_id) if m.status == "confirmed"}


def active_milestone(case_id: int) -> Milestone | None:
    """The milestone started and not yet confirmed or stepped back."""
    return next((m for m in reversed(_milestones(case_id)) if m.status == "started"), None)


def ladder_view(case: Case, clinical: bool = True, milestones: list[Milestone] | None = None) -> list[dict]:
    """Every rung of the case's ladder with where it stands (planned until a milestone starts it), and its
    setback if it stepped back: what the employer was told, and for a clinical reader the clinical account.
    `milestones`: the case's, by id, when the caller has read them."""
    rows = _milestones(case.id) if milestones is None else milestones
    latest = {m.rung: m for m in rows}   # ordered by id: the newest attempt of each rung wins
    return [{"number": r.number, "hours_per_day": r.hours_per_day, "full_duty": r.is_full_duty, "duty": str(r.duty),
             "status": latest[r.number].status if r.number in latest else "planned",
             "started_on": latest[r.number].started_on if r.number in latest else None,
             "confirmed_on": latest[r.number].confirmed_on if r.number in latest else None,
             "setback": _setback(latest.get(r.number), clinical)}
            for r in _rungs(case)]


def _setback(milestone: Milestone | None, clinical: bool) -> dict | None:
    if milestone is None or milestone.setback_on is None:
        return None
    return {"on": milestone.setback_on, "shared": milestone.setback_shared_reason or "",
            "clinical": milestone.setback_reason if clinical else None}


def work_status(case: Case, on: date, clinical: bool = True, restrictions: list | None = None,
                milestones: list[Milestone] | None = None) -> dict:
    """What the employer plans work with: the restrictions in force (functional terms) and the ladder.
    `restrictions` (every stored version, oldest first) and `milestones`: the case's, when already read."""
    from ..domain.restrictions import restriction_in_force
    from .restrictions import restriction_in_force_on, value_of

    restriction = (restriction_in_force_on(case.id, on) if restrictions is None
                   else restriction_in_force([value_of(r) for r in restrictions], on))
    return {"restrictions": restriction.functional_terms() if restriction else [],
            "restrictions_since": restriction.issued_on if restriction else None,
            "ladder": ladder_view(case, clinical, milestones)}


def _latest_review(case_id: int) -> WeeklyReview | None:
    return db.session.scalar(select(WeeklyReview).where(WeeklyReview.case_id == case_id)
                             .order_by(WeeklyReview.week.desc()).limit(1))


def _readiness(review: WeeklyReview) -> dict[str, float]:
    """Readiness of each critical demand in a review's report."""
    return {d["task"]: d["readiness"] for d in review.result["report"]["demands"]
            if d["critical"] and d["readiness"] is not None}


def start_milestone(actor: Actor, case_id: int, *, started_on: date, options: Options = DEFAULT) -> Milestone:
    """Start the next rung, only when the latest review shows capacity for its hours and demands."""
    with command(options):
        case = open_command(actor, "start_milestone", case_id, options=options)
        # the catalogue saw no milestone waiting, a review on record and a rung left to climb
        confirmed = confirmed_rungs(case.id)
        rung = ladder_rules.next_milestone(confirmed, shift_hours=case.shift_hours)
        review = _latest_review(case.id)
        if started_on < review.reviewed_on or started_on > date.today():
            raise InvalidValue("a milestone starts between the latest review and today", field="started_on")
        if not rung.is_full_duty and not _accepted_offer(case.id):
            raise RuleViolation("modified duty needs an accepted modified-duty offer", field="duty_offer")
        gate = ladder_rules.can_start_milestone(rung, _readiness(review), review.result.get("hours_tolerated"),
                                                confirmed_rungs=confirmed)
        if not gate.may_start:
            raise RuleViolation(f"{rung} cannot start: " + "; ".join(
                r.text for r in gate.reasons if r.code.endswith(("not_ready", "short", "not_confirmed",
                                                                  "not_on_record"))), field="readiness")
        row = Milestone(case_id=case.id, rung=rung.number, hours_per_day=rung.hours_per_day,
                        full_duty=rung.is_full_duty, status="started", started_on=started_on)
        db.session.add(row)
        if case.stage == Stage.PROGRAM:
            case.stage = transition(case.stage, Stage.RETURN_TO_WORK)
        db.session.flush()
        record(case, actor, "milestone_started", f"{str(rung).capitalize()} started on {started_on}",
               on=started_on, data={"milestone_id": row.id, "reasons": reasons_json(gate.reasons)},
               subject=f"milestone:{row.id}")
    return row


def _accepted_offer(case_id: int) -> bool:
    return db.session.scalar(select(DutyOffer.id).where(DutyOffer.case_id == case_id,
                                                        DutyOffer.status == "accepted").limit(1)) is not None


def _milestone_and_case(milestone_id: int) -> tuple[Milestone, Case]:
    row = db.session.get(Milestone, milestone_id) if isinstance(milestone_id, int) else None
    if row is None:
        raise NotFound(f"milestone {milestone_id} does not exist", field="milestone_id")
    return row, load_case(row.case_id)


def confirm_milestone(actor: Actor, milestone_id: int, *, confirmed_on: date, options: Options = DEFAULT) -> Milestone:
    """The employer confirms a started milestone at the worksite."""
    with command(options):
        row, case = _milestone_and_case(milestone_id)
        authorize(actor, "confirm_milestone", case, subject=row.id, options=options)
        if confirmed_on > date.today():
            raise InvalidValue("a confirmation cannot be dated in the future", field="confirmed_on")
        rung = _rungs(case)[row.rung - 1]
        result = ladder_rules.confirm(rung, row.status, confirmed_by=str(actor.role),
                                      started_on=row.started_on, confirmed_on=confirmed_on)
        row.status, row.confirmed_on, row.confirmed_by_id = str(result.status), confirmed_on, actor.user_id
        record(case, actor, "milestone_confirmed", f"{str(rung).capitalize()} confirmed by the employer",
               on=confirmed_on, data={"milestone_id": row.id, "discharge_ready": result.discharge_ready},
               subject=f"milestone:{row.id}")
    return row


def report_setback(actor: Actor, case_id: int, *, on: date, reason: str, shared_reason: str = "", options: Options = DEFAULT) -> Case:
    """A setback steps back one milestone; below the first, the worker returns to the program. The reason is
    the clinical account; the employer reads the shared reason (an employer's own report is shared as written)."""
    if not (reason or "").strip():
        raise InvalidValue("say what happened", field="reason")
    with command(options):
        case = open_command(actor, "report_setback", case_id, options=options)
        current = active_milestone(case.id) or max(
            (m for m in _milestones(case.id) if m.status == "confirmed"), key=lambda m: m.rung, default=None)
        if current is None:
            raise RuleViolation("no milestone to step back from", field="case_id")
        if on < current.started_on or on > date.today():
            raise InvalidValue("the setback is dated between the milestone's start and today", field="on")
        step = ladder_rules.setback(_rungs(case)[current.rung - 1], shift_hours=case.shift_hours)
        current.status = str(ladder_rules.transition_milestone(current.status, "stepped_back"))
        shared = shared_words(str(actor.role), reason, shared_reason)
        current.setback_on, current.setback_reason, current.setback_shared_reason = on, reason.strip(), shared or None
        if step.back_to_program:
            case.stage = transition(case.stage, Stage.PROGRAM)
        record(case, actor, "setback_reported", f"Setback: {step.reasons[0].text}." + (f" {shared}" if shared else ""),
               on=on, data={"milestone_id": current.id, "back_to_program": step.back_to_program},
               subject=f"milestone:{current.id}")
    return case


def discharge_case(actor: Actor, case_id: int, *, discharged_on: date, program_ended: bool = False,
                   outcome: str | None = None, summary: str = "", options: Options = DEFAULT) -> Case:
    """Discharge on confirmed full duty, or when the program ends; schedule the follow-ups."""
    with command(options):
        case = open_command(actor, "discharge_case", case_id, options=options)
        if discharged_on < case.referral_date or discharged_on > date.today():
            raise InvalidValue("the discharge is dated between the referral and today", field="discharged_on")
        confirmed = [m for m in _milestones(case.id) if m.status == "confirmed"]
        assessment = discharge_rules.assess_discharge(
            any(m.full_duty for m in confirmed), any(not m.full_duty for m in confirmed), program_ended, outcome)
        if not assessment.ready:
            raise RuleViolation("; ".join(r.text for r in assessment.reasons), field="outcome")
        case.stage = transition(case.stage, Stage.DISCHARGED)
        case.discharged_on, case.discharge_outcome = discharged_on, str(assessment.outcome)
        review = _latest_review(case.id)
        case.discharge_summary = {"outcome": str(assessment.outcome), "summary": (summary or "").strip(),
                                  "reasons": reasons_json(assessment.reasons),
                                  "last_report": review.result["report"] if review else None,
                                  "milestones_confirmed": sorted(m.rung for m in confirmed)}
        for f in discharge_rules.follow_up_schedule(discharged_on, treated=case.program_started_on is not None):
            db.session.add(FollowUp(case_id=case.id, months_after=f.months_after, due_on=f.due_on))
        record(case, actor, "case_discharged",
               f"Discharged ({str(assessment.outcome).replace('_', ' ')})"
               + ("; follow-ups scheduled" if case.program_started_on else "; no program, so no follow-ups"),
               on=discharged_on, data={"outcome": str(assessment.outcome)})
    return case


def _follow_up_value(row: FollowUp, case: Case) -> discharge_rules.FollowUp:
    return discharge_rules.FollowUp(case.discharged_on, row.months_after, row.due_on, row.recorded_on,
                                    row.work_status, bool(row.recurrence), row.notes)


def record_follow_up(actor: Actor, follow_up_id: int, *, recorded_on: date, work_status: str,
                     recurrence: bool, notes: str = "", options: Options = DEFAULT) -> FollowUp:
    """Record a follow-up's work status and any recurrence."""
    with command(options):
        row = db.session.get(FollowUp, follow_up_id) if isinstance(follow_up_id, int) else None
        if row is None:
            raise NotFound(f"follow-up {follow_up_id} does not exist", field="follow_up_id")
        case = load_case(row.case_id)
        authorize(actor, "record_follow_up", case, subject=row.id, options=options)
        if recorded_on > date.today():
            raise InvalidValue("a follow-up cannot be dated in the future", field="recorded_on")
        done = discharge_rules.record_follow_up(_follow_up_value(row, case), recorded_on, work_status,
                                                recurrence, (notes or "").strip())
        row.recorded_on, row.work_status, row.recurrence, row.notes = (
            done.recorded_on, str(done.work_status), done.recurrence, done.notes)
        row.recorded_by_id = actor.user_id
        record(case, actor, "follow_up_recorded",
               f"{row.months_after}-month follow-up: {row.work_status.replace('_', ' ')}",
               on=recorded_on, data={"follow_up_id": row.id}, subject=f"follow_up:{row.id}")
    return row


def answer_follow_up(actor: Actor, follow_up_id: int, *, work_status: str, recurrence: bool,
                     hours_per_day: float | None = None, pain: float | None = None,
                     options: Options = DEFAULT) -> FollowUp:
    """The worker's own answer to a follow-up: working or not, hours a day, whether the injury came back, pain;
    it records the follow-up (the clinic's task closes with it)."""
    from ..domain.scales import require_range, require_rating

    if hours_per_day is not None:
        require_range(hours_per_day, (0, 24), field="hours_per_day", what="hours a day")
    if pain is not None:
        require_rating(pain, field="pain", what="pain")
    with command(options):
        row = db.session.get(FollowUp, follow_up_id) if isinstance(follow_up_id, int) else None
        if row is None:
            raise NotFound(f"follow-up {follow_up_id} does not exist", field="follow_up_id")
        case = load_case(row.case_id)
        authorize(actor, "answer_follow_up", case, subject=row.id, options=options)
        done = discharge_rules.record_follow_up(_follow_up_value(row, case), date.today(), work_status, recurrence)
        row.recorded_on, row.work_status, row.recurrence = done.recorded_on, str(done.work_status), done.recurrence
        row.hours_per_day, row.pain, row.answered_by_role = hours_per_day, pain, str(actor.role)
        row.recorded_by_id = actor.user_id
        hours = f", {hours_per_day:g} hours a day" if hours_per_day is not None else ""
        record(case, actor, "follow_up_recorded",
               f"{row.months_after}-month follow-up answered by the worker: {row.work_status.replace('_', ' ')}"
               f"{hours}", data={"follow_up_id": row.id}, subject=f"follow_up:{row.id}")
    return row


def close_case(actor: Actor, case_id: int, *, options: Options = DEFAULT) -> Case:
    """Close a discharged case once every follow-up is recorded."""
    with command(options):
        case = open_command(actor, "close_case", case_id, options=options)
        rows = db.session.scalars(select(FollowUp).where(FollowUp.case_id == case.id)).all()
        check = discharge_rules.case_can_close([_follow_up_value(r, case) for r in rows],
                                               treated=case.program_started_on is not None)
        if not check.can_close:
            raise RuleViolation("; ".join(r.text for r in check.reasons), field="follow_ups")
        case.stage = transition(case.stage, Stage.CLOSED)
        record(case, actor, "case_closed", "Case closed: " + check.reasons[0].text)
    return case
