"""Portal lists at a caseload larger than a page: the inbox and the caseload page in SQL, count everything, and
filter before paging (the overdue filter used to miss cases beyond the first page)."""

import csv
import io
import re

import pytest

from coordinator.demo.copies import copy_cases
from coordinator.demo import load_demo
from coordinator.extensions import db
from coordinator.policy import visible_cases
from coordinator.portals.common import CASELOAD_PER_PAGE, INBOX_PER_PAGE
from coordinator.services.inbox import inbox
from coordinator.models import Case
from tests.factories import sign_in
from tests.services.test_inbox_pages import actor_of, left_for_a_month


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def claims(html: str) -> list[str]:
    return re.findall(r'/cases/\d+">([A-Z]{2}-\d+)</a>', html)


# the caseload is built once for the module: its tests only read it
SHARED_ROWS = True


@pytest.fixture(scope="module")
def caseload_rows(module_ctx):
    """The demo, synced, and enough copies that both lists need more than one page."""
    load_demo()
    db.session.commit()
    left_for_a_month()   # some actions overdue, so the overdue filter has something to find
    copy_cases(CASELOAD_PER_PAGE + 41)


@pytest.fixture
def large(caseload_rows, ctx, app):
    """The case manager of that caseload, signed in in a browser of its own."""
    actor = actor_of("casemanager")
    client = app.test_client()
    assert sign_in(client, actor).status_code == 302
    return actor, client


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_the_caseload_pages_through_every_case_with_its_total(large):
    actor, client = large
    every = sorted(db.session.scalars(visible_cases(actor).with_only_columns(Case.claim_number)))
    pages = -(-len(every) // CASELOAD_PER_PAGE)
    assert pages >= 2
    first = section(get(client, "/case-manager/"), "caseload")
    assert f"Caseload ({len(every)})" in first and f"Page 1 of {pages}" in first
    shown = [section(get(client, f"/case-manager/?page={n}"), "caseload") for n in range(2, pages + 1)]
    assert claims(first) + [claim for page in shown for claim in claims(page)] == every
    assert len(claims(first)) == CASELOAD_PER_PAGE and f"Page {pages} of {pages}" in shown[-1]
    assert "past the end" in section(get(client, f"/case-manager/?page={pages + 1}"), "caseload")


def test_the_inbox_shows_one_page_with_the_count_and_keeps_the_filters(large):
    actor, client = large
    owed = inbox(actor, visible_cases(actor))
    assert len(owed) > INBOX_PER_PAGE
    home = get(client, "/case-manager/?stage=program")
    needs = section(home, "needs-you")
    assert f"Needs you ({len(owed)})" in home
    assert f"{sum(1 for i in owed if i.overdue)} overdue" in needs
    assert claims(needs) == [i.claim_number for i in owed[:INBOX_PER_PAGE]]
    link = re.search(r'href="([^"]+)" rel="next"', needs).group(1).replace("&amp;", "&")
    assert "stage=program" in link and "inbox_page=2" in link
    assert claims(section(get(client, link), "needs-you")) == [
        i.claim_number for i in owed[INBOX_PER_PAGE:2 * INBOX_PER_PAGE]]


def test_the_overdue_filter_finds_late_cases_beyond_the_first_page(large):
    actor, client = large
    late = sorted({i.claim_number for i in inbox(actor, visible_cases(actor)) if i.overdue})
    listed = section(get(client, "/case-manager/?overdue=1"), "caseload")
    assert f"Caseload ({len(late)})" in listed
    assert claims(listed) == late[:CASELOAD_PER_PAGE]
    assert any(c > claims(get(client, "/case-manager/"))[-1] for c in late)   # some sort after the first page


def test_the_csv_export_holds_every_matching_case(large):
    actor, client = large
    response = client.get("/case-manager/caseload.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    every = sorted(db.session.scalars(visible_cases(actor).with_only_columns(Case.claim_number)))
    assert rows[0][0] == "claim" and [r[0] for r in rows[1:]] == every
