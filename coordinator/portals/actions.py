"""The portals' forms: each action validates with the API's own schema and calls the API's own service.

A form is described by its schema's fields; typed values are read from the posted strings here, so the
schema sees what a JSON client would send and answers with the same field messages."""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select

from ..api.schemas import ReferralSchema
from ..api.clinical_schemas import (BaselineInSchema, ClearanceInSchema, ProgramStartInSchema, RestrictionsInSchema,
                                    ResumptionInSchema, ReviewInSchema, SessionInSchema)
from ..api.workflow_schemas import (AuthorizationDecisionInSchema, AuthorizationRequestInSchema, DischargeInSchema,
                                    DutyOfferInSchema, DutyResponseInSchema, FollowUpInSchema,
                                    MilestoneConfirmInSchema, MilestoneStartInSchema, ReassignmentInSchema,
                                    SetbackInSchema)
from ..domain.actors import Actor
from ..extensions import db
from ..models import Authorization, Case, DutyOffer, FollowUp, Milestone
from ..services import assignments, authorizations, cases, clearances, duty, program, restrictions, reviews, rtw


ROWS = 5   # rows offered for a list of items (the tasks of a duty offer); empty rows are ignored


class NoFields(Schema):
    """A command without input."""


def _clearance(actor: Actor, case: Case, body: dict, subject_id: int | None):
    kind = body.pop("kind")
    if kind == "physician":
        return clearances.record_clearance(actor, case.id, **body)
    return clearances.record_specialist_clearance(actor, case.id, kind=kind, **body)


@dataclass(frozen=True)
class PortalAction:
    """One command a portal offers, answering pending actions of the listed kinds."""

    slug: str
    label: str
    command: str
    schema: type[Schema]
    run: Callable[[Actor, Case, dict, int | None], Any]
    kinds: tuple[str, ...] = ()
    subject: type | None = None          # the model the subject id names, when the action has one
    done: str = "Saved."
    hidden: dict = field(default_factory=dict)   # fixed values (the clearance kind)
    preview: Callable[[Actor, Case, dict], dict] | None = None   # shown before the user confirms
    stages: tuple[str, ...] = ()         # offered in these stages even when no pending action names it
    when: Callable[[Case], bool] | None = None   # and then only while the service would accept it
    options: Callable[[Actor, Case], dict] | None = None   # named choices for id fields (see `describe`)


ACTIONS: dict[str, PortalAction] = {a.slug: a for a in (
    PortalAction("request-clearance", "Send for clearance", "request_clearance", NoFields,
                 lambda actor, case, body, _: cases.request_clearance(actor, case.id), ("intake_review",),
                 done="Sent to the physician for clearance.", stages=("intake",)),
    PortalAction("clearance", "Record the physician's clearance", "record_clearance", ClearanceInSchema,
                 _clearance, ("physician_clearance",), done="Clearance recorded.", hidden={"kind": "physician"}),
    PortalAction("specialist-clearance", "Record a cardiology or obstetric clearance", "record_clearance",
                 ClearanceInSchema, _clearance, ("specialist_clearance",), done="Specialist clearance recorded."),
    # the flows send the first request on their own; staff may send it (or a continuation) themselves
    PortalAction("request-authorization", "Request an authorization", "request_authorization",
                 AuthorizationRequestInSchema,
                 lambda actor, case, body, _: authorizations.request_authorization(actor, case.id, **body),
                 ("continuation_request",), done="Request sent to the insurer.",
                 stages=("clearance", "authorization"),
                 when=lambda case: clearances.clearance_state(case).complete and not authorizations.pending(case.id)),
    PortalAction("decision", "Decide the authorization", "decide_authorization", AuthorizationDecisionInSchema,
                 lambda actor, case, body, subject: authorizations.decide_authorization(actor, subject, **body),
                 ("authorization_decision",), subject=Authorization, done="Decision recorded."),
    PortalAction("baseline", "Record the baseline", "record_baseline", BaselineInSchema,
                 lambda actor, case, body, _: program.record_baseline(actor, case.id, **body), ("start_program",),
                 done="Baseline recorded; week 1 starts once the program is authorized."),
    PortalAction("start", "Start the program", "start_program", ProgramStartInSchema,
                 lambda actor, case, body, _: program.start_program(actor, case.id, **body), (),
                 done="Week 1 has started.", stages=("authorization",)),
    PortalAction("session", "Log a session", "log_session", SessionInSchema,
                 lambda actor, case, body, _: program.log_session(actor, case.id, body), (),
                 done="Session logged.", stages=("program",)),
    PortalAction("resume", "Reassess and resume the program", "resume_program", ResumptionInSchema,
                 lambda actor, case, body, _: program.resume_program(actor, case.id, **body), ("reassessment",),
                 done="Reassessed: the program resumes."),
    PortalAction("restrictions", "Issue restrictions", "issue_restrictions", RestrictionsInSchema,
                 lambda actor, case, body, _: restrictions.issue_restrictions(actor, case.id, **body), (),
                 done="Restrictions issued; open offers are checked against them.",
                 stages=("authorization", "program", "paused", "return_to_work")),
    PortalAction("setback", "Report a setback", "report_setback", SetbackInSchema,
                 lambda actor, case, body, _: rtw.report_setback(actor, case.id, **body), (),
                 done="Setback recorded.", stages=("return_to_work",)),
    PortalAction("discharge", "Discharge", "discharge_case", DischargeInSchema,
                 lambda actor, case, body, _: rtw.discharge_case(actor, case.id, **body), (),
                 done="Discharged; follow-ups at 3 and 6 months are scheduled.",
                 stages=("program", "paused", "return_to_work")),
    PortalAction("follow-up", "Record the follow-up", "record_follow_up", FollowUpInSchema,
                 lambda actor, case, body, subject: rtw.record_follow_up(actor, subject, **body), ("follow_up",),
                 subject=FollowUp, done="Follow-up recorded."),
    PortalAction("close", "Close the case", "close_case", NoFields,
                 lambda actor, case, body, _: rtw.close_case(actor, case.id), (), done="Case closed.",
                 stages=("discharged",)),
    PortalAction("review", "Review the week", "submit_weekly_review", ReviewInSchema,
                 lambda actor, case, body, _: reviews.submit_weekly_review(actor, case.id, **body),
                 ("weekly_review",), done="Week reviewed; next week's targets are set.",
                 preview=lambda actor, case, body: reviews.preview_weekly_review(actor, case.id, **body)),
    PortalAction("offer", "Propose modified duty", "propose_duty_offer", DutyOfferInSchema,
                 lambda actor, case, body, _: duty.propose_duty_offer(actor, case.id, **body), ("duty_offer",),
                 done="Offer sent; the therapist answers it.",
                 preview=lambda actor, case, body: {"conflicts": duty.preview_duty_offer(actor, case.id, **body)}),
    PortalAction("offer-answer", "Answer the modified-duty offer", "respond_to_duty_offer", DutyResponseInSchema,
                 lambda actor, case, body, subject: duty.respond_to_duty_offer(actor, subject, **body),
                 ("offer_answer",), subject=DutyOffer, done="Answer sent to the employer."),
    PortalAction("milestone", "Start the next milestone", "start_milestone", MilestoneStartInSchema,
                 lambda actor, case, body, _: rtw.start_milestone(actor, case.id, **body), ("milestone_start",),
                 done="Milestone started; the employer is asked to confirm it."),
    PortalAction("confirm-milestone", "Confirm the milestone", "confirm_milestone", MilestoneConfirmInSchema,
                 lambda actor, case, body, subject: rtw.confirm_milestone(actor, subject, **body),
                 ("milestone_confirmation",), subject=Milestone, done="Milestone confirmed."),
    PortalAction("reassign", "Reassign the case", "reassign_case", ReassignmentInSchema,
                 lambda actor, case, body, _: assignments.reassign_case(actor, case.id, **body), (),
                 done="Case reassigned.", options=lambda actor, case: clinic_staff(case.clinic_id),
                 stages=("intake", "clearance", "authorization", "program", "paused", "return_to_work",
                         "discharged")),
)}


INTAKE = PortalAction("intake", "Open a case", "open_case", ReferralSchema,
                      lambda actor, case, referral, _: cases.open_case(actor, referral), done="Case opened.")


def active_users(role: str, org_id: int | None = None) -> list:
    """(id, name) of the active users of a role (of one organisation, when given), by name."""
    from ..models import User

    query = select(User.id, User.name).where(User.role == role, User.active.is_(True))
    if org_id is not None:
        query = query.where(User.org_id == org_id)
    return db.session.execute(query.order_by(User.name)).all()


def clinic_staff(clinic_id: int) -> dict[str, list]:
    """The clinic's active therapists and case managers, as choices for a case's assignment."""
    from ..domain.actors import Role

    return {"therapist_id": active_users(Role.THERAPIST, clinic_id),
            "case_manager_id": active_users(Role.CASE_MANAGER, clinic_id)}


def intake_options(actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """The parties a referral can name: every employer and insurer, the physicians, the clinic's own staff."""
    from ..domain.actors import OrgKind, Role
    from ..models import Organisation

    def orgs(kind):
        return db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.kind == kind)
                                  .order_by(Organisation.name)).all()

    return {"employer_id": orgs(OrgKind.EMPLOYER), "insurer_id": orgs(OrgKind.INSURER),
            "physician_id": active_users(Role.PHYSICIAN), **clinic_staff(actor.org_id)}


def subject_of(action: PortalAction, case: Case, subject_id: int | None):
    """The subject row when it belongs to the case, else None (a foreign or absent id)."""
    if action.subject is None:
        return None
    if subject_id is None:
        return None
    return db.session.scalar(select(action.subject).where(action.subject.id == subject_id,
                                                          action.subject.case_id == case.id))


# -- reading the posted strings ------------------------------------------------------------------

def _choices(f: fields.Field) -> list[str]:
    for rule in (f.validate if isinstance(f.validate, (list, tuple)) else [f.validate] if f.validate else []):
        if isinstance(rule, validate.OneOf):
            return [str(c) for c in rule.choices]
    return []


def describe(schema: Schema, case: Case | None, hidden: dict, options: dict | None = None,
             prefix: str = "") -> list[dict]:
    """The inputs of the form, one per schema field (a dict field gives one number per job demand; a nested
    object a group of its own inputs; `options` turns an id field into a choice of named records)."""
    inputs, options = [], options or {}
    for name, f in schema.fields.items():
        if name in hidden:
            continue
        if name in options:
            inputs.append({"name": prefix + name, "label": name.removesuffix("_id").replace("_", " ").capitalize(),
                           "kind": "options", "required": f.required, "options": options[name], "choices": []})
            continue
        if isinstance(f, fields.Nested):
            if not f.many and not prefix:
                inputs.append({"name": name, "label": name.replace("_", " ").capitalize(), "kind": "group",
                               "required": False, "choices": [],
                               "inputs": describe(f.schema, case, {}, prefix=f"{name}.")})
            continue
        if isinstance(f, fields.List) and isinstance(f.inner, fields.Nested):
            inner = f.inner.schema
            inputs.append({"name": name, "label": name.replace("_", " ").capitalize(), "kind": "rows",
                           "required": f.required, "rows": ROWS, "choices": [],
                           "columns": [{"name": n, "label": n.replace("_", " ").capitalize(),
                                        "choices": ["yes", "no"] if isinstance(c, fields.Boolean) else _choices(c),
                                        "number": isinstance(c, (fields.Integer, fields.Float))}
                                       for n, c in inner.fields.items()]})
            continue
        kind = ("date" if isinstance(f, fields.Date) else "checkbox" if isinstance(f, fields.Boolean)
                else "number" if isinstance(f, (fields.Integer, fields.Float)) else
                "dict" if isinstance(f, fields.Dict) else "list" if isinstance(f, fields.List) else "text")
        item = {"name": prefix + name, "label": name.replace("_", " ").capitalize(), "kind": kind,
                "required": f.required,
                "choices": _choices(f.inner) if isinstance(f, fields.List) else _choices(f),
                "step": "1" if isinstance(f, fields.Integer) else "any"}
        if kind == "dict":
            item["keys"] = [d.task for d in case.demands] if case is not None else []
        inputs.append(item)
    return inputs


def _number(value: str, integer: bool):
    text = value.strip()
    if integer and re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    if not integer and re.fullmatch(r"-?\d{1,9}(\.\d{1,6})?", text):
        return float(text)
    return text   # the schema names it "not a valid number", as for a JSON client


def payload(schema: Schema, form, hidden: dict, prefix: str = "") -> dict:
    """The JSON body a client would send for this form."""
    body = dict(hidden)
    for name, f in schema.fields.items():
        if name in hidden:
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


def load(action: PortalAction, form) -> dict:
    """Validate the form with the action's schema; raises ValidationError with field messages."""
    schema = action.schema()
    return schema.load(payload(schema, form, action.hidden))


def defaults(action: PortalAction) -> dict:
    """Sensible starting values: today for every date."""
    return {name: date.today().isoformat() for name, f in action.schema().fields.items()
            if isinstance(f, fields.Date)}


__all__ = ["ACTIONS", "PortalAction", "ValidationError", "describe", "defaults", "load", "subject_of"]
