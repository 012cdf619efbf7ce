"""Errors as RFC 9457 problem documents on the API; the portals keep their HTML error pages."""

import http

from flask import jsonify, render_template, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..domain.errors import DomainError, IllegalTransition, InvalidValue, RuleViolation
from ..domain.permissions import NotPermitted
from ..services.queries.access import forget
from ..services.unit_of_work import NotFound, StaleVersion

PROBLEM = "application/problem+json"
# domain errors and the HTTP status each one means for a client
DOMAIN_STATUS = [(NotFound, 404), (NotPermitted, 403), (StaleVersion, 412), (IllegalTransition, 409),
                 (RuleViolation, 409), (InvalidValue, 422), (DomainError, 422)]


def is_api_request() -> bool:
    """True for requests to the JSON API, which answer problem+json."""
    return request.path.startswith("/api/")


def flat_errors(errors, prefix: str = ""):
    """Each message list under its field's path ("demands.0.amount"): a nested schema's errors, one level deep,
    as the document promises."""
    if not isinstance(errors, dict):
        yield prefix or "_request", [str(m) for m in (errors if isinstance(errors, list) else [errors])]
        return
    for name, value in errors.items():
        path = f"{prefix}.{name}" if prefix else str(name)
        if isinstance(value, list) and all(isinstance(m, str) for m in value):
            yield path, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from flat_errors(item, f"{path}.{i}")
        else:
            yield from flat_errors(value, path)


def problem(status: int, title: str, detail: str = "", errors: dict | None = None, code: str | None = None,
            headers: dict | None = None):
    """A problem+json response; `errors` maps fields (or locations) to their messages."""
    body = {"type": f"https://coordinator.example/problems/{code}" if code else "about:blank",
            "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = dict(flat_errors(errors))
    response = jsonify(body)
    response.status_code, response.mimetype = status, PROBLEM
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


# every 404 says the same, naming no id: whether a record is absent or another party's cannot be told apart,
# nor can an id seen in one answer be tried against another party's records
NOT_FOUND_WORDS = "not found: it does not exist or is not on one of your cases"


def domain_problem(error: DomainError):
    """The problem document of a domain error, naming the field it concerns."""
    if isinstance(error, NotFound):
        return problem(404, "Not found", NOT_FOUND_WORDS, {error.field: [NOT_FOUND_WORDS]} if error.field else None,
                       "not_found")
    status = next(code for kind, code in DOMAIN_STATUS if isinstance(error, kind))
    errors = {error.field: [error.message]} if error.field else None
    return problem(status, error.code.replace("_", " ").capitalize(), error.message, errors, error.code)


class ProblemSchema(Schema):
    """An RFC 9457 problem document, as every error of the API answers."""

    type = fields.String(metadata={"description": "a URI naming the kind of problem, or about:blank"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata={"description": "what went wrong, in plain words"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "the message of each field (or location) at fault"})


class ProblemApi(Api):
    """flask-smorest's Api, whose HTTP error handler would turn portal pages into JSON: not here; and whose
    error responses are documented as what they are, application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """The default responses of flask-smorest, each error one as problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def handle_http_exception(self, error: HTTPException):
        """problem+json under /api/, the app's HTML error page everywhere else."""
        if isinstance(error, InternalServerError):
            forget()
        if not is_api_request():
            return render_template("error.html", error=error), error.code
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        if isinstance(errors, dict) and len(errors) == 1 and next(iter(errors)) in ("json", "query", "headers", "form"):
            errors = next(iter(errors.values()))   # webargs nests field errors under their location
        detail = data.get("message") or (error.description if error.code != 500 else "unexpected error")
        # the exception's own headers (a 405's Allow, a 401's WWW-Authenticate) stay on the problem
        headers = {name: value for name, value in error.get_headers() if name.lower() != "content-type"}
        return problem(error.code, error.name, detail, errors, headers=headers | (data.get("headers") or {}))


def register_domain_errors(app) -> None:
    """Domain errors raised by services become problems on the API (and 4xx pages elsewhere)."""

    def on_domain_error(error: DomainError):
        forget()
        if is_api_request():
            return domain_problem(error)
        status = next(code for kind, code in DOMAIN_STATUS if isinstance(error, kind))
        message = NOT_FOUND_WORDS.capitalize() + "." if isinstance(error, NotFound) else error.message
        return render_template("error.html", error=error, message=message), status

    def on_stale(error: StaleDataError):
        forget()
        return problem(412, "Precondition Failed", "the case changed meanwhile: reload it and retry")

    def on_database_gone(error: DBAPIError):
        # a lost connection (the database restarting, a failover) is not the client's fault: 503 with
        # Retry-After, and the pool's pre-ping gives the retry a fresh connection
        if not error.connection_invalidated:
            raise error
        forget()
        if is_api_request():
            return problem(503, "Service Unavailable", "the database connection was lost: retry (with the same "
                           "Idempotency-Key)", headers={"Retry-After": "1"})
        return render_template("error.html", error=error, message="The database is restarting. Reload the case "
                               "in a moment to see whether your change was saved."), 503, {"Retry-After": "1"}

    app.register_error_handler(DomainError, on_domain_error)
    app.register_error_handler(StaleDataError, on_stale)
    app.register_error_handler(DBAPIError, on_database_gone)
