"""Portal sessions: a cookie from before sign-in never carries the session; an ended session reaches no page."""

import json

import pytest
from flask import url_for
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import UserSession
from coordinator.portals import PORTALS
from tests.factories import PASSWORD, csrf_token, set_password, sign_in
from tests.services.journey import opened

COOKIE = "coordinator"


def session_of(app, cookie: str) -> dict:
    """What a session cookie holds (it is signed, not encrypted)."""
    return app.session_interface.get_signing_serializer(app).loads(cookie)


def test_a_cookie_planted_before_sign_in_never_carries_the_session(app, parties):
    attacker = app.test_client()
    attacker.get("/login")
    planted = attacker.get_cookie(COOKIE).value          # a genuine, signed, signed-out session
    victim = app.test_client()
    victim.set_cookie(COOKIE, planted)
    assert sign_in(victim, parties.therapist).status_code == 302
    issued = victim.get_cookie(COOKIE).value
    assert issued != planted and "sid" not in session_of(app, planted) and session_of(app, issued)["sid"]
    assert attacker.get("/therapist/").status_code == 302   # the planted cookie is still signed out
    assert victim.get("/therapist/").status_code == 200


def test_signing_in_over_a_live_session_ends_it(app, parties):
    browser = app.test_client()
    sign_in(browser, parties.case_manager)
    first = browser.get_cookie(COOKIE).value
    email = set_password(parties.therapist)
    token = csrf_token(browser.get("/").get_data(as_text=True))
    assert browser.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    assert session_of(app, browser.get_cookie(COOKIE).value)["sid"] != session_of(app, first)["sid"]
    replay = app.test_client()
    replay.set_cookie(COOKIE, first)
    assert replay.get("/case-manager/").status_code == 302
    assert db.session.scalars(select(UserSession.revoked_reason).order_by(UserSession.id)).all() == ["replaced", None]


def signed_in_pages(app, case_id: int) -> list[str]:
    """Every GET page that needs a signed-in user: the start page and all of every portal, with a case's id."""
    values = {"case_id": case_id, "slug": "session", "subject_id": 1, "document_id": 1}
    with app.test_request_context():
        return sorted({url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
                       for rule in app.url_map.iter_rules() if "GET" in rule.methods
                       and (rule.endpoint == "home.index" or rule.endpoint.split(".")[0] in PORTALS.values())})


def end_by_logout(browser, runner):
    token = csrf_token(browser.get("/").get_data(as_text=True))
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 302


def end_by_administrator(browser, runner):
    result = runner.invoke(args=["users", "revoke-sessions", "--email", "t@clinic.test"])
    assert json.loads(result.output)["revoked"] == 1


@pytest.mark.parametrize("end", [end_by_logout, end_by_administrator], ids=["logout", "revoke-sessions"])
def test_an_ended_session_s_cookie_reaches_no_page_and_never_the_api(app, runner, parties, referral, end):
    case_id = opened(parties, referral)
    browser = app.test_client()
    sign_in(browser, parties.therapist)
    saved = browser.get_cookie(COOKIE).value
    pages = signed_in_pages(app, case_id)
    assert len(pages) >= 5 * 8
    login = "/login?next="
    assert not [p for p in pages if browser.get(p).headers.get("Location", "").startswith(login)]
    assert browser.get("/api/v1/cases").status_code == 401   # the API takes bearer tokens, never the cookie
    end(browser, runner)
    replay = app.test_client()
    replay.set_cookie(COOKIE, saved)
    for page in pages:
        answer = replay.get(page)
        assert answer.status_code == 302 and answer.headers["Location"].startswith(login), page
    assert replay.get("/api/v1/cases").status_code == 401
