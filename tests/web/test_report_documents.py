"""The printed documents: the progress report an insurer accepts (units, dates of service, charts, red-flag history,
signature block, numbered pages) and the work-status certificate the employer plans work with (restrictions, hours,
the physician; never a clinical word)."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import AuditEntry, User
from coordinator.services import duty, rtw
from coordinator.services.program import resume_program
from coordinator.services.restrictions import issue_restrictions
from tests.services.journey import START, accept_offer, review, session, to_program

READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
NOTE = "Disc bulge on MRI, review in two weeks"        # the clinician's own words on the restrictions


@pytest.fixture
def named(parties):
    """The clinic and the clinicians with the names a real report prints."""
    parties.clinic.name = "Northside Rehab Clinic"
    db.session.get(User, parties.therapist.user_id).name = "Tess Alvarez"
    db.session.get(User, parties.physician.user_id).name = "Dr. Priya Patel"
    db.session.commit()
    return parties


def pages(response) -> list[str]:
    """Each page's text with whitespace collapsed (table cells wrap)."""
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status_code
    reader = PdfReader(io.BytesIO(response.get_data()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def red_flag_case(parties, referral) -> tuple[int, object]:
    """A case whose week-2 session stopped on chest pain and which the physician reassessed and resumed."""
    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    review(parties, case_id, 1, READY | {"lift_floor_to_waist": 14.0})
    flag = START + timedelta(days=8)
    session(parties, case_id, flag, minutes=50, symptoms=frozenset({"chest_pain"}))
    resume_program(parties.physician, case_id, reassessed_on=flag + timedelta(days=1),
                   note="Resting ECG normal; cleared to resume")
    return case_id, flag


def ladder_case(parties, referral) -> int:
    """A case with signed restrictions (and a clinical note on them) and its first milestone started."""
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=6, avoid=["climb"],
                       load_limits=[{"task": "carry", "frequency": "frequent", "max_kg": 10}], notes=NOTE)
    offer = duty.propose_duty_offer(parties.employer_user, case_id, sent_on=START + timedelta(days=1),
                                    start_date=START + timedelta(days=7), hours_per_day=4, schedule="Mon-Fri 8-12",
                                    location="Dock 2", wage=24.5, wage_period="hourly",
                                    tasks=[{"description": "Scan", "task": "carry", "amount": 5,
                                            "frequency": "occasional"}])
    accept_offer(parties, offer.id, START + timedelta(days=2))
    review(parties, case_id, 1, READY, hours_tolerated=8)
    rtw.start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    return case_id


# -- the progress report --------------------------------------------------------------------------------------------


def test_the_progress_report_gives_units_dates_of_service_and_the_red_flag_history(named, referral, browser_of):
    case_id, flag = red_flag_case(named, referral)
    text = " ".join(pages(browser_of(named.insurer_user).get(f"/insurer/cases/{case_id}/progress.pdf")))
    assert "Diagnosis: S39.012A Strain of lower back muscle" in text and "Date of injury:" in text
    # every job demand with its unit: kg for force tasks, minutes for standing
    assert "Lift floor to waist occasional 20 kg 12 kg 14 kg 70%" in text
    assert "Stand constant 240 min 120 min 250 min 104%" in text
    assert "Job demand 20 kg" in text and "Job demand 240 min" in text       # the charts' dashed lines, labelled
    # the dates of service, week by week
    assert f"Dates of service: {START.isoformat()} to {flag.isoformat()}; 5 sessions attended, 1 stopped early" in text
    assert all((START + timedelta(days=d)).isoformat() in text for d in range(4)) and "4 of 4" in text
    # the stopped session with its red flag, then the reassessment that resumed the program
    stopped = text.index(f"{flag.isoformat()} Session stopped; program paused")
    assert "week 2, after 50 min: red flag: chest pain" in text[stopped:]
    resumed = text.index(f"{(flag + timedelta(days=1)).isoformat()} Reassessed; program resumed")
    assert resumed > stopped and "Resting ECG normal; cleared to resume" in text[resumed:]
    assert "Status: In the program, week" in text and "Return-to-work goal: Return to warehouse associate" in text


def test_the_progress_report_is_signed_numbered_and_in_plain_words(named, referral, browser_of):
    case_id, _ = red_flag_case(named, referral)
    texts = pages(browser_of(named.therapist).get(f"/therapist/cases/{case_id}/progress.pdf"))
    assert len(texts) >= 2 and texts[0].count("Page 1 of ") == 1
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text                        # on every page
        assert text.startswith("Northside Rehab Clinic") and "Claim CLM-1 - Jordan Reyes" in text   # letterhead
    last = texts[-1]
    assert "Prepared by: Tess Alvarez, treating therapist" in last and "Licence no.: ____" in last
    assert last.index("Signature") < last.index("Date", last.index("Signature"))
    whole = " ".join(texts)
    assert "Treating physician: Dr. Priya Patel" in whole
    for internal in ("Stage", "lift_floor_to_waist", "return_to_work", "None", "True", "False"):
        assert internal not in whole, internal


def test_the_charts_are_drawn_with_a_dashed_demand_line_and_labelled_axes(named, referral, browser_of):
    case_id = to_program(named, referral)
    review(named, case_id, 1, READY | {"lift_floor_to_waist": 16.0})
    response = browser_of(named.physician).get(f"/physician/cases/{case_id}/progress.pdf")
    text = " ".join(pages(response))
    assert "Lift floor to waist (kg)" in text and "Stand (min)" in text and "Program week" in text
    drawn = b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert re.search(rb"\[[0-9. ]+\] [0-9.]+ d", drawn)                      # a dash pattern: the demand line


def test_the_employer_is_refused_the_progress_report(parties, referral, browser_of):
    case_id = to_program(parties, referral)
    assert browser_of(parties.employer_user).get(f"/employer/cases/{case_id}/progress.pdf").status_code == 403


# -- the work-status certificate --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, portal", [("employer_user", "employer"), ("physician", "physician"),
                                         ("therapist", "therapist"), ("case_manager", "case-manager"),
                                         ("insurer_user", "insurer")])
def test_the_certificate_states_restrictions_hours_and_the_physician_to_every_party(named, referral, browser_of,
                                                                                   who, portal):
    case_id = ladder_case(named, referral)
    response = browser_of(getattr(named, who)).get(f"/{portal}/cases/{case_id}/work-status.pdf")
    [text] = pages(response)
    assert response.headers["Content-Disposition"] == 'attachment; filename="work-status-CLM-1.pdf"'
    assert text.startswith("Northside Rehab Clinic Work status certificate") and "Page 1 of 1" in text
    assert "Worker: Jordan Reyes" in text and "Claim number: CLM-1" in text and "Employer: Acme" in text
    for line in ("At most 6 h of work a day", "Carry: at most 10 kg frequently", "No climb"):
        assert line in text, line
    assert "Modified duty, up to 4 hours a day: return-to-work step 1 of 4" in text
    assert f"Valid from: {START.isoformat()}" in text and "Valid until: the next review by the physician" in text
    assert "Treating physician: Dr. Priya Patel" in text
    assert "Restrictions issued by: Dr. Priya Patel (physician)" in text


@pytest.mark.parametrize("who, portal", [("employer_user", "employer"), ("physician", "physician")])
def test_the_certificate_carries_no_clinical_word_whoever_reads_it(named, referral, browser_of, who, portal):
    case_id = ladder_case(named, referral)
    text = " ".join(pages(browser_of(getattr(named, who)).get(f"/{portal}/cases/{case_id}/work-status.pdf")))
    assert "At most 6 h of work a day" in text                               # the certificate is not empty
    for clinical in ("S39.012A", "Strain of lower back muscle", "Diagnosis", NOTE, "Disc bulge", "RPE", "Effort"):
        assert clinical not in text, clinical
    assert "pain" not in text.lower() and "red flag" not in text.lower()


def test_a_certificate_before_any_restriction_says_so(named, referral, browser_of):
    case_id = to_program(named, referral)
    text = " ".join(pages(browser_of(named.employer_user).get(f"/employer/cases/{case_id}/work-status.pdf")))
    assert "No work restrictions are in force." in text
    assert "Not back at work yet: the graded return to work has not started." in text


def test_another_party_s_case_has_no_certificate_and_the_reads_are_audited(parties, referral, browser_of):
    case_id = to_program(parties, referral)
    assert browser_of(parties.other_employer_user).get(f"/employer/cases/{case_id}/work-status.pdf").status_code == 404
    assert browser_of(parties.other_insurer_user).get(f"/insurer/cases/{case_id}/work-status.pdf").status_code == 404
    assert browser_of(parties.employer_user).get(f"/employer/cases/{case_id}/work-status.pdf").status_code == 200
    reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "read_case",
                                                         AuditEntry.purpose == "work status certificate")).all()
    assert sorted((a.actor_role, a.category, a.outcome) for a in reads) == [
        ("employer", "functional", "not_found"), ("employer", "functional", "ok"), ("insurer", "clinical", "not_found")]


def test_the_case_page_links_the_certificate_for_everyone_and_the_report_for_clinical_readers(parties, referral,
                                                                                              browser_of):
    case_id = to_program(parties, referral)
    employer = browser_of(parties.employer_user).get(f"/employer/cases/{case_id}").get_data(as_text=True)
    assert f'href="/employer/cases/{case_id}/work-status.pdf">Work status certificate (PDF)</a>' in employer
    assert "Progress report (PDF)" not in employer and "Weekly measures as CSV" not in employer
    therapist = browser_of(parties.therapist).get(f"/therapist/cases/{case_id}").get_data(as_text=True)
    assert f'href="/therapist/cases/{case_id}/work-status.pdf">Work status certificate (PDF)</a>' in therapist
    assert "Progress report (PDF)" in therapist and "Weekly measures as CSV" in therapist
