"""Decision letters and appeals: each decision is lettered (the criteria, the policy and its version, the reviewer,
the appeal rights and deadline; the employer's notice without a clinical word); a denial or a modification is
appealed within its window and decided by another reviewer; an appeal's outcome replaces the decision."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from coordinator.domain.actors import Actor
from coordinator.domain.errors import RuleViolation
from coordinator.extensions import db
from coordinator.models import Authorization, Document, ProgramSession, User
from coordinator.services import authorizations
from coordinator.services.document_store import document_store
from coordinator.services.unit_of_work import Options
from tests.services.journey import TODAY, session, to_program


def text_of(row: Document) -> str:
    with document_store().open(row.storage_key) as handle:
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)


def letters(auth_id: int) -> dict[str, Document]:
    return {d.kind: d for d in db.session.scalars(select(Document).where(Document.authorization_id == auth_id))}


def second_reviewer(parties) -> Actor:
    user = User(org_id=parties.insurer.id, role="insurer", email="second@keystone.test", name="Dr Second Reviewer")
    db.session.add(user)
    db.session.commit()
    return Actor(user.id, "insurer", parties.insurer.id)


def continuation(parties, case_id, on):
    return authorizations.request_authorization(parties.case_manager, case_id, submitted_on=on)


def test_a_denial_is_lettered_with_criteria_policy_reviewer_and_appeal_deadline(parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, TODAY - timedelta(days=3))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="deny",
                                        reason="No measurable gain on the critical lift", decided_on=TODAY - timedelta(days=2))
    kept = letters(asked.id)
    assert set(kept) == {"decision_letter", "decision_notice"}
    assert kept["decision_letter"].visibility == "clinical" and kept["decision_notice"].visibility == "functional"
    letter = " ".join(text_of(kept["decision_letter"]).split())
    deadline = (TODAY - timedelta(days=2) + timedelta(days=30)).isoformat()
    assert "Decision: Denied" in letter and f"Appeal deadline: {deadline}" in letter
    assert "Review policy: utilization-review-basic@2026.1" in letter and "Applied: authorization-mtus@2026.1" in letter
    assert "Not met: " in letter and "No measurable gain on the critical lift" in letter
    assert "adj" in letter   # the reviewer, by name
    notice = " ".join(text_of(kept["decision_notice"]).split())
    assert "Decision: Denied" in notice and "critical lift" not in notice and "Not met" not in notice


def test_a_pend_and_an_approval_are_lettered_too(parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, TODAY - timedelta(days=3))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="pend",
                                        reason="Send the job description", decided_on=TODAY - timedelta(days=2))
    pend = " ".join(text_of(letters(asked.id)["decision_letter"]).split())
    assert "Pended: information requested" in pend and "What happens next" in pend and "Appeal deadline" not in pend
    first = db.session.scalar(select(Authorization).where(Authorization.case_id == case_id).order_by(Authorization.id))
    approval = " ".join(text_of(letters(first.id)["decision_letter"]).split())
    assert "Decision: Approved" in approval and "sessions approved" in approval


def test_a_decision_not_kept_leaves_no_letter(parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, TODAY - timedelta(days=3))
    files = set(document_store().root.rglob("*"))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="deny", reason="no",
                                        decided_on=TODAY, options=Options(dry_run=True))
    assert letters(asked.id) == {} and {p for p in document_store().root.rglob("*") if p.is_file()} <= files


def test_the_appeal_window_s_last_day_and_the_day_after(parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, TODAY - timedelta(days=35))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="modify", approved_sessions=4,
                                        reason="Four sessions suffice", decided_on=TODAY - timedelta(days=30))
    appeal = authorizations.appeal_authorization(parties.case_manager, asked.id, reason="More gain expected",
                                                 appealed_on=TODAY)   # the window's last day
    assert appeal.appeal_of_id == asked.id and appeal.packet["appeal"]["decision"] == "modify"
    other = to_program(parties, referral, claim_number="CLM-2")
    late = continuation(parties, other, TODAY - timedelta(days=35))
    authorizations.decide_authorization(parties.insurer_user, late.id, decision="deny", reason="No gain",
                                        decided_on=TODAY - timedelta(days=31))
    with pytest.raises(RuleViolation, match=f"the window to appeal closed on {TODAY - timedelta(days=1)}"):
        authorizations.appeal_authorization(parties.case_manager, late.id, reason="More gain expected",
                                            appealed_on=TODAY)


def test_an_appeal_is_decided_by_another_reviewer_and_replaces_the_decision(parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, TODAY - timedelta(days=8))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="modify", approved_sessions=4,
                                        reason="Four sessions suffice", decided_on=TODAY - timedelta(days=7))
    session(parties, case_id, asked.start_date)   # logged against the modified block
    appeal = authorizations.appeal_authorization(parties.case_manager, asked.id, reason="Grip up 20 %",
                                                 appealed_on=TODAY - timedelta(days=2))
    with pytest.raises(RuleViolation, match="decided by a reviewer other than the one who made the decision"):
        authorizations.decide_authorization(parties.insurer_user, appeal.id, decision="approve", reason="ok",
                                            decided_on=TODAY)
    decided = authorizations.decide_authorization(second_reviewer(parties), appeal.id, decision="approve",
                                                  reason="Gain shown", decided_on=TODAY)
    db.session.expire_all()
    replaced = db.session.get(Authorization, asked.id)
    assert replaced.status == "superseded" and replaced.superseded_by_id == decided.id
    assert db.session.scalar(select(ProgramSession.authorization_id).where(
        ProgramSession.held_on == asked.start_date)) == decided.id   # the session counts against the outcome
    letter = " ".join(text_of(letters(decided.id)["decision_letter"]).split())
    assert "Decision: Approved on appeal" in letter and "Dr Second Reviewer" in letter
    with pytest.raises(Exception, match="no denial or modification waits to be appealed"):
        authorizations.appeal_authorization(parties.case_manager, decided.id, reason="again", appealed_on=TODAY)


def test_an_appeal_denied_leaves_the_decision_standing(parties, referral):
    case_id = to_program(parties, referral)
    asked = continuation(parties, case_id, TODAY - timedelta(days=8))
    authorizations.decide_authorization(parties.insurer_user, asked.id, decision="deny", reason="No gain",
                                        decided_on=TODAY - timedelta(days=7))
    appeal = authorizations.appeal_authorization(parties.case_manager, asked.id, reason="Gain shown",
                                                 appealed_on=TODAY - timedelta(days=2))
    authorizations.decide_authorization(second_reviewer(parties), appeal.id, decision="deny", reason="Still none",
                                        decided_on=TODAY)
    db.session.expire_all()
    assert db.session.get(Authorization, asked.id).status == "decided"
    letter = " ".join(text_of(letters(appeal.id)["decision_letter"]).split())
    assert "Denied on appeal" in letter and "independent medical review" in letter
