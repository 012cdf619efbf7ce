"""The OAuth 2.0 authorization server (Authlib): clients, codes with PKCE S256, tokens stored as hashes.

Grants offered: authorization_code (PKCE S256 required on every request), client_credentials and
refresh_token (rotated on every use). The password and implicit grants are deliberately not registered.
"""

import secrets
import time

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (AuthorizationCodeMixin, ClientMixin, InsecureTransportError,
                                    InvalidGrantError, InvalidRequestError, TokenMixin, grants)
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint as _RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint as _IntrospectionEndpoint
from flask import Flask, current_app, has_request_context, jsonify, request
from sqlalchemy import and_, func, or_, select, update

from ..audit import append as audit_append
from ..domain.actors import Actor, Role
from ..extensions import db
from ..models import User
from ..models.base import utcnow
from ..models.oauth import OAuth2AuthorizationCode, OAuth2Client, OAuth2Token
from .clients import secret_matches, token_hash
from .scopes import ALL_SCOPES

# consent happens before the code exists: it only has to survive one redirect and one exchange
CODE_SECONDS = 300
CONFIDENTIAL_AUTH = ["client_secret_basic", "client_secret_post"]
ALL_AUTH = [*CONFIDENTIAL_AUTH, "none"]


def _now() -> int:
    return int(time.time())


# ---- adapters: Authlib's mixin behaviour over our rows ----------------------------------------

class Client(ClientMixin):
    """An OAuth2Client row as Authlib sees it."""

    def __init__(self, row: OAuth2Client):
        self.row = row
        self.meta = row.client_metadata or {}

    @property
    def client_id(self) -> str:
        """The public identifier."""
        return self.row.client_id

    @property
    def is_public(self) -> bool:
        """A public client has no secret and authenticates with 'none' plus PKCE."""
        return self.meta.get("token_endpoint_auth_method") == "none"

    def get_client_id(self):
        """The public identifier."""
        return self.row.client_id

    def get_default_redirect_uri(self):
        """The first registered redirect URI, if any."""
        uris = self.meta.get("redirect_uris") or []
        return uris[0] if uris else None

    def get_allowed_scope(self, scope):
        """The requested scopes this client holds; all of its scopes when none is asked; None if none remain."""
        allowed = scope_to_list(self.meta.get("scope", "")) or []
        if not scope:
            return list_to_scope(allowed) or None
        granted = [s for s in dict.fromkeys(scope_to_list(scope)) if s in allowed]
        return list_to_scope(granted) if granted else None

    def check_redirect_uri(self, redirect_uri):
        """Exact match against the registered URIs (no prefix or wildcard matching)."""
        return redirect_uri in (self.meta.get("redirect_uris") or [])

    def check_client_secret(self, client_secret):
        """Compare hashes; a public client has no secret to match."""
        return not self.is_public and secret_matches(self.row.client_secret_hash, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        """Public clients use 'none' (token and revocation only); confidential ones a secret."""
        if self.is_public:
            return method == "none" and endpoint in ("token", "revocation")
        return method in CONFIDENTIAL_AUTH

    def check_response_type(self, response_type):
        """Only 'code', and only for clients registered for the authorization-code grant."""
        return response_type == "code" and self.check_grant_type("authorization_code")

    def check_grant_type(self, grant_type):
        """The grants registered for this client."""
        return grant_type in (self.meta.get("grant_types") or [])


class AuthorizationCode(AuthorizationCodeMixin):
    """An OAuth2AuthorizationCode row as Authlib sees it."""

    def __init__(self, row: OAuth2AuthorizationCode):
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self):
        """The redirect URI sent with the authorization request ('' when it used the default)."""
        return self.row.redirect_uri or None

    def get_scope(self):
        """The scope the user approved."""
        return self.row.scope

    def get_nonce(self):
        """Unused (no OpenID Connect here)."""
        return self.row.nonce

    def get_auth_time(self):
        """When the code was issued (epoch seconds)."""
        return self.row.auth_time


class Token(TokenMixin):
    """An OAuth2Token row as Authlib sees it, looked up as its access or its refresh token."""

    def __init__(self, row: OAuth2Token, kind: str = "access_token", holder_valid: bool | None = None):
        self.row = row
        self.kind = kind
        self._holder_valid = holder_valid   # known when the lookup read the holder with the token (bearer check)

    def check_client(self, client):
        """Issued to this client?"""
        return self.row.client_id == client.get_client_id()

    def get_scope(self):
        """Granted scopes, space-separated."""
        return self.row.scope

    def get_expires_in(self):
        """Lifetime of the access token in seconds."""
        return self.row.expires_in

    def expires_at(self) -> int:
        """Epoch second at which the token (access or refresh, as looked up) stops working."""
        if self.kind == "refresh_token":
            return self.row.issued_at + current_app.config["OAUTH2_REFRESH_TOKEN_DAYS"] * 86400
        return self.row.issued_at + self.row.expires_in

    def is_expired(self):
        """Past its lifetime?"""
        return _now() >= self.expires_at()

    def is_revoked(self):
        """Revoked itself, or its client withdrawn, or its user gone, deactivated or moved."""
        stamp = self.row.refresh_token_revoked_at if self.kind == "refresh_token" else self.row.access_token_revoked_at
        if stamp is not None:
            return True
        return not (self._holder_valid if self._holder_valid is not None else _holder_still_valid(self.row))

    def get_user(self):
        """The user the token acts for, or None for a client-credentials token."""
        return db.session.get(User, self.row.user_id) if self.row.user_id else None

    def get_client(self):
        """The client the token was issued to."""
        return query_client(self.row.client_id)


def _holder_still_valid(row: OAuth2Token) -> bool:
    """The client is not withdrawn and the user (if any) is active in the same organisation and role."""
    return bool(db.session.scalar(select(_holder_valid(OAuth2Token)).where(OAuth2Token.id == row.id)))


def _holder_valid(token):
    """SQL truth of "the token's client is not withdrawn and its user, if any, is active in the token's
    organisation and role" (a column of the token's own lookup: one statement per bearer check)."""
    client = select(OAuth2Client.id).where(OAuth2Client.client_id == token.client_id,
                                           OAuth2Client.revoked_at.is_(None)).exists()
    # a worker belongs to no organisation: NULL matches NULL here
    user = select(User.id).where(User.id == token.user_id, User.active.is_(True),
                                 User.org_id.is_not_distinct_from(token.org_id), User.role == token.role).exists()
    return and_(client, or_(token.user_id.is_(None), user))


# ---- lookups --------------------------------------------------------------------------------------

def query_client(client_id: str) -> Client | None:
    """The active client with this id, or None (a withdrawn client no longer exists for OAuth)."""
    row = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == str(client_id)))
    return Client(row) if row is not None and row.revoked_at is None else None


def find_token(value: str, hint: str | None = None) -> Token | None:
    """The token whose access or refresh token hashes to this value, the hinted kind tried first."""
    kinds = ["refresh_token", "access_token"] if hint == "refresh_token" else ["access_token", "refresh_token"]
    digest = token_hash(value or "")
    for kind in kinds:
        column = OAuth2Token.access_token_hash if kind == "access_token" else OAuth2Token.refresh_token_hash
        row = db.session.scalar(select(OAuth2Token).where(column == digest))
        if row is not None:
            return Token(row, kind)
    return None


def find_access_token(value: str) -> Token | None:
    """The token whose access token hashes to this value (the bearer check on every API call)."""
    found = db.session.execute(select(OAuth2Token, _holder_valid(OAuth2Token)).where(
        OAuth2Token.access_token_hash == token_hash(value or ""))).one_or_none()
    return Token(found[0], holder_valid=bool(found[1])) if found is not None else None


# ---- revocation helpers -------------------------------------------------------------------------

def _revoke_values(now: int) -> dict:
    """Column values revoking both tokens of a row, keeping an earlier revocation time."""
    return {"access_token_revoked_at": func.coalesce(OAuth2Token.access_token_revoked_at, now),
            "refresh_token_revoked_at": func.coalesce(OAuth2Token.refresh_token_revoked_at, now)}


def revoke_code_family(code_id: int | None, reason: str) -> int:
    """Revoke every token descending from one authorization code (refreshes inherit code_id); commits."""
    if code_id is None:
        return 0
    result = db.session.execute(update(OAuth2Token).where(OAuth2Token.code_id == code_id)
                                .values(**_revoke_values(_now())))
    audit_append(Actor(None, Role.SYSTEM), "oauth_family_revoked", f"oauth_code:{code_id}",
                 category="identity", outcome="denied", detail={"reason": reason, "tokens": result.rowcount})
    db.session.commit()
    return result.rowcount


# ---- saving tokens ------------------------------------------------------------------------------

def _claim_code(code: AuthorizationCode) -> None:
    """Mark the code used, atomically: of two concurrent exchanges only one wins; the loser revokes all."""
    code_id = code.row.id
    claimed = db.session.execute(update(OAuth2AuthorizationCode).where(
        OAuth2AuthorizationCode.id == code_id, OAuth2AuthorizationCode.used_at.is_(None)).values(used_at=utcnow()))
    if claimed.rowcount != 1:
        db.session.rollback()
        revoke_code_family(code_id, "code_reused")
        raise InvalidGrantError("The authorization code was already used.")


def _claim_refresh(old: Token) -> None:
    """Rotate: revoke the presented refresh token (and its access token) atomically before issuing anew."""
    row_id, code_id = old.row.id, old.row.code_id
    claimed = db.session.execute(update(OAuth2Token).where(
        OAuth2Token.id == row_id, OAuth2Token.refresh_token_revoked_at.is_(None)).values(**_revoke_values(_now())))
    if claimed.rowcount != 1:
        db.session.rollback()
        revoke_code_family(code_id, "refresh_token_reused")
        raise InvalidGrantError("The refresh token was already used.")


def _token_row(token: dict, client: OAuth2Client, user: User | None, code_id: int | None) -> OAuth2Token:
    """The row for a freshly generated token: hashes only; a user's token acts as that user."""
    refresh = token.get("refresh_token")
    return OAuth2Token(
        client_id=client.client_id, user_id=user.id if user else None,
        org_id=user.org_id if user else client.org_id, role=user.role if user else client.role,
        token_type="Bearer", access_token_hash=token_hash(token["access_token"]),
        refresh_token_hash=token_hash(refresh) if refresh else None, scope=token.get("scope", ""),
        issued_at=_now(), expires_in=int(token["expires_in"]), code_id=code_id,
    )


def save_token(token: dict, oauth_request) -> None:
    """Store a new token (as hashes) after claiming the code or refresh token it comes from; audited."""
    code, old = oauth_request.authorization_code, oauth_request.refresh_token
    if code is not None:
        _claim_code(code)
    if old is not None:
        _claim_refresh(old)
    code_id = code.row.id if code is not None else (old.row.code_id if old is not None else None)
    row = _token_row(token, oauth_request.client.row, oauth_request.user, code_id)
    db.session.add(row)
    actor = Actor(row.user_id, Role(row.role), row.org_id)
    audit_append(actor, "oauth_token_issued", f"oauth_client:{row.client_id}", category="identity",
                 detail={"grant": oauth_request.payload.grant_type, "scope": row.scope})
    db.session.commit()


# ---- grants -------------------------------------------------------------------------------------

def _user_for_client(user_id: int | None, client: Client) -> User | None:
    """The user, if still active and still of the client's organisation and role."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active:
        return None
    return user if user.org_id == client.row.org_id and user.role == client.row.role else None


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only, and a challenge required on every authorization request, public or not."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        """Refuse a missing challenge and any method but S256 (a missing method would mean 'plain')."""
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE with S256 is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    """Codes stored as hashes, single use; a replayed code revokes what it issued."""

    TOKEN_ENDPOINT_AUTH_METHODS = ALL_AUTH

    def save_authorization_code(self, code, oauth_request):
        """Store the code's hash with the approved scope and the PKCE challenge."""
        data = oauth_request.payload.data
        db.session.add(OAuth2AuthorizationCode(
            code_hash=token_hash(code), client_id=oauth_request.client.get_client_id(),
            user_id=oauth_request.user.id, redirect_uri=oauth_request.payload.redirect_uri or "",
            scope=oauth_request.scope or "", code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"), auth_time=_now()))
        db.session.commit()

    def query_authorization_code(self, code, client):
        """The unexpired, unused code of this client; a used one is a replay: revoke its tokens."""
        row = db.session.scalar(select(OAuth2AuthorizationCode).where(
            OAuth2AuthorizationCode.code_hash == token_hash(code)))
        if row is None or row.client_id != client.get_client_id():
            return None
        if row.used_at is not None:
            revoke_code_family(row.id, "code_reused")
            return None
        return AuthorizationCode(row) if _now() - row.auth_time < CODE_SECONDS else None

    def delete_authorization_code(self, authorization_code):
        """Keep the row (already marked used in save_token) so a later replay is recognised."""

    def authenticate_user(self, authorization_code):
        """The user who approved, still active and still of the client's organisation and role."""
        return _user_for_client(authorization_code.row.user_id, self.request.client)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    """A partner system acting as its organisation; confidential clients only."""

    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_AUTH


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Refresh with rotation: each refresh token works once; a reused one revokes its whole family."""

    TOKEN_ENDPOINT_AUTH_METHODS = ALL_AUTH
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        """The live token with this refresh token; a revoked one presented again revokes its family."""
        token = find_token(refresh_token, "refresh_token")
        if token is None or token.kind != "refresh_token":
            return None
        if token.row.refresh_token_revoked_at is not None:
            revoke_code_family(token.row.code_id, "refresh_token_reused")
            return None
        return None if token.is_expired() or token.is_revoked() else token

    def authenticate_user(self, refresh_token):
        """The user the token acts for, still valid for the client."""
        return _user_for_client(refresh_token.row.user_id, self.request.client)

    def revoke_old_credential(self, refresh_token):
        """Already done in save_token, in the same transaction as the new token."""


# ---- revocation (RFC 7009) and introspection (RFC 7662) ------------------------------------------

class RevocationEndpoint(_RevocationEndpoint):
    """A client revokes its own tokens; revoking a refresh token also ends its access token."""

    CLIENT_AUTH_METHODS = ALL_AUTH

    def query_token(self, token_string, token_type_hint):
        """Look the token up by hash."""
        return find_token(token_string, token_type_hint)

    def revoke_token(self, token, oauth_request):
        """Stamp the revocation time; audited."""
        now = _now()
        token.row.access_token_revoked_at = token.row.access_token_revoked_at or now
        if token.kind == "refresh_token":
            token.row.refresh_token_revoked_at = token.row.refresh_token_revoked_at or now
        audit_append(Actor(token.row.user_id, Role(token.row.role), token.row.org_id), "oauth_token_revoked",
                     f"oauth_client:{token.row.client_id}", category="identity", detail={"kind": token.kind})
        db.session.commit()


def issuer() -> str:
    """This server's issuer URL: OAUTH2_ISSUER when configured, else the URL the request came to."""
    configured = current_app.config.get("OAUTH2_ISSUER")
    if configured or not has_request_context():
        return (configured or "").rstrip("/")
    return request.host_url.rstrip("/")


class IntrospectionEndpoint(_IntrospectionEndpoint):
    """Confidential clients introspect tokens of their own or of their organisation's clients."""

    CLIENT_AUTH_METHODS = CONFIDENTIAL_AUTH

    def query_token(self, token_string, token_type_hint):
        """Look the token up by hash."""
        return find_token(token_string, token_type_hint)

    def check_permission(self, token, client, oauth_request):
        """Its own token, or one of a client of the same organisation; otherwise it reads as inactive."""
        return token.row.client_id == client.client_id or (
            client.row.org_id is not None and token.row.org_id == client.row.org_id)   # a workers' app: its own only

    def introspect_token(self, token):
        """RFC 7662 fields, plus the organisation and role the token acts as."""
        row = token.row
        payload = {"active": True, "client_id": row.client_id, "token_type": row.token_type,
                   "scope": row.scope, "exp": token.expires_at(), "iat": row.issued_at, "iss": issuer(),
                   "org_id": row.org_id, "role": row.role}
        if row.user_id:
            payload["sub"] = str(row.user_id)
        return payload


# ---- the server ---------------------------------------------------------------------------------

def _new_token(**_context) -> str:
    """256 bits from the OS's random source."""
    return secrets.token_urlsafe(32)


def _access_seconds(_client, _grant_type) -> int:
    return int(current_app.config["OAUTH2_ACCESS_TOKEN_SECONDS"])


def create_server(app: Flask) -> AuthorizationServer:
    """An authorization server for this app with our grants and endpoints (never password or implicit)."""
    server = AuthorizationServer()
    server.init_app(app, query_client=query_client, save_token=save_token)
    server.register_token_generator("default", BearerTokenGenerator(_new_token, _new_token, _access_seconds))
    server.scopes_supported = list(ALL_SCOPES)
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(RevocationEndpoint)
    server.register_endpoint(IntrospectionEndpoint)
    return server


def oauth_server() -> AuthorizationServer:
    """The current app's authorization server."""
    return current_app.extensions["oauth2_server"]


def _insecure_transport(error: InsecureTransportError):
    """Authlib refuses OAuth over plain http (except on loopback): say so instead of failing with a 500.

    Behind a TLS-terminating proxy set PROXY_HOPS so the app sees the original https scheme."""
    return jsonify(error=error.error, error_description=error.get_error_description()), 400


def init_oauth(app: Flask) -> None:
    """Bind the authorization server, its views (token, authorize, revoke, introspect, metadata) and the CLI."""
    from ..cli.clients import clients
    from .oauth_views import bp

    app.extensions["oauth2_server"] = create_server(app)
    app.register_blueprint(bp)
    app.register_error_handler(InsecureTransportError, _insecure_transport)
    app.cli.add_command(clients)
