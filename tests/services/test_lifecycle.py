"""The whole lifecycle through the services, and the rules each step enforces."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coordinator.audit import verify_chain
from coordinator.domain.errors import IllegalTransition, InvalidValue, RuleViolation
from coordinator.domain.permissions import NotPermitted
from coordinator.domain.safety import SessionObservations
from coordinator.extensions import db
from coordinator.models import Case, CaseEvent, FollowUp, OutboxRow, ProgramSession, WeeklyTarget
from coordinator.services.duty import check_duty_offer, propose_duty_offer, respond_to_duty_offer
from coordinator.services.program import log_session, resume_program
from coordinator.services.restrictions import issue_restrictions
from coordinator.services.rtw import (close_case, confirm_milestone, discharge_case, record_follow_up,
                                      report_setback, start_milestone)

from .journey import START, TODAY, accept_offer, counter_offer, review, session, to_program, worker_joins

READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
OFFER = dict(tasks=[{"description": "Pick light orders", "task": "carry", "amount": 8,
                     "frequency": "frequent"}], hours_per_day=4, schedule="Mon-Fri 8-12",
             location="Dock 2", wage=24.5, wage_period="hourly")


def _stage(case_id):
    db.session.expire_all()
    return db.session.get(Case, case_id).stage


def test_full_journey_from_referral_to_closed(parties, referral):
    case_id = to_program(parties, referral)
    assert _stage(case_id) == "program"
    week1 = {t.task: t.amount for t in db.session.scalars(select(WeeklyTarget).where(WeeklyTarget.week == 1))}
    assert week1 == {"lift_floor_to_waist": 9.6, "carry": 4.8, "stand": 96.0}
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day), minutes=240)
    first = review(parties, case_id, 1, {"lift_floor_to_waist": 15, "carry": 8, "stand": 150})
    assert first.recommendation == "progress"
    assert [t["next"] for t in first.result["targets"]] == [10.5, 5.2, 105.6]
    for day in range(7, 10):
        session(parties, case_id, START + timedelta(days=day), minutes=240)
    second = review(parties, case_id, 2, READY, scheduled=3, hours_tolerated=8)
    assert second.recommendation == "discharge"

    issue_restrictions(parties.physician, case_id, issued_on=START + timedelta(days=14),
                       load_limits=[{"task": "carry", "frequency": "frequent", "max_kg": 10}],
                       max_hours_per_day=8)
    offer = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=20),
                               sent_on=START + timedelta(days=15), **OFFER)
    assert offer.conflicts == []
    accept_offer(parties, offer.id, START + timedelta(days=16))

    for number in range(1, 5):
        started = START + timedelta(days=16 + number)
        milestone = start_milestone(parties.therapist, case_id, started_on=started)
        assert milestone.rung == number
        confirm_milestone(parties.employer_user, milestone.id, confirmed_on=started)
    assert _stage(case_id) == "return_to_work"
    discharge_case(parties.case_manager, case_id, discharged_on=START + timedelta(days=22), summary="Back at work")
    assert _stage(case_id) == "discharged"
    follow_ups = db.session.scalars(select(FollowUp).order_by(FollowUp.due_on)).all()
    assert [f.months_after for f in follow_ups] == [3, 6]
    with pytest.raises(RuleViolation, match="must be recorded first"):
        close_case(parties.case_manager, case_id)
    for f in follow_ups:
        record_follow_up(parties.case_manager, f.id, recorded_on=TODAY, work_status="full_duty", recurrence=False)
    close_case(parties.case_manager, case_id)
    assert _stage(case_id) == "closed"
    events = db.session.scalar(select(func.count(CaseEvent.id)))
    assert events == db.session.scalar(select(func.count(OutboxRow.id)))
    assert verify_chain().ok


def test_no_session_before_clearance(parties, referral):
    from coordinator.services.cases import open_case, request_clearance

    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    with pytest.raises(RuleViolation, match="clearance"):
        session(parties, case.id, TODAY)


def test_no_session_past_the_authorized_date(parties, referral):
    case_id = to_program(parties, referral)
    with pytest.raises(RuleViolation, match="past the authorized date"):
        session(parties, case_id, START + timedelta(days=14))   # the trial covered days 0-13


def test_no_session_past_the_authorized_count(parties, referral):
    case_id = to_program(parties, referral)
    for day in range(10):
        session(parties, case_id, START + timedelta(days=day))
    before = db.session.scalar(select(func.count(ProgramSession.id)))
    with pytest.raises(RuleViolation, match="authorized count"):
        session(parties, case_id, START + timedelta(days=11))
    assert db.session.scalar(select(func.count(ProgramSession.id))) == before


def test_red_flag_stops_the_session_and_pauses_the_case(parties, referral):
    case_id = to_program(parties, referral)
    row = session(parties, case_id, START, symptoms={"chest_pain"})
    assert row.stopped and _stage(case_id) == "paused"
    assert db.session.get(Case, case_id).paused_reason
    with pytest.raises(RuleViolation, match="paused"):
        session(parties, case_id, START + timedelta(days=1))
    with pytest.raises(NotPermitted):
        resume_program(parties.therapist, case_id, reassessed_on=START + timedelta(days=2), note="fine")
    resume_program(parties.physician, case_id, reassessed_on=START + timedelta(days=2), note="ECG normal")
    assert _stage(case_id) == "program"
    session(parties, case_id, START + timedelta(days=3))


def test_systolic_of_exactly_250_does_not_pause(parties, referral):
    case_id = to_program(parties, referral)
    session(parties, case_id, START, systolic=250)
    assert _stage(case_id) == "program"
    session(parties, case_id, START + timedelta(days=1), systolic=251)
    assert _stage(case_id) == "paused"


def test_offer_with_conflicts_cannot_be_accepted_but_can_be_countered_and_revised(parties, referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START,
                       load_limits=[{"task": "carry", "frequency": "frequent", "max_kg": 5}], avoid=["climb"])
    heavy = dict(OFFER, tasks=OFFER["tasks"] + [{"description": "Ladder", "task": "climb", "amount": 30,
                                                 "frequency": "occasional"}])
    offer = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), **heavy)
    assert {c["kind"] for c in offer.conflicts} == {"load", "avoided_task"}
    with pytest.raises(RuleViolation, match="conflicts"):   # it cannot go to the worker as it stands
        check_duty_offer(parties.therapist, offer.id, verdict="fits", checked_on=START + timedelta(days=2))
    counter_offer(parties, offer.id, START + timedelta(days=2), "lighter carry, no climbing")
    light = dict(OFFER, tasks=[dict(OFFER["tasks"][0], amount=4)])
    revised = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=9),
                                 sent_on=START + timedelta(days=3), **light)
    assert revised.round == 2 and revised.status == "revised" and revised.conflicts == []
    accept_offer(parties, revised.id, START + timedelta(days=4))


def test_decline_needs_a_reason(parties, referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=6)
    offer = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), **OFFER)
    check_duty_offer(parties.therapist, offer.id, verdict="fits", checked_on=START + timedelta(days=2))
    with pytest.raises(InvalidValue, match="reason"):
        respond_to_duty_offer(worker_joins(parties, case_id), offer.id, answer="decline",
                              responded_on=START + timedelta(days=2))


def test_the_offer_can_no_longer_be_answered_by_the_clinic(parties, referral):
    from coordinator.domain.permissions import NotPermitted

    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=6)
    offer = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), **OFFER)
    check_duty_offer(parties.therapist, offer.id, verdict="fits", checked_on=START + timedelta(days=2))
    for clinic in (parties.therapist, parties.case_manager, parties.physician):
        with pytest.raises(NotPermitted):
            respond_to_duty_offer(clinic, offer.id, answer="accept", responded_on=START + timedelta(days=2))
    with pytest.raises(NotPermitted):   # and the check stays the clinicians': not the worker's, not the employer's
        check_duty_offer(worker_joins(parties, case_id), offer.id, verdict="fits", checked_on=START)


def test_milestone_needs_capacity_in_the_latest_review(parties, referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=8)
    offer = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), **OFFER)
    accept_offer(parties, offer.id, START + timedelta(days=2))
    review(parties, case_id, 1, {"lift_floor_to_waist": 12, "carry": 6, "stand": 120}, hours_tolerated=4)
    with pytest.raises(RuleViolation, match="readiness"):
        start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))


def test_setback_from_the_first_milestone_returns_to_the_program(parties, referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=8)
    offer = propose_duty_offer(parties.employer_user, case_id, start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), **OFFER)
    accept_offer(parties, offer.id, START + timedelta(days=2))
    review(parties, case_id, 1, READY, hours_tolerated=4)
    start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    assert _stage(case_id) == "return_to_work"
    report_setback(parties.employer_user, case_id, on=START + timedelta(days=8), reason="back pain at work")
    assert _stage(case_id) == "program"


def test_discharge_as_full_duty_needs_confirmed_full_duty(parties, referral):
    case_id = to_program(parties, referral)
    with pytest.raises(RuleViolation, match="full-duty"):
        discharge_case(parties.case_manager, case_id, discharged_on=TODAY, outcome="full_duty")
    discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)
    assert db.session.get(Case, case_id).discharge_outcome == "not_returned"
    with pytest.raises(IllegalTransition):
        discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)


def test_pregnant_worker_at_rpe_15_gets_a_caution_not_a_pause(parties, referral):
    from coordinator.domain.clearance import HealthFlags
    from coordinator.services.authorizations import decide_authorization, request_authorization
    from coordinator.services.cases import open_case, request_clearance
    from coordinator.services.clearances import record_clearance, record_specialist_clearance
    from coordinator.services.program import record_baseline, start_program

    case = open_case(parties.therapist, referral(health=HealthFlags(pregnant=True, gestation_weeks=12),
                                                 referral_date=TODAY - timedelta(days=60),
                                                 date_of_injury=TODAY - timedelta(days=150)))
    request_clearance(parties.therapist, case.id)
    record_clearance(parties.physician, case.id, decided_on=TODAY - timedelta(days=55))
    with pytest.raises(RuleViolation, match="obstetric"):
        request_authorization(parties.case_manager, case.id, submitted_on=TODAY - timedelta(days=50), start_date=START)
    record_specialist_clearance(parties.physician, case.id, kind="obstetric", cleared=True,
                                decided_on=TODAY - timedelta(days=54))
    auth = request_authorization(parties.case_manager, case.id, submitted_on=TODAY - timedelta(days=50),
                                 start_date=START)
    decide_authorization(parties.insurer_user, auth.id, decision="modify", approved_sessions=6,
                         reason="trial of six", decided_on=TODAY - timedelta(days=48))
    record_baseline(parties.therapist, case.id, measured_on=TODAY - timedelta(days=49),
                    capacities={"lift_floor_to_waist": 12.0, "carry": 6.0, "stand": 120.0})
    start_program(parties.therapist, case.id, start_on=START)
    row = log_session(parties.therapist, case.id, SessionObservations(session_date=START, minutes=120, rpe=15, pain=2))
    assert not row.stopped
    assert any("RPE" in c["text"] for c in row.cautions)
