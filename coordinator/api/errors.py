"""Errors as RFC 9457 problem documents on the API; the portals keep their HTML error pages."""

from flask import jsonify, render_template, request
from flask_smorest import Api
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


def problem(status: int, title: str, detail: str = "", errors: dict | None = None, code: str | None = None,
            headers: dict | None = None):
    """A problem+json response; `errors` maps fields (or locations) to their messages."""
    body = {"type": f"https://coordinator.example/problems/{code}" if code else "about:blank",
            "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code, response.mimetype = status, PROBLEM
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def domain_problem(error: DomainError):
    """The problem document of a domain error, naming the field it concerns."""
    status = next(code for kind, code in DOMAIN_STATUS if isinstance(error, kind))
    errors = {error.field: [error.message]} if error.field else None
    return problem(status, error.code.replace("_", " ").capitalize(), error.message, errors, error.code)


class ProblemApi(Api):
    """flask-smorest's Api, whose HTTP error handler would turn portal pages into JSON: not here."""

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
        return problem(error.code, error.name, detail, errors, headers=data.get("headers"))


def register_domain_errors(app) -> None:
    """Domain errors raised by services become problems on the API (and 4xx pages elsewhere)."""

    def on_domain_error(error: DomainError):
        forget()
        if is_api_request():
            return domain_problem(error)
        status = next(code for kind, code in DOMAIN_STATUS if isinstance(error, kind))
        return render_template("error.html", error=error, message=error.message), status

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
