"""A workers' app: a client of no organisation that acts for whichever worker signs in (authorization code with
PKCE), reading only that worker's case and answering their offer; never client credentials."""

from coordinator.extensions import db
from coordinator.models import Case
from tests.auth import REDIRECT
from tests.services.journey import to_program


def test_a_workers_app_reads_only_its_worker_s_case(client, parties, referral, user_bearer):
    own = to_program(parties, referral)
    other = to_program(parties, referral, claim_number="CLM-2")
    db.session.get(Case, own).worker_id = parties.worker.user_id
    db.session.get(Case, other).worker_id = parties.other_worker.user_id
    db.session.commit()
    headers = user_bearer(parties.worker, "cases:read duty:write")   # the worker signs in, approves the app
    me = client.get("/api/v1/me", headers=headers).json
    assert me["role"] == "worker" and me["org_id"] is None and me["user_id"] == parties.worker.user_id
    listed = client.get("/api/v1/cases", headers=headers).json
    assert [c["id"] for c in listed["items"]] == [own]
    assert client.get(f"/api/v1/cases/{own}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/cases/{other}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{other}/timeline", headers=headers).status_code == 404


def test_a_workers_app_cannot_use_client_credentials_nor_hold_a_clinic_s_scope(parties):
    from coordinator.auth.clients import ClientError, create_client

    for wanted in ({"grant_types": ["client_credentials"]},
                   {"grant_types": ["authorization_code"], "redirect_uris": [REDIRECT], "scopes": ["sessions:write"]}):
        try:
            create_client(None, "worker", **wanted)
        except ClientError:
            continue
        raise AssertionError(f"a workers' app was registered with {wanted}")
