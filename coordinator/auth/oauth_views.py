"""OAuth 2.0 endpoints: authorize with consent, token, revoke, introspect and server metadata."""

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_wtf import FlaskForm

from ..audit import append as audit_append
from ..domain.actors import Actor, Role
from ..extensions import csrf, db, limiter
from ..models import Organisation
from .oauth_server import ALL_AUTH, CONFIDENTIAL_AUTH, issuer, oauth_server
from .scopes import ALL_SCOPES, describe
from .sessions import current_user, login_required

bp = Blueprint("oauth", __name__)


class ConsentForm(FlaskForm):
    """Only the CSRF token: the decision is the button pressed."""


def _authorize_error(error: OAuth2Error):
    """Send the error back to the client when its redirect URI is trusted; otherwise tell the user."""
    if error.redirect_uri:
        return oauth_server().handle_error_response(None, error)
    return render_template("auth/consent.html", error=error.get_error_description() or error.error,
                           form=None), error.status_code


def _refuse_party(client):
    """The signed-in user is not of the client's organisation and role: the token could not act for them."""
    message = (f"“{client.name}” works for another organisation or role than yours, "
               "so it cannot act for you. Sign in with the right account or ask your administrator.")
    return render_template("auth/consent.html", error=message, form=None), 403


def _audit_consent(user, client, approved: bool) -> None:
    audit_append(Actor(user.id, Role(user.role), user.org_id), "oauth_consent", f"oauth_client:{client.client_id}",
                 category="identity", outcome="ok" if approved else "denied")
    db.session.commit()


@bp.route("/oauth/authorize", methods=["GET", "POST"])
@login_required()
def authorize():
    """Show the consent page for a valid request; on Approve issue a code, on Deny answer access_denied."""
    server, user = oauth_server(), current_user()
    try:
        grant = server.get_consent_grant(end_user=user)
    except OAuth2Error as error:
        return _authorize_error(error)
    client = grant.client.row
    if client.org_id != user.org_id or client.role != user.role:
        return _refuse_party(client)
    form = ConsentForm()
    if request.method == "GET" or not form.validate_on_submit():
        org = db.session.get(Organisation, client.org_id) if client.org_id is not None else None
        scopes = describe((grant.request.scope or "").split())
        return render_template("auth/consent.html", form=form, client=client, org=org, scopes=scopes,
                               error=None), 200 if request.method == "GET" else 400
    approved = request.form.get("decision") == "approve"
    _audit_consent(user, client, approved)
    return server.create_authorization_response(grant=grant, grant_user=user if approved else None)


# machines call these three with client credentials, not a browser with a cookie: nothing to forge
@bp.post("/oauth/token")
@csrf.exempt
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMITS"])
def issue_token():
    """The token endpoint (authorization_code, client_credentials, refresh_token)."""
    return oauth_server().create_token_response()


@bp.post("/oauth/revoke")
@csrf.exempt
def revoke_token():
    """RFC 7009 revocation: always 200 for an unknown token, as the RFC asks."""
    return oauth_server().create_endpoint_response("revocation")


@bp.post("/oauth/introspect")
@csrf.exempt
def introspect_token():
    """RFC 7662 introspection for confidential clients."""
    return oauth_server().create_endpoint_response("introspection")


def server_metadata() -> dict:
    """The RFC 8414 metadata document of this server."""
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": base + url_for("oauth.authorize"),
        "token_endpoint": base + url_for("oauth.issue_token"),
        "revocation_endpoint": base + url_for("oauth.revoke_token"),
        "introspection_endpoint": base + url_for("oauth.introspect_token"),
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ALL_AUTH,
        "revocation_endpoint_auth_methods_supported": ALL_AUTH,
        "introspection_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH,
        "code_challenge_methods_supported": ["S256"],
    }


@bp.get("/.well-known/oauth-authorization-server")
def metadata():
    """RFC 8414 authorization server metadata."""
    response = jsonify(server_metadata())
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
