"""Clinical commands on a case (clearances, pregnancy, program, sessions, reviews, restrictions) and their lists."""

from flask import g, jsonify
from flask_smorest import Blueprint

from ..auth.bearer import require_token
from ..auth.scopes import CASES_READ, scope_for_command
from ..policy import view_for
from ..services.queries.access import fresh_case
from ..services.queries.records import ClinicalOnly, record_page
from ..services import cases as case_services
from ..services import clearances, program, restrictions, reviews
from .commands import with_etag
from .commands import ETAG, READ_DOC, command_doc, page_json, run_command
from ..schemas.clinical import (BaselineInSchema, BaselineSchema, ClearanceInSchema, ClearanceSchema,
                               PregnancyInSchema, PregnancySchema, ProgramStartInSchema, RestrictionSchema,
                               RestrictionsInSchema, ResumptionInSchema, ReviewInSchema, ReviewSchema,
                               SessionInSchema, SessionLoggedSchema, SessionSchema)
from ..schemas.paging import page_schema
from ..schemas.workflow import WorkerReportOutSchema
from .errors import problem
from .idempotency import idempotent
from ..schemas.cases import CaseClinicalSchema, PageArgsSchema, case_schema, shown_to

bp = Blueprint("clinical", __name__, url_prefix="/api/v1",
               description="Clinical records of a case: clearances, program, sessions, reviews, restrictions")

def run_guarded(case_id: int, call, dump, status: int = 201):
    """Run a service call under the If-Match version; answer its result with the case's new ETag."""
    result, refusal = run_command(lambda _actor, options: call(options))
    if refusal:
        return refusal
    case = fresh_case(case_id)
    return with_etag(dump(result, case), case, status)


def clinical_refusal(what: str):
    """403 for an employer asking for clinical records (or a reader outside the care team for the worker's own
    answers)."""
    if what == "worker_reports":
        return problem(403, "Forbidden", "the worker's reports between sessions are for their care team (the clinic "
                       "and the physician): the outcomes are on the case's timeline", code="care_team_only")
    return problem(403, "Forbidden", f"{what} are clinical records: they are not shared with employers "
                   "(minimum necessary); restrictions and the functional case view are", code="clinical_only")


# -- commands -----------------------------------------------------------------------------------

@bp.route("/cases/<int:case_id>/clearances", methods=["POST"])
@require_token(scope_for_command("record_clearance"))
@idempotent
@bp.arguments(ClearanceInSchema)
@bp.response(201, ClearanceSchema, headers=ETAG)
@bp.doc(**command_doc("record_clearance"))
def record_clearance(body, case_id):
    """Record the physician's clearance, or a cardiology or obstetric one (physician only)."""
    kind = body.pop("kind")

    def call(options):
        if kind == "physician":
            return clearances.record_clearance(g.token_actor, case_id, **body, options=options)
        return clearances.record_specialist_clearance(g.token_actor, case_id, kind=kind, **body, options=options)
    return run_guarded(case_id, call, lambda row, _: ClearanceSchema().dump(row))


@bp.route("/cases/<int:case_id>/pregnancy", methods=["POST"])
@require_token(scope_for_command("update_pregnancy"))
@idempotent
@bp.arguments(PregnancyInSchema)
@bp.response(200, PregnancySchema, headers=ETAG)
@bp.doc(**command_doc("update_pregnancy"))
def update_pregnancy(body, case_id):
    """Record a new pregnancy, its current gestation, or its end."""
    return run_guarded(case_id, lambda options: case_services.update_pregnancy(g.token_actor, case_id, **body, options=options),
                       lambda case, _: PregnancySchema().dump(case), 200)


@bp.route("/cases/<int:case_id>/baseline", methods=["POST"])
@require_token(scope_for_command("record_baseline"))
@idempotent
@bp.arguments(BaselineInSchema)
@bp.response(201, BaselineSchema, headers=ETAG)
@bp.doc(**command_doc("record_baseline"))
def record_baseline(body, case_id):
    """Record the baseline capacity test, one amount per critical job demand."""
    def dump(rows, _):
        return BaselineSchema().dump({"case_id": case_id, "measured_on": body["measured_on"], "capacities": rows})
    return run_guarded(case_id, lambda options: program.record_baseline(g.token_actor, case_id, **body, options=options), dump)


@bp.route("/cases/<int:case_id>/program-start", methods=["POST"])
@require_token(scope_for_command("start_program"))
@idempotent
@bp.arguments(ProgramStartInSchema)
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("start_program"))
def start_program(body, case_id):
    """Start the program once cleared, authorized and baselined; week 1 targets are set."""
    return run_guarded(case_id, lambda options: program.start_program(g.token_actor, case_id, **body, options=options),
                       lambda case, _: case_schema(view_for(g.token_actor)).dump(case), 200)


@bp.route("/cases/<int:case_id>/sessions", methods=["POST"])
@require_token(scope_for_command("log_session"))
@idempotent
@bp.arguments(SessionInSchema)
@bp.response(201, SessionLoggedSchema, headers=ETAG)
@bp.doc(**command_doc("log_session"))
def log_session(observations, case_id):
    """Log a session; a red flag stops it and pauses the case, saying why."""
    def dump(row, case):
        return {**SessionSchema().dump(row), "case_stage": str(case.stage), "paused_reason": case.paused_reason}
    return run_guarded(case_id, lambda options: program.log_session(g.token_actor, case_id, observations, options=options), dump)


@bp.route("/cases/<int:case_id>/resumption", methods=["POST"])
@require_token(scope_for_command("resume_program"))
@idempotent
@bp.arguments(ResumptionInSchema)
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("resume_program"))
def resume_program(body, case_id):
    """Resume a paused program after the physician's reassessment (physician only)."""
    return run_guarded(case_id, lambda options: program.resume_program(g.token_actor, case_id, **body, options=options),
                       lambda case, _: case_schema(view_for(g.token_actor)).dump(case), 200)


@bp.route("/cases/<int:case_id>/reviews", methods=["POST"])
@require_token(scope_for_command("submit_weekly_review"))
@idempotent
@bp.arguments(ReviewInSchema)
@bp.response(201, ReviewSchema, headers=ETAG)
@bp.doc(**command_doc("submit_weekly_review"))
def submit_review(body, case_id):
    """Review one program week: recommendation, readiness and next week's targets, with reasons."""
    return run_guarded(case_id, lambda options: reviews.submit_weekly_review(g.token_actor, case_id, **body, options=options),
                       lambda row, _: ReviewSchema().dump(row))


@bp.route("/cases/<int:case_id>/restrictions", methods=["POST"])
@require_token(scope_for_command("issue_restrictions"))
@idempotent
@bp.arguments(RestrictionsInSchema)
@bp.response(201, RestrictionSchema, headers=ETAG)
@bp.doc(**command_doc("issue_restrictions"))
def issue_restrictions(body, case_id):
    """Issue the next signed version of the worker's restrictions."""
    return run_guarded(case_id, lambda options: restrictions.issue_restrictions(g.token_actor, case_id, **body, options=options),
                       lambda row, _: RestrictionSchema().dump(row))


# -- lists --------------------------------------------------------------------------------------


def listing(args, case_id: int, kind: str, schema):
    """One page of the case's records of a kind through the caller's view; 403 for an employer asking for a
    clinical kind."""
    try:
        found = record_page(g.token_actor, case_id, kind, args["page"], args["per_page"])
    except ClinicalOnly:
        return clinical_refusal(kind)
    return jsonify(page_json(found, schema.dump))


@bp.route("/cases/<int:case_id>/worker-reports", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(WorkerReportOutSchema))
@bp.doc(**READ_DOC)
def list_worker_reports(args, case_id):
    """What the worker reported between sessions, by day (clinical: 403 for an employer)."""
    return listing(args, case_id, "worker_reports", WorkerReportOutSchema(many=True, exclude=("advice",)))


@bp.route("/cases/<int:case_id>/clearances", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(ClearanceSchema))
@bp.doc(**READ_DOC)
def list_clearances(args, case_id):
    """The case's clearances by decision date (clinical: 403 for an employer)."""
    return listing(args, case_id, "clearances", ClearanceSchema(many=True))


@bp.route("/cases/<int:case_id>/sessions", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(SessionSchema))
@bp.doc(**READ_DOC)
def list_sessions(args, case_id):
    """The case's sessions by date (clinical: 403 for an employer)."""
    return listing(args, case_id, "sessions", SessionSchema(many=True))


@bp.route("/cases/<int:case_id>/reviews", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(ReviewSchema))
@bp.doc(**READ_DOC)
def list_reviews(args, case_id):
    """The case's weekly reviews by date (clinical: 403 for an employer)."""
    return listing(args, case_id, "reviews", ReviewSchema(many=True))


@bp.route("/cases/<int:case_id>/restrictions", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(RestrictionSchema))
@bp.doc(**READ_DOC)
def list_restrictions(args, case_id):
    """The case's restriction versions by issue date (functional: every party to the case, the employer
    without the physician's notes)."""
    return listing(args, case_id, "restrictions", shown_to(g.token_actor, RestrictionSchema, "restriction_set",
                                                           many=True))
