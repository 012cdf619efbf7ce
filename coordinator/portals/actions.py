"""The portals' forms: each action validates with the API's own schema and calls the API's own service.

A form is described by its schema's fields; typed values are read from the posted strings here, so the
schema sees what a JSON client would send and answers with the same field messages."""

import re
import smtplib
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from marshmallow import Schema, ValidationError, fields, validate

from ..schemas.cases import ReferralSchema
from ..schemas.clinical import (BaselineInSchema, ClearanceAgainInSchema, ClearanceInSchema, PregnancyInSchema,
                                ProgramStartInSchema,
                                    RestrictionsInSchema, ResumptionInSchema, ReviewInSchema, SessionInSchema)
from ..schemas.workflow import (AppealInSchema, AuthorizationDecisionInSchema, AuthorizationRequestInSchema,
                                DischargeInSchema, InformationInSchema, OfferWithdrawalInSchema,
                                    DutyOfferInSchema, DutyResponseInSchema, FollowUpInSchema,
                                    MilestoneConfirmInSchema, MilestoneStartInSchema, ReassignmentInSchema,
                                    SetbackInSchema, InvitationInSchema, OfferCheckInSchema, SignatureInSchema,
                                    SymptomReportInSchema, MissedSessionInSchema, ReportReviewInSchema,
                                    FollowUpAnswerInSchema)
from ..domain.actors import Actor
from ..domain.catalogue import COMMANDS
from ..domain.documents import kinds_for
from ..domain.errors import DomainError
from ..services import (assignments, authorizations, cases, clearances, documents, duty, invitations, program,
                        restrictions, reviews, rtw, signatures, worker_reports)
from ..services.queries import records
from ..services.queries.access import is_clinical_reader
from ..services.queries.cases import CaseSummary, case_documents, clinic_staff
from ..services.unit_of_work import Options
from ..schemas.bounds import Bounded
from ..schemas.documents import DocumentInSchema, FileUpload
from ..domain.documents import ACCEPTED
from .wording import MEASURES_HINT, hint_of, label_of, measure_label


ROWS = 5   # rows offered for a list of items (the tasks of a duty offer); empty rows are ignored


class NoFields(Bounded):
    """A command without input."""


class DeliveryFailed(DomainError):
    """The command was kept but its message could not be sent; the words say what to do."""

    code = "delivery_failed"


def _clearance(actor: Actor, case: CaseSummary, body: dict, subject_id: int | None, options: Options):
    kind = body.pop("kind")
    if kind == "physician":
        return clearances.record_clearance(actor, case.id, **body, options=options)
    return clearances.record_specialist_clearance(actor, case.id, kind=kind, **body, options=options)


def _add_document(actor: Actor, case: CaseSummary, body: dict, subject_id: int | None, options: Options):
    upload = body.pop("file")
    return documents.add_document(actor, case.id, **body, file=upload.stream, declared_type=upload.mimetype,
                                  options=options)


def _invite(actor: Actor, case: CaseSummary, body: dict, subject_id: int | None, options: Options):
    """Invite the worker, then e-mail them the link (the link exists only in that message and this answer)."""
    from flask import url_for

    from ..notify import send_invitation

    invited = invitations.invite_worker(actor, case.id, **body, options=options)
    link = url_for("invitation.accept", token=invited.token, _external=True)
    try:
        sent_by = send_invitation(invited, link)
    except (OSError, smtplib.SMTPException):
        raise DeliveryFailed("the invitation could not be e-mailed (the mail server did not take it): "
                             "invite the worker again in a moment") from None
    return invited, sent_by, link


def _invited_words(result) -> str:
    invited, sent_by, link = result
    row = invited.invitation
    if sent_by == "log":   # a machine without e-mail (the demo): the person inviting hands the link over
        return (f"No e-mail server is set up here, so nothing was sent to {row.email}: give the worker this link "
                f"yourself (it holds until {row.expires_at:%d %B %Y, %H:%M} UTC): {link}")
    return f"Invitation e-mailed to {row.email}; the link holds until {row.expires_at:%d %B %Y, %H:%M} UTC."


def _packet_choices(actor: Actor, case: CaseSummary) -> dict:
    """The case's documents a request or a reply to the insurer may name."""
    # the form has read the case through the actor's view (audited): its documents come with that read
    return {"documents": [(d.id, f"{d.title} ({d.kind.replace('_', ' ')}, dated {d.dated_on})")
                          for d in case_documents(case.id, is_clinical_reader(actor))]}


@dataclass(frozen=True)
class PortalAction:
    """The portal's form of one command of the catalogue (of one kind of input, when it fixes one): which
    schema reads it and which service runs it. When it is offered, and with which inputs, is the catalogue's."""

    slug: str
    command: str
    schema: type[Schema]
    run: Callable[[Actor, CaseSummary, dict, int | None, Options], Any]
    kind: str | None = None              # the kind of input this form fixes (a cardiology clearance)
    subject: str | None = None           # the record the subject id names (its id field), when it has one
    done: str | Callable[[Any], str] = "Saved."   # or the words for the service's result (a red-flag session)
    preview: Callable[[Actor, CaseSummary, dict, Options], dict] | None = None   # shown before the user confirms
    options: Callable[[Actor, CaseSummary], dict] | None = None   # named choices for id fields (see `describe`)
    alert: Callable[[Any], bool] | None = None   # the result calls for an alert, not a confirmation (a red flag)

    @property
    def label(self) -> str:
        """The catalogue's words for the command (or for its kind, when the form fixes one of several)."""
        command = COMMANDS[self.command]
        return command.kind(self.kind).label if self.kind and len(command.kinds) > 1 else command.label

    @property
    def hidden(self) -> dict:
        """Fixed values the form posts without showing them: the kind it fixes."""
        return {"kind": self.kind} if self.kind and "kind" in self.schema._declared_fields else {}


def _session_done(row) -> str:
    """What the therapist reads after logging a session: the stop and what follows it, or each caution."""
    if row.stopped:
        return (f"Session stopped on a red flag ({'; '.join(f['text'] for f in row.red_flags)}). The case is paused "
                "and the physician is asked to reassess the worker; no further session until then.")
    cautions = "; ".join(c["text"] for c in row.cautions or [])
    return "Session logged." + (f" Caution: {cautions}." if cautions else "")


def _clearance_form(kind: str, slug: str, done: str) -> PortalAction:
    return PortalAction(slug, "record_clearance", ClearanceInSchema, _clearance, kind=kind, done=done)


ACTIONS: dict[str, PortalAction] = {a.slug: a for a in (
    PortalAction("request-clearance", "request_clearance", NoFields,
                 lambda actor, case, body, _, options: cases.request_clearance(actor, case.id, options=options),
                 kind="request", done="Sent to the physician for clearance."),
    PortalAction("clearance-again", "request_clearance", ClearanceAgainInSchema,
                 lambda actor, case, body, _, options: clearances.ask_for_clearance_again(actor, case.id, **body,
                                                                                          options=options),
                 kind="again", done="The physician will be asked for the clearance again from that day."),
    _clearance_form("physician", "clearance", "Clearance recorded."),
    _clearance_form("cardiology", "cardiology-clearance", "Cardiology clearance recorded."),
    _clearance_form("obstetric", "obstetric-clearance", "Obstetric clearance recorded."),
    PortalAction("pregnancy", "update_pregnancy", PregnancyInSchema,
                 lambda actor, case, body, _, options: cases.update_pregnancy(actor, case.id, **body, options=options),
                 done="Pregnancy updated; the plan follows at the next check."),
    # the flows send the first request on their own; staff may send it (or a continuation) themselves
    PortalAction("request-authorization", "request_authorization", AuthorizationRequestInSchema,
                 lambda actor, case, body, _, options: authorizations.request_authorization(actor, case.id, **body, options=options),
                 done="Request sent to the insurer.", options=_packet_choices),
    PortalAction("decision", "decide_authorization", AuthorizationDecisionInSchema,
                 lambda actor, case, body, subject, options: authorizations.decide_authorization(actor, subject, **body, options=options),
                 subject="authorization_id", done="Decision recorded."),
    PortalAction("information", "supply_information", InformationInSchema,
                 lambda actor, case, body, subject, options: authorizations.supply_information(actor, subject, **body,
                                                                                              options=options),
                 subject="authorization_id", done="Information sent; the insurer's decision clock restarts.",
                 options=_packet_choices),
    PortalAction("appeal", "appeal_authorization", AppealInSchema,
                 lambda actor, case, body, subject, options: authorizations.appeal_authorization(actor, subject, **body,
                                                                                                options=options),
                 subject="authorization_id", done="Appeal sent to the insurer; another reviewer decides it.",
                 options=_packet_choices),
    PortalAction("baseline", "record_baseline", BaselineInSchema,
                 lambda actor, case, body, _, options: program.record_baseline(actor, case.id, **body, options=options),
                 done="Baseline recorded; week 1 starts once the program is authorized."),
    PortalAction("start", "start_program", ProgramStartInSchema,
                 lambda actor, case, body, _, options: program.start_program(actor, case.id, **body, options=options),
                 done="Week 1 has started."),
    PortalAction("session", "log_session", SessionInSchema,
                 lambda actor, case, body, _, options: program.log_session(actor, case.id, body, options=options),
                 done=lambda row: _session_done(row), alert=lambda row: bool(row.stopped)),
    PortalAction("resume", "resume_program", ResumptionInSchema,
                 lambda actor, case, body, _, options: program.resume_program(actor, case.id, **body, options=options),
                 done="Reassessed: the program resumes."),
    PortalAction("restrictions", "issue_restrictions", RestrictionsInSchema,
                 lambda actor, case, body, _, options: restrictions.issue_restrictions(actor, case.id, **body, options=options),
                 done="Restrictions issued; open offers are checked against them."),
    PortalAction("setback", "report_setback", SetbackInSchema,
                 lambda actor, case, body, _, options: rtw.report_setback(actor, case.id, **body, options=options), done="Setback recorded."),
    PortalAction("discharge", "discharge_case", DischargeInSchema,
                 lambda actor, case, body, _, options: rtw.discharge_case(actor, case.id, **body, options=options),
                 done=lambda case: "Discharged; follow-ups at 3 and 6 months are scheduled." if case.program_started_on
                 else "Discharged; the program never started, so no follow-up is due."),
    PortalAction("follow-up", "record_follow_up", FollowUpInSchema,
                 lambda actor, case, body, subject, options: rtw.record_follow_up(actor, subject, **body, options=options),
                 subject="follow_up_id", done="Follow-up recorded."),
    PortalAction("follow-up-answer", "answer_follow_up", FollowUpAnswerInSchema,
                 lambda actor, case, body, subject, options: rtw.answer_follow_up(actor, subject, **body,
                                                                                 options=options),
                 subject="follow_up_id", done="Thank you: your answer is with your clinic."),
    PortalAction("close", "close_case", NoFields,
                 lambda actor, case, body, _, options: rtw.close_case(actor, case.id, options=options), done="Case closed."),
    PortalAction("review", "submit_weekly_review", ReviewInSchema,
                 lambda actor, case, body, _, options: reviews.submit_weekly_review(actor, case.id, **body, options=options),
                 done="Week reviewed; next week's targets are set.",
                 preview=lambda actor, case, body, options: reviews.preview_weekly_review(actor, case.id, **body, options=options)),
    PortalAction("offer", "propose_duty_offer", DutyOfferInSchema,
                 lambda actor, case, body, _, options: duty.propose_duty_offer(actor, case.id, **body, options=options),
                 done="Offer sent; the therapist checks it against the restrictions, then the worker answers it.",
                 preview=lambda actor, case, body, options: {"conflicts": duty.preview_duty_offer(actor, case.id, **body, options=options)}),
    PortalAction("offer-check", "check_duty_offer", OfferCheckInSchema,
                 lambda actor, case, body, subject, options: duty.check_duty_offer(actor, subject, **body,
                                                                                  options=options),
                 subject="offer_id", done=lambda row: "Checked: the offer goes to the worker to answer."
                 if row.status == "checked" else "Counter-offer sent to the employer."),
    PortalAction("offer-answer", "respond_to_duty_offer", DutyResponseInSchema,
                 lambda actor, case, body, subject, options: duty.respond_to_duty_offer(actor, subject, **body,
                                                                                       options=options),
                 subject="offer_id", done=lambda row: "You accepted the offer; your employer is told."
                 if row.status == "accepted" else "You declined the offer; your employer is told, with your reason."),
    PortalAction("offer-withdrawal", "withdraw_duty_offer", OfferWithdrawalInSchema,
                 lambda actor, case, body, subject, options: duty.withdraw_duty_offer(actor, subject, **body,
                                                                                     options=options),
                 subject="offer_id", done="Offer withdrawn."),
    PortalAction("milestone", "start_milestone", MilestoneStartInSchema,
                 lambda actor, case, body, _, options: rtw.start_milestone(actor, case.id, **body, options=options),
                 done="Milestone started; the employer is asked to confirm it."),
    PortalAction("confirm-milestone", "confirm_milestone", MilestoneConfirmInSchema,
                 lambda actor, case, body, subject, options: rtw.confirm_milestone(actor, subject, **body, options=options),
                 subject="milestone_id", done="Milestone confirmed."),
    PortalAction("document", "add_document", DocumentInSchema, _add_document, done="Document added.",
                 options=lambda actor, case: {"kind": [(k.value, k.value.replace("_", " ").capitalize())
                                                       for k in kinds_for(actor.role)]}),
    PortalAction("invite-worker", "invite_worker", InvitationInSchema, _invite, done=_invited_words),
    PortalAction("report-symptoms", "report_symptoms", SymptomReportInSchema,
                 lambda actor, case, body, _, options: worker_reports.report_symptoms(actor, case.id, **body,
                                                                                     options=options),
                 done=lambda result: result[1].advice, alert=lambda result: result[1].red_flag),
    PortalAction("missed-session", "report_missed_session", MissedSessionInSchema,
                 lambda actor, case, body, _, options: worker_reports.report_missed_session(actor, case.id, **body,
                                                                                          options=options),
                 done="Thank you: your therapist knows you missed that session."),
    PortalAction("review-report", "review_worker_report", ReportReviewInSchema,
                 lambda actor, case, body, subject, options: worker_reports.review_worker_report(
                     actor, subject, **body, options=options),
                 subject="report_id", done="Report reviewed."),
    PortalAction("sign-program-plan", "sign_program_plan", SignatureInSchema,
                 lambda actor, case, body, _, options: signatures.sign_paper(actor, case.id, paper="program_plan",
                                                                             **body, options=options),
                 done="You signed the program plan."),
    PortalAction("sign-rtw-plan", "sign_rtw_plan", SignatureInSchema,
                 lambda actor, case, body, _, options: signatures.sign_paper(actor, case.id, paper="rtw_plan",
                                                                             **body, options=options),
                 done="You signed the return-to-work plan."),
    PortalAction("reassign", "reassign_case", ReassignmentInSchema,
                 lambda actor, case, body, _, options: assignments.reassign_case(actor, case.id, **body, options=options),
                 done="Case reassigned.", options=lambda actor, case: clinic_staff(case.clinic_id)),
)}


def form_for(command: str, kind: str) -> PortalAction | None:
    """The portal's form of a command's kind: the one fixing that kind, else the command's only form."""
    return next((a for a in ACTIONS.values() if a.command == command and a.kind == kind), None) or next(
        (a for a in ACTIONS.values() if a.command == command and a.kind is None), None)


INTAKE = PortalAction("intake", "open_case", ReferralSchema,
                      lambda actor, case, referral, _, options: cases.open_case(actor, referral, options=options), done="Case opened.")


def subject_of(action: PortalAction, case, subject_id: int | None):
    """The subject record when it belongs to the case, else None (a foreign or absent id)."""
    if action.subject is None:
        return None
    return records.subject_of(action.subject, subject_id, case.id)


# -- reading the posted strings ------------------------------------------------------------------

def _choices(f: fields.Field) -> list[str]:
    for rule in (f.validate if isinstance(f.validate, (list, tuple)) else [f.validate] if f.validate else []):
        if isinstance(rule, validate.OneOf):
            return [str(c) for c in rule.choices]
    return []


def describe(schema: Schema, case: CaseSummary | None, hidden: dict, options: dict | None = None,
             prefix: str = "", only: tuple[str, ...] | None = None, required: tuple[str, ...] = ()) -> list[dict]:
    """The inputs of the form, one per schema field (a dict field gives one number per job demand; a nested
    object a group of its own inputs; `options` turns an id field into a choice of named records); with `only`,
    just those fields: the inputs the catalogue lists for the command's kind."""
    inputs, options = [], options or {}
    for name, f in schema.fields.items():
        if name in hidden or (only is not None and name not in only):
            continue
        if name in options:
            inputs.append({"name": prefix + name, "label": label_of(name, f), "hint": hint_of(name, f),
                           "kind": "options", "required": f.required, "options": options[name], "choices": [],
                           "many": isinstance(f, fields.List)})
            continue
        if isinstance(f, FileUpload):
            inputs.append({"name": name, "label": label_of(name, f), "hint": hint_of(name, f), "kind": "file",
                           "required": True, "choices": [], "accept": ",".join(ACCEPTED)})
            continue
        if isinstance(f, fields.Nested):
            if not f.many and not prefix:
                inputs.append({"name": name, "label": label_of(name, f), "kind": "group", "hint": "",
                               "required": False, "choices": [],
                               "inputs": describe(f.schema, case, {}, prefix=f"{name}.")})
            continue
        if isinstance(f, fields.List) and isinstance(f.inner, fields.Nested):
            inner = f.inner.schema
            inputs.append({"name": name, "label": label_of(name, f), "kind": "rows", "hint": "",
                           "required": f.required, "rows": ROWS, "choices": [],
                           "columns": [{"name": n, "label": label_of(n, c), "hint": hint_of(n, c),
                                        "required": c.required,
                                        "choices": ["yes", "no"] if isinstance(c, fields.Boolean) else _choices(c),
                                        "number": isinstance(c, (fields.Integer, fields.Float))}
                                       for n, c in inner.fields.items()]})
            continue
        kind = ("date" if isinstance(f, fields.Date) else "checkbox" if isinstance(f, fields.Boolean)
                else "number" if isinstance(f, (fields.Integer, fields.Float)) else
                "dict" if isinstance(f, fields.Dict) else "list" if isinstance(f, fields.List) else "text")
        item = {"name": prefix + name, "label": label_of(name, f), "hint": hint_of(name, f),
                "kind": kind,
                "required": f.required or name in required,
                "choices": _choices(f.inner) if isinstance(f, fields.List) else _choices(f),
                "step": "1" if isinstance(f, fields.Integer) else "any"}
        if kind == "dict":   # one number per job demand, each labelled with its task and unit
            item["keys"] = list(case.demand_tasks) if case is not None else []
            item["key_labels"] = {key: measure_label(key) for key in item["keys"]}
            item["hint"] = MEASURES_HINT
        inputs.append(item)
    return inputs


def _number(value: str, integer: bool):
    text = value.strip()
    if integer and re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    if not integer and re.fullmatch(r"-?\d{1,9}(\.\d{1,6})?", text):
        return float(text)
    return text   # the schema names it "not a valid number", as for a JSON client


def payload(schema: Schema, form, hidden: dict, prefix: str = "", only: tuple[str, ...] | None = None,
            files=None) -> dict:
    """The JSON body a client would send for this form (of the `only` fields, when given); a file input's file."""
    body = dict(hidden)
    for name, f in schema.fields.items():
        if name in hidden or (only is not None and name not in only):
            continue
        if isinstance(f, FileUpload):
            if files is not None and name in files:
                body[name] = files[name]
            continue
        if isinstance(f, fields.Nested):
            filled = any(k.startswith(f"{name}.") and str(v).strip() for k, v in form.items())
            if not f.many and not prefix and (filled or f.required):   # an empty optional group is absent
                body[name] = payload(f.schema, form, {}, prefix=f"{name}.")
            continue
        key = prefix + name
        if isinstance(f, fields.Boolean):
            if key in form or f.required:   # an unticked box posts nothing: for a required yes/no, that is no
                body[name] = form.get(key) in ("1", "on", "true", "yes")
            continue
        if isinstance(f, fields.Dict):
            start = f"{key}."
            values = {k[len(start):]: _number(v, False) for k, v in form.items() if k.startswith(start) and v.strip()}
            if values:
                body[name] = values
            continue
        if isinstance(f, fields.List) and isinstance(f.inner, fields.Nested):
            rows = []
            for i in range(ROWS):
                row = {n: form.get(f"{name}-{i}-{n}", "").strip() for n in f.inner.schema.fields}
                if any(row.values()):
                    rows.append({n: (_number(v, False) if isinstance(c, (fields.Integer, fields.Float)) else
                                     v == "yes" if isinstance(c, fields.Boolean) else v)
                                 for (n, v), c in zip(row.items(), f.inner.schema.fields.values()) if v})
            body[name] = rows
            continue
        if isinstance(f, fields.List):
            if _choices(f.inner):
                body[name] = form.getlist(key)
            elif isinstance(f.inner, fields.Integer):   # ticked records (the documents of a packet)
                body[name] = [_number(v, True) for v in form.getlist(key) if v.strip()]
            else:   # free text, one item per line
                body[name] = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
            continue
        value = form.get(key, "")
        if not value.strip():
            continue
        if isinstance(f, (fields.Integer, fields.Float)):
            body[name] = _number(value, isinstance(f, fields.Integer))
        else:
            body[name] = value.strip()
    return body


def load(action: PortalAction, form, only: tuple[str, ...] | None = None, files=None) -> dict:
    """Validate the form (and its files) with the action's schema; raises ValidationError with field messages."""
    schema = action.schema()
    return schema.load(payload(schema, form, action.hidden, only=only, files=files))


def defaults(action: PortalAction) -> dict:
    """Sensible starting values: today for every date."""
    return {name: date.today().isoformat() for name, f in action.schema().fields.items()
            if isinstance(f, fields.Date)}


__all__ = ["ACTIONS", "PortalAction", "ValidationError", "describe", "defaults", "form_for", "load", "subject_of"]
