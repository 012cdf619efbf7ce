"""Bearer tokens for API tests, issued by the real token endpoint: client credentials for an organisation's
system, and a signed-in user's (authorization code with PKCE: physicians and workers hold no other)."""

import base64

import pytest

from tests.auth import REDIRECT, approve, authorize_url, client_for, pkce_pair, query_of
from tests.factories import sign_in


@pytest.fixture
def bearer(client):
    """A factory: headers with a client-credentials token for the actor's organisation and role."""

    def make(actor, scope: str = "cases:read cases:write") -> dict:
        client_id, secret = client_for(actor)
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        answer = client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": scope},
                             headers={"Authorization": f"Basic {basic}"})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return {"Authorization": f"Bearer {answer.json['access_token']}"}

    return make


@pytest.fixture
def user_bearer(app, ctx):
    """A factory: headers with an authorization-code token of a signed-in user (physicians have no CC client)."""

    def make(actor, scope: str) -> dict:
        browser = app.test_client()
        sign_in(browser, actor)
        client_id, secret = client_for(actor, grant_types=["authorization_code"])
        verifier, challenge = pkce_pair()
        code = query_of(approve(browser, authorize_url(client_id, challenge, scope=scope)).headers["Location"])["code"]
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        answer = browser.post("/oauth/token", headers={"Authorization": f"Basic {basic}"},
                              data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                    "code_verifier": verifier})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return {"Authorization": f"Bearer {answer.json['access_token']}"}

    return make
