"""What every case command and case list of the API shares: If-Match, the new ETag, docs, paging."""

from flask import g, jsonify, request

from ..auth.scopes import CASES_READ, scope_for_command
from ..services.queries.access import current_version
from ..services.unit_of_work import Options
from .errors import problem

ETAG = {"ETag": {"schema": {"type": "string"}}}
COMMAND_HEADERS = [{"in": "header", "name": "If-Match", "required": True,
                    "description": "the case's ETag as last read: a version in quotes", "schema": {
                        "type": "string", "pattern": '^"[0-9]{1,10}"$', "example": '"3"'}},
                   {"in": "header", "name": "Idempotency-Key", "description": "any key unique to this command",
                    "schema": {"type": "string", "pattern": "^[!-~]{1,200}$", "maxLength": 200}}]
READ_DOC = {"security": [{"bearerAuth": [CASES_READ]}]}


def etag_of(version: int) -> str:
    """A strong validator from the case version: any command changes it."""
    return f'"{version}"'


def with_etag(payload: dict, case, status: int = 200):
    """A JSON answer carrying the ETag of the case (or of the version given)."""
    response = jsonify(payload)
    response.status_code = status
    response.headers["ETag"] = etag_of(case if isinstance(case, int) else case.version)
    return response


def if_match_version():
    """The version named by If-Match: 428 when missing, 412 when unreadable (a stale tag can never match)."""
    header = request.headers.get("If-Match")
    if not header:
        return None, problem(428, "Precondition Required", "send If-Match with the case's ETag to change it",
                             {"If-Match": ["required"]})
    tag = header.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    tag = tag.strip('"')
    if not tag.isdigit():
        return None, problem(412, "Precondition Failed", "If-Match does not name a version of this case")
    return int(tag), None


def command_doc(command: str) -> dict:
    """OpenAPI extras of a command: its bearer scope and the If-Match and Idempotency-Key headers."""
    return {"security": [{"bearerAuth": [scope_for_command(command)]}], "parameters": COMMAND_HEADERS}


def run_command(service, *args, **kwargs):
    """Run a service as the caller under the If-Match version: (result, None) or (None, the 428/412 refusal).

    The services check the party before the version, so a stranger's stale If-Match is a 404."""
    version, refusal = if_match_version()
    if refusal:
        return None, refusal
    # the Idempotency-Key decorator leaves its hook on `g`: recorded in the command's own transaction
    options = Options(expected_version=version, before_commit=g.get("idempotency_hook"))
    return service(g.token_actor, *args, **kwargs, options=options), None


def answer(payload: dict, case_id: int, status: int = 200):
    """A command's resource with the case's new ETag."""
    return with_etag(payload, current_version(case_id), status)


def page_json(found, dump) -> dict:
    """One page of rows (a read side's Page), dumped."""
    return {"items": dump(found.items), "page": found.page, "per_page": found.per_page, "total": found.total}
