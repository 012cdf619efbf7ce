"""The authorization server driven by a real OAuth client (Authlib's OAuth2Session) over HTTP on 127.0.0.1."""

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.base_client import OAuthError
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata

from coordinator.extensions import db
from coordinator.services.cases import open_case
from tests.auth import REDIRECT, client_for, make_client, pkce_pair
from tests.factories import PASSWORD, csrf_token, set_password


def test_metadata_document_describes_only_what_is_offered(live_server):
    document = requests.get(f"{live_server}/.well-known/oauth-authorization-server", timeout=10).json()
    AuthorizationServerMetadata(document).validate()
    assert document["issuer"] == live_server
    assert document["token_endpoint"] == f"{live_server}/oauth/token"
    assert document["revocation_endpoint"] == f"{live_server}/oauth/revoke"
    assert document["introspection_endpoint"] == f"{live_server}/oauth/introspect"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["response_types_supported"] == ["code"]
    assert set(document["grant_types_supported"]) == {"authorization_code", "client_credentials", "refresh_token"}
    assert {"cases:read", "clearances:write", "duty:write"} <= set(document["scopes_supported"])


def test_client_credentials_token_works_until_revoked(live_server, parties):
    client_id, secret = client_for(parties.insurer_user)
    session = OAuth2Session(client_id, secret, scope="cases:read")
    token = session.fetch_token(f"{live_server}/oauth/token", grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and token["scope"] == "cases:read" and "refresh_token" not in token

    me = session.get(f"{live_server}/api/v1/me", timeout=10)
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"
    assert me.json() == {"client_id": client_id, "role": "insurer", "org_id": parties.insurer.id,
                         "user_id": None, "scopes": ["cases:read"]}
    assert session.introspect_token(f"{live_server}/oauth/introspect", token=token["access_token"]).json()["active"]

    revoked = session.revoke_token(f"{live_server}/oauth/revoke", token=token["access_token"],
                                   token_type_hint="access_token")
    assert revoked.status_code == 200
    refused = session.get(f"{live_server}/api/v1/me", timeout=10)
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    answer = session.introspect_token(f"{live_server}/oauth/introspect", token=token["access_token"]).json()
    assert answer == {"active": False}


def _signed_in_browser(base: str, actor) -> requests.Session:
    """A requests session signed in through the real form (CSRF token parsed from the page)."""
    email = set_password(actor)
    browser = requests.Session()
    form = browser.get(f"{base}/login", timeout=10).text
    response = browser.post(f"{base}/login", data={"email": email, "password": PASSWORD,
                                                   "csrf_token": csrf_token(form)}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text
    return browser


def _consent(browser: requests.Session, url: str) -> str:
    """Open the consent page, press Approve, and return the redirect to the client (not followed)."""
    page = browser.get(url, timeout=10)
    assert page.status_code == 200 and "Approve" in page.text, page.text
    answer = browser.post(page.url, data={"csrf_token": csrf_token(page.text), "decision": "approve"},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def _code_flow(base: str, actor, client_id: str, secret: str | None, scope="cases:read sessions:write"):
    """Run the authorization-code flow with PKCE S256 for a signed-in user; returns (session, token)."""
    browser = _signed_in_browser(base, actor)
    verifier, _ = pkce_pair()
    oauth = OAuth2Session(client_id, secret, scope=scope, redirect_uri=REDIRECT, code_challenge_method="S256",
                          token_endpoint_auth_method="client_secret_basic" if secret else "none")
    url, _state = oauth.create_authorization_url(f"{base}/oauth/authorize", code_verifier=verifier)
    callback = _consent(browser, url)
    assert callback.startswith(REDIRECT + "?code=")
    token = oauth.fetch_token(f"{base}/oauth/token", authorization_response=callback, code_verifier=verifier)
    return oauth, token


def test_authorization_code_with_pkce_acts_for_the_signed_in_user(live_server, parties):
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code"])
    oauth, token = _code_flow(live_server, parties.therapist, client_id, secret)
    assert token["scope"] == "cases:read sessions:write" and token["refresh_token"]
    me = oauth.get(f"{live_server}/api/v1/me", timeout=10).json()
    assert me == {"client_id": client_id, "role": "therapist", "org_id": parties.clinic.id,
                  "user_id": parties.therapist.user_id, "scopes": ["cases:read", "sessions:write"]}


def test_a_public_client_uses_pkce_without_secret_and_rotates_refresh_tokens(live_server, parties):
    client_id, secret = client_for(parties.case_manager, public=True)
    assert secret is None
    oauth, first = _code_flow(live_server, parties.case_manager, client_id, None, scope="cases:read")
    second = oauth.refresh_token(f"{live_server}/oauth/token", refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    assert oauth.get(f"{live_server}/api/v1/me", timeout=10).status_code == 200

    # the old refresh token was rotated out; presenting it again looks like theft: the whole family ends
    with pytest.raises(OAuthError) as refused:
        oauth.refresh_token(f"{live_server}/oauth/token", refresh_token=first["refresh_token"])
    assert refused.value.error == "invalid_grant"
    assert oauth.get(f"{live_server}/api/v1/me", timeout=10).status_code == 401


def test_a_token_of_one_organisation_cannot_reach_another_organisations_case(app, live_server, parties, referral):
    case = open_case(parties.case_manager, referral())
    db.session.commit()
    own = OAuth2Session(*client_for(parties.insurer_user), scope="cases:read")
    other = OAuth2Session(*make_client(parties.other_insurer.id, "insurer"), scope="cases:read")
    for session in (own, other):
        session.fetch_token(f"{live_server}/oauth/token", grant_type="client_credentials")
    assert own.get(f"{live_server}/api/v1/cases/{case.id}", timeout=10).status_code == 200
    assert other.get(f"{live_server}/api/v1/cases/{case.id}", timeout=10).status_code == 404
    listed = other.get(f"{live_server}/api/v1/cases", timeout=10).json()
    assert listed["items"] == [] and listed["total"] == 0
    employer = OAuth2Session(*make_client(parties.employer.id, "employer"), scope="cases:read")
    employer.fetch_token(f"{live_server}/oauth/token", grant_type="client_credentials")
    seen = employer.get(f"{live_server}/api/v1/cases/{case.id}", timeout=10)
    assert seen.status_code == 200 and "diagnosis_code" not in seen.json()
    assert case.diagnosis_text not in seen.text


def test_token_endpoint_is_throttled_with_a_json_problem(app, client):
    app.config["TOKEN_RATE_LIMITS"] = "2 per minute"
    try:
        codes = [client.post("/oauth/token", data={"grant_type": "client_credentials"}).status_code
                 for _ in range(3)]
        assert codes[:2] == [401, 401] or codes[:2] == [400, 400]
        last = client.post("/oauth/token", data={"grant_type": "client_credentials"})
        assert last.status_code == 429 and last.mimetype == "application/problem+json"
    finally:
        app.config["TOKEN_RATE_LIMITS"] = "60 per minute"
