"""Inboxes: each party sees what it owes on its own cases, overdue first."""

from datetime import timedelta

from sqlalchemy import update

from coordinator.extensions import db
from coordinator.models import Case
from coordinator.policy import visible_cases
from coordinator.services.authorizations import request_authorization
from coordinator.services.cases import open_case, request_clearance
from coordinator.services.clearances import record_clearance
from coordinator.services.inbox import inbox

from .journey import START, TODAY, review, to_program


def kinds(actor):
    return [(i.case_id, str(i.action.kind), i.overdue) for i in inbox(actor, visible_cases(actor))]


def test_clearance_request_lands_in_the_physicians_inbox_only(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    assert kinds(parties.physician) == [(case.id, "physician_clearance", False)]
    assert kinds(parties.other_physician) == []
    assert kinds(parties.employer_user) == [] and kinds(parties.insurer_user) == []


def test_pending_authorization_lands_with_the_insurer_of_the_claim(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    record_clearance(parties.physician, case.id, decided_on=TODAY)
    request_authorization(parties.case_manager, case.id, submitted_on=TODAY, start_date=TODAY)
    assert kinds(parties.insurer_user) == [(case.id, "authorization_decision", False)]
    assert kinds(parties.other_insurer_user) == [] and kinds(parties.physician) == []


def test_overdue_actions_come_first_and_escalate_to_the_case_manager(parties, referral):
    late = open_case(parties.therapist, referral(claim_number="LATE"))
    fresh = open_case(parties.therapist, referral(claim_number="FRESH"))
    request_clearance(parties.therapist, fresh.id)
    request_clearance(parties.therapist, late.id)
    db.session.execute(update(Case).where(Case.id == late.id).values(stage_since=TODAY - timedelta(days=30)))
    db.session.commit()
    assert kinds(parties.physician) == [(late.id, "physician_clearance", True), (fresh.id, "physician_clearance", False)]
    assert kinds(parties.case_manager) == [(late.id, "physician_clearance", True)]


def test_an_ended_week_without_review_is_owed_by_the_therapist(parties, referral):
    case_id = to_program(parties, referral)
    owed = [k for k in kinds(parties.therapist) if k[1] == "weekly_review"]
    assert len(owed) == (TODAY - START).days // 7 and all(o for _, _, o in owed[:-1])
    review(parties, case_id, 1, {"lift_floor_to_waist": 22, "carry": 11, "stand": 250})
    assert len([k for k in kinds(parties.therapist) if k[1] == "weekly_review"]) == len(owed) - 1


def test_readiness_for_modified_duty_asks_the_employer_for_an_offer(parties, referral):
    case_id = to_program(parties, referral)
    assert kinds(parties.employer_user) == []
    review(parties, case_id, 1, {"lift_floor_to_waist": 22, "carry": 11, "stand": 250})
    assert [k[1] for k in kinds(parties.employer_user)] == ["duty_offer"]
    assert kinds(parties.other_employer_user) == []


def test_the_inbox_reads_a_fixed_number_of_statements_whatever_the_caseload(app, parties, referral):
    from sqlalchemy import event

    def statements(n_cases):
        for i in range(n_cases):
            c = open_case(parties.therapist, referral(claim_number=f"N{n_cases}-{i}"))
            request_clearance(parties.therapist, c.id)
        count = [0]

        def tick(*_):
            count[0] += 1
        event.listen(db.engine, "before_cursor_execute", tick)
        try:
            inbox(parties.physician, visible_cases(parties.physician))
        finally:
            event.remove(db.engine, "before_cursor_execute", tick)
        return count[0]

    assert statements(1) == statements(5)
