"""The branches of a case in chromium: each party in their own browser context acts from their portal, and the
real flows run (the dispatcher drives the case) between the steps, as they would in production."""

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.domain.clearance import HealthFlags
from coordinator.models import Authorization, Case, CaseTask, DutyOffer, FollowUp, Milestone, WeeklyTarget
from coordinator.services import authorizations, clearances, duty, rtw
from coordinator.services.cases import request_clearance
from coordinator.services.program import record_baseline, start_program
from coordinator.services.restrictions import issue_restrictions
from tests.services.journey import (BASELINE, START, TODAY, accept_offer, opened, review, session, to_program,
                                    worker_joins)

from tests.services.test_decision_letters_and_appeals import second_reviewer

from .conftest import fill, shot
from .test_journeys import drain


def on_case(page, portal: str, case_id: int, action: str | None = None):
    """The party's page of the case, then the action's form when named."""
    page.goto(f"/{portal}/cases/{case_id}")
    if action:
        page.get_by_role("link", name=action, exact=True).click()
    return page


def done(page, words: str) -> None:
    expect(page.get_by_text(words).first).to_be_visible()


def submit(page, values: dict, button: str, words: str | None) -> None:
    """Fill the open form, send it, and see the words that say it was taken (None: the caller looks itself)."""
    fill(page, values)
    page.get_by_role("button", name=button).click()
    if words is not None:
        done(page, words)


def tasks_of(case_id: int) -> dict[str, str]:
    """Open tasks of the case: kind -> role."""
    db.session.rollback()
    return {t.kind: t.role for t in db.session.scalars(select(CaseTask).where(CaseTask.case_id == case_id,
                                                                             CaseTask.closed_at.is_(None)))}


def requested(parties, referral, claim: str) -> tuple[int, int]:
    """A cleared case whose initial request waits for the insurer (the flows sent it); (case id, request id)."""
    case_id = opened(parties, referral, claim_number=claim, referral_date=TODAY - timedelta(days=20))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=15))
    drain()
    db.session.rollback()
    auth = db.session.scalar(select(Authorization).where(Authorization.case_id == case_id))
    assert auth is not None and auth.status == "pending"
    return case_id, auth.id


READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
TASKS = (("Lift floor to waist (kg)", "lift_floor_to_waist"), ("Carry (kg)", "carry"), ("Stand (minutes)", "stand"))


def sent_offer(parties, case_id: int, sent: int, start: int) -> DutyOffer:
    """The employer's written offer (its own form is walked in test_journeys.py and the counter journey)."""
    return duty.propose_duty_offer(parties.employer_user, case_id, sent_on=START + timedelta(days=sent),
                                   start_date=START + timedelta(days=start), hours_per_day=4, schedule="Mon-Fri 8-12",
                                   location="Dock 2", wage=24.5, wage_period="hourly",
                                   tasks=[{"description": "Pick light orders", "task": "carry", "amount": 5,
                                           "frequency": "occasional"}])


def review_in_portal(page, case_id: int, week: int, capacities: dict, reviewed_on, expected: str) -> None:
    """The therapist reviews the week from the case page: measures, preview (the recommendation), confirm."""
    on_case(page, "therapist", case_id, f"Review week {week}")
    fill(page, {"Reviewed on (required)": reviewed_on.isoformat(), "Pain": "2", "Exertion (Borg RPE)": "12", "Fatigue": "2",
                "Sessions scheduled this week (required)": "4", "Hours of work tolerated": "8"})
    for label, task in TASKS:
        page.get_by_label(label, exact=True).fill(f"{capacities[task]:g}")
    page.get_by_role("button", name="Preview the review").click()
    expect(page.get_by_text(f"Recommendation: {expected}").first).to_be_visible()
    page.get_by_role("button", name="Confirm the review").click()
    done(page, "Week reviewed")


def decide(page, case_id: int, decision: str, reason: str, sessions: str | None = None) -> None:
    on_case(page, "insurer", case_id, "Decide the authorization")
    page.get_by_label("Decision").select_option(decision)
    if sessions:
        page.get_by_label("Sessions approved").fill(sessions)
    submit(page, {"Reason (required)": reason, "Decided on (required)": TODAY.isoformat()},
        "Decide the authorization", "Decision recorded.")


def test_deny_then_appeal_then_approve(as_party, parties, referral, flows):
    case_id, auth_id = requested(parties, referral, "WC-6001")
    decide(as_party(parties.insurer_user), case_id, "deny", "Not medically necessary yet")
    drain()
    assert tasks_of(case_id) == {"authorization_denied": "case_manager"}   # nothing filed again
    cm = as_party(parties.case_manager)
    on_case(cm, "case-manager", case_id)
    expect(cm.get_by_text("appeal the decision, revise the request or discharge the worker").first).to_be_visible()
    cm.get_by_role("link", name="Appeal the decision").click()
    expect(cm.get_by_text("Not medically necessary yet").first).to_be_visible()   # the denial it answers
    shot(cm, "appeal")
    submit(cm, {"Why the decision should be reconsidered (required)": "Attendance 100 %, lift up 30 % since baseline",
                "Appealed on (required)": TODAY.isoformat()}, "Appeal the decision", "Appeal sent to the insurer")
    drain()
    assert tasks_of(case_id) == {"authorization_decision": "insurer"}
    decide(as_party(second_reviewer(parties)), case_id, "approve", "Gains documented on appeal")   # not the first
    drain()
    db.session.rollback()
    rows = db.session.scalars(select(Authorization).where(Authorization.case_id == case_id)
                              .order_by(Authorization.id)).all()
    assert [(r.decision, r.appeal_of_id) for r in rows] == [("deny", None), ("approve", auth_id)]


def test_pend_then_information_then_approve_with_fewer_sessions(as_party, parties, referral, flows):
    case_id, auth_id = requested(parties, referral, "WC-6002")
    decide(as_party(parties.insurer_user), case_id, "pend", "Send the job description and the last report")
    drain()
    assert tasks_of(case_id) == {"information_requested": "case_manager"}
    cm = as_party(parties.case_manager)
    on_case(cm, "case-manager", case_id)
    expect(cm.get_by_text("Pended: the insurer is waiting for information")).to_be_visible()
    cm.get_by_role("link", name="Supply the information").click()
    expect(cm.get_by_text("Send the job description and the last report").first).to_be_visible()
    shot(cm, "information")
    submit(cm, {"What you are sending the insurer (required)": "Job description and report of week 0 attached",
                "Supplied on (required)": TODAY.isoformat()},
                    "Supply the information", "Information sent; the insurer's decision clock restarts.")
    drain()
    assert tasks_of(case_id) == {"authorization_decision": "insurer"}
    decide(as_party(parties.insurer_user), case_id, "modify", "A shorter trial first", sessions="6")
    db.session.rollback()
    assert db.session.get(Authorization, auth_id).approved_sessions == 6


def test_a_blocked_clearance_is_named_and_the_case_manager_closes_the_case(as_party, parties, referral, flows):
    case_id = opened(parties, referral, claim_number="WC-6003", referral_date=TODAY - timedelta(days=20))
    request_clearance(parties.therapist, case_id)
    drain()
    md = as_party(parties.physician)
    on_case(md, "physician", case_id, "Record the physician's clearance")
    md.get_by_label("unhealed fracture").check()
    submit(md, {"Decided on (required)": TODAY.isoformat()}, "Record the physician's clearance", "Clearance recorded.")
    drain()
    assert tasks_of(case_id) == {"clearance_blocked": "case_manager"}   # not the physician's task again
    cm = as_party(parties.case_manager)
    on_case(cm, "case-manager", case_id)
    expect(cm.get_by_text("Not eligible for the program: the worker was not cleared (unhealed fracture)")) \
        .to_be_visible()
    shot(cm, "case-not-cleared")
    cm.get_by_role("link", name="Discharge", exact=True).click()
    cm.get_by_label("Program ended").check()
    submit(cm, {"Discharged on (required)": TODAY.isoformat()}, "Discharge", "Discharged")
    drain()
    on_case(cm, "case-manager", case_id, "Close the case")
    cm.get_by_role("button", name="Close the case").click()
    done(cm, "Case closed.")
    db.session.rollback()
    assert db.session.get(Case, case_id).stage == "closed"


def test_red_flag_reassess_resume_one_phase_back_and_review_on(as_party, parties, referral, flows):
    case_id = to_program(parties, referral, claim_number="WC-6004")
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    th = as_party(parties.therapist)
    on_case(th, "therapist", case_id, "Log a session")
    fill(th, {"Session date (required)": (START + timedelta(days=7)).isoformat(), "Duration (required)": "60",
              "Exertion (Borg RPE) (required)": "13", "Pain (required)": "3"})
    th.get_by_label("chest pain").check()
    th.get_by_role("button", name="Log a session").click()
    done(th, "Session stopped on a red flag")
    banner = th.locator("p.notice.alert[role=alert]")   # an alert on the inbox, not a quiet confirmation
    expect(banner).to_contain_text("chest pain")
    expect(banner).to_contain_text("reassessment from the physician, due")
    shot(th, "red-flag-session")
    expect(th.get_by_text("physician is asked to reassess").first).to_be_visible()
    drain()
    assert tasks_of(case_id).get("reassessment") == "physician" and "continuation_request" not in tasks_of(case_id)
    md = as_party(parties.physician)
    on_case(md, "physician", case_id, "Reassess and resume the program")
    fill(md, {"Reassessed on (required)": "2100-01-01", "Note (required)": "ECG normal"})
    md.get_by_role("button", name="Reassess and resume the program").click()
    expect(md.get_by_text("cannot be dated in the future").first).to_be_visible()
    submit(md, {"Reassessed on (required)": (START + timedelta(days=8)).isoformat()},
        "Reassess and resume the program", "Reassessed: the program resumes.")
    drain()
    db.session.rollback()
    targets = {w: {t.task: t.amount for t in db.session.scalars(select(WeeklyTarget).where(
        WeeklyTarget.case_id == case_id, WeeklyTarget.week == w))} for w in (1, 2)}
    assert targets[2] == targets[1]   # one phase back
    assert db.session.get(Case, case_id).stage == "program"
    on_case(th, "therapist", case_id, "Review week 1")   # the week of the flag is reviewed like any other
    fill(th, {"Reviewed on (required)": (START + timedelta(days=9)).isoformat()})
    for task, amount in (("Lift floor to waist (kg)", "14"), ("Carry (kg)", "8"), ("Stand (minutes)", "150")):
        th.get_by_label(task, exact=True).fill(amount)
    fill(th, {"Pain": "3", "Exertion (Borg RPE)": "13", "Fatigue": "3", "Sessions scheduled this week (required)": "4"})
    th.get_by_role("button", name="Preview the review").click()
    expect(th.get_by_text("Recommendation: progress").first).to_be_visible()
    th.get_by_role("button", name="Confirm the review").click()
    done(th, "Week reviewed")


def test_counter_offer_rounds_to_acceptance_with_the_offer_in_view(as_party, parties, referral, flows):
    case_id = to_program(parties, referral, claim_number="WC-6005")
    issue_restrictions(parties.physician, case_id, issued_on=START, max_lift_kg=10)
    emp = as_party(parties.employer_user)

    def offer(hours: str, sent: int) -> None:
        on_case(emp, "employer", case_id, "Propose modified duty")
        emp.get_by_label("Hours per day").fill(hours)
        fill(emp, {"Schedule (required)": "Mon-Fri mornings", "Location (required)": "Dock 2",
                   "Wage (required)": "24.5", "Start date (required)": (START + timedelta(days=20)).isoformat(),
                   "Sent on (required)": (START + timedelta(days=sent)).isoformat(),
                   "Description, row 1": "Scan parcels"})
        emp.get_by_label("Wage period").select_option("hourly")
        emp.get_by_label("Task, row 1").select_option("carry")
        emp.get_by_label("Amount, row 1").fill("5")
        emp.get_by_label("Frequency, row 1").select_option("occasional")
        emp.get_by_role("button", name="Check for conflicts").click()
        emp.get_by_role("button", name="Propose modified duty").click()
        done(emp, "Offer sent")

    offer("6", 10)   # nobody asked for one: restrictions are in force, so the employer may
    drain()
    assert tasks_of(case_id).get("offer_check") == "therapist"
    th = as_party(parties.therapist)
    on_case(th, "therapist", case_id, "Check the offer against the restrictions")
    expect(th.get_by_text("Scan parcels")).to_be_visible()   # the offer, in view while checking it
    shot(th, "offer-check")
    th.get_by_label("Does the offer fit the restrictions in force?").select_option("counter")
    submit(th, {"Changes requested, for a counter-offer (shared with the employer)": "Start at 4 hours a day",
                "Checked on (required)": (START + timedelta(days=11)).isoformat()},
                    "Check the offer against the restrictions", "Counter-offer sent to the employer.")
    drain()
    tasks = tasks_of(case_id)
    assert tasks.get("offer_revision") == "employer" and "offer_check" not in tasks
    on_case(emp, "employer", case_id)
    expect(emp.get_by_text("Counter-offer: revise or withdraw the offer").first).to_be_visible()
    offer("4", 12)
    drain()
    on_case(th, "therapist", case_id, "Check the offer against the restrictions")
    th.get_by_label("Does the offer fit the restrictions in force?").select_option("fits")
    submit(th, {"Checked on (required)": (START + timedelta(days=13)).isoformat()},
        "Check the offer against the restrictions", "Checked: the offer goes to the worker to answer.")
    worker = as_party(worker_joins(parties, case_id))
    drain()
    assert tasks_of(case_id).get("offer_answer") == "worker"
    on_case(worker, "worker", case_id, "Answer the modified-duty offer")
    expect(worker.get_by_text("Scan parcels")).to_be_visible()
    shot(worker, "worker-offer-answer")
    worker.get_by_label("Your answer").select_option("accept")
    submit(worker, {"Responded on (required)": (START + timedelta(days=13)).isoformat()},
           "Answer the modified-duty offer", "You accepted the offer")
    drain()
    db.session.rollback()
    assert [o.status for o in db.session.scalars(select(DutyOffer).where(DutyOffer.case_id == case_id)
                                                 .order_by(DutyOffer.round))] == ["revised", "accepted"]
    assert not {"offer_check", "offer_answer", "offer_revision"} & set(tasks_of(case_id))


def test_a_week_that_has_not_ended_cannot_be_reviewed(as_party, parties, referral, flows):
    case_id = opened(parties, referral, claim_number="WC-6006", referral_date=TODAY - timedelta(days=20))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=15))
    auth = authorizations.request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=14),
                                                start_date=TODAY - timedelta(days=2))
    authorizations.decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="ok",
                                        decided_on=TODAY - timedelta(days=13))
    record_baseline(parties.therapist, case_id, measured_on=TODAY - timedelta(days=3), capacities=BASELINE)
    start_program(parties.therapist, case_id, start_on=TODAY - timedelta(days=2))
    th = as_party(parties.therapist)
    on_case(th, "therapist", case_id)
    expect(th.get_by_role("link", name="Review week 1", exact=True)).to_have_count(0)
    th.goto(f"/therapist/cases/{case_id}/act/review/1")
    expect(th.get_by_text("Not possible now: week 1 has not ended yet.")).to_be_visible()


def test_the_worker_declines_a_checked_offer_with_a_reason_and_the_employer_is_asked_for_a_new_one(
        as_party, parties, referral, flows):
    case_id = to_program(parties, referral, claim_number="WC-6007")
    issue_restrictions(parties.physician, case_id, issued_on=START, max_lift_kg=10)
    review(parties, case_id, 1, READY)                   # ready for modified duty: the employer was asked for an offer
    sent_offer(parties, case_id, 8, 12)
    drain()
    md = as_party(parties.physician)   # the physician may check it too
    on_case(md, "physician", case_id, "Check the offer against the restrictions")
    expect(md.get_by_text("Pick light orders")).to_be_visible()
    md.get_by_label("Does the offer fit the restrictions in force?").select_option("fits")
    submit(md, {"Your clinical note (not shared with the employer)": "Lumbar load within the limits",
                "Checked on (required)": (START + timedelta(days=9)).isoformat()},
           "Check the offer against the restrictions", "Checked: the offer goes to the worker to answer.")
    worker = as_party(worker_joins(parties, case_id))
    on_case(worker, "worker", case_id, "Answer the modified-duty offer")
    worker.get_by_label("Your answer").select_option("decline")
    submit(worker, {"Responded on (required)": (START + timedelta(days=9)).isoformat()},
           "Answer the modified-duty offer", None)   # no reason: refused beside the input
    expect(worker.get_by_text("a decline records its reason", exact=False).first).to_be_visible()
    worker.get_by_label("Your answer").select_option("decline")
    submit(worker, {"Your reason for declining (your employer and the insurer will read it)": "Mornings cannot work "
                    "for me", "Responded on (required)": (START + timedelta(days=9)).isoformat()},
           "Answer the modified-duty offer", "You declined the offer")
    drain()
    assert tasks_of(case_id).get("duty_offer") == "employer" and "offer_answer" not in tasks_of(case_id)
    emp = as_party(parties.employer_user)
    on_case(emp, "employer", case_id)
    expect(emp.get_by_text("the worker declined the last offer (Mornings cannot work for me)").first) \
        .to_be_visible()
    assert "Lumbar" not in emp.content()                           # the clinician's own note stays with the clinic
    expect(emp.get_by_role("link", name="Propose modified duty", exact=True)).to_be_visible()
    shot(emp, "employer-after-decline")
    db.session.rollback()
    assert [o.status for o in db.session.scalars(select(DutyOffer).where(DutyOffer.case_id == case_id))] == [
        "declined"]


def test_a_setback_steps_back_a_rung_and_the_ladder_climbs_again_after_a_review(as_party, parties, referral, flows):
    case_id = to_program(parties, referral, claim_number="WC-6008")
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=8)
    accepted = sent_offer(parties, case_id, 1, 7)
    accept_offer(parties, accepted.id, START + timedelta(days=2))
    review(parties, case_id, 1, READY, hours_tolerated=8)
    first = rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    rtw.confirm_milestone(parties.employer_user, first.id, confirmed_on=START + timedelta(days=7))
    rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=8))
    emp = as_party(parties.employer_user)
    on_case(emp, "employer", case_id, "Report a setback")
    shot(emp, "setback")
    submit(emp, {"On (required)": (START + timedelta(days=9)).isoformat(),
                 "What happened (required)": "Sore back after the afternoon at the dock"},
                     "Report a setback", "Setback")
    drain()
    tasks = tasks_of(case_id)
    assert "milestone_start" not in tasks and "milestone_confirmation" not in tasks
    th = as_party(parties.therapist)
    on_case(th, "therapist", case_id)
    expect(th.get_by_text("Sore back after the afternoon at the dock").first).to_be_visible()
    expect(th.get_by_role("link", name="Start the next milestone", exact=True)).to_have_count(0)
    th.goto(f"/therapist/cases/{case_id}/act/milestone")
    expect(th.get_by_text(f"after the setback on {START + timedelta(days=9)} a weekly review must show the capacity "
                          "again first").first).to_be_visible()
    review_in_portal(th, case_id, 2, READY, START + timedelta(days=13), "discharge")
    drain()
    assert tasks_of(case_id).get("milestone_start") == "therapist"
    on_case(th, "therapist", case_id, "Start the next milestone")
    submit(th, {"Started on (required)": (START + timedelta(days=14)).isoformat()},
        "Start the next milestone", "Milestone started")
    db.session.rollback()
    rungs = [(m.rung, m.status) for m in db.session.scalars(select(Milestone).where(Milestone.case_id == case_id)
                                                            .order_by(Milestone.id))]
    assert rungs == [(1, "confirmed"), (2, "stepped_back"), (2, "started")]


def test_an_obstetric_ceiling_from_the_clearance_cautions_the_session_above_it(as_party, parties, referral, flows):
    case_id = opened(parties, referral, claim_number="WC-6009", referral_date=START - timedelta(days=20),
                     health=HealthFlags(pregnant=True, gestation_weeks=16))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=START - timedelta(days=15))
    drain()
    md = as_party(parties.physician)
    on_case(md, "physician", case_id, "Record the obstetric clearance")
    fill(md, {"Decided on (required)": (START - timedelta(days=14)).isoformat(), "Exertion ceiling (Borg RPE)": "12"})
    md.get_by_label("Cleared", exact=True).check()
    md.get_by_role("button", name="Record the obstetric clearance").click()
    done(md, "Obstetric clearance recorded.")
    auth = authorizations.request_authorization(parties.case_manager, case_id, submitted_on=START - timedelta(days=12),
                                                start_date=START)
    authorizations.decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="ok",
                                        decided_on=START - timedelta(days=10))
    record_baseline(parties.therapist, case_id, measured_on=START - timedelta(days=2), capacities=BASELINE)
    start_program(parties.therapist, case_id, start_on=START)
    th = as_party(parties.therapist)
    on_case(th, "therapist", case_id, "Log a session")
    fill(th, {"Session date (required)": START.isoformat(), "Duration (required)": "120", "Exertion (Borg RPE) (required)": "13",
              "Pain (required)": "2"})
    th.get_by_role("button", name="Log a session").click()
    done(th, "RPE 13 is above the ceiling of 12: lower the intensity")   # the obstetrician's 12, not the policy's 14
    db.session.rollback()
    assert db.session.get(Case, case_id).stage == "program"            # a caution, not a stop


def test_after_a_red_flag_the_program_goes_on_to_discharge_and_follow_ups(as_party, parties, referral, flows):
    case_id = to_program(parties, referral, claim_number="WC-6010")
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    session(parties, case_id, START + timedelta(days=7), symptoms=frozenset({"dizziness"}))
    from coordinator.services.program import resume_program

    resume_program(parties.physician, case_id, reassessed_on=START + timedelta(days=8), note="Orthostatic, resolved")
    drain()
    th = as_party(parties.therapist)
    review_in_portal(th, case_id, 1, READY | {"lift_floor_to_waist": 14.0}, START + timedelta(days=9), "progress")
    for day in (9, 10, 11):                                     # with the stopped one, the four scheduled
        session(parties, case_id, START + timedelta(days=day))
    met = {"lift_floor_to_waist": 20.0, "carry": 10.0, "stand": 240.0}
    review_in_portal(th, case_id, 2, met, START + timedelta(days=13), "discharge")
    drain()
    assert "continuation_request" not in tasks_of(case_id)      # no more sessions asked for after that review
    on_case(th, "therapist", case_id, "Discharge")
    th.get_by_label("Program ended").check()
    submit(th, {"Discharged on (required)": (START + timedelta(days=14)).isoformat()}, "Discharge", "Discharged")
    db.session.rollback()
    assert db.session.get(Case, case_id).stage == "discharged"
    assert len(db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id)).all()) == 2


def test_a_refused_clearance_is_asked_for_again_and_the_physician_then_clears(as_party, parties, referral, flows):
    case_id = opened(parties, referral, claim_number="WC-6011", referral_date=TODAY - timedelta(days=30))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=25),
                                contraindications=["uncontrolled_pain"])
    drain()
    assert tasks_of(case_id) == {"clearance_blocked": "case_manager"}
    cm = as_party(parties.case_manager)
    on_case(cm, "case-manager", case_id, "Ask for the clearance again")
    shot(cm, "clearance-again")
    submit(cm, {"Ask again from (required)": TODAY.isoformat()},
        "Ask for the clearance again", "The physician will be asked for the clearance again from that day.")
    drain()
    assert tasks_of(case_id) == {"physician_clearance": "physician"}
    md = as_party(parties.physician)
    on_case(md, "physician", case_id, "Record the physician's clearance")
    submit(md, {"Decided on (required)": TODAY.isoformat(), "Note": "Pain controlled on the new regimen"},
        "Record the physician's clearance", "Clearance recorded.")
    drain()
    db.session.rollback()
    assert db.session.get(Case, case_id).stage == "authorization"
    assert "clearance_blocked" not in tasks_of(case_id)


def test_after_a_denial_the_case_manager_discharges_and_the_untreated_case_closes(as_party, parties, referral, flows):
    case_id, _ = requested(parties, referral, "WC-6012")
    decide(as_party(parties.insurer_user), case_id, "deny", "Outside the policy's criteria")
    drain()
    cm = as_party(parties.case_manager)
    on_case(cm, "case-manager", case_id)
    expect(cm.get_by_text("The insurer denied the last request").first).to_be_visible()
    cm.get_by_role("link", name="Discharge", exact=True).click()
    cm.get_by_label("Program ended").check()
    submit(cm, {"Discharged on (required)": TODAY.isoformat(), "Summary": "Insurer denied the program; back to the GP"},
        "Discharge", "Discharged")
    drain()
    assert tasks_of(case_id) == {}                          # never treated: no follow-ups, nothing more asked
    on_case(cm, "case-manager", case_id, "Close the case")
    cm.get_by_role("button", name="Close the case").click()
    done(cm, "Case closed.")
    db.session.rollback()
    assert db.session.get(Case, case_id).stage == "closed"
    assert db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id)).all() == []
