"""Optional single sign-on through any OpenID Connect provider (Authlib's Flask client, PKCE S256)."""

import logging

import requests
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Blueprint, Flask, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError
from sqlalchemy import select

from ..audit import append as audit_append
from ..domain.actors import Actor, Role
from ..extensions import db, limiter
from ..models import ExternalIdentity, User
from ..models.base import utcnow
from .sessions import current_user, start_session
from .views import safe_next

bp = Blueprint("sso", __name__)
_log = logging.getLogger(__name__)

CLIENT_NAME = "oidc"
_NEXT_KEY = "sso_next"
_TIMEOUT_SECONDS = 10  # a provider that does not answer must not hold a worker for long
# failures on the provider's side or on the way to it (network, HTTP status, malformed answers,
# missing metadata): shown as a 502 page, never a 500
_PROVIDER_ERRORS = (OAuthError, JoseError, requests.RequestException, RuntimeError, ValueError, KeyError)


class SSOError(Exception):
    """A refused or failed single sign-on, shown to the person as a page with a status code."""

    def __init__(self, status: int, title: str, message: str, reference: str | None = None):
        super().__init__(title)
        self.status, self.title, self.message, self.reference = status, title, message, reference


def normalize_issuer(issuer: str) -> str:
    """The issuer as stored and compared: trimmed, without a trailing slash."""
    return issuer.strip().rstrip("/")


def init_sso(app: Flask) -> None:
    """Register the provider client and the SSO routes, only when OIDC_ISSUER and OIDC_CLIENT_ID are set."""
    issuer, client_id = app.config.get("OIDC_ISSUER"), app.config.get("OIDC_CLIENT_ID")
    if not issuer:
        return
    if not client_id:
        # the sign-in page links to SSO whenever OIDC_ISSUER is set: half a configuration is an error
        raise RuntimeError("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both, or neither")
    secret = app.config.get("OIDC_CLIENT_SECRET") or None
    OAuth(app).register(
        CLIENT_NAME, client_id=client_id, client_secret=secret,
        server_metadata_url=normalize_issuer(issuer) + "/.well-known/openid-configuration",
        client_kwargs=_client_kwargs(secret),
    )
    app.register_blueprint(bp)


def _client_kwargs(secret: str | None) -> dict:
    """Scopes, PKCE and timeouts for every request the client makes."""
    kwargs = {"scope": "openid email profile", "default_timeout": _TIMEOUT_SECONDS,
              # Authlib sends a PKCE challenge only when a method is named
              "code_challenge_method": "S256"}
    if not secret:
        kwargs["token_endpoint_auth_method"] = "none"  # a public client: PKCE alone protects the code
    return kwargs


def _client():
    """This app's registered provider client."""
    return current_app.extensions["authlib.integrations.flask_client"].create_client(CLIENT_NAME)


def _sso_limits() -> str:
    # the same per-address throttle as the password form: each call costs the provider (and us) a round trip
    return current_app.config["LOGIN_RATE_LIMITS"]


@bp.get("/login/sso")
@limiter.limit(_sso_limits)
def start():
    """Send the browser to the provider with state, nonce and a PKCE S256 challenge."""
    target = request.args.get("next")
    if current_user():
        return redirect(safe_next(target))
    # kept in the session: Authlib's state data holds only what the code exchange needs
    session[_NEXT_KEY] = safe_next(target)
    try:
        return _client().authorize_redirect(url_for("sso.callback", _external=True))
    except _PROVIDER_ERRORS:
        _log.warning("OIDC provider unreachable or misconfigured", exc_info=True)
        return _error_page(SSOError(502, "The sign-in provider cannot be reached",
                                    "Please try again in a few minutes, or sign in with your password."))


@bp.get("/login/sso/callback")
@limiter.limit(_sso_limits)
def callback():
    """Finish sign-in: exchange the code, check the ID token, find the user by issuer and subject."""
    try:
        claims = _verified_claims()
        user, identity = _linked_user(claims)
    except SSOError as exc:
        return _error_page(exc)
    return _sign_in(user, identity)


def _verified_claims() -> dict:
    """The ID token's claims, after Authlib checked state, signature, issuer, audience and nonce."""
    if error := request.args.get("error"):
        raise SSOError(400, "Sign-in was not completed",
                       f"The sign-in provider answered: {_safe_code(error)}. You are not signed in.")
    token = _exchange_code()
    claims = token.get("userinfo")  # set by Authlib only from a validated ID token
    if not claims or not claims.get("sub"):
        raise SSOError(502, "The sign-in provider sent no identity", "Please try again later.")
    # discovery requires the provider to name itself as configured; refuse anything else
    if normalize_issuer(str(claims.get("iss", ""))) != normalize_issuer(current_app.config["OIDC_ISSUER"]):
        raise SSOError(502, "The sign-in provider is misconfigured", "Its issuer is not the one configured.")
    return claims


def _exchange_code() -> dict:
    """Trade the code (with the PKCE verifier) for tokens; state mismatch is a 400, provider failure a 502."""
    try:
        return _client().authorize_access_token()
    except MismatchingStateError:
        # the cookie holding the state was lost, or the answer was replayed or forged
        raise SSOError(400, "This sign-in link has expired", "Please start signing in again.") from None
    except _PROVIDER_ERRORS:
        _log.warning("OIDC code exchange or ID token validation failed", exc_info=True)
        raise SSOError(502, "The sign-in provider's answer could not be accepted",
                       "Please try again, or sign in with your password.") from None


def _safe_code(error: str) -> str:
    """The provider's error code, shortened and reduced to harmless characters for the page."""
    return "".join(c for c in error[:64] if c.isalnum() or c in "_-.") or "an error"


def _linked_user(claims: dict) -> tuple[User, ExternalIdentity]:
    """The active user linked to (issuer, subject); never matched by e-mail, never linked on the fly."""
    issuer, subject = normalize_issuer(str(claims["iss"])), str(claims["sub"])
    identity = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))
    if identity is None:
        _audit(None, "denied", {"method": "oidc", "reason": "not_linked"})
        raise SSOError(403, "This account is not linked",
                       "Your account at the sign-in provider is not linked to a Coordinator user. "
                       "Ask your administrator to link it, quoting the reference below.",
                       reference=f"{issuer} {subject}")
    user = db.session.get(User, identity.user_id)
    if not user.active:
        _audit(user, "denied", {"method": "oidc", "identity_id": identity.id, "reason": "inactive"})
        raise SSOError(403, "This account is disabled", "Ask your administrator if you need access.")
    return user, identity


def _sign_in(user: User, identity: ExternalIdentity):
    """Start the session, record the login and go where the person was heading."""
    target = session.pop(_NEXT_KEY, None)  # before start_session clears the cookie (against fixation)
    identity.last_login_at = utcnow()
    start_session(user, auth_method="oidc")  # commits last_login_at with the session row
    _audit(user, "ok", {"method": "oidc", "identity_id": identity.id})
    return redirect(safe_next(target))


def _audit(user: User | None, outcome: str, detail: dict) -> None:
    """One identity audit entry for an SSO login; ids only, no e-mail, name or provider claims."""
    actor = Actor(user.id, Role(user.role), user.org_id) if user else Actor(None, Role.SYSTEM)
    audit_append(actor, "login", f"user:{user.id}" if user else "user:unknown",
                 category="identity", outcome=outcome, detail=detail)
    db.session.commit()


def _error_page(error: SSOError):
    """The clear error page for a refused or failed single sign-on."""
    return render_template("auth/sso_error.html", error=error), error.status
