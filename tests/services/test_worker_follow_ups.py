"""The worker answers their follow-ups (working or not, hours, recurrence, pain) from two weeks before each is due;
the answer records the follow-up and closes the clinic's task; the employer reads the work status and hours only."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from coordinator.domain.actions import ActionKind, pending_actions
from coordinator.domain.catalogue import Unavailable
from coordinator.domain.permissions import NotPermitted
from coordinator.extensions import db
from coordinator.models import Case, FollowUp
from coordinator.services.facts import case_facts
from coordinator.services.rtw import answer_follow_up, discharge_case

from .journey import TODAY, to_program, worker_joins


def discharged(parties, referral) -> tuple[int, list[int]]:
    case_id = to_program(parties, referral)
    worker_joins(parties, case_id)
    discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)
    return case_id, list(db.session.scalars(select(FollowUp.id).where(FollowUp.case_id == case_id)
                                            .order_by(FollowUp.due_on)))


def kinds(case_id) -> set[tuple[str, str]]:
    db.session.expire_all()
    return {(str(a.kind), str(a.role)) for a in pending_actions(case_facts(db.session.get(Case, case_id)), TODAY)}


def test_the_worker_answers_a_follow_up_once_it_opens_and_the_clinic_s_task_closes(parties, referral):
    case_id, (three, six) = discharged(parties, referral)
    assert ("follow_up", "case_manager") in kinds(case_id) and ("follow_up_answer", "worker") not in kinds(case_id)
    with pytest.raises(Unavailable, match="no follow-up is open for your answer yet"):
        answer_follow_up(parties.worker, three, work_status="full_duty", recurrence=False)
    # two weeks before the 3-month follow-up is due, the worker is asked
    db.session.execute(update(FollowUp).where(FollowUp.id == three).values(due_on=TODAY + timedelta(days=10)))
    db.session.commit()
    assert ("follow_up_answer", "worker") in kinds(case_id)
    row = answer_follow_up(parties.worker, three, work_status="modified_duty", hours_per_day=6, recurrence=True,
                           pain=4)
    assert (row.recorded_on, row.answered_by_role, row.hours_per_day, row.pain) == (TODAY, "worker", 6, 4)
    left = [a for a in pending_actions(case_facts(db.session.get(Case, case_id)), TODAY)
            if a.kind in (ActionKind.FOLLOW_UP, ActionKind.FOLLOW_UP_ANSWER)]
    assert [a.subject_id for a in left] == [six]                        # only the 6-month one is still owed
    with pytest.raises(Unavailable):
        answer_follow_up(parties.worker, three, work_status="full_duty", recurrence=False)


def test_only_the_worker_answers_and_bad_values_are_refused(parties, referral):
    case_id, (three, _) = discharged(parties, referral)
    db.session.execute(update(FollowUp).where(FollowUp.id == three).values(due_on=TODAY + timedelta(days=1)))
    db.session.commit()
    for actor in (parties.case_manager, parties.employer_user, parties.therapist):
        with pytest.raises(NotPermitted):
            answer_follow_up(actor, three, work_status="full_duty", recurrence=False)
    with pytest.raises(Exception, match="hours a day"):
        answer_follow_up(parties.worker, three, work_status="full_duty", recurrence=False, hours_per_day=30)
    with pytest.raises(Exception, match="work status|unknown"):
        answer_follow_up(parties.worker, three, work_status="surfing", recurrence=False)

