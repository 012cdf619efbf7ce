"""Bearer tokens for API tests, issued by the real token endpoint."""

import base64

import pytest

from tests.auth import client_for


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
