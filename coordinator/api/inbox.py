"""The caller's inbox: what it must do next across its cases, overdue first."""

from flask import g, jsonify
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth.bearer import require_token
from ..services.queries.caseload import inbox_for
from ..schemas.cases import PageArgsSchema
from ..schemas.paging import page_schema
from ..schemas.bounds import Bounded

bp = Blueprint("inbox", __name__, url_prefix="/api/v1", description="Pending actions of the caller")


class InboxReasonSchema(Bounded):
    """Why an action is due."""

    code = fields.String()
    text = fields.String()


class InboxItemSchema(Bounded):
    """One pending action."""

    case_id = fields.Integer()
    claim_number = fields.String()
    kind = fields.String()
    role = fields.String()
    due = fields.Date()
    overdue = fields.Boolean()
    subject_id = fields.Integer(allow_none=True)
    reason = fields.Nested(InboxReasonSchema)


InboxPageSchema = page_schema(InboxItemSchema, "InboxPageSchema", overdue=fields.Integer(
    metadata={"description": "how many of the caller's pending actions are overdue"}))


def _item(i) -> dict:
    a = i.action
    return {"case_id": i.case_id, "claim_number": i.claim_number, "kind": str(a.kind), "role": str(a.role),
            "due": a.due, "overdue": i.overdue, "subject_id": a.subject_id,
            "reason": {"code": a.reason.code, "text": a.reason.text}}


@bp.route("/inbox", methods=["GET"])
@require_token("cases:read")
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, InboxPageSchema)
@bp.doc(security=[{"bearerAuth": ["cases:read"]}])
def get_inbox(args):
    """Pending actions with due dates across the caller's cases: overdue first, then by due date."""
    found = inbox_for(g.token_actor, args["page"], args["per_page"])
    return jsonify(InboxPageSchema().dump({"items": [_item(i) for i in found.items], "page": found.page,
                                           "per_page": found.per_page, "total": found.total,
                                           "overdue": found.overdue}))
