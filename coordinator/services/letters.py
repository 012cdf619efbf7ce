"""Decision letters: each decision on an authorization request is written as a letter on the insurer's letterhead
(the decision, the sessions and dates, the criteria met and not met with the policies applied, the reviewer, the
clock, and the appeal rights and deadline), kept as a document of the case for the clinical parties; the employer
receives a notice of its own with the decision, the sessions and the dates only."""

from dataclasses import dataclass
from sqlalchemy import select

from ..domain import utilization_review as review_rules
from ..domain.actors import Actor
from ..domain.documents import DocumentKind
from ..extensions import db
from ..letterhead import Document as Letterhead
from ..models import Authorization, Case, Document, Organisation, User
from .documents import keep_written

KINDS = {"initial": "Initial request", "continuation": "Continuation request"}


@dataclass(frozen=True)
class LetterFacts:
    """What every letter of a decision names: the parties, the request and the decision."""

    case: Case
    row: Authorization
    insurer: str
    reviewer: str
    terms: review_rules.LetterTerms
    late: bool

    @property
    def sessions(self) -> str:
        """The sessions decided, in words."""
        r = self.row
        if r.decision == "approve":
            return f"{r.approved_sessions} sessions approved, {r.start_date} to {r.end_date}"
        if r.decision == "modify":
            return (f"{r.approved_sessions} of the {r.requested_sessions} sessions requested approved, "
                    f"{r.start_date} to {r.end_date}")
        if r.decision == "deny":
            return f"none of the {r.requested_sessions} sessions requested ({r.start_date} to {r.end_date})"
        return f"{r.requested_sessions} sessions requested, {r.start_date} to {r.end_date}: not decided yet"


def write_decision_letters(case: Case, actor: Actor, row: Authorization, policy: review_rules.ReviewPolicy,
                           late: bool) -> tuple[Document, Document]:
    """Write the decision's letter and the employer's notice and keep both as documents of the case (inside the
    decision's command: neither is kept if it is not)."""
    insurer = db.session.scalar(select(Organisation.name).where(Organisation.id == case.insurer_id))
    reviewer = (db.session.scalar(select(User.name).where(User.id == row.decided_by_id))
                if row.decided_by_id else f"{insurer} (through its system)")
    terms = review_rules.letter_terms(row.decision, row.decided_on, row.appeal_of_id is not None, row.expedited,
                                      policy)
    facts = LetterFacts(case, row, insurer, reviewer, terms, late)
    # a request may be decided more than once (pended, then decided): each title names its decision
    named = f"request {row.id}: {terms.headline[0].lower()}{terms.headline[1:]}"
    letter = keep_written(case, actor, DocumentKind.DECISION_LETTER, f"Decision letter, {named}",
                          row.decided_on, bytes(_letter(facts, policy)), authorization_id=row.id)
    notice = keep_written(case, actor, DocumentKind.DECISION_NOTICE, f"Decision notice, {named}",
                          row.decided_on, bytes(_notice(facts)), authorization_id=row.id)
    return letter, notice


def _letterhead(facts: LetterFacts, title: str) -> Letterhead:
    pdf = Letterhead(facts.insurer, title, facts.case.claim_number, facts.case.worker_name)
    pdf.add_page()
    return pdf


def _request_facts(facts: LetterFacts) -> list[tuple[str, str]]:
    r = facts.row
    kind = KINDS.get(r.kind, r.kind) + (f" (appeal of the decision on request {r.appeal_of_id})" if r.appeal_of_id
                                        else "")
    due = f"{r.due_at:%Y-%m-%d %H:%M} UTC" if r.due_at else r.due_on.isoformat()
    return [("Request", f"{kind}, number {r.id}"), ("Submitted", r.submitted_on.isoformat()),
            ("Review", "expedited (72 hours)" if r.expedited else "standard"), ("Decision due", due),
            ("Decided", r.decided_on.isoformat()), ("Decision", facts.terms.headline)]


def _letter(facts: LetterFacts, policy: review_rules.ReviewPolicy) -> bytearray:
    """The letter for the clinic, the treating physician and the worker."""
    r = facts.row
    pdf = _letterhead(facts, "Authorization decision")
    pdf.title_line(f"Decision: {facts.terms.headline}")
    pdf.line_of("To the clinic's case manager, the treating physician and the worker.")
    pdf.ln(2)
    pdf.facts(_request_facts(facts) + [("Reviewer", facts.reviewer), ("Review policy", str(policy.ref))])
    pdf.section("The decision")
    pdf.line_of(facts.sessions[0].upper() + facts.sessions[1:] + ".")
    pdf.section("The criteria")
    assessment = r.assessment or {}
    reasons = assessment.get("reasons", [])
    if reasons:
        pdf.line_of(f"Applied: {assessment.get('policy', 'the payer policy')}. " + (
            "The request meets every criterion." if assessment.get("meets_criteria") else
            "The request does not meet every criterion." if "meets_criteria" in assessment else ""))
        pdf.bullets([(("Met: " if item["met"] else "Not met: ") if "met" in item else "") + item["text"]
                     for item in reasons])
    else:
        pdf.line_of("No criterion was assessed for this request.")
    pdf.section("The reviewer's reasons")
    pdf.line_of(r.reason or "-")
    pdf.section("The review clock")
    pdf.line_of("This decision was made after it was due." if facts.late else "This decision was made in time.")
    pdf.section("Your right to appeal" if facts.terms.appeal_deadline else "What happens next")
    if facts.terms.appeal_deadline:
        pdf.set_font("Helvetica", "B", 10)
        pdf.line_of(f"Appeal deadline: {facts.terms.appeal_deadline.isoformat()}")
        pdf.set_font("Helvetica", size=10)
    pdf.line_of(facts.terms.next_steps)
    pdf.ln(3)
    pdf.line_of(f"The employer receives a notice of this decision without its clinical details ({policy.ref.name}).")
    return pdf.output()


def _notice(facts: LetterFacts) -> bytearray:
    """The employer's notice: the decision, the sessions and the dates; no reason, criterion or clinical word."""
    r = facts.row
    pdf = _letterhead(facts, "Authorization notice")
    pdf.title_line(f"Decision: {facts.terms.headline}")
    pdf.line_of("To the employer, for planning modified duty.")
    pdf.ln(2)
    pdf.facts([("Request", f"{KINDS.get(r.kind, r.kind)}, number {r.id}"), ("Decided", r.decided_on.isoformat()),
               ("Decision", facts.terms.headline), ("Sessions", facts.sessions)], columns=1)
    pdf.ln(3)
    pdf.line_of("The clinical reasons for this decision are shared with the clinic, the treating physician and the "
                "worker only.")
    return pdf.output()
