"""Line charts for the progress report, drawn with fpdf2's own primitives: per critical job demand, the capacity
by week (baseline first) against the job's demand as a labelled dashed line, on axes in the demand's unit."""

import math
from itertools import pairwise

from fpdf import FPDF

from ..services.queries.progress import DemandLine

COLUMNS, HEIGHT, GAP = 3, 52.0, 6.0
NAVY, RED, GRID, AXIS, MUTED = (18, 54, 92), (150, 30, 30), (222, 222, 222), (70, 70, 70), (90, 90, 90)


def draw_charts(pdf: FPDF, demands: list[DemandLine]) -> None:
    """Three charts a row (a row moved to the next page rather than cut), then one key for them all."""
    width = (pdf.epw - (COLUMNS - 1) * GAP) / COLUMNS
    for i in range(0, len(demands), COLUMNS):
        if pdf.will_page_break(HEIGHT + 8):
            pdf.add_page()
        top = pdf.get_y()
        for n, demand in enumerate(demands[i:i + COLUMNS]):
            with pdf.local_context():   # colours, widths and dashes stay in the chart
                _chart(pdf, pdf.l_margin + n * (width + GAP), top, width, demand)
        pdf.set_xy(pdf.l_margin, top + HEIGHT + 1)
    with pdf.local_context():
        _legend(pdf, pdf.l_margin, pdf.get_y() + 2.5)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + 5)


def nice_top(values: list[float]) -> tuple[float, float]:
    """The axis's top and its tick step: a round step (1, 2, 2.5 or 5 times a power of ten) giving about four
    ticks, the top one step or more above the highest value."""
    high = max(values + [1.0]) * 1.08
    raw = high / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(high / step), step


def _chart(pdf: FPDF, x0: float, y0: float, width: float, demand: DemandLine) -> None:
    left, right, top, bottom = x0 + 10, x0 + width - 2, y0 + 10, y0 + HEIGHT - 9
    values = [v for _, v in demand.series]
    axis_top, step = nice_top(values + [demand.demand])

    def y_of(value: float) -> float:
        return bottom - (value / axis_top) * (bottom - top)

    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(25)
    pdf.text(x0, y0 + 4, f"{demand.label} ({demand.unit})")
    _axes(pdf, left, right, top, bottom, axis_top, step, y_of, demand.unit)
    xs, ys = _xs(left, right, len(values)), [y_of(v) for v in values]
    _capacity_line(pdf, xs, ys, values)
    _demand_line(pdf, (left, right, top, bottom), y_of(demand.demand), demand, list(zip(xs, ys)))
    _week_labels(pdf, xs, [label for label, _ in demand.series], bottom, (left + right) / 2)


def _axes(pdf: FPDF, left, right, top, bottom, axis_top, step, y_of, unit: str) -> None:
    pdf.set_font("Helvetica", size=6.5)
    pdf.set_text_color(*MUTED)
    pdf.set_line_width(0.15)
    ticks = [i * step for i in range(round(axis_top / step) + 1)]
    for value in ticks:
        pdf.set_draw_color(*(GRID if value else AXIS))
        pdf.line(left, y_of(value), right, y_of(value))
        label = f"{value:g}"
        pdf.text(left - 1.5 - pdf.get_string_width(label), y_of(value) + 1, label)
    pdf.set_draw_color(*AXIS)
    pdf.line(left, top - 1, left, bottom)
    pdf.text(left - 1.5 - pdf.get_string_width(unit), top - 2.5, unit)


def _xs(left: float, right: float, count: int) -> list[float]:
    inner_left, inner_right = left + 4, right - 4
    if count == 1:
        return [inner_left]
    return [inner_left + i * (inner_right - inner_left) / (count - 1) for i in range(count)]


def _demand_line(pdf: FPDF, box: tuple, y: float, demand: DemandLine, points: list[tuple[float, float]]) -> None:
    left, right, top, bottom = box
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.45)
    pdf.set_dash_pattern(dash=1.8, gap=1.2)
    pdf.line(left, y, right, y)
    pdf.set_dash_pattern()
    pdf.set_font("Helvetica", "B", 6.5)
    pdf.set_text_color(*RED)
    label = f"Job demand {demand.demand:g} {demand.unit}"
    width = pdf.get_string_width(label)
    spots = [(x, baseline) for baseline in (y - 1.2, y + 3.2) for x in (left + 1.5, right - width)
             if top + 1 <= baseline - 2.4 and baseline <= bottom - 0.5]
    x, baseline = min(spots or [(right - width, y - 1.2)],
                      key=lambda spot: _overlaps((spot[0], spot[1] - 2.6, spot[0] + width, spot[1] + 0.6), points))
    pdf.text(x, baseline, label)


def _overlaps(box: tuple[float, float, float, float], points: list[tuple[float, float]]) -> int:
    """How many of the capacity line's dots, value labels and segments a label's box would cover."""
    x1, y1, x2, y2 = box
    hits = sum(1 for px, py in points if x1 - 3 <= px <= x2 + 3 and y1 - 1 <= py and py - 4.5 <= y2)
    for (ax, ay), (bx, by) in pairwise(points):
        for t in (i / 10 for i in range(11)):
            px, py = ax + t * (bx - ax), ay + t * (by - ay)
            if x1 <= px <= x2 and y1 <= py <= y2:
                hits += 1
                break
    return hits


def _capacity_line(pdf: FPDF, xs: list[float], ys: list[float], values: list[float]) -> None:
    pdf.set_draw_color(*NAVY)
    pdf.set_fill_color(*NAVY)
    pdf.set_line_width(0.6)
    if len(xs) > 1:
        pdf.polyline(list(zip(xs, ys)))
    pdf.set_font("Helvetica", size=6.5)
    pdf.set_text_color(*NAVY)
    for x, y, value in zip(xs, ys, values):
        pdf.ellipse(x - 0.9, y - 0.9, 1.8, 1.8, style="F")
        label = f"{value:g}"
        pdf.text(x - pdf.get_string_width(label) / 2, y - 2, label)
    pdf.set_line_width(0.2)


def _week_labels(pdf: FPDF, xs: list[float], labels: list[str], bottom: float, middle: float) -> None:
    pdf.set_font("Helvetica", size=6.5)
    pdf.set_text_color(*MUTED)
    for x, label in zip(xs, labels):
        short = "Base" if label == "Baseline" else label.removeprefix("Week ")
        pdf.text(x - pdf.get_string_width(short) / 2, bottom + 3.5, short)
    title = "Program week"
    pdf.text(middle - pdf.get_string_width(title) / 2, bottom + 7.5, title)


def _legend(pdf: FPDF, x: float, y: float) -> None:
    """One key under the charts: the solid line, the dashed line, and what "Base" means."""
    pdf.set_font("Helvetica", size=7.5)
    pdf.set_text_color(*MUTED)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(x, y - 0.9, x + 7, y - 0.9)
    x = _key_text(pdf, x + 8.5, y, "capacity measured at the baseline test (Base) and at each weekly review")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.45)
    pdf.set_dash_pattern(dash=1.8, gap=1.2)
    pdf.line(x + 4, y - 0.9, x + 11, y - 0.9)
    pdf.set_dash_pattern()
    _key_text(pdf, x + 12.5, y, "what the job needs")


def _key_text(pdf: FPDF, x: float, y: float, text: str) -> float:
    pdf.text(x, y, text)
    return x + pdf.get_string_width(text)
