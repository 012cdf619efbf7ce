"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock) served on 127.0.0.1 in a thread.

The coordinator is served over real HTTP too, and `requests` plays the browser: it follows the
redirects and submits the provider's authorization form, so state, nonce, PKCE and cookies are real.
"""

import base64
import hashlib
import io
import json
import socket
import threading
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import oidc_provider_mock
import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from coordinator import create_app
from coordinator.extensions import db
from coordinator.models import AuditEntry, ExternalIdentity, User, UserSession

CLIENT_ID = "coordinator-test"
CLIENT_SECRET = "test-client-secret"


class _TokenRequestRecorder:
    """WSGI middleware keeping each token request's form, to check the PKCE verifier really sent."""

    def __init__(self, app):
        self.app, self.token_requests = app, []

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/oauth2/token":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            self.token_requests.append(parse_qs(body.decode()))
            environ["wsgi.input"] = io.BytesIO(body)  # the provider reads the same body
        return self.app(environ, start_response)


@contextmanager
def _serve(wsgi_app):
    """Serve a WSGI app over HTTP on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _app_config(app, **oidc) -> dict:
    """The session app's test settings (same database) plus the given OIDC settings."""
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test", "SESSION_COOKIE_SECURE": False, "DEVELOPMENT": True, **oidc}


@contextmanager
def _sso_app(app, **oidc):
    """A coordinator app with OIDC configured on the test database; its connections closed after."""
    sso_app = create_app(_app_config(app, **oidc))
    try:
        yield sso_app
    finally:
        with sso_app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def provider():
    """A real OpenID Connect provider on 127.0.0.1; its issuer is its base URL."""
    recorder = _TokenRequestRecorder(oidc_provider_mock.app())
    with _serve(recorder) as url:
        yield SimpleNamespace(issuer=url, recorder=recorder)


@pytest.fixture(scope="module")
def sso_app(app, provider):
    """The coordinator with SSO on (a trailing slash in the setting, as some providers publish it)."""
    with _sso_app(app, OIDC_ISSUER=provider.issuer + "/", OIDC_CLIENT_ID=CLIENT_ID,
                  OIDC_CLIENT_SECRET=CLIENT_SECRET) as sso_app:
        yield sso_app


@pytest.fixture
def coordinator(sso_app, ctx):
    """The SSO-enabled coordinator served over HTTP; the database is emptied after each test."""
    with _serve(sso_app) as url:
        yield url


@pytest.fixture
def browser():
    """A cookie-keeping HTTP client standing in for the person's browser."""
    with requests.Session() as session:
        yield session


def _link(actor, issuer: str, subject: str) -> ExternalIdentity:
    """Link a test user to an account at the provider."""
    identity = ExternalIdentity(user_id=actor.user_id, issuer=issuer, subject=subject)
    db.session.add(identity)
    db.session.commit()
    return identity


def _set_provider_user(provider, subject: str, claims: dict) -> None:
    """Create or replace an account at the provider with the given claims."""
    response = requests.put(f"{provider.issuer}/users/{subject}", json=claims, timeout=5)
    assert response.status_code == 204


def _sso(browser, coordinator: str, subject: str, next_: str | None = None) -> requests.Response:
    """Start SSO at the coordinator, authorize at the provider's form as `subject`, follow back."""
    form = browser.get(f"{coordinator}/login/sso", params={"next": next_} if next_ else None, timeout=10)
    assert form.status_code == 200 and "Authorize Client" in form.text, form.text
    return browser.post(form.url, data={"sub": subject}, timeout=10)


def _signed_in(browser, coordinator: str) -> bool:
    """Whether the start page (which needs sign-in) opens instead of redirecting to /login."""
    return browser.get(f"{coordinator}/", allow_redirects=False, timeout=10).status_code == 200


def _fresh():
    """End the test's read transaction so rows written by the served app are visible."""
    db.session.rollback()
    return db.session


# ---- the happy path ------------------------------------------------------------------------------


def test_a_linked_user_signs_in_through_the_provider(coordinator, browser, provider, parties):
    identity = _link(parties.therapist, provider.issuer, "ext-therapist-1")
    assert not _signed_in(browser, coordinator)
    final = _sso(browser, coordinator, "ext-therapist-1", next_="/healthz")
    assert final.status_code == 200 and final.url == f"{coordinator}/healthz"
    assert _signed_in(browser, coordinator)
    row = _fresh().scalar(select(UserSession))
    assert row.user_id == parties.therapist.user_id and row.auth_method == "oidc"
    assert db.session.get(ExternalIdentity, identity.id).last_login_at is not None


def test_a_successful_sso_login_is_audited_with_ids_only(coordinator, browser, provider, parties):
    identity = _link(parties.therapist, provider.issuer, "ext-therapist-2")
    _set_provider_user(provider, "ext-therapist-2", {"email": "t@clinic.test", "name": "Terry Therapist"})
    _sso(browser, coordinator, "ext-therapist-2")
    entry = _fresh().scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert (entry.category, entry.outcome, entry.actor_user_id) == ("identity", "ok", parties.therapist.user_id)
    assert entry.detail == {"method": "oidc", "identity_id": identity.id}
    assert "clinic.test" not in json.dumps(entry.detail) and "Terry" not in json.dumps(entry.detail)


def test_next_may_not_leave_the_site(coordinator, browser, provider, parties):
    _link(parties.therapist, provider.issuer, "ext-therapist-3")
    final = _sso(browser, coordinator, "ext-therapist-3", next_="https://evil.test/")
    assert final.url == f"{coordinator}/" and final.status_code == 200


def test_the_login_page_offers_sso_when_configured(coordinator, browser):
    page = browser.get(f"{coordinator}/login", timeout=10)
    assert page.status_code == 200 and 'href="/login/sso"' in page.text


# ---- matching by issuer and subject only ---------------------------------------------------------


def test_an_unlinked_subject_is_refused_even_with_a_matching_email(coordinator, browser, provider, parties):
    _link(parties.therapist, provider.issuer, "ext-therapist-4")
    # the provider vouches for the local user's e-mail, verified, but under another subject
    _set_provider_user(provider, "someone-else", {"email": "t@clinic.test", "email_verified": True})
    final = _sso(browser, coordinator, "someone-else")
    assert final.status_code == 403 and "not linked" in final.text
    assert not _signed_in(browser, coordinator)
    assert _fresh().scalar(select(UserSession)) is None
    assert db.session.scalars(select(ExternalIdentity)).all()[0].subject == "ext-therapist-4"  # no auto-link
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login"))
    assert entry.outcome == "denied" and entry.detail == {"method": "oidc", "reason": "not_linked"}


def test_a_subject_linked_under_another_issuer_is_refused(coordinator, browser, provider, parties):
    _link(parties.therapist, "https://other-provider.test", "ext-therapist-5")
    final = _sso(browser, coordinator, "ext-therapist-5")
    assert final.status_code == 403 and not _signed_in(browser, coordinator)


def test_an_inactive_user_is_refused(coordinator, browser, provider, parties):
    _link(parties.therapist, provider.issuer, "ext-therapist-6")
    db.session.get(User, parties.therapist.user_id).active = False
    db.session.commit()
    final = _sso(browser, coordinator, "ext-therapist-6")
    assert final.status_code == 403 and "disabled" in final.text
    assert _fresh().scalar(select(UserSession)) is None


# ---- PKCE, state and nonce -----------------------------------------------------------------------


def test_the_authorization_request_carries_pkce_s256_state_and_nonce(coordinator, browser, provider, parties):
    _link(parties.therapist, provider.issuer, "ext-therapist-7")
    start = browser.get(f"{coordinator}/login/sso", allow_redirects=False, timeout=10)
    assert start.status_code == 302
    location = start.headers["Location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert location.startswith(f"{provider.issuer}/oauth2/authorize?")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["client_id"] == CLIENT_ID
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == f"{coordinator}/login/sso/callback"
    browser.get(location, timeout=10)
    final = browser.post(location, data={"sub": "ext-therapist-7"}, timeout=10)
    assert final.status_code == 200 and _signed_in(browser, coordinator)
    verifier = provider.recorder.token_requests[-1]["code_verifier"][0]
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == query["code_challenge"]


def test_a_forged_state_is_refused(coordinator, browser, provider, parties):
    _link(parties.therapist, provider.issuer, "ext-therapist-8")
    browser.get(f"{coordinator}/login/sso", allow_redirects=False, timeout=10)  # a real state in the cookie
    answer = browser.get(f"{coordinator}/login/sso/callback", params={"code": "x", "state": "forged"}, timeout=10)
    assert answer.status_code == 400 and "expired" in answer.text
    assert not _signed_in(browser, coordinator)


def test_a_callback_without_a_started_sign_in_is_refused(coordinator, browser):
    answer = browser.get(f"{coordinator}/login/sso/callback", params={"code": "x", "state": "y"}, timeout=10)
    assert answer.status_code == 400


# ---- provider errors -----------------------------------------------------------------------------


def test_access_denied_at_the_provider_shows_the_error_page(coordinator, browser):
    form = browser.get(f"{coordinator}/login/sso", timeout=10)
    answer = browser.post(form.url, data={"action": "deny"}, timeout=10)
    assert urlsplit(answer.url).path == "/login/sso/callback"
    assert answer.status_code == 400
    assert "Sign-in was not completed" in answer.text and "access_denied" in answer.text
    assert not _signed_in(browser, coordinator)


def test_a_code_the_provider_refuses_to_exchange_gives_a_502(coordinator, browser, provider, parties):
    _link(parties.therapist, provider.issuer, "ext-therapist-9")
    start = browser.get(f"{coordinator}/login/sso", allow_redirects=False, timeout=10)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    answer = browser.get(f"{coordinator}/login/sso/callback", params={"code": "bogus", "state": state}, timeout=10)
    assert answer.status_code == 502 and "could not be accepted" in answer.text
    assert not _signed_in(browser, coordinator)


def _closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_provider_gives_a_502(app, ctx):
    issuer = f"http://127.0.0.1:{_closed_port()}"
    with _sso_app(app, OIDC_ISSUER=issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET="") as down:
        response = down.test_client().get("/login/sso")
    assert response.status_code == 502 and "cannot be reached" in response.get_data(as_text=True)


# ---- configuration -------------------------------------------------------------------------------


def test_sso_routes_do_not_exist_without_configuration(client):
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert "/login/sso" not in client.get("/login").get_data(as_text=True)


def test_an_issuer_without_a_client_id_is_a_startup_error(app):
    with pytest.raises(RuntimeError, match="OIDC_CLIENT_ID"):
        create_app(_app_config(app, OIDC_ISSUER="https://id.example.test", OIDC_CLIENT_ID=""))


# ---- the link commands ---------------------------------------------------------------------------


def _cli(runner, *args):
    """Run `flask users …`; returns (exit code, output)."""
    result = runner.invoke(args=["users", *args])
    return result.exit_code, result.output


def test_link_identity_prints_json_and_is_idempotent(runner, parties):
    args = ("link-identity", "--email", "T@Clinic.test", "--issuer", "https://id.example.test/",
            "--subject", "AbC-123")
    code, out = _cli(runner, *args)
    assert code == 0, out
    linked = json.loads(out)
    assert linked["user_id"] == parties.therapist.user_id and linked["created"] is True
    assert (linked["issuer"], linked["subject"]) == ("https://id.example.test", "AbC-123")  # case kept
    code, out = _cli(runner, *args)
    assert code == 0 and json.loads(out)["created"] is False
    assert len(_fresh().scalars(select(ExternalIdentity)).all()) == 1


def test_link_identity_refuses_an_unknown_email_or_a_pair_linked_to_another_user(runner, parties):
    pair = ("--issuer", "https://id.example.test", "--subject", "sub-1")
    code, out = _cli(runner, "link-identity", "--email", "nobody@x.test", *pair)
    assert code != 0 and "no user" in out
    assert _cli(runner, "link-identity", "--email", "t@clinic.test", *pair)[0] == 0
    code, out = _cli(runner, "link-identity", "--email", "cm@clinic.test", *pair)
    assert code != 0 and "another user" in out


def test_link_identity_refuses_an_issuer_that_is_not_a_url(runner, parties):
    code, out = _cli(runner, "link-identity", "--email", "t@clinic.test", "--issuer", "id.example",
                     "--subject", "s")
    assert code != 0 and "issuer URL" in out


def test_unlink_identity_removes_the_link(runner, parties):
    pair = ("--issuer", "https://id.example.test", "--subject", "sub-2")
    _cli(runner, "link-identity", "--email", "t@clinic.test", *pair)
    code, out = _cli(runner, "unlink-identity", *pair)
    assert code == 0 and json.loads(out)["unlinked"] is True
    assert _fresh().scalar(select(ExternalIdentity)) is None
    code, out = _cli(runner, "unlink-identity", *pair)
    assert code != 0 and "not linked" in out


def test_the_sso_routes_are_throttled_per_address_like_the_password_form(coordinator, browser):
    codes = [browser.get(f"{coordinator}/login/sso/callback", params={"code": "x", "state": "y"},
                         timeout=10).status_code for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
