"""Sign-in, sessions, throttling, CSRF and security headers for the portals."""

import json
from datetime import timedelta

from sqlalchemy import select, update

from coordinator.extensions import db
from coordinator.models import AuditEntry, User, UserSession
from tests.factories import PASSWORD, csrf_token, set_password, sign_in


def test_sign_in_with_the_right_password_opens_a_session(client, parties):
    response = sign_in(client, parties.therapist)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    row = db.session.scalar(select(UserSession))
    assert row.user_id == parties.therapist.user_id and row.revoked_at is None


def test_wrong_password_is_refused_and_audited(client, parties):
    email = set_password(parties.therapist)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": "wrong password!", "csrf_token": token})
    assert response.status_code == 401 and "wrong" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.outcome == "denied" and "wrong password" not in json.dumps(entry.detail)


def test_passwords_are_stored_as_argon2id_hashes(parties):
    set_password(parties.therapist)
    stored = db.session.get(User, parties.therapist.user_id).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_post_without_csrf_token_is_refused(client, parties):
    email = set_password(parties.therapist)
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(client, parties):
    sign_in(client, parties.therapist)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_brute_force_sign_in_is_throttled_without_locking_the_account(app, client, parties):
    email = set_password(parties.therapist)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    codes = [client.post("/login", data={"email": email, "password": f"guess {i} xxxxxx", "csrf_token": token}).status_code
             for i in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    throttled = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert throttled.status_code == 429 and "not locked" in throttled.get_data(as_text=True)
    from coordinator.extensions import limiter

    limiter.reset()  # the window passes: the right password works again, nothing was locked
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302


def test_sign_in_issues_a_new_session_token_against_fixation(client, parties):
    client.get("/login")
    before = client.get_cookie("coordinator")
    sign_in(client, parties.therapist)
    after = client.get_cookie("coordinator")
    assert before is None or before.value != after.value


def test_logout_ends_the_session_on_the_server(app, client, parties):
    sign_in(client, parties.therapist)
    stolen = client.get_cookie("coordinator").value
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("coordinator", stolen)
    assert replay.get("/").status_code == 302   # the old cookie no longer signs anyone in
    assert db.session.scalar(select(UserSession.revoked_reason)) == "logout"


def test_an_administrators_revoke_ends_every_session(client, runner, parties):
    sign_in(client, parties.therapist)
    result = runner.invoke(args=["users", "revoke-sessions", "--email", "t@clinic.test"])
    assert json.loads(result.output)["revoked"] == 1
    assert client.get("/").status_code == 302


def test_idle_session_times_out(client, parties):
    sign_in(client, parties.therapist)
    row = db.session.scalar(select(UserSession))
    row.last_seen_at -= timedelta(minutes=31)
    db.session.commit()
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(UserSession.revoked_reason)) == "idle_timeout"


def test_session_expires_after_the_absolute_limit_even_when_active(client, parties):
    sign_in(client, parties.therapist)
    db.session.execute(update(UserSession).values(expires_at=UserSession.created_at))
    db.session.commit()
    assert client.get("/").status_code == 302
    assert db.session.scalar(select(UserSession.revoked_reason)) == "absolute_timeout"


def test_inactive_user_cannot_sign_in(client, parties):
    email = set_password(parties.therapist)
    db.session.get(User, parties.therapist.user_id).active = False
    db.session.commit()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 401


def test_sign_in_never_redirects_off_site(client, parties):
    email = set_password(parties.therapist)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/x", data={"email": email, "password": PASSWORD,
                                                                 "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_pages_carry_security_headers_and_no_store(client, parties):
    login_cookie = sign_in(client, parties.therapist).headers.get("Set-Cookie", "")
    assert "HttpOnly" in login_cookie and "SameSite=Lax" in login_cookie
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_cookies_are_secure_outside_local_development(monkeypatch):
    from coordinator.config import Config

    monkeypatch.delenv("COORDINATOR_ENV", raising=False)
    monkeypatch.delenv("COORDINATOR_SECURE_COOKIES", raising=False)
    assert Config().SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("COORDINATOR_ENV", "development")
    assert Config().SESSION_COOKIE_SECURE is False


def test_users_create_reads_the_password_from_stdin(runner, parties):
    result = runner.invoke(args=["users", "create", "--org", "acme", "--role", "employer", "--email", "new@acme.test"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["password"] is True
    short = runner.invoke(args=["users", "create", "--org", "acme", "--role", "employer", "--email", "n2@acme.test"],
                          input="short\n")
    assert short.exit_code != 0 and "12 characters" in short.output
