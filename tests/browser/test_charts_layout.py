"""In chromium: the case page's progress charts fit a phone's width and a desktop's, with no sideways page scroll."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.services.journey import review, to_program

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# docs/screenshots/case-charts-*.png are refreshed with `UPDATE_SCREENSHOTS=1`; otherwise they go to tmp
REFRESH = os.environ.get("UPDATE_SCREENSHOTS") == "1"


def chart_violations(page) -> list:
    """Serious and critical WCAG 2.x A/AA violations axe finds in the progress section (the charts' own)."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
    results = Axe().run(page, context="section[aria-labelledby=progress]",
                        options={"runOnly": {"type": "tag", "values": tags}})
    return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.fixture
def charted(parties, referral):
    """A case in program with a baseline and three reviewed weeks, the lift reaching its demand in week 3."""
    case_id = to_program(parties, referral)
    for week, lift, carry, stand, pain, rpe in [(1, 13.0, 6.5, 130.0, 4, 14), (2, 16.0, 8.0, 150.0, 3, 13),
                                                (3, 20.0, 9.0, 180.0, 2, 12)]:
        review(parties, case_id, week, {"lift_floor_to_waist": lift, "carry": carry, "stand": stand},
               pain=pain, rpe=rpe)
    return case_id


@pytest.mark.parametrize("width", [375, 1280])
def test_the_charts_fit_the_screen_without_sideways_scroll(as_party, parties, charted, width, tmp_path):
    page = as_party(parties.therapist)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/therapist/cases/{charted}")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() == 4                                   # three critical demands, then pain and RPE
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for i in range(charts.count()):                              # each chart inside the viewport, none clipped
        box = charts.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] > 100
    assert page.get_by_role("img", name="Lift floor to waist: capacity by week against the job's demand of 20 kg")
    for table in page.locator(".table-scroll").all():             # a wide table scrolls inside its own box
        assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    violations = chart_violations(page)
    assert violations == [], [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations]
    folder = DOCS if REFRESH else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.locator("section[aria-labelledby=progress]").screenshot(path=str(folder / f"case-charts-{width}.png"))
