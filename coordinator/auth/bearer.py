"""Bearer tokens on the API: `require_token(*scopes)` checks the hashed token and binds who it acts as."""

from functools import wraps

from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator, InsufficientScopeError, InvalidTokenError
from flask import g, jsonify

from ..domain.actors import Actor, Role
from .oauth_server import find_access_token

REALM = "coordinator"


class HashedBearerValidator(BearerTokenValidator):
    """Finds the token by the SHA-256 of what the client sent; expiry, revocation and scope as Authlib checks."""

    def authenticate_token(self, token_string):
        """The stored token whose access-token hash matches, or None."""
        return find_access_token(token_string)


_protector = ResourceProtector()
_protector.register_token_validator(HashedBearerValidator(realm=REALM))


def _challenge(error: OAuth2Error, needed: str) -> tuple[int, str]:
    """Status and WWW-Authenticate value (RFC 6750 section 3) for a refused request."""
    if isinstance(error, InsufficientScopeError):
        return 403, f'Bearer realm="{REALM}", error="insufficient_scope", scope="{needed}"'
    if isinstance(error, InvalidTokenError):
        return 401, (f'Bearer realm="{REALM}", error="invalid_token", '
                     'error_description="The access token is expired, revoked or unknown."')
    # no credentials (or not a bearer token): RFC 6750 says to answer without an error code
    return 401, f'Bearer realm="{REALM}"'


def _refusal(error: OAuth2Error, needed: str):
    """An RFC 9457 problem document with the bearer challenge."""
    status, challenge = _challenge(error, needed)
    detail = (f"This call needs the scope(s): {needed}." if status == 403
              else "A valid bearer token is required (Authorization: Bearer <token>).")
    response = jsonify(type="about:blank", title="Forbidden" if status == 403 else "Unauthorized",
                       status=status, detail=detail)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["WWW-Authenticate"] = challenge
    return response


def require_token(*scopes: str):
    """Decorator: a valid bearer token holding every scope named; sets g.token and g.token_actor.

    401 with WWW-Authenticate for a missing, unknown, expired or revoked token; 403 insufficient_scope."""
    needed = " ".join(scopes)

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                # one space-separated string: Authlib then requires all of them, not any one
                token = _protector.acquire_token([needed] if needed else None)
            except OAuth2Error as error:
                return _refusal(error, needed)
            g.token = token.row
            g.token_actor = Actor(token.row.user_id, Role(token.row.role), token.row.org_id)
            return view(*args, **kwargs)
        return wrapper
    return decorate
