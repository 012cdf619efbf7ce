"""The coordinator: keeps work hardening cases moving among every party who must act."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Config

if TYPE_CHECKING:   # Flask is imported when an app is built: the pure domain loads without it
    from flask import Flask


def create_app(overrides: dict | None = None) -> Flask:
    """Build the Flask app; `overrides` replaces configuration (tests pass their database)."""
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    # first of all: an upload's larger limit must hold before the CSRF check reads the form
    app.before_request(_upload_limit)
    # ids in URLs stop at the database's integer range: a larger one is simply not found
    app.before_request(_ids_in_range)
    app.before_request(_json_nesting)
    app.before_request(_url_length)
    app.config.from_object(Config())
    if overrides:
        app.config.update(overrides)

    from .extensions import csrf, db, limiter, migrate, talisman

    db.init_app(app)
    # registered after Flask-SQLAlchemy's, so it runs first (teardowns run in reverse)
    app.teardown_appcontext(_end_session_quietly)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    limiter.init_app(app)
    talisman.init_app(app, **_security_headers(app))

    from . import models  # noqa: F401  (register every table with the metadata)
    from .auth import init_auth
    from .cli import register_cli
    from .home import bp as home_bp

    if app.config.get("PROXY_HOPS"):
        # behind TLS termination: external URLs (OAuth and SSO callbacks) must say https
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    init_auth(app)
    from .api import init_api

    app.register_blueprint(home_bp)
    init_api(app)
    from .portals import init_portals

    init_portals(app)
    register_cli(app)
    return app


def _end_session_quietly(_error=None) -> None:
    """End the request's database session; a connection the database dropped after the answer was made (a
    restart, a failover) is discarded, not turned into a 500 that hides an answer already decided."""
    import logging

    from sqlalchemy.exc import DBAPIError

    from .extensions import db

    try:
        db.session.remove()
    except DBAPIError as error:   # the pool has invalidated the dead connection; nothing was left to keep
        logging.getLogger("coordinator").warning("database session ended on a lost connection: %s", error)
        db.session.registry.clear()


def _ids_in_range():
    """404 for a URL id beyond a 32-bit database key, before any query could overflow."""
    from flask import abort, request

    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not 0 <= value <= 2**31 - 1:
            abort(404)


# the API's upload and the portals' form for a document (the portal's route ends in act/<slug>)
UPLOAD_ENDPOINTS = ("documents.add_document",)
UPLOAD_FORMS = ("document",)
UPLOAD_ALLOWANCE = 64 * 1024   # the form's text parts and the multipart framing around the file


def _upload_limit():
    """A document's upload may be as large as a document may be; every other body stays under MAX_CONTENT_LENGTH
    (refused before it is read). The file is spooled to disk as it is parsed, never held whole in memory."""
    from flask import request

    from .domain.documents import DEFAULT_FILE_POLICY

    form = (request.endpoint or "").endswith(".act") and (request.view_args or {}).get("slug") in UPLOAD_FORMS
    if request.method == "POST" and (request.endpoint in UPLOAD_ENDPOINTS or form):
        request.max_content_length = DEFAULT_FILE_POLICY.max_bytes + UPLOAD_ALLOWANCE


def _url_length():
    """414 for a path and query longer than MAX_URL_LENGTH, in the app's own words (a problem on the API). The
    server's own limit (gunicorn.conf.py) sits above it, so only a line past both gets the server's page."""
    from flask import abort, current_app, request

    limit = current_app.config["MAX_URL_LENGTH"]
    if len(request.full_path) > limit:
        abort(414, description=f"the address is longer than {limit} characters")


def _json_nesting():
    """400 for a JSON body nested deeper than JSON_MAX_DEPTH, before any parser recurses into it (Python's own
    parser gives up near 1,000 levels with an error that is not the client's)."""
    import re

    from flask import abort, current_app, request

    if not request.is_json:
        return
    # strings removed first (a bracket inside one is text), then the brackets counted; the size limit bounds both
    brackets = re.findall(rb"[\[\]{}]", re.sub(rb'"(?:[^"\\]|\\.)*"', b"", request.get_data(cache=True)))
    depth = deepest = 0
    for bracket in brackets:
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    limit = current_app.config["JSON_MAX_DEPTH"]
    if deepest > limit:
        abort(400, description=f"the JSON body is nested more than {limit} levels deep")


def _security_headers(app: Flask) -> dict:
    """Talisman settings: a CSP with no inline script or style, cookies per configuration."""
    return {
        "content_security_policy": {
            "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
            "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'",
        },
        # TLS ends at the proxy in production; local development is plain http on 127.0.0.1
        "force_https": False,
        "strict_transport_security": not app.config.get("DEVELOPMENT", False),
        "session_cookie_secure": app.config["SESSION_COOKIE_SECURE"],
        "session_cookie_http_only": True,
        "referrer_policy": "same-origin",
        "frame_options": "DENY",
    }


def _migrations_dir():
    """migrations/ at the project root, beside the package."""
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
