"""The facts of a case as the domain's rules see them (pending actions, automatic steps, the command
catalogue), loaded for many cases in a fixed number of set-based queries; and the catalogue's gate."""

from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Date, Integer, func, literal, null, select

from ..domain import authorization as auth_rules
from ..domain import duty as duty_rules
from ..domain.actions import CaseFacts
from ..domain.catalogue import Kind, require_available, why_not
from ..domain.clearance import refusal_words
from ..domain.milestones import DEFAULT_LADDER_POLICY, next_rung_ready
from ..domain.stages import Stage
from ..extensions import db
from ..models import (Authorization, CapacityMeasure, Case, CaseSchedule, CaseTask, Clearance, DutyOffer, FollowUp,
                      Milestone, ProgramSession, RestrictionSet, Signature, WeeklyReview, WorkerReport)
from .clearances import required_kinds
from .facts_store import decode, encode
from .unit_of_work import commit_read


def _by_case(rows) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.case_id].append(row)
    return grouped


def _load(case_ids: list[int], known: dict | None = None) -> dict[str, dict[int, list]]:
    """Every related row of the cases, one query per kind; `known`: kinds the caller read with the cases
    (their clearances and schedules, read in the case's own statement), not read again."""
    def rows(model, *where, order=None):
        query = select(model).where(model.case_id.in_(case_ids), *where)
        return _by_case(db.session.scalars(query.order_by(*(order or (model.id,)))).all())

    known = known or {}
    # facts per case in one statement: the first day a restriction set was issued (and the newest version, with
    # its day), a baseline recorded
    flags = db.session.execute(select(RestrictionSet.case_id, literal("restricted"), func.min(
        RestrictionSet.issued_on), func.max(RestrictionSet.issued_on), func.max(RestrictionSet.version))
        .where(RestrictionSet.case_id.in_(case_ids)).group_by(RestrictionSet.case_id)
        .union_all(select(CapacityMeasure.case_id, literal("baseline"), null().cast(Date), null().cast(Date),
                          null().cast(Integer)).distinct().where(
            CapacityMeasure.case_id.in_(case_ids), CapacityMeasure.kind == "baseline"))).all()
    return {
        "clearances": known["clearances"] if "clearances" in known else rows(Clearance),
        "requests": rows(Authorization),
        "restricted_from": {case_id: _day(day) for case_id, flag, day, _, _ in flags if flag == "restricted"},
        "restriction_latest": {case_id: (version, _day(last)) for case_id, flag, _, last, version in flags
                               if flag == "restricted"},
        "signatures": rows(Signature),
        "reports": rows(WorkerReport, WorkerReport.reviewed_on.is_(None)),
        "reviews": rows(WeeklyReview, order=(WeeklyReview.week,)),
        "offers": rows(DutyOffer, order=(DutyOffer.round,)),
        "milestones": rows(Milestone, Milestone.status.in_(("started", "confirmed", "stepped_back"))),
        "follow_ups": rows(FollowUp, FollowUp.recorded_on.is_(None)),
        "baselines": {case_id for case_id, flag, _, _, _ in flags if flag == "baseline"},
        "tasks": _open_tasks(case_ids),
        "schedules": known["schedules"] if "schedules" in known else {row.case_id: row for row in db.session.scalars(
            select(CaseSchedule).where(CaseSchedule.case_id.in_(case_ids)))},
    }


@dataclass(frozen=True)
class CaseRecord:
    """One case read whole, each collection once: its facts, and the rows the case page shows beside them."""

    case: Case
    facts: CaseFacts
    requests: list          # authorizations, by id
    sessions_used: dict     # authorization id -> sessions logged against it
    restrictions: list      # every version, oldest first
    reviews: list           # by week
    milestones: list        # every attempt, by id
    measures: list          # every capacity measure, by id
    offers: list            # every offer round, by round
    follow_ups: list        # every follow-up, by id
    signatures: list = ()   # every signature of the case's papers, by id
    reports: list = ()      # every report of the worker's between sessions, by day


def case_record(case: Case, schedule: CaseSchedule | None, today: date | None = None) -> CaseRecord:
    """The case's facts and rows, one query per collection (its clearances come with the case when the caller
    loaded them with it, its schedule is the caller's); what the facts need is shared, not read twice."""
    today = today or date.today()

    def rows(model, order):
        return list(db.session.scalars(select(model).where(model.case_id == case.id).order_by(*order)))

    used = select(func.count(ProgramSession.id)).where(
        ProgramSession.authorization_id == Authorization.id).correlate(Authorization).scalar_subquery()
    pairs = db.session.execute(select(Authorization, used).where(Authorization.case_id == case.id)
                               .order_by(Authorization.id)).all()
    restrictions = rows(RestrictionSet, (RestrictionSet.version,))
    measures = rows(CapacityMeasure, (CapacityMeasure.id,))
    follow_ups = rows(FollowUp, (FollowUp.id,))
    signatures = rows(Signature, (Signature.id,))
    reports = rows(WorkerReport, (WorkerReport.reported_on, WorkerReport.id))
    rel = {
        "clearances": {case.id: list(case.clearances)}, "requests": {case.id: [a for a, _ in pairs]},
        "restricted_from": {case.id: min(r.issued_on for r in restrictions)} if restrictions else {},
        "restriction_latest": {case.id: (restrictions[-1].version, max(r.issued_on for r in restrictions))}
        if restrictions else {},
        "signatures": {case.id: signatures},
        "reports": {case.id: [r for r in reports if r.reviewed_on is None]},
        "reviews": {case.id: rows(WeeklyReview, (WeeklyReview.week,))},
        "offers": {case.id: rows(DutyOffer, (DutyOffer.round,))},
        "milestones": {case.id: rows(Milestone, (Milestone.id,))},
        "follow_ups": {case.id: [f for f in follow_ups if f.recorded_on is None]},
        "baselines": {case.id} if any(m.kind == "baseline" for m in measures) else set(),
        "tasks": _open_tasks([case.id]),
        "schedules": {case.id: schedule} if schedule is not None else {},
    }
    return CaseRecord(case, _facts(case, rel, today), rel["requests"][case.id],
                      {a.id: n for a, n in pairs}, restrictions, rel["reviews"][case.id],
                      rel["milestones"][case.id], measures, rel["offers"][case.id], follow_ups, signatures,
                      reports)


def _signatures_due(case: Case, offers: list, rel: dict) -> tuple:
    """(paper, role, due) for each signature the case's papers wait for (services/papers.py); a signature asked
    again after the paper changed is due counted from the change."""
    from .papers import current_papers, still_to_sign

    version, last_issued = rel["restriction_latest"].get(case.id, (None, None))
    papers = current_papers(case, offers, version, changed_on=last_issued)
    return still_to_sign(case, papers, rel["signatures"][case.id])


def _appealable(requests: list) -> tuple[int, str, date] | None:
    """The newest decision on a request the clinic may still contest: a denial or a modification that is not
    itself the outcome of an appeal and has not been appealed."""
    appealed = {r.appeal_of_id for r in requests if r.appeal_of_id}
    decided = [r for r in requests if r.status == "decided" and r.decision in ("deny", "modify")]
    newest = decided[-1] if decided else None
    if newest is None or newest.appeal_of_id or newest.id in appealed:
        return None
    return newest.id, newest.decision, newest.decided_on


def _facts(case: Case, rel: dict[str, dict[int, list]], today: date) -> CaseFacts:
    """The action rules' view of one case."""
    latest = {}
    for row in rel["clearances"][case.id]:
        latest[row.kind] = row
    missing = tuple(str(k) for k in required_kinds(case) if getattr(latest.get(str(k)), "outcome", None) != "cleared")
    refused = [latest[k] for k in missing if k in latest and latest[k].outcome == "blocked"]
    # a refusal stands until the case manager asks again (from a day of their choosing) or a clearance replaces it
    blocked = [row for row in refused if row.asked_again_on is None]
    asked_again = max((row.asked_again_on for row in refused if row.asked_again_on), default=None)
    requests = rel["requests"][case.id]
    pending = [r for r in requests if r.status == "pending"]
    pended = [r for r in requests if r.status == "pended"]
    approved = sorted((r for r in requests if r.decision in ("approve", "modify") and r.status == "decided"),
                      key=lambda r: (r.end_date, r.id))
    newest = requests[-1] if requests else None
    last_auth = approved[-1] if approved else None
    reviews = rel["reviews"][case.id]
    offers = rel["offers"][case.id]
    statuses = [o.status for o in offers]
    open_offer, to_answer, countered, declined = (
        offers[i] if i is not None else None for i in (
            duty_rules.newest_round(statuses, duty_rules.AWAITING_CHECK),
            duty_rules.newest_round(statuses, duty_rules.AWAITING_ANSWER),
            duty_rules.newest_round(statuses, duty_rules.AWAITING_REVISION),
            duty_rules.newest_round(statuses, frozenset({duty_rules.OfferStatus.DECLINED}))))
    milestones = rel["milestones"][case.id]
    started = [m for m in milestones if m.status == "started"]
    setbacks = [m.setback_on for m in milestones if m.status == "stepped_back" and m.setback_on]
    confirmed = [m.rung for m in milestones if m.status == "confirmed"]
    accepted = any(o.status == "accepted" for o in offers)
    prepare_from = None
    if last_auth:
        value = auth_rules.Authorization(last_auth.start_date, last_auth.end_date, last_auth.approved_sessions)
        prepare_from = auth_rules.continuation_due(value, today).prepare_from
    return _live(CaseFacts(
        stage=Stage(case.stage), stage_since=case.stage_since, missing_clearances=missing,
        blocked_clearances=tuple(row.kind for row in blocked),
        blocked_reasons=tuple(refusal_words(row.kind, row.contraindications) for row in blocked),
        blocked_since=max((row.decided_on for row in blocked), default=None),
        clearance_asked_again_on=asked_again,
        pended_authorization=(pended[0].id, pended[0].decided_on, pended[0].reason or "") if pended else None,
        denied_authorization=(newest.id, newest.decided_on) if newest and newest.decision == "deny" else None,
        appealable_authorization=_appealable(requests),
        weeks_authorized=sum(((r.end_date - r.start_date).days + 1) // 7 for r in approved),
        max_weeks=auth_rules.DEFAULT_AUTHORIZATION_POLICY.max_consecutive_weeks,
        discharge_recommended=bool(reviews) and reviews[-1].recommendation == "discharge",
        paused_since=case.stage_since if case.stage == Stage.PAUSED else None,
        reassessed_on=case.reassessed_on,
        countered_offer=(countered.id, countered.responded_on) if countered else None,
        setback_on=max(setbacks, default=None),
        declined_offer=(declined.id, declined.responded_on, declined.shared_reason or "") if declined else None,
        pending_authorization=(pending[0].id, pending[0].due_on) if pending else None,
        authorized_until=last_auth.end_date if last_auth else None, continuation_prepare_from=prepare_from,
        program_started_on=case.program_started_on, weeks_reviewed=frozenset(r.week for r in reviews),
        reassessment_needed_since=case.stage_since if case.stage == Stage.PAUSED else None,
        latest_review_on=reviews[-1].reviewed_on if reviews else None,
        latest_readiness=_readiness(reviews[-1]) if reviews else {},
        accepted_offer=accepted,
        open_offer=(open_offer.id, duty_rules.check_due(open_offer.sent_on)) if open_offer else None,
        offer_to_answer=(to_answer.id, to_answer.response_due) if to_answer else None,
        started_milestone=(started[-1].id, _confirm_due(started[-1])) if started else None,
        follow_ups_due=tuple((f.id, f.due_on) for f in rel["follow_ups"][case.id]),
        eligible=bool((case.screening or {}).get("eligible", True)),
        worker_joined=case.worker_id is not None,
        signatures_due=_signatures_due(case, offers, rel),
        red_flag_reports=tuple((r.id, r.reported_on) for r in rel["reports"][case.id] if r.red_flags),
        baseline_recorded=case.id in rel["baselines"],
        authorized_from=approved[0].start_date if approved else None,
        pregnant=bool(case.pregnant),
        required_clearances=tuple(str(k) for k in required_kinds(case)),
        confirmed_rungs=frozenset(confirmed),
        full_duty_confirmed=any(m.full_duty for m in milestones if m.status == "confirmed"),
        next_milestone_ready=bool(reviews) and next_rung_ready(
            confirmed, _readiness(reviews[-1]), reviews[-1].result.get("hours_tolerated"),
            accepted_offer=accepted, shift_hours=case.shift_hours),
    ), case, rel["restricted_from"].get(case.id), rel["tasks"][case.id], rel["schedules"].get(case.id), today)


# the facts that change without a new case version (the day, the flows' tasks, the pregnancy check), never kept
LIVE = frozenset({"today", "restrictions_in_force", "weeks_started", "weeks_ended", "tasks_opened",
                  "pregnancy_checked_on"})


def _live(facts: CaseFacts, case: Case, restricted_from: date | None, tasks: list, schedule: CaseSchedule | None,
          today: date) -> CaseFacts:
    """The facts completed with what they are on the day: the LIVE ones."""
    started_on = case.program_started_on
    begun = bool(started_on) and today >= started_on
    return replace(
        facts, today=today, restrictions_in_force=restricted_from is not None and restricted_from <= today,
        weeks_started=(today - started_on).days // 7 + 1 if begun else 0,
        weeks_ended=((today - started_on).days + 1) // 7 if begun else 0,
        tasks_opened={(t.kind, t.subject_key): t.opened_on or t.opened_at.date() for t in tasks},
        pregnancy_checked_on=schedule.pregnancy_checked_on if schedule else None)


def _day(value) -> date | None:
    """A date from a UNION's column (SQLite hands back its text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def facts_of(cases: list[Case], today: date | None = None) -> dict[int, CaseFacts]:
    """The action rules' view of each case, in a fixed number of queries."""
    if not cases:
        return {}   # nothing to read: no query (the usual case once the flows have caught up)
    today = today or date.today()
    rel = _load([c.id for c in cases])
    return {case.id: _facts(case, rel, today) for case in cases}


def _readiness(review: WeeklyReview) -> dict[str, float]:
    return {d["task"]: d["readiness"] for d in review.result.get("report", {}).get("demands", [])
            if d.get("critical") and d.get("readiness") is not None}


def _confirm_due(milestone: Milestone) -> date:
    """The employer confirms a rung by the end of its planned days."""
    return milestone.confirm_due or milestone.started_on + timedelta(days=DEFAULT_LADDER_POLICY.days_per_rung)


def case_facts(case: Case, today: date | None = None) -> CaseFacts:
    """The facts of one case."""
    return facts_of([case], today)[case.id]


def read_facts(case: Case, schedule: CaseSchedule | None, today: date | None = None) -> CaseFacts:
    """The facts of one case read whole (its schedule the caller's, with the copy of its facts kept there, and its
    open tasks loaded with it): from the copy when it holds for the case's version (no statement), else from
    every collection, and the copy kept for the next read."""
    today = today or date.today()
    kept = decode(schedule.facts if schedule is not None else None, case.version)
    if kept is not None and not current_app.config.get("FACTS_VERIFY"):
        fields_, restricted_from = kept
        return _live(CaseFacts(**fields_), case, restricted_from, case.open_tasks, schedule, today)
    known = {"clearances": {case.id: list(case.clearances)},
             "schedules": {case.id: schedule} if schedule is not None else {}}
    rel = _load([case.id], known)
    facts = _facts(case, rel, today)
    if kept is not None:   # the suite's check that a kept copy is what the collections say (FACTS_VERIFY)
        fields_, restricted_from = kept
        copy = _live(CaseFacts(**fields_), case, restricted_from, case.open_tasks, schedule, today)
        if copy != facts:
            raise AssertionError(f"case {case.id}'s kept facts differ at version {case.version}: "
                                 f"{_differences(copy, facts)}")
    elif schedule is not None:
        schedule.facts = encode(facts, case.version, rel["restricted_from"].get(case.id), LIVE)
        commit_read()
    return facts


def _differences(kept: CaseFacts, fresh: CaseFacts) -> dict:
    return {f.name: (getattr(kept, f.name), getattr(fresh, f.name)) for f in fields(CaseFacts)
            if getattr(kept, f.name) != getattr(fresh, f.name)}


def _open_tasks(case_ids: list[int]) -> dict[int, list]:
    """The flows' open tasks of the cases (kind, subject, opened on and at)."""
    return _by_case(db.session.execute(select(
        CaseTask.case_id, CaseTask.kind, CaseTask.subject_key, CaseTask.opened_on, CaseTask.opened_at).where(
        CaseTask.case_id.in_(case_ids), CaseTask.closed_at.is_(None))).all())


def gate(command: str, case: Case, *, kind: str | None = None, subject: int | None = None, role=None) -> Kind:
    """Enforce the command catalogue on the case as it stands, for the role: the kind the command runs as, or
    Unavailable with the catalogue's reason (the role and party were checked before, so strangers learn nothing)."""
    return require_available(command, case_facts(case), kind=kind, subject=subject, role=role)


def commands_for(actor, case: Case, today: date | None = None, facts: CaseFacts | None = None) -> list:
    """What the actor may do on the case now, by the catalogue: each command of the actor's role with whether
    it may run now (its kinds and the records it may act on) or why not. Empty for an actor not on the case."""
    from ..domain.catalogue import available_commands
    from ..domain.permissions import is_on_case
    from .unit_of_work import parties_of

    if not is_on_case(actor, parties_of(case)):
        return []
    return available_commands(actor.role, facts or case_facts(case, today))


def refusal_on(case: Case, command: str, *, kind: str | None = None, subject: int | None = None,
               facts: CaseFacts | None = None, role=None) -> str:
    """Why the command may not run on the case now ("" when it may), without naming the command: a form that
    already says what it is for says only why not. `facts`: the case's, when the caller has just read them."""
    return why_not(command, facts or case_facts(case), kind=kind, subject=subject, role=role)[1]
