"""The case page's progress charts as server-drawn SVG: every position (ticks, labels, points) computed here."""

import math
from itertools import pairwise

from ..domain.demands import unit_of

WIDTH, HEIGHT = 320, 200                       # the viewBox; the page scales it to its column (CSS .chart)
# margins: the y tick labels; the demand label or the scale brackets; the axis title; the week labels
LEFT, RIGHT, TOP, BOTTOM = 40, 62, 26, 34
PLOT = {"left": LEFT, "top": TOP, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM}
INSET = 14                                     # the first and last week sit this far inside the plot
FONT = 12                                      # the charts' text size, in viewBox units
CHAR = 0.6                                     # a character's width as a share of the font size (generous)
DOT = 3.5                                      # a data point's radius (a square's half side)
GAP = 4                                        # the least room between two labels, or a label and a point
PAIN_SCALE, RPE_SCALE = (0, 10), (6, 20)       # numeric rating scale; Borg's rating of perceived exertion


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 up to at least `top`, about `count` steps of 1, 2, 2.5 or 5 times a power of 10."""
    top = top if top > 0 else 1
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    return [round(i * step, 9) for i in range(math.ceil(top / step - 1e-9) + 1)]


def y_of(value: float, top: float) -> float:
    """The vertical position of `value` on a 0..top axis."""
    return round(PLOT["bottom"] - value / top * (PLOT["bottom"] - PLOT["top"]), 1)


def x_slots(count: int) -> list[float]:
    """Evenly spaced horizontal positions of `count` weeks inside the plot (one week sits in the middle)."""
    left, right = PLOT["left"] + INSET, PLOT["right"] - INSET
    if count <= 1:
        return [round((left + right) / 2, 1)] * count
    return [round(left + i * (right - left) / (count - 1), 1) for i in range(count)]


def text_box(x: float, y: float, text: str, anchor: str = "start", size: float = FONT) -> tuple:
    """An estimate of the (x0, y0, x1, y1) box of a line of SVG text drawn at baseline (x, y)."""
    width = len(text) * size * CHAR
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return (x0, y - size * 0.8, x0 + width, y + size * 0.25)


def dot_box(x: float, y: float, r: float = DOT) -> tuple:
    """The (x0, y0, x1, y1) box of a data point."""
    return (x - r, y - r, x + r, y + r)


def overlaps(a: tuple, b: tuple, gap: float = 0) -> bool:
    """Whether two (x0, y0, x1, y1) boxes come closer than `gap`."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def fmt(value: float) -> str:
    """A number without a needless trailing .0."""
    return f"{value:g}"


def week_name(slot: int) -> str:
    """A capacity chart's week label: the baseline is slot 0, then Wk 1, Wk 2..."""
    return "Baseline" if slot == 0 else f"Wk {slot}"


def label_step(xs: list[float], names: list[str]) -> int:
    """The smallest k such that every k-th week label (from the first) clears its neighbour."""
    for k in range(1, len(xs) + 1):
        boxes = [text_box(xs[i], 0, names[i], "middle") for i in range(0, len(xs), k)]
        if not any(overlaps(a, b, GAP) for a, b in pairwise(boxes)):
            return k
    return max(len(xs), 1)


def x_ticks(names: list[str]) -> list[dict]:
    """The x axis: one tick per week, labelled at every week the width allows."""
    xs = x_slots(len(names))
    step = label_step(xs, names)
    baseline_y = PLOT["bottom"] + FONT + 6
    return [{"x": x, "label": names[i] if i % step == 0 else "", "y": baseline_y,
             "box": text_box(x, baseline_y, names[i], "middle") if i % step == 0 else None}
            for i, x in enumerate(xs)]


def y_ticks(ticks: list[float]) -> list[dict]:
    """The y axis: a position, a label and its box for each tick value."""
    top = ticks[-1]
    out = []
    for value in ticks:
        y = y_of(value, top)
        out.append({"value": value, "y": y, "label": fmt(value), "label_x": PLOT["left"] - 6,
                    "label_y": round(y + FONT * 0.35, 1),
                    "box": text_box(PLOT["left"] - 6, y + FONT * 0.35, fmt(value), "end")})
    return out


def demand_label(y: float, demand: float, unit: str) -> dict:
    """The demand line's label right of the plot (where no data point can be): 'demand' above, the amount below."""
    x = PLOT["right"] + 6
    lines = [{"y": round(y - 3, 1), "text": "demand"}, {"y": round(y + FONT + 1, 1), "text": f"{fmt(demand)} {unit}"}]
    boxes = [text_box(x, line["y"], line["text"]) for line in lines]
    box = (min(b[0] for b in boxes), boxes[0][1], max(b[2] for b in boxes), boxes[1][3])
    return {"x": x, "lines": lines, "box": box}


def polyline(points: list[tuple]) -> str:
    """The SVG points attribute of a line through (x, y) points."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def capacity_chart(demand: dict) -> dict | None:
    """One critical demand's capacity by week (baseline first) against its demand, in its unit; None if unmeasured."""
    slots = len(demand["values"])
    measured = [(w, v) for w, v in enumerate(demand["values"]) if v is not None]
    if not measured:
        return None
    unit = str(unit_of(demand["task"]))
    ticks = nice_ticks(max([v for _, v in measured] + [demand["demand"]]))
    top = ticks[-1]
    xs = x_slots(slots)
    dots = [(xs[w], y_of(v, top)) for w, v in measured]
    demand_y = y_of(demand["demand"], top)
    return {"task": str(demand["task"]).replace("_", " "), "unit": unit, "demand": demand["demand"],
            "weeks": [w for w, _ in measured], "week_labels": [week_name(w) for w, _ in measured],
            "values": [v for _, v in measured], "points": polyline(dots), "dots": dots, "demand_y": demand_y,
            "y_ticks": y_ticks(ticks), "x_ticks": x_ticks([week_name(w) for w in range(slots)]),
            "y_title": f"Capacity ({unit})", "demand_label": demand_label(demand_y, demand["demand"], unit)}


def scale_bracket(scale: tuple, x: float, name: str, label_at: float) -> dict:
    """A right-margin bar spanning a measure's scale on the 0-20 axis, named (with its range) at `label_at`."""
    low, high = scale
    y = y_of(label_at, 20) + FONT * 0.35
    lines = [{"y": round(y - FONT * 0.6, 1), "text": name}, {"y": round(y + FONT * 0.6, 1), "text": f"{low}–{high}"}]
    return {"x": x, "y1": y_of(low, 20), "y2": y_of(high, 20), "name": name, "label_x": PLOT["right"] + 22,
            "lines": lines}


def effort_chart(effort: dict) -> dict:
    """Pain (0-10) and RPE (Borg 6-20) by reviewed week on one 0-20 axis, each scale's span bracketed and named."""
    names = [f"Wk {w}" for w in effort["weeks"]]
    xs = x_slots(len(names))
    pain = [(xs[i], y_of(v, 20)) for i, v in enumerate(effort["pain"]) if v is not None]
    rpe = [(xs[i], y_of(v, 20)) for i, v in enumerate(effort["rpe"]) if v is not None]
    right = PLOT["right"]
    return {**effort, "week_labels": names, "y_ticks": y_ticks(nice_ticks(20)), "x_ticks": x_ticks(names),
            "y_title": "Score", "pain_dots": pain, "rpe_dots": rpe,
            "pain_points": polyline(pain), "rpe_points": polyline(rpe),
            "brackets": [scale_bracket(PAIN_SCALE, right + 8, "Pain", 3),
                         scale_bracket(RPE_SCALE, right + 16, "RPE", 15.5)]}


def progress_charts(data: dict) -> dict:
    """A capacity chart per measured critical demand, and pain and RPE when the read side gave them (it only draws)."""
    charts = [c for c in (capacity_chart(d) for d in data["demands"]) if c]
    effort = effort_chart(data["effort"]) if data["effort"] is not None else None
    return {"capacity": charts, "effort": effort, "width": WIDTH, "height": HEIGHT, "plot": PLOT,
            "font": FONT, "dot": DOT}
