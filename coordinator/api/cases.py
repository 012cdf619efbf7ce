"""Case resources: list, open, read (with ETag and the commands the caller may run), timeline, clearance request."""

from flask import g, jsonify, url_for
from flask_smorest import Blueprint

from ..auth.bearer import require_token
from ..auth.scopes import CASES_READ
from ..policy import View, view_for
from ..services import cases as case_services
from ..services import clearances as clearance_services
from ..services.unit_of_work import Options
from ..services.facts import commands_for, read_facts
from ..services.queries.access import case_read_whole, record_listing
from ..services.queries.caseload import case_list
from ..services.queries.timeline import timeline_page
from .commands import COMMAND_HEADERS, run_command, with_etag
from .idempotency import idempotent
from ..schemas.clinical import ClearanceAgainInSchema
from ..schemas.workflow import (InvitationInSchema, InvitationOutSchema, MissedSessionInSchema, PaperOutSchema,
                                ReportReviewInSchema, SignatureInSchema, SignatureOutSchema, SymptomReportInSchema,
                                WorkerReportOutSchema)
from ..schemas.cases import (AvailableCommandSchema, UnavailableCommandSchema, CaseClinicalSchema, CasePageSchema, CaseQueryArgsSchema, PageArgsSchema, ReferralSchema,
                      TimelinePageSchema, case_schema)

bp = Blueprint("cases", __name__, url_prefix="/api/v1", description="Cases: the caller's own, through its view")


# built once: a schema keeps no state between dumps
AVAILABLE, UNAVAILABLE = AvailableCommandSchema(many=True), UnavailableCommandSchema(many=True)


@bp.route("/cases", methods=["GET"])
@require_token("cases:read")
@bp.arguments(CaseQueryArgsSchema, location="query")
@bp.response(200, CasePageSchema)
@bp.doc(security=[{"bearerAuth": ["cases:read"]}])
def list_cases(args):
    """The caller's cases, filtered by stage, employer, insurer or overdue work, in pages ordered by id."""
    found = case_list(g.token_actor, page=args["page"], per_page=args["per_page"], stage=args.get("stage"),
                      employer_id=args.get("employer_id"), insurer_id=args.get("insurer_id"),
                      overdue=args.get("overdue"))
    items = case_schema(view_for(g.token_actor), many=True).dump(found.items)   # before the audit's commit
    record_listing(g.token_actor, [c["id"] for c in items], purpose="api")
    return jsonify(items=items, page=found.page, per_page=found.per_page, total=found.total)


@bp.route("/cases", methods=["POST"])
@require_token("cases:write")
@idempotent
@bp.arguments(ReferralSchema)
@bp.response(201, CaseClinicalSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:write"]}],
        parameters=[{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string", "maxLength": 200}}])
def open_case(referral):
    """Open a case from a referral; the answer carries the screening flags and the clearances needed."""
    # no If-Match for a case not yet there; the Idempotency-Key is recorded in the command's own transaction
    case = case_services.open_case(g.token_actor, referral, options=Options(before_commit=g.get("idempotency_hook")))
    response = with_etag(case_schema(View.CLINICAL).dump(case), case, 201)
    response.headers["Location"] = url_for("cases.get_case", case_id=case.id)
    return response


@bp.route("/cases/<int:case_id>", methods=["GET"])
@require_token("cases:read")
@bp.response(200, CaseClinicalSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:read"]}])
def get_case(case_id):
    """One case through the caller's view, with the commands the caller may run on it now (and why not the
    others); another party's case answers 404."""
    # with its demands, open tasks and schedule, and the copy of its facts the schedule keeps
    read = case_read_whole(g.token_actor, case_id, purpose="api", with_facts=True)
    payload = case_schema(view_for(g.token_actor)).dump(read.case)
    commands = commands_for(g.token_actor, read.case, facts=read_facts(read.case, read.schedule))
    payload["available_commands"] = AVAILABLE.dump([c for c in commands if c.available])
    payload["unavailable_commands"] = UNAVAILABLE.dump([c for c in commands if not c.available])
    return with_etag(payload, read.case)


@bp.route("/cases/<int:case_id>/timeline", methods=["GET"])
@require_token("cases:read")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, TimelinePageSchema)
@bp.doc(security=[{"bearerAuth": ["cases:read"]}])
def timeline(args, case_id):
    """Every event of the case (who, what, when), oldest first; an employer sees the functional ones."""
    found = timeline_page(g.token_actor, case_id, args["page"], args["per_page"])
    return jsonify(items=TimelinePageSchema().dump({"items": found.items})["items"], page=found.page,
                   per_page=found.per_page, total=found.total)


@bp.route("/cases/<int:case_id>/clearance-request", methods=["POST"])
@require_token("cases:write")
@idempotent
@bp.response(200, CaseClinicalSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:write"]}],
        parameters=COMMAND_HEADERS)
def request_clearance(case_id):
    """Send an intake case to its physician (and cardiology or obstetrics) for clearance."""
    case, refusal = run_command(case_services.request_clearance, case_id)
    return refusal or with_etag(case_schema(view_for(g.token_actor)).dump(case), case)


@bp.route("/cases/<int:case_id>/clearance-request/again", methods=["POST"])
@require_token("cases:write")
@idempotent
@bp.arguments(ClearanceAgainInSchema)
@bp.response(200, CaseClinicalSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:write"]}],
        parameters=COMMAND_HEADERS)
def ask_for_clearance_again(body, case_id):
    """After a refused clearance: ask the physician again from a day (today, or later to defer)."""
    case, refusal = run_command(clearance_services.ask_for_clearance_again, case_id, **body)
    return refusal or with_etag(case_schema(view_for(g.token_actor)).dump(case), case)


@bp.route("/cases/<int:case_id>/worker-invitations", methods=["POST"])
@require_token("cases:write")
@idempotent
@bp.arguments(InvitationInSchema)
@bp.response(201, InvitationOutSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:write"]}], parameters=COMMAND_HEADERS)
def invite_worker(body, case_id):
    """Invite the worker to their own portal: a link e-mailed to them that holds 72 hours (a new invitation
    withdraws the one before it); where no e-mail server is set up, the answer carries the link to hand over."""
    import smtplib

    from flask import url_for

    from ..notify import send_invitation
    from ..services.invitations import invite_worker as invite
    from ..services.queries.access import current_version
    from .errors import problem

    invited, refusal = run_command(invite, case_id, **body)
    if refusal:
        return refusal
    link = url_for("invitation.accept", token=invited.token, _external=True)
    try:
        emailed = send_invitation(invited, link) != "log"
    except (OSError, smtplib.SMTPException):
        return problem(503, "Service Unavailable", "the invitation could not be e-mailed (the mail server did not "
                                                   "take it): send it again in a moment")
    row = invited.invitation
    payload = {"id": row.id, "email": row.email, "expires_at": row.expires_at, "emailed": emailed,
               "link": None if emailed else link}
    return with_etag(InvitationOutSchema().dump(payload), current_version(case_id), 201)


@bp.route("/cases/<int:case_id>/papers/<paper>/signatures", methods=["POST"])
@require_token("signatures:write")
@idempotent
@bp.arguments(SignatureInSchema)
@bp.response(201, SignatureOutSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["signatures:write"]}], parameters=COMMAND_HEADERS)
def sign_paper(body, case_id, paper):
    """Sign a paper of the case (program_plan, rtw_plan) as it stands: the typed name, the time, the signer and
    the hash of its exact content are kept; a later change of the paper voids the signature and asks again."""
    from ..services.queries.access import current_version
    from ..services.signatures import sign_paper as sign

    row, refusal = run_command(sign, case_id, paper=paper, **body)
    return refusal or with_etag(SignatureOutSchema().dump(row), current_version(case_id), 201)


@bp.route("/cases/<int:case_id>/papers", methods=["GET"])
@require_token(CASES_READ)
@bp.response(200, PaperOutSchema(many=True))
@bp.doc(security=[{"bearerAuth": [CASES_READ]}])
def list_papers(case_id):
    """The case's papers as the caller may read them (the employer: the return-to-work plan), each with its
    signatures and whether they still hold."""
    from ..services.queries.cases import case_page

    page = case_page(g.token_actor, case_id)
    return jsonify([{"paper": p.paper, "title": p.title, "content": p.content, "hash": p.hash,
                     "signatures": [{"role": s.role, "typed_name": s.typed_name,
                                     "signed_at": s.signed_at.isoformat(), "holds": s.holds} for s in p.signatures],
                     "waiting_for": list(p.waiting_for)} for p in page.papers])


@bp.route("/cases/<int:case_id>/worker-reports/symptoms", methods=["POST"])
@require_token("reports:write")
@idempotent
@bp.arguments(SymptomReportInSchema)
@bp.response(201, WorkerReportOutSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["reports:write"]}], parameters=COMMAND_HEADERS)
def report_symptoms(body, case_id):
    """The worker says how they feel between sessions; a red flag is the therapist's task at once, and the answer
    tells the worker to stop and seek care."""
    from ..services.queries.access import current_version
    from ..services.worker_reports import report_symptoms as report

    result, refusal = run_command(report, case_id, **body)
    if refusal:
        return refusal
    row, assessed = result
    return with_etag(WorkerReportOutSchema().dump({**_report(row), "advice": assessed.advice}),
                     current_version(case_id), 201)


@bp.route("/cases/<int:case_id>/worker-reports/missed-sessions", methods=["POST"])
@require_token("reports:write")
@idempotent
@bp.arguments(MissedSessionInSchema)
@bp.response(201, WorkerReportOutSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["reports:write"]}], parameters=COMMAND_HEADERS)
def report_missed_session(body, case_id):
    """The worker reports a session they missed (or will miss)."""
    from ..services.queries.access import current_version
    from ..services.worker_reports import report_missed_session as report

    row, refusal = run_command(report, case_id, **body)
    return refusal or with_etag(WorkerReportOutSchema().dump(_report(row)), current_version(case_id), 201)


@bp.route("/cases/<int:case_id>/worker-reports/<int:report_id>/review", methods=["POST"])
@require_token("reports:write")
@idempotent
@bp.arguments(ReportReviewInSchema)
@bp.response(200, WorkerReportOutSchema, headers={"ETag": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["reports:write"]}], parameters=COMMAND_HEADERS)
def review_worker_report(body, case_id, report_id):
    """A therapist or physician has dealt with a red flag the worker reported."""
    from ..services.queries.access import current_version
    from ..services.queries.records import require_on_case
    from ..services.worker_reports import review_worker_report as review

    require_on_case("report_id", report_id, case_id)
    row, refusal = run_command(review, report_id, **body)
    return refusal or with_etag(WorkerReportOutSchema().dump(_report(row)), current_version(case_id))


def _report(row) -> dict:
    return {"id": row.id, "kind": row.kind, "reported_on": row.reported_on, "session_date": row.session_date,
            "symptoms": row.symptoms, "pain": row.pain, "red_flags": row.red_flags, "advice": None,
            "note": row.note, "reviewed_on": row.reviewed_on, "review_note": row.review_note}
