"""Guards, not timings: every portal page, export and API read of the read side issues the same SQL statements
at 9 cases and at 9 + 90."""

import re
import pytest
from sqlalchemy import event, select

from coordinator.demo.copies import copy_cases
from coordinator.demo import DEMO_PASSWORD, load_demo
from coordinator.extensions import db
from coordinator.models import Case
from tests.conftest import _empty_all_tables
from tests.factories import csrf_token

ACCOUNTS = ("therapist", "casemanager", "physician", "employer", "insurer", "worker")
PORTAL = {"therapist": "therapist", "casemanager": "case-manager", "physician": "physician",
          "employer": "employer", "insurer": "insurer", "worker": "worker"}
NO_API = ("physician", "worker")   # served through the authorization-code grant only (a browser's sign-in)


def counted(client, url: str, headers: dict | None = None) -> int:
    """Statements one GET issues once the page has been read before (a case read keeps a copy of the case's
    facts for the next; the response must be a success, or the count means nothing)."""
    client.get(url, headers=headers or {})
    seen = []
    listener = lambda *args, **kw: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(url, headers=headers or {})
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


def pages(account: str, case_id: int, forms: tuple[str, ...] = ()) -> list[str]:
    """The portal's reads (with the case's forms linked from its page) and (but for the physician, whose tokens
    need a browser sign-in) the API's."""
    portal = PORTAL[account]
    clinical = account != "employer"
    records = ["timeline", "authorizations", "duty-offers", "milestones", "follow-ups", "restrictions", "fhir"] + (
        ["clearances", "sessions", "reviews"] if clinical else [])
    if account == "worker":   # their one case: the start page sends them to it
        return [f"/worker/cases/{case_id}", f"/worker/cases/{case_id}/work-status.pdf", *forms]
    api = [] if account in NO_API else [
        "/api/v1/inbox", "/api/v1/cases", "/api/v1/cases?overdue=true", f"/api/v1/cases/{case_id}",
        *(f"/api/v1/cases/{case_id}/{what}" for what in records)]
    exports = [f"/{portal}/cases/{case_id}/measures.csv", f"/{portal}/cases/{case_id}/progress.pdf"] if clinical else []
    # the approvals board of the case manager and the insurer, with its filters, export and API
    board = [f"/{portal}/approvals", f"/{portal}/approvals?lateness=late", f"/{portal}/approvals.csv",
             "/api/v1/approvals", "/api/v1/approvals/turnaround"] if account in ("casemanager", "insurer") else []
    return [f"/{portal}/", f"/{portal}/?overdue=1", f"/{portal}/?q=0", f"/{portal}/cases/{case_id}",
            f"/{portal}/caseload.csv", *exports, *forms, *board] + api


def bearer(client, email: str, scope: str = "cases:read") -> dict:
    """A client-credentials token of the account's organisation and role, from the real token endpoint
    (none for a physician: the API serves them through the authorization-code grant only)."""
    import base64

    from coordinator.domain.actors import Actor
    from coordinator.models import User
    from tests.auth import client_for

    user = db.session.scalar(select(User).where(User.email == email))
    if user.role in NO_API:
        return {}
    client_id, secret = client_for(Actor(user.id, user.role, user.org_id))
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = client.post("/oauth/token", data={"grant_type": "client_credentials", "scope": scope},
                         headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def _signed_in(app, account: str):
    """A browser of the account's own, signed in, the first case on its home, and an API token."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": f"{account}@demo.test", "password": DEMO_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    home = client.get(f"/{PORTAL[account]}/").get_data(as_text=True)
    case_id = int(re.search(r"/cases/(\d+)", home).group(1))
    page = client.get(f"/{PORTAL[account]}/cases/{case_id}").get_data(as_text=True)
    forms = tuple(dict.fromkeys(re.findall(rf'href="(/{PORTAL[account]}/cases/{case_id}/act/[^"#]+)"', page)))
    return client, case_id, bearer(client, f"{account}@demo.test"), forms


@pytest.fixture(scope="module")
def counts(app):
    """Every account's reads counted at the demo's cases, then again once 90 copies are added: built once, the
    demo loaded once, for the whole module (each account's test then compares its own two counts)."""
    verify = app.config["FACTS_VERIFY"]
    app.config["FACTS_VERIFY"] = False   # the suite's check of kept facts reads every collection again
    with app.app_context():
        try:
            demo = len(load_demo()["loaded"])
            db.session.commit()
            readers = {account: _signed_in(app, account) for account in ACCOUNTS}
            small = {a: {url: counted(c, url, h) for url in pages(a, case, forms)}
                     for a, (c, case, h, forms) in readers.items()}
            copy_cases(90)
            assert db.session.scalar(select(db.func.count(Case.id))) == demo + 90
            large = {a: {url: counted(c, url, h) for url in pages(a, case, forms)}
                     for a, (c, case, h, forms) in readers.items()}
        finally:   # the counts are all the tests need: the rows go before any other test runs
            app.config["FACTS_VERIFY"] = verify
            db.session.rollback()
            _empty_all_tables()
            db.session.remove()
    return small, large


@pytest.mark.parametrize("account", ACCOUNTS)
def test_each_page_reads_the_same_statements_whatever_the_caseload(counts, account):
    small, large = counts
    assert small[account] and large[account] == small[account]


def test_the_sweep_issues_the_same_statements_whatever_the_caseload(ctx):
    from datetime import date, timedelta

    from coordinator.models import OutboxRow
    from coordinator.services.automation import sync_tasks
    from coordinator.services.outbox import enqueue_due

    load_demo()
    db.session.commit()
    for case_id in db.session.scalars(select(Case.id)).all():
        sync_tasks(case_id)
    day = date.today() + timedelta(days=7)   # every copy's next check (today + 0..6 days) has come by then

    def sweep() -> tuple[int, int]:
        db.session.execute(db.delete(OutboxRow))
        db.session.commit()
        seen = []
        listener = lambda *args, **kw: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            queued = enqueue_due(day)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen), queued

    small, few = sweep()
    copy_cases(90)
    large, many = sweep()
    assert many >= few + 60 and large == small   # ten times the due cases, the same statements


# every portal page a person reads (the start page, its filters, a case page and each of its forms) in at most
# 15 statements: the session with its user, the case read whole with its parties, one audit entry, one query per
# collection. A change that reads more must say so here: 12 until the case page listed the case's documents (and
# the request forms offered them for the packet); 13 until it read the papers' signatures and the worker's reports
# between sessions (two collections of the case). (Files, the PDF and CSV exports, are not pages.)
CEILING = 15


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_portal_page_stays_within_fifteen_statements(counts, account):
    small, _ = counts
    portal = PORTAL[account]
    shown = {url: n for url, n in small[account].items()
             if url.startswith(f"/{portal}/") and not url.endswith((".csv", ".pdf"))}
    # its forms are counted (the worker's case page offers none when nothing waits for them)
    assert account == "worker" or any(re.fullmatch(rf"/{portal}/cases/\d+/act/.+", url) for url in shown)
    assert {url: n for url, n in shown.items() if n > CEILING} == {}
