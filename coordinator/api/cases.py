"""Case queries over the API: the caller's cases only, each through its party's view."""

from flask import Blueprint, g, jsonify, request
from sqlalchemy import func, select

from ..domain.errors import DomainError
from ..extensions import csrf, db
from ..models import Case
from ..policy import audit_listing, read_case, view_for, visible_cases
from .schemas import case_schema

bp = Blueprint("api_cases", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer-token calls carry no cookie, so there is nothing to forge
MAX_PAGE_SIZE = 100


def _problem(status: int, title: str, detail: str):
    """An RFC 9457 problem document."""
    response = jsonify(type="about:blank", title=title, status=status, detail=detail)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _require_token(*scopes):
    """Deferred import: the bearer validator lives with the OAuth server."""
    from ..auth.bearer import require_token

    return require_token(*scopes)


@bp.get("/cases")
@_require_token("cases:read")
def list_cases():
    """The caller's cases, oldest first, one page at a time."""
    try:
        page = max(1, int(request.args.get("page", 1)))
        size = min(MAX_PAGE_SIZE, max(1, int(request.args.get("per_page", 25))))
    except ValueError:
        return _problem(400, "Bad page", "page and per_page must be whole numbers")
    query = visible_cases(g.token_actor)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Case.id).limit(size).offset((page - 1) * size)).all()
    audit_listing(g.token_actor, [c.id for c in rows], purpose="api")
    return jsonify(items=case_schema(view_for(g.token_actor), many=True).dump(rows),
                   page=page, per_page=size, total=total)


@bp.get("/cases/<int:case_id>")
@_require_token("cases:read")
def get_case(case_id: int):
    """One case through the caller's view; a case of another party is 404, as if it did not exist."""
    try:
        case = read_case(g.token_actor, case_id, purpose="api")
    except DomainError as err:
        return _problem(404, "Not found", err.message)
    response = jsonify(case_schema(view_for(g.token_actor)).dump(case))
    response.headers["ETag"] = f'"{case.version}"'
    return response
