"""OAuth clients: registering a system or an application for one organisation and role, describing it, and
withdrawing it with all its tokens. Secrets are generated here, shown once and stored as hashes."""

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749.util import list_to_scope
from sqlalchemy import func, select, update

from ..audit import append as audit_append
from ..domain.actors import ROLE_ORG_KIND, Actor, Role
from ..extensions import db
from ..models import Organisation
from ..models.base import utcnow
from ..models.oauth import OAuth2Client, OAuth2Token
from .scopes import ALL_SCOPES, scopes_for_role

GRANTS = ("client_credentials", "authorization_code")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ClientError(ValueError):
    """A client cannot be created as asked; the message says why."""


def token_hash(value: str) -> str:
    """SHA-256 (hex) of a token, code or secret: what the database keeps instead of the value."""
    return hashlib.sha256(value.encode()).hexdigest()


# Client secrets are 256-bit random strings we generate, never human passwords: a fast SHA-256 is
# already beyond brute force for them, and a slow hash (Argon2) on every token request would hand
# anyone able to reach /oauth/token a cheap way to burn CPU and memory.
def hash_secret(secret: str) -> str:
    """The stored form of a client secret."""
    return "sha256$" + token_hash(secret)


def secret_matches(stored: str | None, given: str | None) -> bool:
    """True when the given secret hashes to the stored one (constant-time comparison)."""
    if not stored or not given:
        return False
    return hmac.compare_digest(stored, hash_secret(given))


def revoke_client(client_id: str) -> int:
    """Withdraw a client and revoke all its tokens; returns how many tokens were revoked."""
    row = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == client_id))
    if row is None:
        raise ClientError(f"no client with id '{client_id}'")
    row.revoked_at = row.revoked_at or utcnow()
    result = db.session.execute(update(OAuth2Token).where(OAuth2Token.client_id == client_id)
                                .values(**_revoked_now()))
    audit_append(Actor(None, Role.SYSTEM), "oauth_client_revoked", f"oauth_client:{client_id}", category="identity")
    db.session.commit()
    return result.rowcount


def _revoked_now() -> dict:
    """Column values revoking both tokens of a row now, keeping an earlier revocation time."""
    now = int(time.time())
    return {"access_token_revoked_at": func.coalesce(OAuth2Token.access_token_revoked_at, now),
            "refresh_token_revoked_at": func.coalesce(OAuth2Token.refresh_token_revoked_at, now)}


def _client_org(org_slug: str | None, role: str) -> tuple[Organisation | None, Role]:
    """The organisation and role, checked: the role must belong to that kind of organisation (a workers' app
    belongs to none: it acts for whichever worker signs in)."""
    if role == Role.WORKER:
        if org_slug:
            raise ClientError("a workers' app acts for the worker who signs in, not for an organisation: "
                              "leave out the organisation")
        return None, Role.WORKER
    org = db.session.scalar(select(Organisation).where(Organisation.slug == (org_slug or "")))
    if org is None:
        raise ClientError(f"no organisation with slug '{org_slug}'")
    try:
        parsed = Role(role)
    except ValueError:
        raise ClientError(f"unknown role '{role}'") from None
    if parsed is Role.SYSTEM or ROLE_ORG_KIND.get(parsed) != org.kind:
        raise ClientError(f"role '{role}' does not belong in a {org.kind} organisation")
    return org, parsed


def _client_scope(role: Role, scopes) -> str:
    """The scopes asked (all the role may hold when none is named); one the role may not hold is refused."""
    allowed = scopes_for_role(role)
    wanted = list(dict.fromkeys(s for item in (scopes or ()) for s in item.split()))
    refused = [s for s in wanted if s not in allowed]
    if refused:
        raise ClientError(f"a {role} client may not hold: {', '.join(refused)} (allowed: {', '.join(sorted(allowed))})")
    return list_to_scope(wanted or [s for s in ALL_SCOPES if s in allowed])


def _client_grants(role: Role, grant_types, public: bool) -> list[str]:
    """The grants asked (client_credentials by default, authorization_code for a public client)."""
    person_only = role in (Role.PHYSICIAN, Role.WORKER)   # their cases are their own: a token acts for them
    wanted = list(dict.fromkeys(grant_types or (["authorization_code"] if public else ["client_credentials"])))
    if any(g not in GRANTS for g in wanted):
        raise ClientError(f"grants must be among: {', '.join(GRANTS)}")
    if "client_credentials" in wanted and public:
        raise ClientError("a public client has no secret, so it cannot use client_credentials")
    if "client_credentials" in wanted and person_only:
        # a physician's cases are the physician's own, not the practice's; a worker's their own: tokens must act
        # for a person
        raise ClientError(f"a {role} client must act for a signed-in {role}: use authorization_code")
    return wanted + (["refresh_token"] if "authorization_code" in wanted else [])


def _redirect_uris(uris, grant_types: list[str]) -> list[str]:
    """Absolute https URIs (http only on the loopback interface), without fragment; needed for codes."""
    uris = list(dict.fromkeys(uris or ()))
    for uri in uris:
        parts = urlsplit(uri)
        secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)
        if not secure or not parts.netloc or parts.fragment or len(uri) > 2000:
            raise ClientError(f"redirect URI '{uri}' must be absolute https (or http on loopback), no fragment")
    if "authorization_code" in grant_types and not uris:
        raise ClientError("the authorization_code grant needs at least one --redirect-uri")
    return uris


def create_client(org_slug: str, role: str, *, name: str | None = None, scopes=None, grant_types=None,
                  redirect_uris=(), public: bool = False) -> tuple[OAuth2Client, str | None]:
    """Register a client bound to one organisation and role; returns it and its secret (None if public).

    The secret is returned once and only its hash is stored."""
    org, parsed = _client_org(org_slug, role)
    grant_list = _client_grants(parsed, grant_types, public)
    metadata = {"scope": _client_scope(parsed, scopes), "grant_types": grant_list,
                "redirect_uris": _redirect_uris(redirect_uris, grant_list),
                "response_types": ["code"] if "authorization_code" in grant_list else [],
                "token_endpoint_auth_method": "none" if public else "client_secret_basic"}
    secret = None if public else secrets.token_urlsafe(32)
    row = OAuth2Client(client_id=secrets.token_urlsafe(24), client_secret_hash=hash_secret(secret) if secret else None,
                       name=(name or (f"{org.name} {parsed.value.replace('_', ' ')} system" if org
                                      else "Workers' app")).strip()[:200],
                       org_id=org.id if org else None, role=parsed.value, client_metadata=metadata)
    db.session.add(row)
    audit_append(Actor(None, Role.SYSTEM), "oauth_client_created", f"oauth_client:{row.client_id}",
                 category="identity", detail={"org_id": org.id if org else None, "role": parsed.value})
    db.session.commit()
    return row, secret


def describe_client(row: OAuth2Client) -> dict:
    """A client's public registration (never its secret or the secret's hash)."""
    meta = row.client_metadata or {}
    return {"client_id": row.client_id, "name": row.name, "org_id": row.org_id, "role": row.role,
            "scope": meta.get("scope", ""), "grant_types": meta.get("grant_types", []),
            "redirect_uris": meta.get("redirect_uris", []),
            "token_endpoint_auth_method": meta.get("token_endpoint_auth_method"),
            "revoked": row.revoked_at is not None}
