"""Bearer tokens for the security tests: client credentials (the API tests' own fixture) and a signed-in user's."""

import base64

import pytest

from tests.api.conftest import bearer  # noqa: F401  (the API tests' fixture, shared here)
from tests.auth import REDIRECT, approve, authorize_url, client_for, pkce_pair, query_of
from tests.factories import sign_in


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
