"""Minimum necessary (DOMAIN.md section 1): what of a case is clinical, so the employer never receives it.

The employer sees work status, functional restrictions, capacities, attendance, hours tolerated, duty offers,
responses and milestones; never a diagnosis, health data, a clinician's or insurer's free text, or a clinical
measure. Every answer (API, FHIR, CSV, PDF, page) asks this module, never decides on its own."""

# timeline events whose very kind is clinical: an employer's timeline leaves them out
CLINICAL_EVENTS = frozenset({
    "worker_reported_symptoms", "worker_report_reviewed",
    "case_opened", "clearance_recorded", "pregnancy_updated", "pregnancy_plan_checked", "baseline_recorded",
    "session_logged", "red_flag", "program_resumed", "weekly_review_submitted",
})

# free-text inputs, by command, that carry a clinician's (or insurer's, or the clinic's internal) words: stored,
# shown to the clinical parties, never to the employer, never in a summary an employer reads
CLINICAL_INPUTS: dict[str, frozenset[str]] = {
    "open_case": frozenset({"diagnosis_code", "diagnosis_text", "health"}),
    "record_clearance": frozenset({"contraindications", "restrictions", "note"}),
    "request_authorization": frozenset({"expedited_reason"}),
    "decide_authorization": frozenset({"reason"}),
    "supply_information": frozenset({"information"}),
    "appeal_authorization": frozenset({"reason"}),
    "log_session": frozenset({"medication_taken", "symptoms"}),
    "submit_weekly_review": frozenset({"override"}),
    "resume_program": frozenset({"note"}),
    "issue_restrictions": frozenset({"notes"}),
    "check_duty_offer": frozenset({"reason"}),
    "report_setback": frozenset({"reason"}),
    "discharge_case": frozenset({"summary"}),
    "record_follow_up": frozenset({"notes"}),
    "reassign_case": frozenset({"reason"}),
    "report_symptoms": frozenset({"note"}),
    "report_missed_session": frozenset({"note"}),
    "review_worker_report": frozenset({"note"}),
}

# where the employer needs a reason, the form asks for it in a field of its own, labelled as shared
SHARED_INPUTS: dict[str, frozenset[str]] = {
    "check_duty_offer": frozenset({"requested_changes", "shared_reason"}),
    # the worker's own reason for declining an offer: a decline bears on their benefits, so the employer and the
    # insurer read it (the form says so)
    "respond_to_duty_offer": frozenset({"reason"}),
    "report_setback": frozenset({"shared_reason"}),
}
SHARED_LABEL = "shared with the employer"

# stored fields of each record the employer never receives
CLINICAL_FIELDS: dict[str, frozenset[str]] = {
    "restriction_set": frozenset({"notes"}),
    "duty_offer": frozenset({"response_note", "check_note"}),
    "milestone": frozenset({"setback_reason"}),
    "follow_up": frozenset({"notes", "recurrence", "pain"}),
    "authorization": frozenset({"reason", "packet", "assessment", "information", "expedited_reason"}),
    "weekly_review": frozenset({"recommendation"}),   # besides the clinical measures below
}

# a weekly review's measures besides the capacities: symptoms and screens, clinical
CLINICAL_MEASURES = ("pain", "fear_of_reinjury", "fatigue", "rpe", "grip_strength_kg", "six_minute_walk_m")

# pending actions an employer may know about: its own duties and the return-to-work steps
FUNCTIONAL_ACTIONS = frozenset({"duty_offer", "offer_check", "offer_answer", "offer_revision", "milestone_confirmation",
                                "follow_up", "follow_up_answer", "rtw_plan_signature"})


# the flows' bookkeeping about a task (opened, escalated): as private as the action the task is for
TASK_EVENTS = frozenset({"task_opened", "task_escalated"})


# events about a document: as private as the document (its visibility, from domain/documents.py)
DOCUMENT_EVENTS = frozenset({"document_added"})
# a signature: as private as the paper signed (the employer reads the return-to-work plan only)
PAPER_EVENTS = frozenset({"paper_signed"})
FUNCTIONAL_PAPERS = frozenset({"rtw_plan"})


# the other parties' bookkeeping about a case (who staffs it, the flows' tasks for the parties): the worker's own
# view leaves it out; their clinical data is theirs to read, these notes are not about them
INTERNAL_EVENTS = frozenset({"case_reassigned", "task_opened", "task_escalated"})


def is_internal_event(kind: str) -> bool:
    """An event of this kind is another party's internal note: the worker's timeline leaves it out."""
    return kind in INTERNAL_EVENTS


def is_clinical_event(kind: str, data: dict | None = None) -> bool:
    """An event of this kind (about this task, this document) is clinical: an employer's timeline leaves it out.
    A task's event shows to the employer only when the task's action is one the employer sees (an offer, a
    milestone); a document's only when the document is functional."""
    if kind in TASK_EVENTS:
        return (data or {}).get("kind") not in FUNCTIONAL_ACTIONS
    if kind in DOCUMENT_EVENTS:
        return (data or {}).get("visibility") != "functional"
    if kind in PAPER_EVENTS:
        return (data or {}).get("paper") not in FUNCTIONAL_PAPERS
    return kind in CLINICAL_EVENTS


def hidden_from_employer(record: str) -> frozenset[str]:
    """The stored fields of a record an employer's answer is built without."""
    return CLINICAL_FIELDS.get(record, frozenset())


def is_shared(command: str, name: str) -> bool:
    """The input is written for the employer to read."""
    return name in SHARED_INPUTS.get(command, frozenset())


def shared_words(role: str, own_words: str, shared: str) -> str:
    """What the employer is told of a report: the words written for it; an employer's own report is its own
    words, shared as written."""
    return (shared or "").strip() or ((own_words or "").strip() if role == "employer" else "")


# the worker's accounting of who read their clinical data (HIPAA 164.528's right to an accounting of disclosures;
# [design] every audited read of their case or its documents, not only disclosures outside treatment): theirs
ACCOUNTING_ROLES = frozenset({"worker"})
# the reads an accounting lists: a read of the case (any page, form, report or export of it) or of a document
ACCOUNTED_ACTIONS = ("read_case", "read_document")


def may_see_accounting(role: str) -> bool:
    """The role may read the accounting of who read a case's clinical data (the worker, of their own case)."""
    return str(role) in ACCOUNTING_ROLES


# what the worker tells their care team in their own words (how they feel between sessions, their pain at a
# follow-up) stays with the care team: the clinic and the physician. The insurer reads the outcomes (a follow-up's
# work status, a missed session, a red flag's review being done) but not the answers themselves; the employer
# never reads anything clinical at all
CARE_TEAM_ROLES = frozenset({"therapist", "case_manager", "admin", "physician", "worker"})
WORKER_ANSWER_EVENTS = frozenset({"worker_reported_symptoms"})
WORKER_ANSWER_FIELDS: dict[str, frozenset[str]] = {"follow_up": frozenset({"pain"})}


def in_care_team(role: str) -> bool:
    """The role reads the worker's own answers (between-session reports, follow-up pain)."""
    return str(role) in CARE_TEAM_ROLES
