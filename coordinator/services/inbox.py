"""The inbox: pending actions of the actor's cases, loaded in a fixed number of set-based queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..domain import authorization as auth_rules
from ..domain.actions import CaseFacts, PendingAction, pending_actions
from ..domain.actors import Actor, Role
from ..domain.milestones import DEFAULT_LADDER_POLICY, next_rung_ready
from ..domain.stages import Stage
from ..extensions import db
from ..models import (Authorization, CapacityMeasure, Case, CaseSchedule, Clearance, DutyOffer, FollowUp, Milestone,
                      WeeklyReview)
from .clearances import required_kinds

CASE_MANAGER_SEES_ALL = True   # the case manager tracks every party's approvals, overdue ones first


@dataclass(frozen=True)
class InboxItem:
    """One pending action with its case and whether it is overdue."""

    case_id: int
    claim_number: str
    action: PendingAction
    overdue: bool


def _by_case(rows) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.case_id].append(row)
    return grouped


def _load(case_ids: list[int]) -> dict[str, dict[int, list]]:
    """Every related row of the cases, one query per kind."""
    def rows(model, *where, order=None):
        query = select(model).where(model.case_id.in_(case_ids), *where)
        return _by_case(db.session.scalars(query.order_by(*(order or (model.id,)))).all())

    return {
        "clearances": rows(Clearance),
        "pending": rows(Authorization, Authorization.status == "pending"),
        "approved": rows(Authorization, Authorization.decision.in_(("approve", "modify")), order=(Authorization.end_date,)),
        "reviews": rows(WeeklyReview, order=(WeeklyReview.week,)),
        "offers": rows(DutyOffer, order=(DutyOffer.round,)),
        "milestones": rows(Milestone, Milestone.status.in_(("started", "confirmed"))),
        "follow_ups": rows(FollowUp, FollowUp.recorded_on.is_(None)),
        "baselines": set(db.session.scalars(select(CapacityMeasure.case_id).distinct().where(
            CapacityMeasure.case_id.in_(case_ids), CapacityMeasure.kind == "baseline"))),
        "schedules": {row.case_id: row for row in db.session.scalars(
            select(CaseSchedule).where(CaseSchedule.case_id.in_(case_ids)))},
    }


def _facts(case: Case, rel: dict[str, dict[int, list]], today: date) -> CaseFacts:
    """The action rules' view of one case."""
    latest = {}
    for row in rel["clearances"][case.id]:
        latest[row.kind] = row.outcome
    missing = tuple(str(k) for k in required_kinds(case) if latest.get(str(k)) != "cleared")
    pending = rel["pending"][case.id]
    approved = rel["approved"][case.id]
    last_auth = approved[-1] if approved else None
    reviews = rel["reviews"][case.id]
    offers = rel["offers"][case.id]
    open_offer = next((o for o in reversed(offers) if o.status in ("proposed", "revised")), None)
    started = [m for m in rel["milestones"][case.id] if m.status == "started"]
    confirmed = [m.rung for m in rel["milestones"][case.id] if m.status == "confirmed"]
    accepted = any(o.status == "accepted" for o in offers)
    schedule = rel["schedules"].get(case.id)
    prepare_from = None
    if last_auth:
        value = auth_rules.Authorization(last_auth.start_date, last_auth.end_date, last_auth.approved_sessions)
        prepare_from = auth_rules.continuation_due(value, today).prepare_from
    return CaseFacts(
        stage=Stage(case.stage), stage_since=case.stage_since, missing_clearances=missing,
        pending_authorization=(pending[0].id, pending[0].due_on) if pending else None,
        authorized_until=last_auth.end_date if last_auth else None, continuation_prepare_from=prepare_from,
        program_started_on=case.program_started_on, weeks_reviewed=frozenset(r.week for r in reviews),
        reassessment_needed_since=case.stage_since if case.stage == Stage.PAUSED else None,
        latest_review_on=reviews[-1].reviewed_on if reviews else None,
        latest_readiness=_readiness(reviews[-1]) if reviews else {},
        accepted_offer=accepted,
        open_offer=(open_offer.id, open_offer.response_due) if open_offer else None,
        started_milestone=(started[-1].id, _confirm_due(started[-1])) if started else None,
        follow_ups_due=tuple((f.id, f.due_on) for f in rel["follow_ups"][case.id]),
        eligible=bool((case.screening or {}).get("eligible", True)),
        baseline_recorded=case.id in rel["baselines"],
        authorized_from=approved[0].start_date if approved else None,
        pregnant=bool(case.pregnant),
        pregnancy_checked_on=schedule.pregnancy_checked_on if schedule else None,
        next_milestone_ready=bool(reviews) and next_rung_ready(
            confirmed, _readiness(reviews[-1]), reviews[-1].result.get("hours_tolerated"),
            accepted_offer=accepted, shift_hours=case.shift_hours),
    )


def facts_of(cases: list[Case], today: date | None = None) -> dict[int, CaseFacts]:
    """The action rules' view of each case, in a fixed number of queries."""
    today = today or date.today()
    rel = _load([c.id for c in cases])
    return {case.id: _facts(case, rel, today) for case in cases}


def _readiness(review: WeeklyReview) -> dict[str, float]:
    return {d["task"]: d["readiness"] for d in review.result.get("report", {}).get("demands", [])
            if d.get("critical") and d.get("readiness") is not None}


def _confirm_due(milestone: Milestone) -> date:
    """The employer confirms a rung by the end of its planned days."""
    from datetime import timedelta

    return milestone.confirm_due or milestone.started_on + timedelta(days=DEFAULT_LADDER_POLICY.days_per_rung)


def _mine(actor: Actor, action: PendingAction, overdue: bool) -> bool:
    """The actor owes the action, or is the case manager watching an overdue one (escalation)."""
    role = Role(actor.role)
    if action.role is role or (role is Role.CASE_MANAGER and action.role is Role.THERAPIST):
        return True
    return role is Role.CASE_MANAGER and overdue and CASE_MANAGER_SEES_ALL


def all_pending(cases_query, today: date | None = None) -> list[InboxItem]:
    """Every pending action of the open cases selected, whoever owes it: overdue first, then by due date."""
    today = today or date.today()
    cases = db.session.scalars(cases_query.where(Case.stage != Stage.CLOSED)).all()
    facts = facts_of(cases, today)
    items = [InboxItem(case.id, case.claim_number, action, action.overdue(today))
             for case in cases for action in pending_actions(facts[case.id], today)]
    return sorted(items, key=lambda i: (not i.overdue, i.action.due, i.case_id, i.action.kind))


def inbox(actor: Actor, cases_query, today: date | None = None) -> list[InboxItem]:
    """The actor's pending actions across its visible open cases: overdue first, then by due date and id."""
    return [i for i in all_pending(cases_query, today) if _mine(actor, i.action, i.overdue)]
