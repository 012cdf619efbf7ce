"""Identity: sign-in sessions, the OAuth 2.0 authorization server and optional single sign-on."""

import secrets

from flask import Flask, g, render_template, request

from .sessions import load_session


def _request_id() -> None:
    """Tag each request so audit entries and logs of one request can be joined."""
    incoming = request.headers.get("X-Request-Id", "")
    g.request_id = incoming[:64] if incoming.isascii() and incoming.isprintable() and incoming else secrets.token_hex(8)


def _no_store(response):
    """Pages and answers for a signed-in party may hold clinical data: never cache them."""
    if getattr(g, "user", None) is not None or getattr(g, "token_actor", None) is not None:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    response.headers["X-Request-Id"] = getattr(g, "request_id", "")
    return response


def _too_many_requests(error):
    """Throttled: machines get a JSON problem, people a page; nothing is locked."""
    if request.path.startswith(("/oauth/", "/api/")):
        return {"type": "about:blank", "title": "Too many requests", "status": 429,
                "detail": str(error.description)}, 429, {"Content-Type": "application/problem+json"}
    return render_template("auth/throttled.html", detail=str(error.description)), 429


def init_auth(app: Flask) -> None:
    """Bind sessions, the sign-in pages and the security headers to the app."""
    from . import invitation_views, sso, views

    app.before_request(_request_id)
    app.before_request(load_session)
    app.after_request(_no_store)
    app.register_error_handler(429, _too_many_requests)
    app.register_blueprint(views.bp)
    app.register_blueprint(invitation_views.bp)   # a worker's invitation link
    from .oauth_server import init_oauth; init_oauth(app)  # noqa: E702  (OAuth 2.0 server, views, clients CLI)
    sso.init_sso(app)  # single sign-on routes exist only when an OIDC provider is configured
