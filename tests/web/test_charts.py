"""The progress charts: ticks, units and week labels, a demand label clear of every point, a y range holding all."""

import re
from itertools import pairwise

import pytest

from coordinator.domain.demands import TaskKind, unit_of
from coordinator.portals.charts import (
    DOT,
    GAP,
    HEIGHT,
    PLOT,
    WIDTH,
    dot_box,
    nice_ticks,
    overlaps,
    progress_charts,
    text_box,
)
from tests.factories import sign_in

EFFORT = {"weeks": [1, 2, 3], "pain": [4, None, 2], "rpe": [14, 13, 12]}
CASES = {
    "reaches the demand": [("lift_floor_to_waist", 20.0, [12.0, 13.0, 16.0, 20.0])],
    "passes the demand": [("carry", 10.0, [6.0, 9.5, 10.0, 14.0, 10.5])],
    "minutes, a week unmeasured": [("stand", 240.0, [120.0, None, 150.0, 239.0])],
    "baseline missing": [("push", 25.0, [None, 24.0, 25.0])],
    "demand of zero": [("kneel", 0.0, [0.0, 0.0])],
    "twelve weeks": [("stand", 480.0, [60.0 + 35 * i for i in range(13)])],
    "baseline only": [("climb", 5.0, [5.0])],
}


def chart_of(task, demand, values) -> dict:
    """The one capacity chart of a single demand."""
    (chart,) = progress_charts({"demands": [{"task": TaskKind(task), "demand": demand, "values": values}],
                                "effort": None})["capacity"]
    return chart


def inside(box) -> bool:
    """Whether a box lies within the chart's viewBox."""
    return box[0] >= 0 and box[1] >= 0 and box[2] <= WIDTH and box[3] <= HEIGHT


@pytest.mark.parametrize("task,demand,values", [c for cs in CASES.values() for c in cs], ids=list(CASES))
def test_the_demand_label_clears_every_point_and_label(task, demand, values):
    chart = chart_of(task, demand, values)
    label = chart["demand_label"]["box"]
    assert inside(label)
    for x, y in chart["dots"]:
        assert not overlaps(label, dot_box(x, y), GAP), (label, x, y)
    others = [t["box"] for t in chart["y_ticks"]] + [t["box"] for t in chart["x_ticks"] if t["box"]]
    assert not any(overlaps(label, box) for box in others)
    assert [line["text"] for line in chart["demand_label"]["lines"]] == ["demand", f"{demand:g} {unit_of(task)}"]


@pytest.mark.parametrize("task,demand,values", [c for cs in CASES.values() for c in cs], ids=list(CASES))
def test_the_y_range_holds_the_demand_and_every_value_and_the_points_sit_in_the_plot(task, demand, values):
    chart = chart_of(task, demand, values)
    ticks = [t["value"] for t in chart["y_ticks"]]
    assert ticks[0] == 0 and ticks == sorted(ticks) and 3 <= len(ticks) <= 7
    measured = [v for v in values if v is not None]
    assert ticks[-1] >= max(measured + [demand])
    assert PLOT["top"] <= chart["demand_y"] <= PLOT["bottom"]
    for x, y in chart["dots"]:
        assert PLOT["left"] < x < PLOT["right"] and PLOT["top"] <= y <= PLOT["bottom"]
    # the highest value sits at its own height on the axis (the scale is linear from 0 to the top tick)
    top_y = min(y for _, y in chart["dots"])
    assert top_y == pytest.approx(PLOT["bottom"] - max(measured) / ticks[-1] * (PLOT["bottom"] - PLOT["top"]), abs=0.1)


@pytest.mark.parametrize("task,demand,values", [c for cs in CASES.values() for c in cs], ids=list(CASES))
def test_the_axes_carry_the_unit_ticks_and_week_labels_that_never_collide(task, demand, values):
    chart = chart_of(task, demand, values)
    assert chart["unit"] == str(unit_of(task)) and chart["y_title"] == f"Capacity ({unit_of(task)})"
    labels = [t["label"] for t in chart["x_ticks"]]
    assert len(labels) == len(values) and labels[0] == "Baseline"
    assert all(label in ("", f"Wk {i}") for i, label in enumerate(labels) if i)
    assert chart["week_labels"] == ["Baseline" if i == 0 else f"Wk {i}" for i, v in enumerate(values) if v is not None]
    shown = [t["box"] for t in chart["x_ticks"] if t["box"]]
    assert all(inside(box) for box in shown)
    assert not any(overlaps(a, b) for a, b in pairwise(shown))
    assert all(inside(t["box"]) and t["label"] for t in chart["y_ticks"])
    ys = [t["label_y"] for t in chart["y_ticks"]]
    assert all(a - b >= 11 for a, b in pairwise(ys))            # tick labels a line apart at least


def test_every_task_gets_the_domains_unit():
    for task in TaskKind:
        assert chart_of(task, 10.0, [5.0, 6.0])["unit"] == str(unit_of(task))


def test_nice_ticks_are_round_and_cover_the_top():
    assert nice_ticks(20) == [0, 5, 10, 15, 20]
    assert nice_ticks(22) == [0, 5, 10, 15, 20, 25]
    assert nice_ticks(240) == [0, 50, 100, 150, 200, 250]
    assert nice_ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(7.3)[-1] >= 7.3


def test_pain_and_rpe_share_a_labelled_0_to_20_axis_with_each_scale_bracketed():
    effort = progress_charts({"demands": [], "effort": EFFORT})["effort"]
    assert [t["value"] for t in effort["y_ticks"]] == [0, 5, 10, 15, 20] and effort["y_title"] == "Score"
    assert [t["label"] for t in effort["x_ticks"]] == ["Wk 1", "Wk 2", "Wk 3"]
    assert len(effort["pain_dots"]) == 2 and len(effort["rpe_dots"]) == 3      # an unrecorded pain is no 0
    pain, rpe = effort["brackets"]
    assert (pain["name"], pain["y1"], pain["y2"]) == ("Pain", PLOT["bottom"], effort["y_ticks"][2]["y"])
    assert rpe["name"] == "RPE" and rpe["y2"] == PLOT["top"]
    assert [line["text"] for line in pain["lines"]] == ["Pain", "0–10"]
    assert [line["text"] for line in rpe["lines"]] == ["RPE", "6–20"]
    names = []
    for bracket, only in ((pain, (PLOT["bottom"], rpe["y1"])), (rpe, (PLOT["top"], pain["y2"]))):
        assert bracket["x"] > PLOT["right"] + DOT                    # in the right margin, clear of every point
        boxes = [text_box(bracket["label_x"], line["y"], line["text"]) for line in bracket["lines"]]
        assert all(inside(box) for box in boxes) and not overlaps(*boxes)
        # named where only its own bar runs, so neither name sits beside the other bar
        assert all(min(only) <= box[1] and box[3] <= max(only) for box in boxes)
        names += boxes
    assert not any(overlaps(a, b) for i, a in enumerate(names) for b in names[i + 1:])


def test_the_case_page_draws_the_axes_units_and_a_scrolling_table(client, parties, referral):
    from tests.services.journey import review, to_program

    case_id = to_program(parties, referral)
    review(parties, case_id, 1, {"lift_floor_to_waist": 13.0, "carry": 6.5, "stand": 130.0})
    review(parties, case_id, 2, {"lift_floor_to_waist": 20.0, "carry": 8.0, "stand": 150.0})
    sign_in(client, parties.therapist)
    page = client.get(f"/therapist/cases/{case_id}").get_data(as_text=True)
    section = page[page.index('<section aria-labelledby="progress">'):]
    section = section[:section.index("</section>")]
    assert section.count('<svg class="chart" role="img"') == 4 and section.count("<title") == 4
    assert 'width="100%" viewBox="0 0 320 200"' in section
    for text in ("Capacity (kg)", "Capacity (min)", "Score", ">Baseline<", ">Wk 1<", ">Wk 2<", ">demand<",
                 ">20 kg<", ">240 min<", ">Pain<", ">RPE<", "RPE (Borg scale 6–20)", "Pain (0–10)",
                 "Lift floor to waist: capacity by week against the job's demand of 20 kg",
                 '<th scope="row">Capacity (kg)</th><td>12</td><td>13</td><td>20</td>',
                 '<th scope="row">Capacity (min)</th>', '<th scope="row">Pain (0–10)</th>'):
        assert text in section, text
    assert section.count('stroke-dasharray="6 4"') >= 4                     # three demand lines and the pain line
    assert section.count('<div class="table-scroll" role="region" tabindex="0"') == 4
    assert not re.search(r"\sstyle=|<script", section)                    # the content security policy forbids them
