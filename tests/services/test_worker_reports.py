"""Between sessions: the worker reports how they feel or a missed session; a red flag (the session's stop criteria)
is the therapist's task the same day and tells the worker to stop and seek care; the employer sees attendance only."""

import pytest
from sqlalchemy import select

from coordinator.domain.actions import ActionKind, pending_actions
from coordinator.domain.errors import InvalidValue
from coordinator.domain.permissions import NotPermitted
from coordinator.domain.worker_reports import NOTED, STOP_AND_SEEK_CARE, assess_report
from coordinator.extensions import db
from coordinator.models import Case, CaseEvent, CaseTask, Notification
from coordinator.services.automation import sync_tasks
from coordinator.services.facts import case_facts
from coordinator.services.worker_reports import report_missed_session, report_symptoms, review_worker_report

from .journey import TODAY, to_program, worker_joins


def red_flag_actions(case_id):
    db.session.expire_all()
    return [a for a in pending_actions(case_facts(db.session.get(Case, case_id)), TODAY)
            if a.kind is ActionKind.WORKER_RED_FLAG]


def test_soreness_is_noted_for_the_therapist_without_a_task(parties, referral):
    case_id = to_program(parties, referral)
    worker = worker_joins(parties, case_id)
    row, assessed = report_symptoms(worker, case_id, symptoms=["soreness"], pain=3, note="sore after lifting",
                                    reported_on=TODAY)
    assert not assessed.red_flag and assessed.advice == NOTED and row.red_flags == []
    assert red_flag_actions(case_id) == []
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "worker_reported_symptoms"))
    assert event.clinical and "soreness, pain 3/10" in event.summary   # the employer's timeline leaves it out


def test_a_red_flag_is_the_therapist_s_task_today_and_the_worker_is_told_to_stop(parties, referral):
    case_id = to_program(parties, referral)
    worker = worker_joins(parties, case_id)
    row, assessed = report_symptoms(worker, case_id, symptoms=["chest_pain", "soreness"], reported_on=TODAY)
    assert assessed.red_flag and assessed.advice == STOP_AND_SEEK_CARE and row.red_flags == ["red flag: chest pain"]
    [action] = red_flag_actions(case_id)
    assert (str(action.role), action.due, action.subject_id) == ("therapist", TODAY, row.id)
    sync_tasks(case_id, TODAY)
    task = db.session.scalar(select(CaseTask).where(CaseTask.kind == "worker_red_flag"))
    assert task.role == "therapist" and task.due_on >= TODAY
    told = db.session.scalar(select(Notification).where(Notification.task_id == task.id))
    assert told.user_id == parties.therapist.user_id and "chest" not in told.body   # never clinical by e-mail
    review_worker_report(parties.therapist, row.id, reviewed_on=TODAY, note="Called: seen at the ED, all clear")
    assert red_flag_actions(case_id) == []
    sync_tasks(case_id, TODAY)
    db.session.expire_all()
    assert db.session.get(CaseTask, task.id).closed_at is not None


def test_severe_pain_alone_is_a_red_flag_and_pregnancy_signs_count_in_pregnancy_only():
    assert [r.code for r in assess_report([], pain=8).red_flags] == ["severe_pain"]
    assert not assess_report(["headache"], pain=2).red_flag
    assert [r.text for r in assess_report(["headache"], pain=2, pregnant=True).red_flags] == [
        "pregnancy warning sign: headache"]
    with pytest.raises(InvalidValue):
        assess_report([], pain=11)


def test_a_missed_session_is_attendance_the_employer_may_see_but_not_why(parties, referral):
    case_id = to_program(parties, referral)
    worker = worker_joins(parties, case_id)
    report_missed_session(worker, case_id, session_date=TODAY, note="my child was ill")
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "worker_reported_missed_session"))
    assert not event.clinical and "ill" not in event.summary
    assert red_flag_actions(case_id) == []


def test_only_the_worker_reports_and_only_a_clinician_reviews(parties, referral):
    case_id = to_program(parties, referral)
    other = to_program(parties, referral, claim_number="CLM-2")
    worker = worker_joins(parties, case_id)
    for actor in (parties.therapist, parties.employer_user, parties.case_manager):
        with pytest.raises(NotPermitted):
            report_symptoms(actor, case_id, symptoms=["soreness"], reported_on=TODAY)
    with pytest.raises(Exception) as refused:
        report_symptoms(worker, other, symptoms=["soreness"], reported_on=TODAY)
    assert type(refused.value).__name__ == "NotFound"                  # another worker's case does not exist
    row, _ = report_symptoms(worker, case_id, symptoms=["dizziness"], reported_on=TODAY)
    for actor in (worker, parties.employer_user, parties.case_manager):
        with pytest.raises(NotPermitted):
            review_worker_report(actor, row.id, reviewed_on=TODAY)
    with pytest.raises(InvalidValue, match="unknown symptom"):
        report_symptoms(worker, case_id, symptoms=["haunted"], reported_on=TODAY)
    with pytest.raises(InvalidValue, match="tick what you feel"):
        report_symptoms(worker, case_id, symptoms=[], reported_on=TODAY)
