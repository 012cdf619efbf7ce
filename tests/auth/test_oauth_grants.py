"""Grant rules: client authentication, PKCE S256 only, consent, code reuse, scopes, expiry, hashed storage."""

import base64
import hashlib

from sqlalchemy import select, update

from coordinator.auth.bearer import require_token
from coordinator.auth.clients import revoke_client
from coordinator.extensions import db
from coordinator.models import AuditEntry, User
from coordinator.models.oauth import OAuth2AuthorizationCode, OAuth2Client, OAuth2Token
from tests.auth import REDIRECT, approve, authorize_url, client_for, make_client, pkce_pair, query_of
from tests.factories import sign_in


def _basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def _cc_token(client, client_id, secret, scope=None):
    data = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
    return client.post("/oauth/token", data=data, headers=_basic(client_id, secret))


def _me(client, access_token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {access_token}"})


def _exchange(client, client_id, secret, code, verifier, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "code_verifier": verifier, **extra}
    return client.post("/oauth/token", data=data, headers=_basic(client_id, secret) if secret else {})


def _code(client, client_id, verifier_challenge, **extra):
    response = approve(client, authorize_url(client_id, verifier_challenge, **extra))
    assert response.status_code == 302
    return query_of(response.headers["Location"])


# ---- client authentication -------------------------------------------------------------------

def test_a_wrong_secret_is_401_invalid_client(client, parties):
    client_id, secret = client_for(parties.insurer_user)
    response = _cc_token(client, client_id, secret + "x")
    assert response.status_code == 401 and response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert _cc_token(client, "no-such-client", secret).status_code == 401


def test_client_secret_post_is_accepted_too(client, parties):
    client_id, secret = client_for(parties.employer_user)
    response = client.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id,
                                                 "client_secret": secret})
    assert response.status_code == 200 and response.json["scope"] == ("cases:read duty:write milestones:write "
                                                                      "documents:write signatures:write")


def test_a_withdrawn_client_can_neither_get_nor_use_tokens(client, parties):
    client_id, secret = client_for(parties.insurer_user)
    access = _cc_token(client, client_id, secret).json["access_token"]
    assert revoke_client(client_id) == 1
    assert _me(client, access).status_code == 401
    assert _cc_token(client, client_id, secret).status_code == 401


# ---- grants that are not offered -------------------------------------------------------------

def test_password_grant_is_not_offered(client, parties):
    client_id, secret = client_for(parties.insurer_user)
    response = client.post("/oauth/token", headers=_basic(client_id, secret),
                           data={"grant_type": "password", "username": "adj@keystone.test", "password": "x"})
    assert response.status_code == 400 and response.json["error"] == "unsupported_grant_type"


def test_implicit_grant_is_not_offered(client, parties):
    sign_in(client, parties.therapist)
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    response = client.get(authorize_url(client_id, pkce_pair()[1], response_type="token"))
    assert response.status_code == 302
    assert query_of(response.headers["Location"])["error"] == "unsupported_response_type"


def test_a_client_credentials_client_cannot_start_the_code_flow(client, parties):
    sign_in(client, parties.insurer_user)
    client_id, _ = client_for(parties.insurer_user)
    response = client.get(authorize_url(client_id, pkce_pair()[1]))
    assert response.status_code == 400 and b"redirect" in response.data.lower()


# ---- PKCE ----------------------------------------------------------------------------------------

def test_pkce_s256_is_required_even_for_confidential_clients(client, parties):
    sign_in(client, parties.therapist)
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    missing = client.get(authorize_url(client_id, None))
    plain = client.get(authorize_url(client_id, verifier, code_challenge_method="plain"))
    no_method = client.get(authorize_url(client_id, None, code_challenge=challenge))
    for response in (missing, plain, no_method):
        assert response.status_code == 302
        assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_the_code_verifier_must_match(client, parties):
    sign_in(client, parties.therapist)
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    code = _code(client, client_id, challenge)["code"]
    assert _exchange(client, client_id, secret, code, pkce_pair()[0]).json["error"] == "invalid_grant"


def test_a_public_client_without_verifier_is_refused(client, parties):
    sign_in(client, parties.therapist)
    client_id, _ = client_for(parties.therapist, public=True)
    code = _code(client, client_id, pkce_pair()[1])["code"]
    response = client.post("/oauth/token", data={"grant_type": "authorization_code", "code": code,
                                                 "redirect_uri": REDIRECT, "client_id": client_id})
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


# ---- consent -------------------------------------------------------------------------------------

def test_signed_out_users_are_sent_to_sign_in_first(client, parties):
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    response = client.get(authorize_url(client_id, pkce_pair()[1]))
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=/oauth/authorize")


def test_the_consent_page_names_the_client_organisation_and_scopes_in_words(client, parties):
    sign_in(client, parties.physician)
    client_id, _ = client_for(parties.physician, name="Practice EHR", grant_types=["authorization_code"])
    page = client.get(authorize_url(client_id, pkce_pair()[1], scope="cases:read clearances:write"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Practice EHR" in text and "Practice" in text
    assert "Record medical clearances" in text and 'name="csrf_token"' in text


def test_consent_without_csrf_token_is_refused(client, parties):
    sign_in(client, parties.therapist)
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    response = client.post(authorize_url(client_id, pkce_pair()[1]), data={"decision": "approve"})
    assert response.status_code == 400
    assert db.session.scalar(select(OAuth2AuthorizationCode)) is None


def test_deny_answers_access_denied_and_issues_no_code(client, parties):
    sign_in(client, parties.therapist)
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    response = approve(client, authorize_url(client_id, pkce_pair()[1]), decision="deny")
    answer = query_of(response.headers["Location"])
    assert response.headers["Location"].startswith(REDIRECT) and answer["error"] == "access_denied"
    assert answer["state"] == "xyz" and "code" not in answer
    assert db.session.scalar(select(OAuth2AuthorizationCode)) is None


def test_a_user_of_another_organisation_or_role_cannot_approve(app, client, parties):
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    sign_in(client, parties.other_therapist)  # same role, another clinic
    assert client.get(authorize_url(client_id, pkce_pair()[1])).status_code == 403
    colleague = app.test_client()
    sign_in(colleague, parties.case_manager)  # same clinic, another role
    assert colleague.get(authorize_url(client_id, pkce_pair()[1])).status_code == 403


def test_an_unregistered_redirect_uri_is_never_redirected_to(client, parties):
    sign_in(client, parties.therapist)
    client_id, _ = client_for(parties.therapist, grant_types=["authorization_code"])
    response = client.get(authorize_url(client_id, pkce_pair()[1], redirect_uri="https://evil.test/cb"))
    assert response.status_code == 400 and "Location" not in response.headers


# ---- code reuse, refresh, expiry ---------------------------------------------------------------

def test_a_reused_code_fails_and_revokes_what_it_issued(client, parties):
    sign_in(client, parties.therapist)
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    code = _code(client, client_id, challenge)["code"]
    first = _exchange(client, client_id, secret, code, verifier).json
    assert _me(client, first["access_token"]).status_code == 200
    again = _exchange(client, client_id, secret, code, verifier)
    assert again.status_code == 400 and again.json["error"] == "invalid_grant"
    assert _me(client, first["access_token"]).status_code == 401
    refresh = client.post("/oauth/token", headers=_basic(client_id, secret),
                          data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert refresh.json["error"] == "invalid_grant"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "oauth_family_revoked")).outcome == "denied"


def test_an_expired_code_is_refused(client, parties):
    sign_in(client, parties.therapist)
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    code = _code(client, client_id, challenge)["code"]
    db.session.execute(update(OAuth2AuthorizationCode).values(auth_time=OAuth2AuthorizationCode.auth_time - 301))
    db.session.commit()
    assert _exchange(client, client_id, secret, code, verifier).json["error"] == "invalid_grant"


def test_plain_http_off_loopback_is_refused_without_a_server_error(client, parties):
    client_id, secret = client_for(parties.insurer_user)
    response = client.post("/oauth/token", data={"grant_type": "client_credentials"},
                           headers=_basic(client_id, secret), base_url="http://coordinator.example")
    assert response.status_code == 400 and response.json["error"] == "insecure_transport"


def test_refresh_rotates_and_the_old_refresh_token_is_refused(client, parties):
    sign_in(client, parties.therapist)
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    first = _exchange(client, client_id, secret, _code(client, client_id, challenge)["code"], verifier).json
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = client.post("/oauth/token", headers=_basic(client_id, secret), data=data).json
    assert second["refresh_token"] != first["refresh_token"] and _me(client, second["access_token"]).status_code == 200
    assert _me(client, first["access_token"]).status_code == 401  # rotation ends the old access token too
    reused = client.post("/oauth/token", headers=_basic(client_id, secret), data=data)
    assert reused.status_code == 400 and reused.json["error"] == "invalid_grant"


def test_an_expired_access_token_is_refused(client, parties):
    client_id, secret = client_for(parties.insurer_user)
    access = _cc_token(client, client_id, secret).json["access_token"]
    db.session.execute(update(OAuth2Token).values(issued_at=OAuth2Token.issued_at - 3601))
    db.session.commit()
    response = _me(client, access)
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_missing_token_gets_a_bare_bearer_challenge(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == 'Bearer realm="coordinator"'
    assert response.mimetype == "application/problem+json"


def test_a_deactivated_user_s_tokens_stop_working(client, parties):
    sign_in(client, parties.therapist)
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    token = _exchange(client, client_id, secret, _code(client, client_id, challenge)["code"], verifier).json
    db.session.get(User, parties.therapist.user_id).active = False
    db.session.commit()
    assert _me(client, token["access_token"]).status_code == 401


# ---- scopes --------------------------------------------------------------------------------------

def test_a_client_gets_only_the_scopes_it_holds_or_invalid_scope(client, parties):
    client_id, secret = client_for(parties.employer_user)
    partly = _cc_token(client, client_id, secret, scope="cases:read clearances:write")
    assert partly.status_code == 200 and partly.json["scope"] == "cases:read"
    assert _cc_token(client, client_id, secret, scope="clearances:write").json["error"] == "invalid_scope"
    assert _cc_token(client, client_id, secret, scope="admin:everything").json["error"] == "invalid_scope"


def test_require_token_answers_403_insufficient_scope(app, client, parties):
    client_id, secret = client_for(parties.employer_user)
    access = _cc_token(client, client_id, secret, scope="duty:write").json["access_token"]
    view = require_token("cases:read", "duty:write")(lambda: "ran")
    with app.test_request_context(headers={"Authorization": f"Bearer {access}"}):
        refused = view()
    assert refused.status_code == 403
    assert refused.headers["WWW-Authenticate"].endswith('error="insufficient_scope", scope="cases:read duty:write"')
    with app.test_request_context(headers={"Authorization": f"Bearer {access}"}):
        assert require_token("duty:write")(lambda: "ran")() == "ran"


# ---- introspection ------------------------------------------------------------------------------

def test_introspection_is_for_the_token_s_client_or_its_organisation(client, parties):
    client_id, secret = client_for(parties.insurer_user)
    access = _cc_token(client, client_id, secret).json["access_token"]
    sibling = make_client(parties.insurer.id, "insurer")
    stranger = make_client(parties.other_insurer.id, "insurer")
    answers = [client.post("/oauth/introspect", data={"token": access}, headers=_basic(*who)).json
               for who in ((client_id, secret), sibling, stranger)]
    assert answers[0]["active"] and answers[0]["org_id"] == parties.insurer.id and answers[0]["role"] == "insurer"
    assert answers[1]["active"] and answers[2] == {"active": False}


def test_a_public_client_cannot_introspect(client, parties):
    client_id, _ = client_for(parties.therapist, public=True)
    response = client.post("/oauth/introspect", data={"token": "anything", "client_id": client_id})
    assert response.status_code in (400, 401) and response.json["error"] == "invalid_client"


# ---- storage ------------------------------------------------------------------------------------

def _all_values(row) -> str:
    return " ".join(str(getattr(row, c.key)) for c in row.__table__.columns)


def test_secrets_tokens_and_codes_are_stored_only_as_hashes(client, parties):
    sign_in(client, parties.therapist)
    client_id, secret = client_for(parties.therapist, grant_types=["authorization_code", "client_credentials"])
    verifier, challenge = pkce_pair()
    code = _code(client, client_id, challenge)["code"]
    issued = [_exchange(client, client_id, secret, code, verifier).json, _cc_token(client, client_id, secret).json]
    stored = " ".join(_all_values(r) for model in (OAuth2Client, OAuth2AuthorizationCode, OAuth2Token)
                      for r in db.session.scalars(select(model)))
    plain = [secret, code] + [t[k] for t in issued for k in ("access_token", "refresh_token") if k in t]
    assert len(plain) == 5 and not [value for value in plain if value in stored]
    assert hashlib.sha256(issued[1]["access_token"].encode()).hexdigest() in stored
