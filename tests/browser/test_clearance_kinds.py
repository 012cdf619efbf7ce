"""In chromium, between real drive-case flow runs: the physician records each kind of clearance on a case that
needs all three (a pregnant worker with heart disease), each form showing only the inputs of its kind, each
accepted at the first try."""

from playwright.sync_api import expect
from sqlalchemy import select

from coordinator.demo import DEMO_PASSWORD
from coordinator.domain.clearance import HealthFlags
from coordinator.extensions import db
from coordinator.models import Clearance
from coordinator.services.cases import request_clearance
from tests.factories import set_password
from tests.services.journey import TODAY, opened

from .conftest import axe_violations, shot, sign_in
from .test_journeys import drain

def _labels(page) -> set[str]:
    return {t.strip() for t in page.locator("main form label, main form legend").all_inner_texts()}


def test_the_physician_records_each_kind_of_clearance_at_the_first_try(page, parties, referral, flows):
    case_id = opened(parties, referral, claim_number="WC-3001",
                     health=HealthFlags(pregnant=True, gestation_weeks=20, cardiovascular_disease=True))
    request_clearance(parties.case_manager, case_id)
    drain()                                                         # flows: the physician's clearance tasks
    sign_in(page, set_password(parties.physician, DEMO_PASSWORD), DEMO_PASSWORD)
    page.goto(f"/physician/cases/{case_id}")
    actions = page.locator("section[aria-labelledby=your-actions]")
    for name in ("Record the physician's clearance", "Record the cardiology clearance",
                 "Record the obstetric clearance"):
        expect(actions.get_by_role("link", name=name, exact=True)).to_be_visible()

    actions.get_by_role("link", name="Record the physician's clearance", exact=True).click()
    assert not _labels(page) & {"Cleared", "Heart rate ceiling", "Exertion ceiling (Borg RPE)"}
    page.get_by_label("Decided on (required)").fill(TODAY.isoformat())
    page.get_by_label("Restrictions (one per line)").fill("No ladders\nLift below 10 kg")
    page.get_by_label("Note").fill("Cleared for graded work")
    page.get_by_role("button", name="Record the physician's clearance").click()
    expect(page.get_by_text("Clearance recorded.").first).to_be_visible()
    drain()

    page.goto(f"/physician/cases/{case_id}")   # a sent form leads to the inbox; the next clearance is on the case
    page.locator("section[aria-labelledby=your-actions]").get_by_role(
        "link", name="Record the cardiology clearance", exact=True).click()
    assert axe_violations(page) == []
    assert not _labels(page) & {"Contraindications", "Restrictions (one per line)"}
    shot(page, "cardiology-clearance")
    page.get_by_label("Decided on (required)").fill(TODAY.isoformat())
    page.get_by_label("Cleared", exact=True).check()
    page.get_by_label("Heart rate ceiling").fill("125")
    page.get_by_role("button", name="Record the cardiology clearance").click()
    expect(page.get_by_text("Cardiology clearance recorded.").first).to_be_visible()
    drain()

    page.goto(f"/physician/cases/{case_id}")
    page.locator("section[aria-labelledby=your-actions]").get_by_role(
        "link", name="Record the obstetric clearance", exact=True).click()
    assert not _labels(page) & {"Heart rate ceiling", "Contraindications"}
    page.get_by_label("Decided on (required)").fill(TODAY.isoformat())
    page.get_by_label("Cleared", exact=True).check()
    page.get_by_label("Exertion ceiling (Borg RPE)").fill("13")
    page.get_by_label("Note").fill("Monitor by RPE")
    page.get_by_role("button", name="Record the obstetric clearance").click()
    expect(page.get_by_text("Obstetric clearance recorded.").first).to_be_visible()

    db.session.rollback()
    rows = {c.kind: c for c in db.session.scalars(select(Clearance).where(Clearance.case_id == case_id))}
    assert rows["physician"].outcome == "cleared" and "No ladders" in rows["physician"].restrictions_note
    assert rows["physician"].note == "Cleared for graded work"
    assert (rows["cardiology"].outcome, rows["cardiology"].heart_rate_ceiling, rows["cardiology"].rpe_ceiling) == (
        "cleared", 125, None)
    assert (rows["obstetric"].outcome, rows["obstetric"].rpe_ceiling, rows["obstetric"].note) == (
        "cleared", 13, "Monitor by RPE")
