"""Progress charts as plain SVG drawn on the server: capacity against the job's demand per critical task
across weeks, and pain and RPE; each chart carries a data table for screen readers and for the tests."""

from sqlalchemy import select

from ..domain.disclosure import CLINICAL_MEASURES

from ..extensions import db
from ..models import Case, WeeklyReview
from ..services.program import baseline_of

WIDTH, HEIGHT, PAD = 420, 180, 32


def _scale(values: list[float], top: float) -> list[tuple[float, float]]:
    """(x, y) pixel points for values at weeks 0..n on a 0..top axis."""
    n = max(len(values) - 1, 1)
    return [(PAD + i * (WIDTH - 2 * PAD) / n, HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD) if top else HEIGHT - PAD)
            for i, v in enumerate(values)]


def _points(pairs) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in pairs)


def weekly_reviews(case: Case) -> list[WeeklyReview]:
    """The case's weekly reviews, oldest first: what the charts, the CSV and the PDF report show."""
    return list(db.session.scalars(select(WeeklyReview).where(WeeklyReview.case_id == case.id)
                                   .order_by(WeeklyReview.week)))


def progress_charts(case: Case, clinical: bool = True) -> dict:
    """One capacity chart per critical demand (baseline as week 0), and for a clinical reader one for pain and
    RPE (clinical measures: domain/disclosure.py); capacities are functional, every party may see them."""
    reviews = weekly_reviews(case)
    baseline = {str(k): v for k, v in baseline_of(case.id).items()}
    charts = []
    for demand in (d for d in case.demands if d.critical):
        values = [baseline.get(demand.task)] + [r.capacities.get(demand.task) for r in reviews]
        weeks = [w for w, v in enumerate(values) if v is not None]
        values = [v for v in values if v is not None]
        if not values:
            continue
        top = max(values + [demand.amount]) * 1.1
        capacity = _scale(values, top)
        line_y = HEIGHT - PAD - (demand.amount / top) * (HEIGHT - 2 * PAD)
        charts.append({"task": demand.task.replace("_", " "), "demand": demand.amount, "weeks": weeks,
                       "values": values, "points": _points(capacity), "dots": capacity, "demand_y": round(line_y, 1)})
    pain = [(r.measures or {}).get("pain") for r in reviews]
    rpe = [(r.measures or {}).get("rpe") for r in reviews]
    effort = None
    if reviews and (clinical or not {"pain", "rpe"} & set(CLINICAL_MEASURES)):
        effort = {"weeks": [r.week for r in reviews], "pain": pain, "rpe": rpe,
                  "pain_points": _points(_scale([p or 0 for p in pain], 20)),
                  "rpe_points": _points(_scale([v or 0 for v in rpe], 20))}
    return {"capacity": charts, "effort": effort, "width": WIDTH, "height": HEIGHT, "pad": PAD}
