"""The approvals board over the API (case managers and insurers): open requests with their clocks, filtered and
paged, and each insurer's turnaround, outcomes and late decisions over a period, with its weeks."""

from datetime import date, timedelta

from flask import g, jsonify
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from ..auth.bearer import require_token
from ..auth.scopes import CASES_READ
from ..domain.stages import Stage
from ..schemas.bounds import DAY, Bounded
from ..schemas.cases import PageArgsSchema
from ..schemas.paging import page_schema
from ..services.queries.approvals import (LATENESS, BoardFilters, NotOnBoard, approvals_board, insurer_records,
                                          turnaround_by_week)
from .errors import problem

bp = Blueprint("approvals", __name__, url_prefix="/api/v1",
               description="The approvals board: open requests, their clocks, insurers' turnaround")
DOC = {"security": [{"bearerAuth": [CASES_READ]}]}
LONGEST_PERIOD = 366


class BoardArgsSchema(PageArgsSchema):
    """The board's filters."""

    insurer_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    clinic_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    stage = fields.String(validate=validate.OneOf([s.value for s in Stage]))
    lateness = fields.String(validate=validate.OneOf(LATENESS),
                             metadata={"description": "late, due_soon (within 48 hours) or on_time"})


class ClockSchema(Bounded):
    """Where a request's clock stands."""

    late = fields.Boolean()
    words = fields.String()


class BoardRowSchema(Bounded):
    """One open request."""

    id = fields.Integer()
    case_id = fields.Integer()
    claim_number = fields.String()
    worker_name = fields.String()
    stage = fields.String()
    insurer = fields.String()
    clinic = fields.String()
    kind = fields.String()
    appeal = fields.Boolean()
    expedited = fields.Boolean()
    status = fields.String()
    submitted_on = fields.Date()
    due_at = fields.DateTime()
    clock = fields.Nested(ClockSchema)


BoardPageSchema = page_schema(BoardRowSchema, "BoardPageSchema")


class PeriodArgsSchema(Bounded):
    """A period of decisions: from and to, both included (the last 90 days by default; a year at most)."""

    start = fields.Date(data_key="from", validate=DAY, load_default=None)
    end = fields.Date(data_key="to", validate=DAY, load_default=None)

    @validates_schema
    def ordered(self, data, **kwargs):
        """The period runs forward and spans a year at most."""
        end = data.get("end") or date.today()
        start = data.get("start") or end - timedelta(days=89)
        if start > end:
            raise ValidationError("the period starts after it ends", "from")
        if (end - start).days >= LONGEST_PERIOD:
            raise ValidationError(f"a period spans {LONGEST_PERIOD} days at most", "from")


class InsurerRecordSchema(Bounded):
    """An insurer's final decisions over the period."""

    insurer_id = fields.Integer()
    insurer = fields.String()
    decisions = fields.Integer()
    median_days = fields.Float(allow_none=True)
    p90_days = fields.Float(allow_none=True)
    approved = fields.Integer()
    modified = fields.Integer()
    denied = fields.Integer()
    late = fields.Integer()
    approval_rate = fields.Float()
    modification_rate = fields.Float()
    denial_rate = fields.Float()


class WeekSchema(Bounded):
    """One insurer's decisions of one week."""

    insurer_id = fields.Integer()
    week_of = fields.Date()
    decisions = fields.Integer()
    mean_days = fields.Float()


class TurnaroundSchema(Bounded):
    """The period and each insurer's record in it, with its weeks."""

    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    insurers = fields.List(fields.Nested(InsurerRecordSchema))
    weeks = fields.List(fields.Nested(WeekSchema))


NOT_ON_BOARD = "the approvals board is kept for case managers and insurers"


@bp.route("/approvals", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(BoardArgsSchema, location="query")
@bp.response(200, BoardPageSchema)
@bp.doc(**DOC)
def board(args):
    """Open requests (waiting for the insurer, or pended for the clinic) of the caller's cases, soonest due first,
    each with its clock: hours left for an expedited request, business days for a standard one, or how late."""
    filters = BoardFilters(insurer_id=args.get("insurer_id"), clinic_id=args.get("clinic_id"),
                           stage=args.get("stage", ""), lateness=args.get("lateness", ""), page=args["page"])
    try:
        found = approvals_board(g.token_actor, filters, args["per_page"])
    except NotOnBoard:
        return problem(403, "Forbidden", NOT_ON_BOARD, code="forbidden")
    rows = [{**r.__dict__, "clock": r.clock.__dict__} for r in found.items]
    return jsonify(BoardPageSchema().dump({"items": rows, "page": found.page, "per_page": found.per_page,
                                           "total": found.total}))


@bp.route("/approvals/turnaround", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PeriodArgsSchema, location="query")
@bp.response(200, TurnaroundSchema)
@bp.doc(**DOC)
def turnaround(args):
    """Each insurer's final decisions over the period: median and 90th percentile days from the complete request
    to the decision, approval, modification and denial rates, late decisions; and the mean by week."""
    end = args.get("end") or date.today()
    start = args.get("start") or end - timedelta(days=89)
    try:
        records = insurer_records(g.token_actor, start, end)
        weeks = turnaround_by_week(g.token_actor, start, end)
    except NotOnBoard:
        return problem(403, "Forbidden", NOT_ON_BOARD, code="forbidden")
    insurers = [{**r.__dict__, "approval_rate": r.rate(r.approved), "modification_rate": r.rate(r.modified),
                 "denial_rate": r.rate(r.denied)} for r in records]
    return jsonify(TurnaroundSchema().dump({"start": start, "end": end, "insurers": insurers,
                                            "weeks": [w.__dict__ for w in weeks]}))
