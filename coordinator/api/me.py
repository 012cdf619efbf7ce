"""Who the presented bearer token acts as, for a partner system checking its own credentials."""

from flask import g
from flask_smorest import Blueprint
from marshmallow import fields

from ..auth.bearer import require_token
from ..schemas.bounds import Bounded

bp = Blueprint("me", __name__, url_prefix="/api/v1", description="The caller's own identity")


class MeSchema(Bounded):
    """The client, role, organisation, user (for a user's token) and scopes of a bearer token."""

    client_id = fields.String()
    role = fields.String()
    org_id = fields.Integer(allow_none=True, metadata={"description": "none for a worker: of no organisation"})
    user_id = fields.Integer(allow_none=True)
    scopes = fields.List(fields.String())


@bp.route("/me", methods=["GET"])
@require_token()
@bp.response(200, MeSchema)
@bp.doc(security=[{"bearerAuth": []}])
def get_me():
    """Who the presented bearer token acts as: client, role, organisation, user and scopes."""
    token = g.token
    return {"client_id": token.client_id, "role": token.role, "org_id": token.org_id,
            "user_id": token.user_id, "scopes": (token.scope or "").split()}
