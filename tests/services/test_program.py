"""Program rules through the services: continuation, pregnancy re-check, deload, overrides."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.domain.errors import InvalidValue, RuleViolation
from coordinator.domain.progression import StepOverride
from coordinator.extensions import db
from coordinator.models import Case, WeeklyTarget
from coordinator.services.authorizations import decide_authorization, request_authorization
from coordinator.services.cases import update_pregnancy
from coordinator.services.clearances import record_specialist_clearance

from .journey import START, review, session, to_program

WEEK1 = {"lift_floor_to_waist": 15, "carry": 8, "stand": 150}


def test_continuation_carries_the_progress_report_and_the_policy_advice(parties, referral):
    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    review(parties, case_id, 1, WEEK1)
    with pytest.raises(RuleViolation, match="already waiting"):
        first = request_authorization(parties.case_manager, case_id, submitted_on=START + timedelta(days=8),
                                      start_date=START)
        request_authorization(parties.case_manager, case_id, submitted_on=START + timedelta(days=8),
                              start_date=START)
    assert first.kind == "continuation" and first.start_date == START + timedelta(days=14)
    assert first.packet["progress_report"]["recommendation"] == "progress"
    assert first.assessment["meets_criteria"] is True
    decide_authorization(parties.insurer_user, first.id, decision="modify", approved_sessions=6,
                         reason="three more weeks is too many", decided_on=START + timedelta(days=9))
    session(parties, case_id, START + timedelta(days=15))   # now covered by the continuation


def test_insurer_of_another_claim_cannot_decide(parties, referral):
    from coordinator.services.unit_of_work import NotFound

    case_id = to_program(parties, referral)
    review(parties, case_id, 1, WEEK1)
    pending = request_authorization(parties.case_manager, case_id, submitted_on=START + timedelta(days=8),
                                    start_date=START)
    with pytest.raises(NotFound):
        decide_authorization(parties.other_insurer_user, pending.id, decision="approve", reason="x",
                             decided_on=START + timedelta(days=9))


def test_a_decided_request_cannot_be_decided_again(parties, referral):
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, WEEK1)
    pending = request_authorization(parties.case_manager, case_id, submitted_on=START + timedelta(days=8),
                                    start_date=START)
    decide_authorization(parties.insurer_user, pending.id, decision="deny", reason="no gain",
                         decided_on=START + timedelta(days=9))
    with pytest.raises(RuleViolation, match="waiting for a decision"):
        decide_authorization(parties.insurer_user, pending.id, decision="approve", reason="changed mind",
                             decided_on=START + timedelta(days=9))


def test_new_pregnancy_blocks_sessions_until_obstetric_clearance(parties, referral):
    case_id = to_program(parties, referral)
    update_pregnancy(parties.therapist, case_id, pregnant=True, gestation_weeks=10, recorded_on=START)
    with pytest.raises(RuleViolation, match="obstetric"):
        session(parties, case_id, START + timedelta(days=1))
    record_specialist_clearance(parties.physician, case_id, kind="obstetric", cleared=True,
                                decided_on=START + timedelta(days=1))
    session(parties, case_id, START + timedelta(days=1))


def test_review_rechecks_the_pregnancy_plan_as_gestation_advances(parties, referral):
    case_id = to_program(parties, referral)
    update_pregnancy(parties.therapist, case_id, pregnant=True, gestation_weeks=19, recorded_on=START)
    record_specialist_clearance(parties.physician, case_id, kind="obstetric", cleared=True, decided_on=START)
    result = review(parties, case_id, 1, WEEK1).result
    plan = result["pregnancy_plan"]
    assert plan["gestation_weeks"] == pytest.approx(19 + 6 / 7, abs=0.01)
    assert plan["lift_limits_kg"]["occasional"] == 16.0
    second = review(parties, case_id, 2, WEEK1).result["pregnancy_plan"]
    assert second["lift_limits_kg"]["occasional"] == 11.8   # from week 20 of gestation


def test_pregnancy_with_impossible_gestation_changes_nothing(parties, referral):
    case_id = to_program(parties, referral)
    version = db.session.get(Case, case_id).version
    with pytest.raises(InvalidValue):
        update_pregnancy(parties.therapist, case_id, pregnant=True, gestation_weeks=45, recorded_on=START)
    db.session.expire_all()
    assert db.session.get(Case, case_id).version == version


def test_deload_when_rpe_at_target_is_17(parties, referral):
    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    reviewed = review(parties, case_id, 1, WEEK1, rpe=17)
    assert reviewed.recommendation == "deload"
    week2 = {t.task: t.amount for t in db.session.scalars(select(WeeklyTarget).where(WeeklyTarget.week == 2))}
    assert week2["lift_floor_to_waist"] == pytest.approx(9.6 * 0.9, abs=0.1)


def test_override_above_10_percent_is_logged_and_above_20_refused(parties, referral):
    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    with pytest.raises(RuleViolation, match="hard ceiling"):
        review(parties, case_id, 1, WEEK1, override=StepOverride(21, "keen"))
    reviewed = review(parties, case_id, 1, WEEK1, override=StepOverride(20, "tolerating well"))
    assert {t["override_reason"] for t in reviewed.result["targets"]} == {"tolerating well"}


def test_the_same_week_cannot_be_reviewed_twice(parties, referral):
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, WEEK1)
    with pytest.raises(RuleViolation, match="already reviewed"):
        review(parties, case_id, 1, WEEK1)


def test_a_week_is_reviewed_only_once_it_has_ended(parties, referral):
    case_id = to_program(parties, referral)
    with pytest.raises(InvalidValue, match="week 2 ends on .*: review it on or after that day"):
        review(parties, case_id, 2, WEEK1, reviewed_on=START + timedelta(days=3))
    with pytest.raises(InvalidValue, match="week 1 ends on"):
        review(parties, case_id, 1, WEEK1, reviewed_on=START + timedelta(days=5))   # its last day is day 7
    assert review(parties, case_id, 1, WEEK1, reviewed_on=START + timedelta(days=6)).week == 1


def test_sessions_and_reviews_run_under_restrictions_and_targets_stop_at_the_restricted_load(parties, referral):
    # regression: a restriction in force used to crash every session and progressing review
    from coordinator.services.restrictions import issue_restrictions

    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START,
                       load_limits=[{"task": "lift_floor_to_waist", "frequency": "occasional", "max_kg": 10}])
    for day in range(4):
        assert not session(parties, case_id, START + timedelta(days=day)).stopped
    reviewed = review(parties, case_id, 1, WEEK1)
    assert reviewed.recommendation == "progress"
    week2 = {t.task: t.amount for t in db.session.scalars(select(WeeklyTarget).where(WeeklyTarget.week == 2))}
    assert week2["lift_floor_to_waist"] == pytest.approx(10.0)   # 9.6 would step past the 10 kg limit
    assert week2["carry"] > 4.8
