"""The inbox's pages (filter, order and page in SQL, the stale cases merged in) are slices of the whole inbox."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from coordinator.demo.copies import copy_cases
from coordinator.demo import load_demo
from coordinator.domain.actors import Actor
from coordinator.extensions import db
from coordinator.models import Case, CaseTask, User
from coordinator.policy import visible_cases
from coordinator.services.automation import sync_tasks
from coordinator.services.inbox import inbox, inbox_page, overdue_cases

TODAY = date.today()
ACCOUNTS = ("therapist", "casemanager", "physician", "employer", "insurer")


def actor_of(account: str) -> Actor:
    user = db.session.scalar(select(User).where(User.email == f"{account}@demo.test"))
    return Actor(user.id, user.role, user.org_id)


def left_for_a_month() -> None:
    """The demo as if its tasks had been opened a month ago and nobody had acted since (a fresh demo has nothing
    overdue): the flows look again today, so the rules' due dates that have passed show as overdue."""
    db.session.execute(update(CaseTask).values(opened_on=TODAY - timedelta(days=30)))
    db.session.commit()
    for case_id in db.session.scalars(select(Case.id)).all():
        sync_tasks(case_id, TODAY)


def key(item):
    return item.case_id, str(item.action.kind), item.action.due, item.action.subject_id, item.overdue


# the caseload is built once for the module: its tests only read it
SHARED_ROWS = True


@pytest.fixture(scope="module")
def mixed(module_ctx):
    """The demo synced and copied (stored rows that hold), then every other case changed (stale: worked out)."""
    load_demo()
    db.session.commit()
    left_for_a_month()
    copy_cases(45)
    ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
    # the first half stale (a stride would follow the demo's period and split its cases by kind)
    db.session.execute(update(Case).where(Case.id.in_(ids[:len(ids) // 2])).values(version=Case.version + 1))
    db.session.commit()
    return ids


@pytest.mark.parametrize("account", ACCOUNTS)
def test_pages_concatenate_to_the_whole_inbox_on_any_day(mixed, account):
    actor = actor_of(account)
    for day in (TODAY, TODAY + timedelta(days=9), TODAY + timedelta(days=40)):
        whole = inbox(actor, visible_cases(actor), day)
        assert whole or account == "physician" and day > TODAY   # each party has work on the first day
        for per_page in (1, 4, 7, 100):
            pages, page = [], 1
            while page <= len(whole) + 1:   # a page past the end is empty
                found = inbox_page(actor, visible_cases(actor), page, per_page, day)
                assert found.total == len(whole), (day, per_page)
                assert found.overdue == sum(1 for i in whole if i.overdue)
                if not found.items:
                    break
                pages += found.items
                page += 1
            assert [key(i) for i in pages] == [key(i) for i in whole], (day, per_page)
            assert page - 1 == (found.pages if whole else 0)


def test_the_stale_and_the_stored_are_both_in_the_pages(mixed):
    actor = actor_of("therapist")
    stale = set(mixed[:len(mixed) // 2])
    cases = {i.case_id for i in inbox_page(actor, visible_cases(actor), 1, 1000, TODAY).items}
    assert cases & stale and cases - stale


def test_a_page_past_the_end_is_empty_with_the_true_total(mixed):
    actor = actor_of("casemanager")
    found = inbox_page(actor, visible_cases(actor), 10_000, 25, TODAY)
    assert found.items == [] and found.total == len(inbox(actor, visible_cases(actor), TODAY)) > 0


def test_the_overdue_condition_selects_the_cases_with_an_overdue_action(mixed):
    actor = actor_of("casemanager")
    for day in (TODAY, TODAY + timedelta(days=30)):
        late = {i.case_id for i in inbox(actor, visible_cases(actor), day) if i.overdue}
        selected = set(db.session.scalars(visible_cases(actor).where(overdue_cases(visible_cases(actor), day))
                                          .with_only_columns(Case.id)))
        assert selected == late and late
