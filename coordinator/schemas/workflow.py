"""Workflow API schemas: inputs of authorizations, duty offers, milestones, setbacks, discharge and follow-ups,
and their outputs by view (the employer's declare no clinical field)."""


from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..domain.authorization import Decision
from ..domain.demands import Frequency, TaskKind
from ..domain.discharge import DischargeOutcome, WorkStatus
from ..domain.duty import Answer, Verdict, WagePeriod
from ..domain.worker_reports import REPORTABLE
from .paging import page_schema
from .bounds import DAY, NO_NUL, Bounded



def _text(high: int, low: int = 0, required: bool = False, label: str | None = None) -> fields.String:
    """A string of bounded length without NUL; optional ones default to empty; `label` is the form's words."""
    extra = {"required": True} if required else {"load_default": ""}
    return fields.String(validate=[validate.Length(min=low, max=high), NO_NUL], **extra,
                         metadata={"label": label} if label else {})


def _date(required: bool = True) -> fields.Date:
    """A bounded ISO date."""
    return fields.Date(required=required, validate=DAY)


def _documents(label: str, hint: str = "") -> fields.List:
    """Documents of the case named by id (20 at most)."""
    return fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
                       load_default=list, validate=validate.Length(max=20),
                       metadata={"label": label, **({"hint": hint} if hint else {})})


def _choice(enum) -> validate.OneOf:
    """One of an enum's values."""
    return validate.OneOf([e.value for e in enum])


# -- input --------------------------------------------------------------------------------------


class AuthorizationRequestInSchema(Bounded):
    """A request for a block of sessions: the initial trial, or a continuation."""

    submitted_on = _date()
    # the initial trial starts on this day; a continuation follows the approved block, so it takes none
    start_date = _date(required=False)
    weeks = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=12))
    # the packet: the newest document of each kind the insurer's policy asks for is attached on its own
    documents = _documents("Documents to send with it", "the newest of each paper the insurer's policy asks for "
                                                        "is sent in any case, and the latest progress report")
    expedited = fields.Boolean(load_default=False, metadata={"label": "Expedited review (72 hours)"})
    expedited_reason = _text(2000, label="Why it is urgent (needed for an expedited review)")


class InformationInSchema(Bounded):
    """What the clinic sends the insurer that pended a request."""

    information = _text(2000, 1, required=True, label="What you are sending the insurer")
    supplied_on = _date()
    documents = _documents("Documents to send with it")


class AppealInSchema(Bounded):
    """The clinic's appeal of a denial or a modification: why the insurer should reconsider, with documents."""

    reason = _text(2000, 1, required=True, label="Why the decision should be reconsidered")
    appealed_on = _date()
    documents = _documents("Documents to send with the appeal")


class OfferWithdrawalInSchema(Bounded):
    """The employer withdraws its open offer."""

    withdrawn_on = _date()
    reason = _text(2000, label="Reason (shown to the clinic)")


class AuthorizationDecisionInSchema(Bounded):
    """The insurer's decision, always with a reason."""

    decision = fields.String(required=True, validate=_choice(Decision))
    reason = _text(2000, 1, required=True)
    approved_sessions = fields.Integer(load_default=None, allow_none=True, strict=True,
                                       validate=validate.Range(min=0, max=200))
    decided_on = _date()


class OfferedTaskInSchema(Bounded):
    """One task of a modified-duty offer."""

    description = _text(300, 1, required=True)
    task = fields.String(required=True, validate=_choice(TaskKind))
    amount = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=100_000))
    frequency = fields.String(required=True, validate=_choice(Frequency))
    hours = fields.Float(load_default=None, allow_none=True, allow_nan=False,
                         validate=validate.Range(min=0, max=24, min_inclusive=False))


class DutyOfferInSchema(Bounded):
    """The employer's written offer of modified duty (or its next round)."""

    tasks = fields.List(fields.Nested(OfferedTaskInSchema), required=True, validate=validate.Length(min=1, max=30))
    hours_per_day = fields.Float(required=True, allow_nan=False,
                                 validate=validate.Range(min=0, max=24, min_inclusive=False))
    schedule = _text(300, 1, required=True)
    location = _text(300, 1, required=True)
    wage = fields.Float(required=True, allow_nan=False,
                        validate=validate.Range(min=0, max=1_000_000, min_inclusive=False))
    wage_period = fields.String(required=True, validate=_choice(WagePeriod))
    start_date = _date()
    sent_on = _date()


class OfferCheckInSchema(Bounded):
    """A therapist's or physician's check of an offer round against the restrictions in force."""

    verdict = fields.String(required=True, validate=_choice(Verdict),
                            metadata={"label": "Does the offer fit the restrictions in force?"})
    checked_on = _date()
    reason = _text(2000, label="Your clinical note (not shared with the employer)")
    requested_changes = _text(2000, label="Changes requested, for a counter-offer (shared with the employer)")
    shared_reason = _text(2000, label="Reason shared with the employer")


class DutyResponseInSchema(Bounded):
    """The worker's answer to a checked offer round."""

    answer = fields.String(required=True, validate=_choice(Answer), metadata={"label": "Your answer"})
    responded_on = _date()
    reason = _text(2000, label="Your reason for declining (your employer and the insurer will read it)")


class MilestoneStartInSchema(Bounded):
    """Start the next rung of the ladder."""

    started_on = _date()


class MilestoneConfirmInSchema(Bounded):
    """The employer confirms the started rung."""

    confirmed_on = _date()


class SetbackInSchema(Bounded):
    """A setback at work: when and what happened."""

    on = _date()
    reason = _text(2000, 1, required=True, label="What happened")
    shared_reason = _text(2000, label="What to tell the employer (shared with the employer)")


class DischargeInSchema(Bounded):
    """Discharge on confirmed duty, or when the program ends."""

    discharged_on = _date()
    program_ended = fields.Boolean(load_default=False)
    outcome = fields.String(load_default=None, allow_none=True, validate=_choice(DischargeOutcome))
    summary = _text(2000)


class FollowUpInSchema(Bounded):
    """What a follow-up found."""

    recorded_on = _date()
    work_status = fields.String(required=True, validate=_choice(WorkStatus))
    recurrence = fields.Boolean(required=True)
    notes = _text(2000)


class FollowUpAnswerInSchema(Bounded):
    """The worker's own answer to a follow-up."""

    work_status = fields.String(required=True, validate=_choice(WorkStatus),
                                metadata={"label": "How are you working now?"})
    hours_per_day = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=24),
                                 metadata={"label": "Hours a day you work", "hint": "hours"})
    recurrence = fields.Boolean(required=True, metadata={"label": "My injury has come back or got worse"})
    pain = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=10),
                        metadata={"label": "Your pain now", "hint": "0 none, 10 worst imaginable"})


def _user_id() -> fields.Integer:
    """An optional user id, a whole number in the id column's range."""
    return fields.Integer(load_default=None, allow_none=True, strict=True,
                          validate=validate.Range(min=1, max=2**31 - 1))


class ReassignmentInSchema(Bounded):
    """A new therapist and/or case manager for the case, with the reason."""

    therapist_id = _user_id()
    case_manager_id = _user_id()
    reason = _text(500, 1, required=True)

    @validates_schema
    def _someone(self, data, **_):
        if data.get("therapist_id") is None and data.get("case_manager_id") is None:
            raise ValidationError("choose a new therapist or a new case manager", "therapist_id")


class InvitationInSchema(Bounded):
    """The worker's e-mail address: the invitation link goes there (the domain checks it can be an address)."""

    email = fields.Email(required=True, validate=[validate.Length(min=1, max=254), NO_NUL],
                          metadata={"label": "The worker's e-mail address",
                                    "hint": "the invitation link goes there; it holds 72 hours"})


class SymptomReportInSchema(Bounded):
    """How the worker feels between sessions."""

    symptoms = fields.List(fields.String(validate=validate.OneOf(REPORTABLE)), load_default=list,
                           validate=validate.Length(max=len(REPORTABLE)), metadata={"label": "What do you feel?"})
    pain = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=10),
                        metadata={"label": "Your pain now", "hint": "0 none, 10 worst imaginable"})
    note = _text(2000, label="In your own words (your clinic reads it; your employer does not)")
    reported_on = _date()


class MissedSessionInSchema(Bounded):
    """A session the worker missed or will miss."""

    session_date = _date()
    note = _text(2000, label="Why (your clinic reads it; your employer does not)")


class ReportReviewInSchema(Bounded):
    """A clinician's review of a red flag the worker reported."""

    reviewed_on = _date()
    note = _text(2000, label="What you did and what follows (clinical)")


class SignatureInSchema(Bounded):
    """A signature: the signer's typed name and their agreement to the paper as it stands."""

    typed_name = fields.String(required=True, validate=[validate.Length(min=1, max=200), NO_NUL],
                               metadata={"label": "Type your full name to sign"})
    agree = fields.Boolean(required=True, validate=validate.Equal(True, error="tick the box to say you agree"),
                           metadata={"label": "I have read the plan above and agree to it"})


# -- output -------------------------------------------------------------------------------------


class SignatureOutSchema(Schema):
    """One signature of a paper: who signed which version (its hash), with the name they typed, when."""

    paper = fields.String()
    signer_role = fields.String()
    typed_name = fields.String()
    signed_at = fields.DateTime()
    content_hash = fields.String(metadata={"description": "SHA-256 of the exact content signed"})


class PaperOutSchema(Schema):
    """A paper of the case as it stands: its content, its hash, its signatures (void once another version), and
    who has still to sign."""

    paper = fields.String()
    title = fields.String()
    content = fields.Dict()
    hash = fields.String()
    signatures = fields.List(fields.Dict())
    waiting_for = fields.List(fields.String())


class WorkerReportOutSchema(Schema):
    """A report of the worker's between sessions, with any red flag it raised and what they were told."""

    id = fields.Integer()
    kind = fields.String()
    reported_on = fields.Date()
    session_date = fields.Date(allow_none=True)
    symptoms = fields.List(fields.String())
    pain = fields.Float(allow_none=True)
    red_flags = fields.List(fields.String())
    advice = fields.String(allow_none=True, metadata={"description": "what the worker was told at once"})
    note = fields.String(metadata={"description": "the worker's own words"})
    reviewed_on = fields.Date(allow_none=True)
    review_note = fields.String(allow_none=True, metadata={"description": "the clinician's note on a red flag"})


class InvitationOutSchema(Schema):
    """An invitation just sent: to whom, until when; the link itself only when no e-mail server could carry it."""

    id = fields.Integer()
    email = fields.String()
    expires_at = fields.DateTime()
    emailed = fields.Boolean(metadata={"description": "false on a deployment without an e-mail server"})
    link = fields.String(allow_none=True, metadata={"description": "the invitation's link, given only when it "
                                                                   "was not e-mailed: hand it to the worker"})


class AuthorizationFunctionalSchema(Bounded):
    """An authorization as the employer sees it: dates, counts and status, no packet, assessment or reason."""

    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    requested_sessions = fields.Integer()
    requested_weeks = fields.Integer()
    start_date = fields.Date()
    end_date = fields.Date()
    submitted_on = fields.Date()
    due_on = fields.Date()
    decision = fields.String(allow_none=True)
    approved_sessions = fields.Integer(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    sessions_used = fields.Integer(allow_none=True)
    expedited = fields.Boolean()
    due_at = fields.DateTime(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    review_policy = fields.String(allow_none=True)
    superseded_by_id = fields.Integer(allow_none=True)


class AuthorizationClinicalSchema(AuthorizationFunctionalSchema):
    """An authorization with the intake packet or progress report, the assessment and the insurer's reason."""

    packet = fields.Dict()
    assessment = fields.Dict()
    reason = fields.String(allow_none=True)
    information = fields.List(fields.Dict(), allow_none=True)   # each pend: what was asked, what was supplied
    appeal_of_id = fields.Integer(allow_none=True)
    expedited_reason = fields.String(allow_none=True)


class ConflictOutSchema(Bounded):
    """One conflict of an offer with the restrictions in force."""

    kind = fields.String()
    task = fields.String(allow_none=True)
    offered = fields.Raw(allow_none=True)
    allowed = fields.Raw(allow_none=True)
    restriction_version = fields.Integer(allow_none=True)
    text = fields.String()


class OfferedTaskOutSchema(Bounded):
    """One offered task."""

    description = fields.String()
    task = fields.String()
    amount = fields.Float()
    frequency = fields.String()
    hours = fields.Float(allow_none=True)


class DutyOfferOutSchema(Bounded):
    """One round of a modified-duty offer with its conflicts (functional: every party sees it)."""

    id = fields.Integer()
    case_id = fields.Integer()
    round = fields.Integer()
    status = fields.String()
    tasks = fields.List(fields.Nested(OfferedTaskOutSchema))
    hours_per_day = fields.Float()
    schedule = fields.String()
    location = fields.String()
    wage = fields.Float()
    wage_period = fields.String()
    start_date = fields.Date()
    restriction_version = fields.Integer(allow_none=True)
    conflicts = fields.List(fields.Nested(ConflictOutSchema))
    sent_on = fields.Date()
    response_due = fields.Date()
    responded_on = fields.Date(allow_none=True)
    response = fields.String(allow_none=True)
    response_note = fields.String(allow_none=True, metadata={"description": "the clinical reason (clinical views)"})
    requested_changes = fields.String(allow_none=True)
    shared_reason = fields.String(allow_none=True, metadata={"description": "the reason shared with the employer"})
    withdrawal_reason = fields.String(allow_none=True, metadata={"description": "the employer's words when it withdrew the round"})
    checked_on = fields.Date(allow_none=True, metadata={"description": "the day a clinician checked the round "
                                                                      "against the restrictions in force"})
    check_note = fields.String(allow_none=True, metadata={"description": "the clinician's note on the check "
                                                                      "(clinical views)"})


class MilestoneOutSchema(Bounded):
    """One attempt at a rung of the ladder."""

    id = fields.Integer()
    case_id = fields.Integer()
    rung = fields.Integer()
    hours_per_day = fields.Float()
    full_duty = fields.Boolean()
    status = fields.String()
    started_on = fields.Date()
    confirmed_on = fields.Date(allow_none=True)
    setback_on = fields.Date(allow_none=True)
    setback_reason = fields.String(allow_none=True, metadata={"description": "the clinical account (clinical views)"})
    setback_shared_reason = fields.String(allow_none=True)


class RungOutSchema(Bounded):
    """One rung of the ladder and where it stands."""

    number = fields.Integer()
    hours_per_day = fields.Float()
    duty = fields.String()
    status = fields.String()


class FollowUpFunctionalSchema(Bounded):
    """A follow-up as the employer sees it: when, and the work status found."""

    id = fields.Integer()
    case_id = fields.Integer()
    months_after = fields.Integer()
    due_on = fields.Date()
    recorded_on = fields.Date(allow_none=True)
    work_status = fields.String(allow_none=True)
    hours_per_day = fields.Float(allow_none=True)
    answered_by_role = fields.String(allow_none=True, metadata={"description": "worker: their own answer"})


class FollowUpClinicalSchema(FollowUpFunctionalSchema):
    """A follow-up with the recurrence, the pain and the notes."""

    recurrence = fields.Boolean(allow_none=True)
    pain = fields.Float(allow_none=True)
    notes = fields.String()


AuthorizationPageSchema = page_schema(AuthorizationClinicalSchema, "AuthorizationPageSchema")
DutyOfferPageSchema = page_schema(DutyOfferOutSchema, "DutyOfferPageSchema")
MilestonePageSchema = page_schema(MilestoneOutSchema, "MilestonePageSchema", ladder=fields.List(fields.Nested(RungOutSchema)))
FollowUpPageSchema = page_schema(FollowUpClinicalSchema, "FollowUpPageSchema")
