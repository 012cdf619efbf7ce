"""The flows' services on the database: automatic steps, tasks, escalation, notifications, the next check."""

from datetime import date, timedelta

from sqlalchemy import select

from coordinator.domain.automation import StepKind
from coordinator.extensions import db
from coordinator.models import Authorization, Case, CaseSchedule, CaseTask, Notification
from coordinator.services.authorizations import decide_authorization
from coordinator.services.clearances import record_clearance
from coordinator.services.program import record_baseline
from coordinator.services.automation import due_steps, sync_tasks, take_step

from .journey import events, opened

TODAY = date.today()


def open_tasks(case_id):
    return {t.kind: t for t in db.session.scalars(select(CaseTask).where(CaseTask.case_id == case_id,
                                                                          CaseTask.closed_at.is_(None)))}


def test_intake_asks_for_clearance_and_opens_the_physician_task_with_a_notification(ctx, parties, referral):
    case_id = opened(parties, referral)
    assert [s.kind for s in due_steps(case_id)] == [StepKind.REQUEST_CLEARANCE]
    assert take_step(case_id, StepKind.REQUEST_CLEARANCE)
    assert not take_step(case_id, StepKind.REQUEST_CLEARANCE)   # no longer due
    assert sync_tasks(case_id) == {"opened": 1, "closed": 0, "escalated": 0}
    task = open_tasks(case_id)["physician_clearance"]
    assert task.role == "physician" and task.org_id == parties.physician.org_id and task.due_on > TODAY
    note = db.session.scalar(select(Notification).where(Notification.task_id == task.id))
    assert note.org_id == parties.physician.org_id and "Strain" not in note.body and "S39" not in note.body
    assert sync_tasks(case_id) == {"opened": 0, "closed": 0, "escalated": 0}   # idempotent
    assert events(case_id) == ["case_opened", "clearance_requested", "task_opened"]
    assert db.session.get(CaseSchedule, case_id).next_check_on == task.due_on + timedelta(days=1)


def test_clearance_in_requests_authorization_then_baseline_starts_the_program(ctx, parties, referral):
    case_id = opened(parties, referral)
    take_step(case_id, StepKind.REQUEST_CLEARANCE)
    sync_tasks(case_id)
    version = db.session.get(Case, case_id).version
    sync_tasks(case_id)
    assert db.session.get(Case, case_id).version == version   # bookkeeping never invalidates an If-Match
    record_clearance(parties.physician, case_id, decided_on=TODAY)
    assert take_step(case_id, StepKind.REQUEST_AUTHORIZATION)
    sync_tasks(case_id)
    assert set(open_tasks(case_id)) == {"authorization_decision"}
    auth = db.session.scalar(select(Authorization).where(Authorization.case_id == case_id))
    decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="ok", decided_on=TODAY)
    assert not due_steps(case_id)                               # no baseline yet: the therapist's task
    sync_tasks(case_id)
    assert set(open_tasks(case_id)) == {"start_program"}
    record_baseline(parties.therapist, case_id, measured_on=TODAY,
                    capacities={"lift_floor_to_waist": 12.0, "carry": 6.0, "stand": 120.0})
    steps = due_steps(case_id)
    if auth.start_date > TODAY:   # the program waits for the authorized start
        assert not steps and db.session.get(CaseSchedule, case_id).next_check_on is not None
        return
    assert take_step(case_id, StepKind.START_PROGRAM)
    assert db.session.get(Case, case_id).stage == "program"


def test_overdue_task_escalates_once_to_the_case_manager(ctx, parties, referral):
    case_id = opened(parties, referral)
    take_step(case_id, StepKind.REQUEST_CLEARANCE)
    sync_tasks(case_id)
    later = TODAY + timedelta(days=30)
    assert sync_tasks(case_id, later)["escalated"] == 1
    assert sync_tasks(case_id, later)["escalated"] == 0
    escalation = db.session.scalar(select(Notification).where(Notification.kind == "escalation"))
    assert escalation.role == "case_manager" and escalation.org_id == parties.clinic.id
    assert events(case_id)[-1] == "task_escalated"


def test_done_work_closes_its_task(ctx, parties, referral):
    case_id = opened(parties, referral)
    take_step(case_id, StepKind.REQUEST_CLEARANCE)
    sync_tasks(case_id)
    record_clearance(parties.physician, case_id, decided_on=TODAY)
    assert sync_tasks(case_id)["closed"] == 1
    assert "physician_clearance" not in open_tasks(case_id)


def test_pregnancy_plan_is_checked_then_again_a_week_later(ctx, parties, referral):
    from coordinator.domain.clearance import HealthFlags

    case_id = opened(parties, referral, health=HealthFlags(pregnant=True, gestation_weeks=14))
    take_step(case_id, StepKind.REQUEST_CLEARANCE)
    assert take_step(case_id, StepKind.CHECK_PREGNANCY_PLAN)
    assert not take_step(case_id, StepKind.CHECK_PREGNANCY_PLAN)
    assert StepKind.CHECK_PREGNANCY_PLAN in {s.kind for s in due_steps(case_id, TODAY + timedelta(days=7))}
    assert "pregnancy_plan_checked" in events(case_id)
