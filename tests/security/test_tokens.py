"""Tokens after revocation (RFC 7009), beyond tests/auth: refused by every operation, a refresh token's revocation
ends its access token, and no client revokes another's token.

Already in tests/auth: a revoked client-credentials token is refused on /me; a refresh token used twice is
refused and revokes its whole family."""

import base64
import re

from coordinator.auth.scopes import scopes_for_role
from tests.auth import REDIRECT, approve, authorize_url, client_for, pkce_pair, query_of
from tests.factories import sign_in
from tests.services.journey import opened


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def refused(answer) -> bool:
    """A 401 naming the token as invalid (RFC 6750), not a missing one."""
    return answer.status_code == 401 and 'error="invalid_token"' in answer.headers.get("WWW-Authenticate", "")


def test_a_revoked_access_token_is_refused_by_every_operation(client, parties, referral):
    case_id = opened(parties, referral)
    client_id, secret = client_for(parties.case_manager)
    scope = " ".join(sorted(scopes_for_role("case_manager")))
    token = client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": scope},
                        headers=basic(client_id, secret)).json["access_token"]
    assert client.get(f"/api/v1/cases/{case_id}", headers=bearer(token)).status_code == 200
    answer = client.post("/oauth/revoke", data={"token": token, "token_type_hint": "access_token"},
                         headers=basic(client_id, secret))
    assert answer.status_code == 200
    spec = client.get("/api/v1/openapi.json").json
    operations = [(method, re.sub(r"{\w+}", str(case_id), path)) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")]
    assert len(operations) >= 30
    still = [(m, url) for m, url in operations
             if not refused(client.open(url, method=m.upper(), json={}, headers={**bearer(token), "If-Match": '"1"'}))]
    assert not still, f"operations taking a revoked token: {still}"


def code_flow_token(client, actor) -> tuple[str, str, dict]:
    """A signed-in user's access and refresh tokens from the code flow; with the client's credentials."""
    sign_in(client, actor)
    client_id, secret = client_for(actor, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    code = query_of(approve(client, authorize_url(client_id, challenge)).headers["Location"])["code"]
    token = client.post("/oauth/token", headers=basic(client_id, secret), data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier}).json
    return token["access_token"], token["refresh_token"], basic(client_id, secret)


def test_revoking_a_refresh_token_ends_its_access_token_and_it_cannot_refresh(client, parties):
    access, refresh, credentials = code_flow_token(client, parties.therapist)
    assert client.get("/api/v1/me", headers=bearer(access)).status_code == 200
    answer = client.post("/oauth/revoke", data={"token": refresh, "token_type_hint": "refresh_token"},
                         headers=credentials)
    assert answer.status_code == 200
    assert refused(client.get("/api/v1/me", headers=bearer(access)))
    again = client.post("/oauth/token", data={"grant_type": "refresh_token", "refresh_token": refresh},
                        headers=credentials)
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"


def test_a_client_cannot_revoke_a_token_issued_to_another(client, parties):
    access, refresh, _ = code_flow_token(client, parties.therapist)
    sibling = client_for(parties.therapist)          # same organisation and role, another client
    for token in (access, refresh):
        answer = client.post("/oauth/revoke", data={"token": token}, headers=basic(*sibling))
        assert answer.status_code == 400 and answer.json["error"] == "invalid_grant"
    assert client.get("/api/v1/me", headers=bearer(access)).status_code == 200
