"""Each automatic step of drive-case, run as a real Prefect flow run against the test database."""

import asyncio
from datetime import timedelta

from sqlalchemy import select

from coordinator.domain.clearance import HealthFlags
from coordinator.extensions import db
from coordinator.models import Authorization, CaseEvent, CaseTask, FollowUp, Notification
from coordinator.services.clearances import record_clearance
from coordinator.services.duty import check_duty_offer, propose_duty_offer
from coordinator.services.rtw import discharge_case, start_milestone
from flows.drive_case import drive_case
from tests.api.test_workflow_api import OFFER, READY, TASK, ready, restricted
from tests.services.journey import START, TODAY, review, session, to_program

from .test_drive_case import events, fresh, open_tasks, opened


def drive(case_id, today=None):
    return asyncio.run(drive_case(case_id, today))


def task(case_id, kind):
    db.session.rollback()
    return db.session.scalar(select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.kind == kind,
                                                    CaseTask.closed_at.is_(None)))


def notifications(case_id, **where):
    db.session.rollback()
    query = select(Notification).where(Notification.case_id == case_id,
                                       *(getattr(Notification, k) == v for k, v in where.items()))
    return db.session.scalars(query.order_by(Notification.id)).all()


def test_cardiovascular_flags_open_the_cardiology_clearance_after_the_physician(parties, referral, flows):
    case_id = opened(parties, referral, health=HealthFlags(cardiovascular_disease=True))
    drive(case_id)
    record_clearance(parties.physician, case_id, decided_on=TODAY)
    drive(case_id)
    assert fresh(case_id).stage == "clearance"                  # no authorization before cardiology
    assert open_tasks(case_id) == {"specialist_clearance"}
    assert db.session.scalar(select(Authorization.id).where(Authorization.case_id == case_id)) is None


def test_pregnancy_plan_is_applied_and_rechecked_weekly(parties, referral, flows):
    case_id = opened(parties, referral, health=HealthFlags(pregnant=True, gestation_weeks=14))
    assert "check_pregnancy_plan" in drive(case_id)["steps"]
    assert "check_pregnancy_plan" not in drive(case_id)["steps"]
    checked = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                        CaseEvent.kind == "pregnancy_plan_checked"))
    assert checked.clinical and checked.data["trimester"] == 2


def test_week_end_opens_the_review_and_an_ending_authorization_prepares_the_continuation(parties, referral, flows):
    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    review(parties, case_id, 1, {"lift_floor_to_waist": 13.0, "carry": 6.5, "stand": 130.0})
    result = drive(case_id)
    assert "request_continuation" in result["steps"]
    continuation = db.session.scalar(select(Authorization).where(Authorization.case_id == case_id,
                                                                Authorization.kind == "continuation"))
    assert continuation.status == "pending" and continuation.packet["progress_report"]
    assert task(case_id, "authorization_decision").role == "insurer"
    week2 = task(case_id, "weekly_review")
    assert week2.role == "therapist" and week2.subject_key == 2


def test_a_red_flag_pauses_notifies_the_physician_and_opens_the_reassessment(parties, referral, flows):
    case_id = to_program(parties, referral)
    logged = session(parties, case_id, START + timedelta(days=1), systolic=260)
    assert logged.stopped and fresh(case_id).stage == "paused"
    drive(case_id)
    reassess = task(case_id, "reassessment")
    assert reassess.role == "physician" and reassess.org_id == parties.physician.org_id
    told = notifications(case_id, task_id=reassess.id)
    assert told and told[0].org_id == parties.physician.org_id and "260" not in told[0].body


def test_readiness_asks_the_employer_for_an_offer_and_routes_the_offer_to_the_therapist_then_the_worker(
        parties, referral, flows):
    case_id = restricted(parties, referral, max_hours_per_day=8)
    review(parties, case_id, 1, READY, hours_tolerated=4)
    drive(case_id)
    assert task(case_id, "duty_offer").role == "employer"
    assert notifications(case_id, org_id=parties.employer.id)
    propose_duty_offer(parties.employer_user, case_id, tasks=[TASK], start_date=START + timedelta(days=9),
                       sent_on=START + timedelta(days=7), **OFFER)
    drive(case_id)
    assert task(case_id, "duty_offer") is None and task(case_id, "offer_check").role == "therapist"
    offer_id = task(case_id, "offer_check").subject_key
    check_duty_offer(parties.therapist, offer_id, verdict="fits", checked_on=START + timedelta(days=8))
    drive(case_id)
    assert task(case_id, "offer_check") is None and task(case_id, "offer_answer").role == "worker"


def test_the_next_milestone_is_proposed_and_its_confirmation_asked_of_the_employer(parties, referral, flows):
    case_id = ready(parties, referral)
    drive(case_id)
    assert task(case_id, "milestone_start").role == "therapist"
    milestone = start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    drive(case_id)
    confirm = task(case_id, "milestone_confirmation")
    assert confirm.role == "employer" and confirm.subject_key == milestone.id and task(case_id, "milestone_start") is None


def test_discharge_schedules_follow_ups_that_open_only_when_due(parties, referral, flows):
    case_id = to_program(parties, referral)
    discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)
    drive(case_id)
    assert open_tasks(case_id) == set()                          # three months away
    first = db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).first()
    drive(case_id, first.due_on)
    assert task(case_id, "follow_up").subject_key == first.id


def test_every_overdue_task_escalates_to_the_case_manager_once(parties, referral, flows):
    case_id = opened(parties, referral)
    drive(case_id)
    due = task(case_id, "physician_clearance").due_on
    assert drive(case_id, due)["escalated"] == 0
    assert drive(case_id, due + timedelta(days=1))["escalated"] == 1
    assert drive(case_id, due + timedelta(days=2))["escalated"] == 0
    escalation = notifications(case_id, kind="escalation")
    assert [n.role for n in escalation] == ["case_manager"] and escalation[0].org_id == parties.clinic.id
    assert events(case_id).count("task_escalated") == 1
