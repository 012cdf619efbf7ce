"""The authorization cycle in chromium, each party in its own browser context and the flows running between the
steps: a continuation with its packet, a pend for a job description, the upload and reply, a denial with its
criteria and letter, the appeal, a second reviewer's approval, and the approvals board's turnaround."""

import io
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Authorization, Document
from coordinator.services import authorizations, clearances
from coordinator.services.cases import request_clearance
from coordinator.services.program import record_baseline, start_program
from tests.services.journey import BASELINE, TODAY, opened, review
from tests.services.test_decision_letters_and_appeals import second_reviewer

from .conftest import fill, shot
from .test_branches import done, on_case, submit
from .test_journeys import drain

START = TODAY - timedelta(days=6)   # week 1 ends today: its review gives the progress report


def in_program(parties, referral) -> int:
    """A case whose first block runs on past today, with week 1 reviewed today."""
    case_id = opened(parties, referral, claim_number="WC-7001", referral_date=TODAY - timedelta(days=30))
    request_clearance(parties.therapist, case_id)
    clearances.record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=25))
    first = authorizations.request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=22),
                                                 start_date=START)
    authorizations.decide_authorization(parties.insurer_user, first.id, decision="approve", reason="trial",
                                        decided_on=TODAY - timedelta(days=20))
    record_baseline(parties.therapist, case_id, measured_on=TODAY - timedelta(days=8), capacities=BASELINE)
    start_program(parties.therapist, case_id, start_on=START)
    review(parties, case_id, 1, {"lift_floor_to_waist": 12.5, "carry": 6.2, "stand": 125.0}, reviewed_on=TODAY)
    # the continuation's notice period begins today: the case manager sends it before the flows' next run would
    return case_id


def pdf(words: str, path) -> str:
    """A small real PDF file to upload."""
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=12)
    document.cell(0, 10, words)
    document.output(str(path))
    return str(path)


def upload(page, case_id: int, kind: str, title: str, path: str) -> None:
    on_case(page, "case-manager", case_id, "Add a document")
    page.get_by_label("Kind of document (required)").select_option(kind)
    fill(page, {"Title": title, "Dated (required)": TODAY.isoformat()})
    page.get_by_label("File (required)").set_input_files(path)
    page.get_by_role("button", name="Add a document").click()
    done(page, "Document added.")


def decide(page, case_id: int, decision: str, reason: str) -> None:
    on_case(page, "insurer", case_id, "Decide the authorization")
    page.get_by_label("Decision").select_option(decision)
    fill(page, {"Reason (required)": reason, "Decided on (required)": TODAY.isoformat()})
    page.get_by_role("button", name="Decide the authorization").click()


def letter_text(page, case_id: int, auth_id: int, portal: str) -> str:
    """The decision letter of the request, opened from the case page's documents as the reader would."""
    db.session.rollback()
    letter = db.session.scalar(select(Document).where(Document.authorization_id == auth_id,
                                                      Document.kind == "decision_letter").order_by(Document.id.desc()))
    on_case(page, portal, case_id)
    link = page.get_by_role("link", name=letter.title)
    expect(link).to_be_visible()
    answer = page.request.get(link.get_attribute("href"))
    assert answer.ok and answer.headers["content-type"] == "application/pdf"
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages).split())


def test_packet_pend_upload_deny_letter_appeal_second_reviewer_and_the_board(as_party, parties, referral, flows,
                                                                               tmp_path):
    case_id = in_program(parties, referral)
    cm, insurer = as_party(parties.case_manager), as_party(parties.insurer_user)
    # the case manager adds the physician's order and sends the continuation with it
    upload(cm, case_id, "physician_order", "Order for four more weeks", pdf("Order", tmp_path / "order.pdf"))
    on_case(cm, "case-manager", case_id, "Request an authorization")
    cm.get_by_label("Order for four more weeks (physician order, dated", exact=False).check()
    fill(cm, {"Submitted on (required)": TODAY.isoformat()})
    shot(cm, "continuation-with-packet")
    cm.get_by_role("button", name="Request an authorization").click()
    done(cm, "Request sent to the insurer.")
    drain()
    db.session.rollback()
    asked = db.session.scalar(select(Authorization).where(Authorization.case_id == case_id,
                                                          Authorization.kind == "continuation"))
    assert [d["kind"] for d in asked.packet["documents"]] == ["physician_order", "progress_report"]

    # the insurer reads the packet and pends for the job description
    on_case(insurer, "insurer", case_id, "Decide the authorization")
    expect(insurer.get_by_role("link", name="Order for four more weeks")).to_be_visible()
    expect(insurer.get_by_text("Progress report (written by the coordinator)")).to_be_visible()
    shot(insurer, "decision-with-packet")
    decide(insurer, case_id, "pend", "Send the job description")
    done(insurer, "Decision recorded.")
    drain()

    # the case manager uploads it and answers with it
    upload(cm, case_id, "job_description", "Picker job description", pdf("Job", tmp_path / "job.pdf"))
    on_case(cm, "case-manager", case_id, "Supply the information")
    cm.get_by_label("Picker job description (job description, dated", exact=False).check()
    submit(cm, {"What you are sending the insurer (required)": "The signed job description",
                "Supplied on (required)": TODAY.isoformat()}, "Supply the information", "Information sent")
    drain()

    # the insurer denies, with its reasons; the letter names the criteria, the policy and the appeal deadline
    decide(insurer, case_id, "deny", "No measurable gain on the critical lift yet")
    done(insurer, "Decision recorded.")
    drain()
    letter = letter_text(cm, case_id, asked.id, "case-manager")
    assert "Decision: Denied" in letter and "Not met: " in letter and "authorization-mtus@2026.1" in letter
    assert f"Appeal deadline: {(TODAY + timedelta(days=30)).isoformat()}" in letter
    assert "No measurable gain on the critical lift yet" in letter

    # the case manager appeals; the reviewer who denied cannot decide the appeal; a second one approves
    on_case(cm, "case-manager", case_id, "Appeal the decision")
    expect(cm.get_by_text("No measurable gain on the critical lift yet").first).to_be_visible()
    submit(cm, {"Why the decision should be reconsidered (required)": "Carry up 20 % in week 1; see the report",
                "Appealed on (required)": TODAY.isoformat()}, "Appeal the decision", "another reviewer decides it")
    drain()
    decide(insurer, case_id, "approve", "Gain shown")
    expect(insurer.get_by_text("decided by a reviewer other than the one who made the decision").first).to_be_visible()
    shot(insurer, "appeal-same-reviewer")
    second = as_party(second_reviewer(parties))
    decide(second, case_id, "approve", "Gain shown on appeal")
    done(second, "Decision recorded.")
    drain()
    db.session.rollback()
    assert db.session.scalar(select(Authorization.decision).where(Authorization.appeal_of_id == asked.id)) == "approve"
    assert "Decision: Approved on appeal" in letter_text(cm, case_id, asked.id + 1, "case-manager")

    # the board: nothing open, and the insurer's two final decisions in its turnaround
    cm.goto("/case-manager/approvals")
    expect(cm.get_by_text("No open request matches.")).to_be_visible()
    row = cm.get_by_role("region", name="Turnaround by insurer").get_by_role("row").filter(has_text="Keystone")
    cells = [c.strip() for c in row.get_by_role("cell").all_inner_texts()]
    # the trial's approval, the denial and the appeal's approval: two approved, one denied, none late
    assert cells[0] == "Keystone" and cells[1] == "3" and cells[4] == "67 % (2)" and cells[6] == "33 % (1)"
    assert cells[7] == "0"
    expect(cm.get_by_text("Turnaround by week")).to_be_visible()
    shot(cm, "approvals-board")

    # the employer reads the notices, never a letter
    employer = as_party(parties.employer_user)
    on_case(employer, "employer", case_id)
    expect(employer.get_by_role("link", name=f"Decision notice, request {asked.id}: denied")).to_be_visible()
    expect(employer.get_by_role("link", name="Decision letter", exact=False)).to_have_count(0)
    expect(employer.get_by_role("link", name="Order for four more weeks")).to_have_count(0)
    shot(employer, "employer-documents")
