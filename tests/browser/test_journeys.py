"""In chromium, between real drive-case flow runs: the physician clears, the insurer authorizes, the therapist
baselines and logs a session, each from their inbox in a few clicks."""

import asyncio

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from coordinator.demo import DEMO_PASSWORD
from coordinator.extensions import db
from coordinator.models import CapacityMeasure, Case
from flows.dispatcher import Dispatcher
from tests.factories import set_password
from tests.services.journey import TODAY, opened

from .conftest import axe_violations, sign_in


@pytest.fixture
def party(page, parties):
    """Sign a party in, in the shared page's own fresh session."""
    def as_(actor):
        page.context.clear_cookies()
        sign_in(page, set_password(actor, DEMO_PASSWORD), DEMO_PASSWORD)
        return page
    return as_


def drain():
    """Relay the outbox into drive-case runs, in a thread: Playwright's sync API holds this thread's loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(lambda: asyncio.run(Dispatcher(idle_seconds=0).drain())).result()


def open_from_inbox(page, claim: str, action: str):
    """One click from the inbox: the line's own link opens the form that does what it asks."""
    page.goto("/")
    page.locator("table.inbox tbody tr", has_text=claim).first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action)


def test_clearance_authorization_baseline_and_a_session_in_the_browser(page, party, parties, referral, flows):
    case_id = opened(parties, referral, claim_number="WC-2001")
    drain()                                                             # flows: the physician's task

    party(parties.physician)
    open_from_inbox(page, "WC-2001", "Record the physician's clearance")
    assert axe_violations(page) == []
    page.get_by_label("Decided on (required)").fill(TODAY.isoformat())
    page.get_by_role("button", name="Record the physician's clearance").click()
    expect(page.get_by_text("Clearance recorded.").first).to_be_visible()
    drain()                                                             # flows: the initial authorization

    party(parties.insurer_user)
    open_from_inbox(page, "WC-2001", "Decide the authorization")
    page.get_by_label("Decision").select_option("approve")
    page.get_by_label("Reason (required)").fill("Meets the program criteria")
    page.get_by_label("Decided on (required)").fill(TODAY.isoformat())
    page.get_by_role("button", name="Decide the authorization").click()
    expect(page.get_by_text("Decision recorded.").first).to_be_visible()
    drain()

    party(parties.therapist)
    open_from_inbox(page, "WC-2001", "Record the baseline")
    page.get_by_label("Measured on (required)").fill(TODAY.isoformat())
    for task, amount in (("Lift floor to waist (kg)", "12"), ("Carry (kg)", "6"), ("Stand (minutes)", "120")):
        page.get_by_label(task, exact=True).fill(amount)
    page.get_by_role("button", name="Record the baseline").click()
    expect(page.get_by_text("Baseline recorded").first).to_be_visible()
    drain()                                                             # flows: week 1 starts
    db.session.rollback()
    assert db.session.get(Case, case_id).stage == "program"
    # each measure went where its label said: typed by label, stored under its own task
    stored = dict(db.session.execute(select(CapacityMeasure.task, CapacityMeasure.amount).where(
        CapacityMeasure.case_id == case_id, CapacityMeasure.kind == "baseline")).all())
    assert stored == {"lift_floor_to_waist": 12.0, "carry": 6.0, "stand": 120.0}

    page.goto(f"/therapist/cases/{case_id}")
    page.get_by_role("link", name="Log a session").click()
    page.get_by_label("Session date (required)").fill(TODAY.isoformat())
    page.get_by_label("Duration (required)").fill("180")
    page.get_by_label("Exertion (Borg RPE) (required)").fill("13")
    page.get_by_label("Pain (required)").fill("3")
    page.get_by_role("button", name="Log a session").click()
    expect(page.get_by_text("Session logged.").first).to_be_visible()
    page.goto(f"/therapist/cases/{case_id}")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Timeline")).inner_text()
    for step in ("clearance", "authoriz", "Program started", "Session logged"):
        assert step.lower() in timeline.lower(), step


def test_the_employer_sees_conflicts_live_while_writing_the_offer(page, party, parties, referral, ctx):
    from datetime import timedelta

    from tests.api.test_workflow_api import READY, restricted
    from tests.services.journey import START, review

    case_id = restricted(parties, referral)            # carry at most 5 kg frequently; no climbing
    review(parties, case_id, 1, READY, hours_tolerated=4)
    party(parties.employer_user)
    page.goto(f"/employer/cases/{case_id}")
    page.get_by_role("link", name="Propose modified duty").click()
    page.get_by_label("Hours per day").fill("4")
    page.get_by_label("Schedule (required)").fill("Mon-Fri 8-12")
    page.get_by_label("Location (required)").fill("Dock 2")
    page.get_by_label("Wage (required)").fill("24.5")
    page.get_by_label("Wage period").select_option("hourly")
    page.get_by_label("Start date (required)").fill((START + timedelta(days=9)).isoformat())
    page.get_by_label("Sent on (required)").fill((START + timedelta(days=7)).isoformat())
    page.get_by_label("Description, row 1").fill("Ladder work")
    page.get_by_label("Task, row 1").select_option("climb")
    page.get_by_label("Amount, row 1").fill("30")
    page.get_by_label("Frequency, row 1").select_option("occasional")
    # no click: the check runs as the offer is written
    page.locator("[data-check-result] ul.conflicts li").first.wait_for()   # each check replaces the last
    assert "climb" in page.locator("[data-check-result]").inner_text().lower()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Check for conflicts").click()
    page.get_by_role("button", name="Propose modified duty").click()
    expect(page.get_by_text("Offer sent").first).to_be_visible()
