"""In chromium: each demo account lands on its inbox with a real pending action; the pages pass axe."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coordinator.demo import DEMO_PASSWORD, load_demo
from coordinator.extensions import db

from .conftest import axe_violations, sign_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# the README's screenshots are refreshed with `UPDATE_SCREENSHOTS=1 make test`; otherwise they go to tmp
REFRESH = os.environ.get("UPDATE_SCREENSHOTS") == "1"
ACCOUNTS = [("therapist", "Therapist"), ("casemanager", "Case manager"), ("physician", "Physician"),
            ("employer", "Employer"), ("insurer", "Insurer")]


# the demo is loaded once for the module: its tests only read it (sign-ins and audit entries aside)
SHARED_ROWS = True


@pytest.fixture(scope="module")
def demo(module_ctx):
    """The demo's cases in every stage."""
    load_demo()
    db.session.commit()


@pytest.mark.parametrize("account,title", ACCOUNTS)
def test_each_demo_account_lands_on_its_inbox_and_the_page_passes_axe(page, demo, account, title, tmp_path):
    page.goto("/")
    assert page.get_by_label("Email").is_visible() and page.get_by_label("Password").is_visible()
    sign_in(page, f"{account}@demo.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=f"{title} inbox")).to_be_visible()
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() >= 1                                   # at least one real pending action
    assert axe_violations(page) == []
    folder = DOCS if REFRESH else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{account}-home.png"), full_page=True)
    rows.first.get_by_role("link").last.click()               # the claim: one click to the case
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    assert axe_violations(page) == []


def test_the_employer_case_page_never_shows_the_diagnosis(page, demo):
    sign_in(page, "employer@demo.test", DEMO_PASSWORD)
    page.get_by_label("Search").fill("WC-1005")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="WC-1005").click()
    body = page.content()
    assert "Claim WC-1005" in body
    for clinical in ("Diagnosis", "dizz", "blood pressure", "systolic", "reassess", "red flag"):
        assert clinical.lower() not in body.lower(), clinical


@pytest.mark.parametrize("account,title", ACCOUNTS)
def test_each_form_a_role_reaches_from_its_inbox_passes_axe(page, demo, account, title):
    sign_in(page, f"{account}@demo.test", DEMO_PASSWORD)
    extra = {"therapist": ["/therapist/intake"], "casemanager": ["/case-manager/escalations"]}.get(account, [])
    cases = {href for href in page.locator("table.inbox tbody a").evaluate_all("els => els.map(e => e.href)")}
    forms = list(extra)
    for case in sorted(cases):
        page.goto(case)
        forms += page.locator("ul.actions a").evaluate_all("els => els.map(e => e.href)")
    assert forms, "no form reachable from the inbox"
    for form in dict.fromkeys(forms):   # once each, in order
        response = page.goto(form)
        assert response.status == 200, form
        assert axe_violations(page) == [], form
