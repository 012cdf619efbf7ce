"""Every branch of a case through the services, with the real drive-case flow run for thirty simulated days after
each person's decision: the decision stands, nobody files it again, and exactly the next party has one task that
says what to do."""

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.domain.calendar import add_business_days
from coordinator.domain.errors import DomainError, InvalidValue, RuleViolation
from coordinator.domain.progression import StepOverride
from coordinator.extensions import db
from coordinator.models import (Authorization, Case, CaseEvent, CaseSchedule, CaseTask, Clearance, DutyOffer,
                                Notification, RestrictionSet, WeeklyTarget)
from coordinator.services import authorizations, clearances, duty, program
from coordinator.services.cases import request_clearance
from coordinator.services.facts import refusal_on
from coordinator.services.restrictions import issue_restrictions
from flows.drive_case import drive_case

from .journey import (BASELINE, START, TODAY, accept_offer, counter_offer, events, opened, review, session, to_program,
                      worker_joins)
from .test_decision_letters_and_appeals import second_reviewer

READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
MET = {"lift_floor_to_waist": 20.0, "carry": 10.0, "stand": 240.0}
OFFER = dict(hours_per_day=4, schedule="Mon-Fri 8-12", location="Dock 2", wage=24.5, wage_period="hourly")


def flows_for_thirty_days(case_id: int, first_day: date) -> int:
    """Run the real drive-case flow on each day the case's schedule asks to be looked at again (as the sweep
    does), from `first_day` for thirty days (never past today); the number of flow runs."""
    day, last, runs = first_day, min(first_day + timedelta(days=30), TODAY), 0
    while day <= last:
        asyncio.run(drive_case(case_id, today=day))
        runs += 1
        db.session.rollback()
        nxt = db.session.get(CaseSchedule, case_id).next_check_on
        day = max(day + timedelta(days=1), nxt) if nxt else last + timedelta(days=1)
    return runs


def open_tasks(case_id: int) -> dict[str, list[CaseTask]]:
    db.session.rollback()
    found: dict[str, list[CaseTask]] = {}
    for t in db.session.scalars(select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.closed_at.is_(None))):
        found.setdefault(t.kind, []).append(t)
    return found


def requests(case_id: int) -> list[Authorization]:
    db.session.rollback()
    return list(db.session.scalars(select(Authorization).where(Authorization.case_id == case_id)
                                   .order_by(Authorization.id)))


def notes_of(task: CaseTask) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.task_id == task.id,
                                                                Notification.kind == "task")))


def offer(parties, case_id: int, sent: int, start: int = 5, **changes) -> DutyOffer:
    """The employer's offer (or next round) sent `sent` days into the program, for a light carry task."""
    return duty.propose_duty_offer(parties.employer_user, case_id, sent_on=START + timedelta(days=sent),
                                   start_date=START + timedelta(days=start), **(OFFER | changes),
                                   tasks=[{"description": "Scan", "task": "carry", "amount": 5,
                                           "frequency": "occasional"}])


def continuation(parties, case_id, on: date) -> Authorization:
    return authorizations.request_authorization(parties.case_manager, case_id, submitted_on=on)


# -- the insurer's decisions -------------------------------------------------------------------------------------


def test_a_denial_stands_the_case_manager_appeals_and_the_insurer_decides_the_appeal(ctx, flows, parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, START + timedelta(days=8))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="deny", reason="no measurable gain",
                                        decided_on=START + timedelta(days=9))
    flows_for_thirty_days(case_id, START + timedelta(days=9))
    rows = requests(case_id)
    assert [(r.kind, r.decision) for r in rows] == [("initial", "approve"), ("continuation", "deny")]   # none again
    tasks = open_tasks(case_id)
    assert "continuation_request" not in tasks and "authorization_decision" not in tasks
    [denied] = tasks["authorization_denied"]
    assert denied.role == "case_manager" and denied.subject_key == asked.id
    [note] = notes_of(denied)
    assert "appeal" in note.body and "revise" in note.body and "discharge" in note.body

    # within the 30 days the payer allows (a later one is refused: tests/services/test_decision_letters_and_appeals)
    appeal = authorizations.appeal_authorization(parties.case_manager, asked.id, reason="grip up 20 %: see report",
                                                 appealed_on=START + timedelta(days=20))
    assert appeal.appeal_of_id == asked.id and appeal.status == "pending"
    assert (appeal.start_date, appeal.requested_sessions) == (asked.start_date, asked.requested_sessions)
    flows_for_thirty_days(case_id, START + timedelta(days=20))
    tasks = open_tasks(case_id)
    assert "authorization_denied" not in tasks and [t.subject_key for t in tasks["authorization_decision"]] == [appeal.id]
    # decided by a reviewer other than the one who denied
    authorizations.decide_authorization(second_reviewer(parties), appeal.id, decision="approve", reason="gain shown",
                                        decided_on=TODAY - timedelta(days=1))
    assert requests(case_id)[1].decision == "deny"   # the denial stays on record, replaced by the appeal's outcome
    with pytest.raises(DomainError, match="no denial or modification waits to be appealed"):
        authorizations.appeal_authorization(parties.case_manager, asked.id, reason="again", appealed_on=TODAY)


def test_a_pend_asks_the_clinic_for_what_is_missing_and_supplying_it_restarts_the_clock(ctx, flows, parties,
                                                                                        referral):
    case_id = opened(parties, referral, referral_date=TODAY - timedelta(days=60))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=45))
    asked = authorizations.request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=44),
                                                 start_date=TODAY - timedelta(days=40))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="pend",
                                        reason="Send the job description", decided_on=TODAY - timedelta(days=43))
    flows_for_thirty_days(case_id, TODAY - timedelta(days=43))
    [row] = requests(case_id)
    assert row.status == "pended" and row.decision == "pend"
    tasks = open_tasks(case_id)
    assert "authorization_decision" not in tasks
    [info] = tasks["information_requested"]
    assert info.role == "case_manager" and "Send the job description" in notes_of(info)[0].body
    with pytest.raises(DomainError, match="no authorization request is waiting for a decision"):
        authorizations.decide_authorization(parties.insurer_user, asked.id, decision="approve", reason="ok",
                                            decided_on=TODAY)

    supplied = TODAY - timedelta(days=8)
    row = authorizations.supply_information(parties.case_manager, asked.id, information="Job description attached",
                                            supplied_on=supplied)
    assert row.status == "pending" and row.due_on == add_business_days(supplied, 5)
    assert row.information[0]["asked"] == "Send the job description" and row.information[0]["supplied"]
    flows_for_thirty_days(case_id, supplied)
    tasks = open_tasks(case_id)
    assert "information_requested" not in tasks and len(tasks["authorization_decision"]) == 1
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="approve", reason="complete",
                                        decided_on=TODAY - timedelta(days=7))
    assert requests(case_id)[0].approved_sessions == 10


def test_a_modification_authorizes_the_fewer_sessions_and_no_more(ctx, parties, referral):
    case_id = opened(parties, referral, referral_date=TODAY - timedelta(days=30))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=25))
    first = TODAY - timedelta(days=13)
    asked = authorizations.request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=20),
                                                 start_date=first)
    row = authorizations.decide_authorization(parties.insurer_user, asked.id, decision="modify", approved_sessions=3,
                                              reason="trial of three", decided_on=TODAY - timedelta(days=18))
    assert row.approved_sessions == 3
    program.record_baseline(parties.therapist, case_id, measured_on=first, capacities=BASELINE)
    program.start_program(parties.therapist, case_id, start_on=first)
    for day in range(3):
        session(parties, case_id, first + timedelta(days=day))
    with pytest.raises(RuleViolation, match="all 3 authorized sessions"):
        session(parties, case_id, first + timedelta(days=3))


def test_no_continuation_is_filed_for_a_paused_case_nor_after_a_review_recommends_discharge(ctx, flows, parties,
                                                                                             referral):
    paused = to_program(parties, referral, claim_number="CLM-P")
    session(parties, paused, START + timedelta(days=1), symptoms=frozenset({"chest_pain"}))
    flows_for_thirty_days(paused, START + timedelta(days=1))
    assert len(requests(paused)) == 1
    tasks = open_tasks(paused)
    assert "continuation_request" not in tasks and len(tasks["reassessment"]) == 1

    done = to_program(parties, referral, claim_number="CLM-D")
    assert review(parties, done, 1, MET).recommendation == "discharge"
    flows_for_thirty_days(done, START + timedelta(days=7))
    assert len(requests(done)) == 1 and "continuation_request" not in open_tasks(done)


def test_an_approved_continuation_does_not_file_the_next_at_once_and_the_week_cap_ends_them(ctx, flows, parties,
                                                                                            referral):
    case_id = to_program(parties, referral)
    for week in (1,):
        review(parties, case_id, week, READY | {"lift_floor_to_waist": 14.0})
    asked = continuation(parties, case_id, START + timedelta(days=8))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="approve", reason="gains",
                                        decided_on=START + timedelta(days=9))
    flows_for_thirty_days(case_id, START + timedelta(days=9))
    # 2 + 2 weeks: the payer's cap of 4 consecutive weeks is reached, so no third request, by hand or by flow
    assert [r.kind for r in requests(case_id)] == ["initial", "continuation"]
    assert "continuation_request" not in open_tasks(case_id)


# -- the clinical branches ----------------------------------------------------------------------------------------


def test_a_blocked_clearance_names_its_reason_and_the_case_manager_defers_and_asks_again(ctx, flows, parties,
                                                                                         referral):
    case_id = opened(parties, referral, referral_date=TODAY - timedelta(days=40))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=35),
                                contraindications=["unhealed_fracture"], note="cast until week 6")
    flows_for_thirty_days(case_id, TODAY - timedelta(days=35))
    tasks = open_tasks(case_id)
    assert "physician_clearance" not in tasks          # "not cleared" does not ask the physician again
    [blocked] = tasks["clearance_blocked"]
    assert blocked.role == "case_manager"
    assert db.session.scalar(select(func.count(Clearance.id)).where(Clearance.case_id == case_id)) == 1
    case = db.session.get(Case, case_id)
    assert refusal_on(case, "log_session") == "the physician clearance was refused (unhealed fracture)"
    assert "unhealed fracture" in refusal_on(case, "start_program")

    clearances.ask_for_clearance_again(parties.case_manager, case_id, asked_on=TODAY + timedelta(days=14))
    asyncio.run(drive_case(case_id, today=TODAY))
    assert open_tasks(case_id) == {}                   # deferred: nobody owes anything until that day
    assert db.session.get(CaseSchedule, case_id).next_check_on == TODAY + timedelta(days=14)
    asyncio.run(drive_case(case_id, today=TODAY + timedelta(days=14)))
    assert set(open_tasks(case_id)) == {"physician_clearance"}


def test_restrictions_given_with_a_clearance_are_in_force_signed_and_offers_are_checked(ctx, parties, referral):
    case_id = to_program(parties, referral)
    # to_program's clearance had none: a new physician clearance with restrictions is version 1
    clearances.record_clearance(parties.physician, case_id, decided_on=START, max_lift_kg=10, avoid=["climb"],
                                restrictions=["no overhead work"])
    [row] = db.session.scalars(select(RestrictionSet).where(RestrictionSet.case_id == case_id)).all()
    assert (row.version, row.max_lift_kg, row.avoid, row.issued_by_id) == (1, 10, ["climb"], parties.physician.user_id)
    offer = duty.propose_duty_offer(parties.employer_user, case_id, sent_on=START + timedelta(days=1),
                                    start_date=START + timedelta(days=3), **OFFER,
                                    tasks=[{"description": "Ladder", "task": "climb", "amount": 30,
                                            "frequency": "occasional"}])
    assert any(c["task"] == "climb" for c in offer.conflicts)


def test_a_specialists_ceiling_applies_when_it_is_lower_than_the_policy(ctx, parties, referral):
    from coordinator.domain.clearance import HealthFlags
    from coordinator.services.limits import limits_on

    case_id = opened(parties, referral, referral_date=TODAY - timedelta(days=20),
                     health=HealthFlags(pregnant=True, gestation_weeks=16))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=18))
    clearances.record_specialist_clearance(parties.physician, case_id, kind="obstetric", cleared=True, rpe_ceiling=12,
                                           decided_on=TODAY - timedelta(days=18))
    assert limits_on(db.session.get(Case, case_id), TODAY).rpe_ceiling == 12


def test_after_a_red_flag_and_a_reassessment_the_program_resumes_one_phase_back_and_reviews_go_on(ctx, flows,
                                                                                                  parties, referral):
    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    assert review(parties, case_id, 1, READY | {"lift_floor_to_waist": 14.0}).recommendation == "progress"
    week1 = {t.task: t.amount for t in db.session.scalars(select(WeeklyTarget).where(
        WeeklyTarget.case_id == case_id, WeeklyTarget.week == 1))}
    flag = START + timedelta(days=8)
    row = session(parties, case_id, flag, symptoms=frozenset({"chest_pain"}))
    assert row.stopped and db.session.get(Case, case_id).stage == "paused"
    flows_for_thirty_days(case_id, flag)
    with pytest.raises(InvalidValue, match="cannot predate the pause"):
        program.resume_program(parties.physician, case_id, reassessed_on=flag - timedelta(days=1), note="fine")
    with pytest.raises(InvalidValue, match="future"):
        program.resume_program(parties.physician, case_id, reassessed_on=TODAY + timedelta(days=1), note="fine")
    program.resume_program(parties.physician, case_id, reassessed_on=flag + timedelta(days=1), note="ECG normal")
    week2 = {t.task: t.amount for t in db.session.scalars(select(WeeklyTarget).where(
        WeeklyTarget.case_id == case_id, WeeklyTarget.week == 2))}
    assert week2 == week1                                  # one phase back: week 1's targets again
    for day in (10, 11, 12):
        session(parties, case_id, START + timedelta(days=day))
    second = review(parties, case_id, 2, READY | {"lift_floor_to_waist": 15.0})
    assert second.recommendation == "progress" and second.result["targets"]   # the flag was dealt with
    asked = continuation(parties, case_id, START + timedelta(days=13))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="approve", reason="resumed well",
                                        decided_on=START + timedelta(days=13))
    for day in (14, 15, 16, 17):
        session(parties, case_id, START + timedelta(days=day))
    third = review(parties, case_id, 3, READY | {"lift_floor_to_waist": 16.0})
    assert third.recommendation == "progress"
    assert [k for k in events(case_id) if k in ("red_flag", "program_resumed")] == ["red_flag", "program_resumed"]


def test_an_override_that_cannot_apply_is_refused_with_the_reason(ctx, parties, referral):
    case_id = to_program(parties, referral)
    with pytest.raises(RuleViolation, match="the override cannot be applied: the review recommends discharge"):
        review(parties, case_id, 1, MET, override=StepOverride(15, "keen"))


# -- modified duty -------------------------------------------------------------------------------------------------


def test_counter_offers_go_round_to_acceptance_each_party_told_once(ctx, flows, parties, referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_lift_kg=10)
    # nobody asked for an offer yet (no review shows readiness): restrictions are in force, so the employer may
    first = offer(parties, case_id, 1)
    flows_for_thirty_days(case_id, START + timedelta(days=1))
    [check] = open_tasks(case_id)["offer_check"]
    assert check.role == "therapist" and len(notes_of(check)) == 1
    counter_offer(parties, first.id, START + timedelta(days=2), "Start at 3 hours a day")
    flows_for_thirty_days(case_id, START + timedelta(days=2))
    tasks = open_tasks(case_id)
    assert "offer_check" not in tasks and "offer_answer" not in tasks
    [revise] = tasks["offer_revision"]
    assert revise.role == "employer" and revise.org_id == parties.employer.id and len(notes_of(revise)) == 1
    second = offer(parties, case_id, 3, hours_per_day=3)
    duty.check_duty_offer(parties.therapist, second.id, verdict="fits", checked_on=START + timedelta(days=4))
    worker = worker_joins(parties, case_id)
    flows_for_thirty_days(case_id, START + timedelta(days=4))
    [answer] = open_tasks(case_id)["offer_answer"]            # now the worker's: they answer the checked round
    assert answer.role == "worker" and answer.org_id is None
    [told] = notes_of(answer)
    assert told.user_id == worker.user_id
    duty.respond_to_duty_offer(worker, second.id, answer="accept", responded_on=START + timedelta(days=4))
    flows_for_thirty_days(case_id, START + timedelta(days=4))
    db.session.rollback()
    statuses = [o.status for o in db.session.scalars(select(DutyOffer).where(DutyOffer.case_id == case_id)
                                                     .order_by(DutyOffer.round))]
    assert statuses == ["revised", "accepted"]                # the older round is closed, not left open
    assert not {"offer_check", "offer_answer", "offer_revision", "duty_offer"} & set(open_tasks(case_id))
    per_task = db.session.execute(select(Notification.task_id, Notification.org_id, func.count()).where(
        Notification.case_id == case_id, Notification.kind == "task").group_by(Notification.task_id,
                                                                                Notification.org_id)).all()
    assert all(count == 1 for _, _, count in per_task)


def test_the_employer_withdraws_a_countered_offer(ctx, parties, referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_lift_kg=10)
    first = offer(parties, case_id, 1)
    counter_offer(parties, first.id, START + timedelta(days=2), "Mornings only")
    assert duty.withdraw_duty_offer(parties.employer_user, first.id, withdrawn_on=START + timedelta(days=3)).status \
        == "withdrawn"


def test_a_declined_offer_stands_and_the_employer_is_asked_for_a_new_one_with_the_reason(ctx, flows, parties,
                                                                                         referral):
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_lift_kg=10)
    review(parties, case_id, 1, READY)                        # ready for modified duty: an offer is wanted
    first = offer(parties, case_id, 8, start=12)
    duty.check_duty_offer(parties.therapist, first.id, verdict="fits", checked_on=START + timedelta(days=8),
                          reason="Lumbar load within limits")
    duty.respond_to_duty_offer(worker_joins(parties, case_id), first.id, answer="decline",
                               responded_on=START + timedelta(days=9), reason="Mornings cannot work for me")
    flows_for_thirty_days(case_id, START + timedelta(days=9))
    db.session.rollback()
    assert db.session.get(DutyOffer, first.id).status == "declined"      # nobody reopens it
    tasks = open_tasks(case_id)
    assert "offer_answer" not in tasks and "offer_revision" not in tasks
    [ask] = tasks["duty_offer"]
    [told] = notes_of(ask)
    assert ask.role == "employer" and "Mornings cannot work for me" in told.body   # the worker's own reason
    assert "Lumbar" not in told.body                                     # the clinician's note stays with the clinic
    assert ask.due_on == add_business_days(START + timedelta(days=9), 10)  # counted from the decline
    second = offer(parties, case_id, 10, start=12, schedule="Mon-Fri 13-17")   # a new round, proposed afresh
    assert (second.round, second.status) == (2, "proposed")


# -- dates ---------------------------------------------------------------------------------------------------------


def test_no_task_is_born_overdue_and_events_carry_the_day_they_happened(ctx, flows, parties, referral):
    case_id = opened(parties, referral, referral_date=TODAY - timedelta(days=40))
    request_clearance(parties.therapist, case_id)
    decided = TODAY - timedelta(days=30)
    clearances.record_clearance(parties.physician, case_id, decided_on=decided)
    asyncio.run(drive_case(case_id, today=TODAY))   # the flows ask for the authorization today
    [task] = open_tasks(case_id)["authorization_decision"]
    assert task.due_on > TODAY and task.escalated_at is None
    cleared = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                        CaseEvent.kind == "clearance_recorded"))
    assert cleared.occurred_on == decided and cleared.at.date() == date.today()


# -- the ladder --------------------------------------------------------------------------------------------------


def test_after_a_setback_the_ladder_waits_for_a_new_review_then_the_therapist_restarts_the_rung(ctx, flows, parties,
                                                                                                referral):
    from coordinator.services import rtw

    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=8)
    accepted = offer(parties, case_id, 1, start=7)
    accept_offer(parties, accepted.id, START + timedelta(days=2))
    review(parties, case_id, 1, READY, hours_tolerated=8)
    first = rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    rtw.confirm_milestone(parties.employer_user, first.id, confirmed_on=START + timedelta(days=7))
    second = rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=8))
    rtw.report_setback(parties.employer_user, case_id, on=START + timedelta(days=9),
                       reason="Back pain after lifting at the dock")
    flows_for_thirty_days(case_id, START + timedelta(days=9))
    db.session.rollback()
    assert db.session.get(type(second), second.id).status == "stepped_back"   # the employer's report stands
    tasks = open_tasks(case_id)
    assert "milestone_start" not in tasks and "milestone_confirmation" not in tasks
    assert {t.subject_key for t in tasks["weekly_review"]} >= {2}              # the therapist reviews first
    with pytest.raises(DomainError, match=f"after the setback on {START + timedelta(days=9)} a weekly review"):
        rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=12))
    review(parties, case_id, 2, READY, hours_tolerated=8)
    flows_for_thirty_days(case_id, START + timedelta(days=13))
    [restart] = open_tasks(case_id)["milestone_start"]
    assert restart.role == "therapist"
    again = rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=14))
    assert again.rung == 2                                                     # one rung back, then up again
