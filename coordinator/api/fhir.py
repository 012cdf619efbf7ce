"""FHIR R4 export of a case as a Bundle, filtered by the caller's view (no Condition for an employer)."""

from flask import g, jsonify
from flask_smorest import Blueprint

from ..auth.bearer import require_token
from ..services.queries.fhir import case_bundle

bp = Blueprint("fhir", __name__, url_prefix="/api/v1", description="FHIR R4 export")


@bp.route("/cases/<int:case_id>/fhir", methods=["GET"])
@require_token("cases:read")
@bp.response(200, headers={"Content-Type": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:read"]}])
def export_case(case_id):
    """The case as a FHIR R4 Bundle (Patient, Coverage, CarePlan, Goals, Observations, Tasks)."""
    response = jsonify(case_bundle(g.token_actor, case_id))
    response.mimetype = "application/fhir+json"
    return response
