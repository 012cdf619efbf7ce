"""A real browser for the portal tests: Debian's chromium driven by Playwright (no download; PITFALLS.md)."""

import os
import shutil
from pathlib import Path

import pytest

from coordinator.demo import DEMO_PASSWORD
from tests.factories import set_password

SHOTS = os.environ.get("SCREENSHOTS_DIR")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="package")
def browser():
    """One chromium for the browser tests; missing under CI is a failure, elsewhere a skip with the fix.

    Package scope: Playwright's sync API keeps an event loop running in this thread while it is open,
    and the flow tests that come later need `asyncio.run` there."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"chromium is not installed at {CHROMIUM}: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (its own cookies) on the live server."""
    context = browser.new_context(base_url=live_server)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def sign_in(page, email: str, password: str) -> None:
    """Through the real form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page) -> list:
    """Serious and critical WCAG 2.x A/AA violations axe finds on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                              "wcag21aa", "wcag22aa"]}})
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.fixture
def as_party(browser, live_server, parties):
    """Each party in their own browser context, signed in once through the real form (as five people would
    be, and within the sign-in throttle)."""
    pages, contexts = {}, []

    def sign(actor):
        if actor.user_id not in pages:
            context = browser.new_context(base_url=live_server)
            contexts.append(context)
            tab = context.new_page()
            tab.set_default_timeout(10_000)
            sign_in(tab, set_password(actor, DEMO_PASSWORD), DEMO_PASSWORD)
            pages[actor.user_id] = tab
        return pages[actor.user_id]

    yield sign
    for context in contexts:
        context.close()


def fill(page, values: dict) -> None:
    """Type each labelled value; a tuple selects an option instead."""
    for label, value in values.items():
        field = page.get_by_label(label, exact=True)
        if isinstance(value, tuple):
            field.select_option(value[0])
        elif value is True:
            field.check()
        else:
            field.fill(value)


def shot(page, name: str) -> None:
    """Screenshots at a phone's and a desktop's width, when SCREENSHOTS_DIR asks for them (to look at, by eye)."""
    if SHOTS:
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 720})
