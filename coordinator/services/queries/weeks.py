"""A case's reviewed weeks through the actor's view: capacities for everyone (functional), pain, RPE and the
other clinical measures for clinical readers only; and the charts' data drawn from them."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.actors import Actor
from ...domain.disclosure import CLINICAL_MEASURES, hidden_from_employer
from ...extensions import db
from ...models import Case, WeeklyReview
from ..program import baseline_of
from .access import is_clinical_reader


@dataclass(frozen=True)
class Week:
    """One reviewed week: capacities by task, and the clinical measures for a clinical reader only."""

    week: int
    reviewed_on: date
    capacities: dict
    measures: dict
    recommendation: str


def weeks_of(actor: Actor, case: Case, reviews: list[WeeklyReview] | None = None) -> list[Week]:
    """The case's reviewed weeks, oldest first, through the actor's view (`reviews`: the case's, by week, when
    the caller has read them)."""
    clinical = is_clinical_reader(actor)
    rows = reviews if reviews is not None else db.session.scalars(
        select(WeeklyReview).where(WeeklyReview.case_id == case.id).order_by(WeeklyReview.week))
    hidden = set() if clinical else set(CLINICAL_MEASURES) | hidden_from_employer("weekly_review")
    return [Week(r.week, r.reviewed_on, dict(r.capacities),
                 {k: v for k, v in (r.measures or {}).items() if k not in hidden},
                 "" if "recommendation" in hidden else r.recommendation) for r in rows]


def chart_data(actor: Actor, case: Case, record=None) -> dict:
    """Per critical demand: the job's demand and the capacity by week (baseline as week 0); and pain and RPE by
    week for a clinical reader (they are clinical measures). From the case's record when read whole."""
    weeks = weeks_of(actor, case, record.reviews if record else None)
    if record is None:
        baseline = {str(k): v for k, v in baseline_of(case.id).items()}
    else:   # the newest baseline of each task, as baseline_of reads it
        baseline = {m.task: m.amount for m in record.measures if m.kind == "baseline"}
    demands = [{"task": d.task, "demand": d.amount, "frequency": d.frequency,
                "values": [baseline.get(d.task)] + [w.capacities.get(d.task) for w in weeks]}
               for d in case.demands if d.critical]
    # the employer's weeks hold no pain or RPE (clinical measures), so its effort chart is absent
    shown = weeks and any("pain" in w.measures or "rpe" in w.measures for w in weeks)
    effort = {"weeks": [w.week for w in weeks], "pain": [w.measures.get("pain") for w in weeks],
              "rpe": [w.measures.get("rpe") for w in weeks]} if shown else None
    return {"demands": demands, "effort": effort}
