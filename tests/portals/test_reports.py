"""The PDF progress report: the stored review rendered for the insurer and the physician, never for the employer."""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import AuditEntry, WeeklyReview
from coordinator.letterhead import latin1
from tests.services.journey import START, opened, review, to_program

READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}


def pdf_text(response) -> str:
    """The report's text with whitespace collapsed (table cells wrap)."""
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize("who, portal", [("insurer_user", "insurer"), ("physician", "physician"),
                                         ("therapist", "therapist")])
def test_a_clinical_party_downloads_the_stored_review_as_pdf(parties, referral, browser_of, who, portal):
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, READY)
    response = browser_of(getattr(parties, who)).get(f"/{portal}/cases/{case_id}/progress.pdf")
    text = pdf_text(response)
    assert response.headers["Content-Disposition"] == 'attachment; filename="progress-CLM-1.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    stored = db.session.scalar(select(WeeklyReview).where(WeeklyReview.case_id == case_id)).result["report"]
    for expected in ("Progress report", "CLM-1", "Jordan Reyes", "Warehouse associate", "Keystone",
                     f"Program started: {START.isoformat()}", "Sessions used / authorized",
                     f"Recommendation: {stored['recommendation']}", "Weekly measures"):
        assert expected in text, expected
    for demand in stored["demands"]:
        assert demand["task"].replace("_", " ") in text and f"{demand['readiness']:.0%}" in text, demand["task"]
    assert all(r["text"] in text for r in stored["reasons"])


def test_a_paused_case_says_so_and_puts_the_latest_recommendation_on_hold(parties, referral, browser_of):
    from datetime import timedelta

    from tests.services.journey import session

    case_id = to_program(parties, referral)
    review(parties, case_id, 1, READY | {"lift_floor_to_waist": 14.0})
    session(parties, case_id, START + timedelta(days=8), symptoms=frozenset({"chest_pain"}))
    text = pdf_text(browser_of(parties.insurer_user).get(f"/insurer/cases/{case_id}/progress.pdf"))
    assert f"Status: Paused since {START + timedelta(days=8)} after a red flag" in text
    assert "the latest review's recommendation is on hold" in text
    page = browser_of(parties.therapist).get(f"/therapist/cases/{case_id}").get_data(as_text=True)
    assert "after a red flag: no session until the physician reassesses" in page


def test_a_case_without_a_review_says_so(parties, referral, browser_of):
    case_id = opened(parties, referral)
    text = pdf_text(browser_of(parties.insurer_user).get(f"/insurer/cases/{case_id}/progress.pdf"))
    assert "No weekly review yet." in text and "No authorization requested yet." in text
    assert "Weekly measures" not in text


def test_the_employer_is_refused_and_another_insurer_sees_nothing(parties, referral, browser_of):
    case_id = opened(parties, referral)
    assert browser_of(parties.employer_user).get(f"/employer/cases/{case_id}/progress.pdf").status_code == 403
    assert browser_of(parties.other_insurer_user).get(f"/insurer/cases/{case_id}/progress.pdf").status_code == 404
    assert "Progress report (PDF)" not in browser_of(parties.employer_user).get(
        f"/employer/cases/{case_id}").get_data(as_text=True)


def test_the_read_is_audited(parties, referral, browser_of):
    case_id = opened(parties, referral)
    browser_of(parties.physician).get(f"/physician/cases/{case_id}/progress.pdf")
    browser_of(parties.other_insurer_user).get(f"/insurer/cases/{case_id}/progress.pdf")
    reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "read_case",
                                                         AuditEntry.purpose == "progress report")).all()
    assert {(a.actor_role, a.category, a.outcome) for a in reads} == {
        ("physician", "clinical", "ok"), ("insurer", "clinical", "not_found")}


def test_a_name_beyond_latin1_does_not_break_the_report(parties, referral, browser_of):
    case_id = opened(parties, referral, worker_name="Zoë Ōkubo 李", claim_number="CLM-\"7\"/李")
    response = browser_of(parties.insurer_user).get(f"/insurer/cases/{case_id}/progress.pdf")
    assert "Zoë Okubo ?" in pdf_text(response)
    assert response.headers["Content-Disposition"] == 'attachment; filename="progress-CLM-_7___.pdf"'


def test_latin1_keeps_accents_and_reduces_the_rest():
    assert [latin1(v) for v in ("Zoë", "Ōkubo", "李", None, 2.5)] == ["Zoë", "Okubo", "?", "-", "2.5"]
