"""OAuth 2.0 server tests; shared helpers: clients, PKCE pairs, consent through the real pages."""

import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7636 import create_s256_code_challenge

from coordinator.auth.clients import create_client
from coordinator.domain.actors import Actor
from coordinator.extensions import db
from coordinator.models import Organisation
from tests.factories import csrf_token

REDIRECT = "http://127.0.0.1:8765/callback"


def make_client(org_id: int | None, role: str, **options) -> tuple[str, str | None]:
    """Register a client through the same function the CLI uses (a workers' app has no organisation); returns
    (client_id, secret)."""
    org = db.session.get(Organisation, org_id) if org_id is not None else None
    if options.get("public") or "authorization_code" in options.get("grant_types", ()) or role == "worker":
        options.setdefault("redirect_uris", [REDIRECT])
    row, secret = create_client(org.slug if org else None, role, **options)
    return row.client_id, secret


def client_for(actor: Actor, **options) -> tuple[str, str | None]:
    """A client of the actor's organisation and role."""
    return make_client(actor.org_id, str(actor.role), **options)


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    return verifier, create_s256_code_challenge(verifier)


def authorize_url(client_id: str, challenge: str | None, **extra) -> str:
    """/oauth/authorize with a code request (S256 unless told otherwise)."""
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "state": "xyz"}
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    params |= extra
    return "/oauth/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def approve(client, url: str, decision: str = "approve"):
    """Open the consent page with a Flask test client and press a button; returns the POST response."""
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "decision": decision})


def query_of(location: str) -> dict[str, str]:
    """The query parameters of a redirect, one value each."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

