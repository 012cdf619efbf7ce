"""Clinical commands on a case (clearances, pregnancy, program, sessions, reviews, restrictions) and their lists."""

from flask import g, jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from ..auth.bearer import require_token
from ..auth.scopes import CASES_READ, scope_for_command
from ..extensions import db
from ..models import Case, Clearance, ProgramSession, RestrictionSet, WeeklyReview
from ..policy import View, read_case, view_for
from ..services import cases as case_services
from ..services import clearances, program, restrictions, reviews
from .cases import with_etag
from .commands import ETAG, READ_DOC, command_doc, page_json, run_command
from .clinical_schemas import (BaselineInSchema, BaselineSchema, ClearanceInSchema, ClearanceSchema,
                               PregnancyInSchema, PregnancySchema, ProgramStartInSchema, RestrictionSchema,
                               RestrictionsInSchema, ResumptionInSchema, ReviewInSchema, ReviewSchema,
                               SessionInSchema, SessionLoggedSchema, SessionSchema, page_schema)
from .errors import problem
from .idempotency import idempotent
from .schemas import CaseClinicalSchema, PageArgsSchema, case_schema, shown_to

bp = Blueprint("clinical", __name__, url_prefix="/api/v1",
               description="Clinical records of a case: clearances, program, sessions, reviews, restrictions")

def run_guarded(case_id: int, call, dump, status: int = 201):
    """Run a service call under the If-Match version; answer its result with the case's new ETag."""
    result, refusal = run_command(lambda _actor: call())
    if refusal:
        return refusal
    case = result if isinstance(result, Case) else db.session.get(Case, case_id)
    db.session.refresh(case)
    return with_etag(dump(result, case), case, status)


def clinical_case(case_id: int, what: str) -> Case | None:
    """The case for a clinical list, read and audited; None for an employer, who gets a 403 instead."""
    if view_for(g.token_actor) is View.FUNCTIONAL:
        return None
    return read_case(g.token_actor, case_id, purpose=f"api:{what}")


def clinical_refusal(what: str):
    """403 for an employer asking for clinical records."""
    return problem(403, "Forbidden", f"{what} are clinical records: they are not shared with employers "
                   "(minimum necessary); restrictions and the functional case view are", code="clinical_only")


def listing(args, query, order, schema):
    """One page of rows in a stable order, as JSON (`schema` a class, or an instance built for the caller)."""
    return jsonify(page_json(args, query, order, (schema(many=True) if isinstance(schema, type) else schema).dump))


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

    def call():
        if kind == "physician":
            return clearances.record_clearance(g.token_actor, case_id, **body)
        return clearances.record_specialist_clearance(g.token_actor, case_id, kind=kind, **body)
    return run_guarded(case_id, call, lambda row, _: ClearanceSchema().dump(row))


@bp.route("/cases/<int:case_id>/pregnancy", methods=["POST"])
@require_token(scope_for_command("update_pregnancy"))
@idempotent
@bp.arguments(PregnancyInSchema)
@bp.response(200, PregnancySchema, headers=ETAG)
@bp.doc(**command_doc("update_pregnancy"))
def update_pregnancy(body, case_id):
    """Record a new pregnancy, its current gestation, or its end."""
    return run_guarded(case_id, lambda: case_services.update_pregnancy(g.token_actor, case_id, **body),
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
    return run_guarded(case_id, lambda: program.record_baseline(g.token_actor, case_id, **body), dump)


@bp.route("/cases/<int:case_id>/program-start", methods=["POST"])
@require_token(scope_for_command("start_program"))
@idempotent
@bp.arguments(ProgramStartInSchema)
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("start_program"))
def start_program(body, case_id):
    """Start the program once cleared, authorized and baselined; week 1 targets are set."""
    return run_guarded(case_id, lambda: program.start_program(g.token_actor, case_id, **body),
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
    return run_guarded(case_id, lambda: program.log_session(g.token_actor, case_id, observations), dump)


@bp.route("/cases/<int:case_id>/resumption", methods=["POST"])
@require_token(scope_for_command("resume_program"))
@idempotent
@bp.arguments(ResumptionInSchema)
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("resume_program"))
def resume_program(body, case_id):
    """Resume a paused program after the physician's reassessment (physician only)."""
    return run_guarded(case_id, lambda: program.resume_program(g.token_actor, case_id, **body),
                       lambda case, _: case_schema(view_for(g.token_actor)).dump(case), 200)


@bp.route("/cases/<int:case_id>/reviews", methods=["POST"])
@require_token(scope_for_command("submit_weekly_review"))
@idempotent
@bp.arguments(ReviewInSchema)
@bp.response(201, ReviewSchema, headers=ETAG)
@bp.doc(**command_doc("submit_weekly_review"))
def submit_review(body, case_id):
    """Review one program week: recommendation, readiness and next week's targets, with reasons."""
    return run_guarded(case_id, lambda: reviews.submit_weekly_review(g.token_actor, case_id, **body),
                       lambda row, _: ReviewSchema().dump(row))


@bp.route("/cases/<int:case_id>/restrictions", methods=["POST"])
@require_token(scope_for_command("issue_restrictions"))
@idempotent
@bp.arguments(RestrictionsInSchema)
@bp.response(201, RestrictionSchema, headers=ETAG)
@bp.doc(**command_doc("issue_restrictions"))
def issue_restrictions(body, case_id):
    """Issue the next signed version of the worker's restrictions."""
    return run_guarded(case_id, lambda: restrictions.issue_restrictions(g.token_actor, case_id, **body),
                       lambda row, _: RestrictionSchema().dump(row))


# -- lists --------------------------------------------------------------------------------------



@bp.route("/cases/<int:case_id>/clearances", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(ClearanceSchema))
@bp.doc(**READ_DOC)
def list_clearances(args, case_id):
    """The case's clearances by decision date (clinical: 403 for an employer)."""
    case = clinical_case(case_id, "clearances")
    if case is None:
        return clinical_refusal("clearances")
    query = select(Clearance).where(Clearance.case_id == case.id)
    return listing(args, query, (Clearance.decided_on, Clearance.id), ClearanceSchema)


@bp.route("/cases/<int:case_id>/sessions", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(SessionSchema))
@bp.doc(**READ_DOC)
def list_sessions(args, case_id):
    """The case's sessions by date (clinical: 403 for an employer)."""
    case = clinical_case(case_id, "sessions")
    if case is None:
        return clinical_refusal("sessions")
    query = select(ProgramSession).where(ProgramSession.case_id == case.id)
    return listing(args, query, (ProgramSession.held_on, ProgramSession.id), SessionSchema)


@bp.route("/cases/<int:case_id>/reviews", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(ReviewSchema))
@bp.doc(**READ_DOC)
def list_reviews(args, case_id):
    """The case's weekly reviews by date (clinical: 403 for an employer)."""
    case = clinical_case(case_id, "reviews")
    if case is None:
        return clinical_refusal("reviews")
    query = select(WeeklyReview).where(WeeklyReview.case_id == case.id)
    return listing(args, query, (WeeklyReview.reviewed_on, WeeklyReview.id), ReviewSchema)


@bp.route("/cases/<int:case_id>/restrictions", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, page_schema(RestrictionSchema))
@bp.doc(**READ_DOC)
def list_restrictions(args, case_id):
    """The case's restriction versions by issue date (functional: every party to the case)."""
    case = read_case(g.token_actor, case_id, purpose="api:restrictions")
    query = select(RestrictionSet).where(RestrictionSet.case_id == case.id)
    return listing(args, query, (RestrictionSet.issued_on, RestrictionSet.id),
                   shown_to(g.token_actor, RestrictionSchema, "restriction_set", many=True))
