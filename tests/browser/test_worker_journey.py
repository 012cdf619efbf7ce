"""The worker's journey on a phone (375 px), each party in their own browser and the flows running between steps:
invited, signs the program plan, reports soreness, declines a checked offer with a reason, accepts the revised
one, signs the return-to-work plan, answers the 3-month follow-up; the employer and the insurer see the outcomes
in their own views and never the worker's own answers."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select, update

from coordinator.extensions import db
from coordinator.models import DutyOffer, FollowUp, Signature
from coordinator.services import duty, rtw
from coordinator.services.restrictions import issue_restrictions
from tests.services.journey import START, TODAY, to_program

from .conftest import axe_violations, fill, shot
from .test_branches import on_case, submit
from .test_journeys import drain

SORE = "sore calves after the carrying drills"     # the worker's own words: their care team's only
PASSWORD = "my own phone password"


def offer(parties, case_id: int, sent: int, carry: float):
    """The employer's written offer (a round), within the restrictions."""
    return duty.propose_duty_offer(
        parties.employer_user, case_id, sent_on=START + timedelta(days=sent), start_date=TODAY + timedelta(days=3),
        hours_per_day=4, schedule="Mon-Fri 8-12", location="Dock 2", wage=24.5, wage_period="hourly",
        tasks=[{"description": "Pick light orders", "task": "carry", "amount": carry, "frequency": "occasional"}])


def check_in_portal(therapist, case_id: int, day: int) -> None:
    on_case(therapist, "therapist", case_id, "Check the offer against the restrictions")
    therapist.get_by_label("Does the offer fit the restrictions in force?").select_option("fits")
    submit(therapist, {"Checked on (required)": (START + timedelta(days=day)).isoformat()},
           "Check the offer against the restrictions", "Checked: the offer goes to the worker to answer.")


def phone_shot(page, name: str) -> None:
    """Screenshots (when asked for), then back to the phone's width the journey runs at."""
    shot(page, name)
    page.set_viewport_size({"width": 375, "height": 812})


def worker_act(worker, case_id: int, action: str) -> None:
    """From the worker's case page, the action's button (a phone: one column, one tap)."""
    worker.goto(f"/worker/cases/{case_id}")
    worker.get_by_role("link", name=action, exact=True).click()


def test_the_worker_does_their_part_on_a_phone(as_party, parties, referral, flows, browser, live_server):
    case_id = to_program(parties, referral, claim_number="WC-7001")
    issue_restrictions(parties.physician, case_id, issued_on=START + timedelta(days=1), max_hours_per_day=8,
                       max_lift_kg=10)
    drain()

    # the case manager invites the worker; the link is handed over (no e-mail server here)
    manager = as_party(parties.case_manager)
    on_case(manager, "case-manager", case_id, "Invite the worker")
    fill(manager, {"The worker's e-mail address (required)": "jordan.reyes@mail.example"})
    manager.get_by_role("button", name="Invite the worker", exact=True).click()
    text = manager.get_by_text("give the worker this link yourself").first.inner_text()
    link = re.search(r"https?://\S+/invitations/[\w-]+", text).group(0)

    phone = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 812})
    worker = phone.new_page()
    worker.set_default_timeout(10_000)
    worker.goto(link)
    fill(worker, {"Choose a password": PASSWORD, "Type the password again": PASSWORD})
    worker.get_by_role("button", name="Join my portal").click()
    expect(worker.get_by_role("heading", name="Your return to work")).to_be_visible()
    phone_shot(worker, "worker-case")
    assert axe_violations(worker) == []
    drain()

    # they sign the program plan (their goal, the job's demands as targets, the schedule)
    worker_act(worker, case_id, "Sign the program plan")
    expect(worker.get_by_text("Lift floor to waist: 20 kg, occasional")).to_be_visible()
    phone_shot(worker, "worker-sign-plan")
    fill(worker, {"Type your full name to sign (required)": "Jordan Reyes",
                  "I have read the plan above and agree to it": True})
    worker.get_by_role("button", name="Sign the program plan").click()
    expect(worker.get_by_text("You signed the program plan.").first).to_be_visible()

    # between sessions: soreness, noted for the therapist (no red flag)
    worker_act(worker, case_id, "Report how you feel")
    worker.get_by_label("Soreness", exact=True).check()
    fill(worker, {"Your pain now": "3", "In your own words (your clinic reads it; your employer does not)": SORE,
                  "Reported on (required)": TODAY.isoformat()})
    phone_shot(worker, "worker-report")
    worker.get_by_role("button", name="Report how you feel").click()
    expect(worker.get_by_text("your therapist will see this").first).to_be_visible()
    drain()

    # an offer the therapist checked; the worker declines it with their reason
    therapist = as_party(parties.therapist)
    first = offer(parties, case_id, 30, 8)
    drain()
    check_in_portal(therapist, case_id, 31)
    drain()
    worker_act(worker, case_id, "Answer the modified-duty offer")
    worker.get_by_label("Your answer").select_option("decline")
    fill(worker, {"Your reason for declining (your employer and the insurer will read it)":
                  "Mornings clash with my physiotherapy", "Responded on (required)": TODAY.isoformat()})
    phone_shot(worker, "worker-decline")
    worker.get_by_role("button", name="Answer the modified-duty offer").click()
    expect(worker.get_by_text("You declined the offer").first).to_be_visible()
    drain()

    # the revised round (afternoons), checked; the worker accepts it and signs the return-to-work plan
    second = duty.propose_duty_offer(
        parties.employer_user, case_id, sent_on=TODAY, start_date=TODAY + timedelta(days=3), hours_per_day=4,
        schedule="Mon-Fri 13-17", location="Dock 2", wage=24.5, wage_period="hourly",
        tasks=[{"description": "Pick light orders", "task": "carry", "amount": 8, "frequency": "occasional"}])
    drain()
    on_case(therapist, "therapist", case_id, "Check the offer against the restrictions")
    therapist.get_by_label("Does the offer fit the restrictions in force?").select_option("fits")
    submit(therapist, {"Checked on (required)": TODAY.isoformat()}, "Check the offer against the restrictions",
           "Checked: the offer goes to the worker to answer.")
    drain()
    worker_act(worker, case_id, "Answer the modified-duty offer")
    expect(worker.get_by_text("Mon-Fri 13-17").first).to_be_visible()
    worker.get_by_label("Your answer").select_option("accept")
    fill(worker, {"Responded on (required)": TODAY.isoformat()})
    worker.get_by_role("button", name="Answer the modified-duty offer").click()
    expect(worker.get_by_text("You accepted the offer").first).to_be_visible()
    drain()
    worker_act(worker, case_id, "Sign the return-to-work plan")
    expect(worker.get_by_text("Restrictions kept to").first).to_be_visible()
    fill(worker, {"Type your full name to sign (required)": "Jordan Reyes",
                  "I have read the plan above and agree to it": True})
    worker.get_by_role("button", name="Sign the return-to-work plan").click()
    expect(worker.get_by_text("You signed the return-to-work plan.").first).to_be_visible()
    assert worker.evaluate("document.documentElement.scrollWidth") <= 375

    # discharged; three months on (the follow-up falls due within the fortnight), the worker answers it
    rtw.discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)
    three = db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).first()
    db.session.execute(update(FollowUp).where(FollowUp.id == three.id).values(due_on=TODAY + timedelta(days=7)))
    db.session.commit()
    drain()
    worker_act(worker, case_id, "Answer the follow-up")
    fill(worker, {"How are you working now? (required)": ("modified_duty",), "Hours a day you work": "6",
                  "Your pain now": "2"})
    phone_shot(worker, "worker-follow-up")
    worker.get_by_role("button", name="Answer the follow-up").click()
    expect(worker.get_by_text("your answer is with your clinic").first).to_be_visible()
    drain()
    phone.close()

    db.session.rollback()
    assert [o.status for o in db.session.scalars(select(DutyOffer).where(DutyOffer.case_id == case_id)
                                                 .order_by(DutyOffer.round))] == ["declined", "accepted"]
    assert {(s.paper, s.signer_role) for s in db.session.scalars(select(Signature))} == {
        ("program_plan", "worker"), ("rtw_plan", "worker")}
    assert db.session.get(FollowUp, three.id).answered_by_role == "worker"
    assert first.id != second.id

    # the employer sees the outcomes, never the worker's own answers
    employer = as_party(parties.employer_user)
    on_case(employer, "employer", case_id)
    seen = employer.content()
    assert "Mornings clash with my physiotherapy" in seen                          # a decline's reason: shared
    assert "answered by the worker: modified duty, 6 hours a day" in seen
    assert "Return-to-work plan" in seen and "signed “Jordan Reyes”" in seen
    for private in (SORE, "soreness", "Program plan", "pain 3"):
        assert private not in seen, private
    # the insurer too: outcomes, but not what the worker told their care team
    insurer = as_party(parties.insurer_user)
    on_case(insurer, "insurer", case_id)
    seen = insurer.content()
    assert "answered by the worker" in seen and "offer round" in seen.lower()
    assert SORE not in seen and "soreness" not in seen
    # the therapist reads it all
    on_case(therapist, "therapist", case_id)
    assert SORE in therapist.content()
