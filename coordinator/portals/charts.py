"""Progress charts as plain SVG drawn on the server: capacity against the job's demand per critical task
across weeks, and pain and RPE; each chart carries a data table for screen readers and for the tests."""

WIDTH, HEIGHT, PAD = 420, 180, 32


def _scale(values: list[float], top: float) -> list[tuple[float, float]]:
    """(x, y) pixel points for values at weeks 0..n on a 0..top axis."""
    n = max(len(values) - 1, 1)
    return [(PAD + i * (WIDTH - 2 * PAD) / n, HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD) if top else HEIGHT - PAD)
            for i, v in enumerate(values)]


def _points(pairs) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def progress_charts(data: dict) -> dict:
    """One capacity chart per critical demand (baseline as week 0), and the pain and RPE chart when the read side
    gave the reader those measures (queries/weeks.py decides who sees what; this only draws)."""
    charts = []
    for demand in data["demands"]:
        weeks = [w for w, v in enumerate(demand["values"]) if v is not None]
        values = [v for v in demand["values"] if v is not None]
        if not values:
            continue
        top = max(values + [demand["demand"]]) * 1.1
        capacity = _scale(values, top)
        line_y = HEIGHT - PAD - (demand["demand"] / top) * (HEIGHT - 2 * PAD)
        charts.append({"task": demand["task"].replace("_", " "), "demand": demand["demand"], "weeks": weeks,
                       "values": values, "points": _points(capacity), "dots": capacity, "demand_y": round(line_y, 1)})
    effort = data["effort"]
    if effort is not None:
        effort = {**effort, "pain_points": _points(_scale([p or 0 for p in effort["pain"]], 20)),
                  "rpe_points": _points(_scale([v or 0 for v in effort["rpe"]], 20))}
    return {"capacity": charts, "effort": effort, "width": WIDTH, "height": HEIGHT, "pad": PAD}
