"""Every role's home, case pages and forms at a phone's width (375 px) and a desktop's (1,280 px), in chromium
on the demo's cases in every stage: nothing wider than the screen, axe clean, each label drawn directly above
(or, for a tick box, beside) its own input; and each form, sent empty or with values out of range, answers
in plain words (no braces, no field keys, no zero-based rows)."""

import re

import pytest

from coordinator.demo import DEMO_PASSWORD, load_demo
from coordinator.extensions import db

from .conftest import axe_violations, sign_in

ACCOUNTS = ["therapist", "casemanager", "physician", "employer", "insurer"]
WIDTHS = (375, 1280)

# each visible input's own label and where it sits, read in the page
GEOMETRY = """() => [...document.querySelectorAll('form.stacked input, form.stacked select, form.stacked textarea')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
  .map(el => {
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    const box = r => { const b = r.getBoundingClientRect(); return {l: b.left, r: b.right, t: b.top, b: b.bottom}; };
    return {id: el.id, type: el.type, input: box(el), label: label ? box(label) : null,
            text: label ? label.innerText : null};
  })"""
WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


def misplaced(fields: list[dict]) -> list[str]:
    """Inputs whose label is missing or not drawn directly above it (a tick box: directly before or after it)."""
    wrong = []
    for f in fields:
        label, box = f["label"], f["input"]
        if label is None:
            wrong.append(f"{f['id']}: no label")
            continue
        same_line = label["t"] < box["b"] and box["t"] < label["b"]
        if f["type"] in ("checkbox", "radio"):
            ok = same_line and (0 <= label["l"] - box["r"] < 24 or 0 <= box["l"] - label["r"] < 24)
        else:
            # above: its bottom within a hint and a message of the input's top, starting where the input starts
            ok = (0 <= box["t"] - label["b"] < 90 and abs(label["l"] - box["l"]) < 16) or (
                same_line and 0 <= box["l"] - label["r"] < 24)
        if not ok:
            wrong.append(f"{f['id']} ({f['text']!r}): label at {label}, input at {box}")
    return wrong


def plain_words(text: str) -> list[str]:
    """What a person should never read in a form's messages."""
    found = []
    if re.search(r"[{}\[\]]", text):
        found.append("a brace or bracket")
    if re.search(r"\b[a-z]+_[a-z_]+\b", text):
        found.append("a field key: " + re.search(r"\b[a-z]+_[a-z_]+\b", text).group(0))
    if re.search(r"\brow 0\b|\b0:", text):
        found.append("a zero-based row")
    if re.search(r"Missing data for required field|Not a valid|Length must be|Must be one of", text):
        found.append("a library's wording")
    return found


SHARED_ROWS = True   # the demo is loaded once for the module (sent forms change a case: later checks still hold)


@pytest.fixture(scope="module")
def demo(module_ctx):
    """The demo's cases in every stage."""
    load_demo()
    db.session.commit()


def _forms_of(page) -> dict[str, str]:
    """Every form the account may open from its cases: one URL per form kind."""
    cases = [a.get_attribute("href") for a in page.locator("table.caseload a").all()]
    forms = {}
    for case in cases:
        page.goto(case)
        for link in page.locator("section[aria-labelledby=your-actions] a").all():
            href = link.get_attribute("href")
            kind = re.sub(r"/\d+", "", href.split("/act/", 1)[1])
            forms.setdefault(kind, href)
    return forms


def _messages(page) -> str:
    return " ".join(page.locator(".error-summary, .error, .form-message").all_inner_texts())


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_page_and_form_fits_both_widths_and_speaks_plainly(page, demo, account):
    sign_in(page, f"{account}@demo.test", DEMO_PASSWORD)
    home = page.url
    forms = _forms_of(page)
    if account in ("therapist", "casemanager"):
        forms["intake"] = {"therapist": "/therapist/intake", "casemanager": "/case-manager/intake"}[account]
    assert forms, "the demo gives every role something to do"
    page.goto(home)
    case = page.locator("table.caseload a").first.get_attribute("href")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in [home, case, *forms.values()]:
            page.goto(url)
            assert page.evaluate(WIDER_THAN_SCREEN) <= 0, f"{url} is wider than {width} px"
            assert misplaced(page.evaluate(GEOMETRY)) == [], url
            if width == 375:
                assert axe_violations(page) == [], url
    page.set_viewport_size({"width": 1280, "height": 900})
    for kind, url in forms.items():
        page.goto(url)
        if page.locator("form.stacked").count() == 0:
            continue   # not possible now: the page says why
        page.locator("form.stacked button[type=submit]").first.click()
        page.wait_for_load_state()
        if "/act/" in page.url or page.url.endswith("/intake"):   # the form again: what it says must be plain
            said = _messages(page)
            assert plain_words(said) == [], f"{kind}: {said}"
        # out of range: every number far too large, every date out of any range
        page.goto(url)
        if page.locator("form.stacked").count() == 0:
            continue
        numbers = page.locator("form.stacked input[type=number]")
        for i in range(numbers.count()):
            numbers.nth(i).fill("99999999")
        dates = page.locator("form.stacked input[type=date]")
        for i in range(dates.count()):
            dates.nth(i).fill("1800-01-01")
        if numbers.count() + dates.count() == 0:
            continue
        page.locator("form.stacked button[type=submit]").first.click()
        page.wait_for_load_state()
        said = _messages(page)
        assert said.strip(), f"{kind}: out-of-range values were taken without a word"
        assert plain_words(said) == [], f"{kind}: {said}"


def test_a_label_drawn_level_with_the_next_input_is_caught():
    """What the old layout did: 'carry' level with the input of 'lift floor to waist'."""
    fields = [{"id": "f-lift", "type": "number", "text": "lift floor to waist",
               "input": {"l": 0, "r": 100, "t": 20, "b": 40}, "label": {"l": 0, "r": 120, "t": 0, "b": 16}},
              {"id": "f-carry", "type": "number", "text": "carry",
               "input": {"l": 0, "r": 100, "t": 60, "b": 80}, "label": {"l": 110, "r": 150, "t": 22, "b": 38}}]
    assert [w.split(" ")[0] for w in misplaced(fields)] == ["f-carry"]


def test_what_a_person_should_never_read_is_caught():
    assert plain_words("1: {'amount': ['Missing data for required field.']}") == [
        "a brace or bracket", "a library's wording"]
    assert plain_words("lift_floor_to_waist: must be 0 or more") == ["a field key: lift_floor_to_waist"]
    assert plain_words("Tasks, row 2, amount: This is required.") == []
