"""The intensity limits in force for a case on a day: cardiology, pregnancy, medication, restrictions."""

from datetime import date

from ..domain.clearance import CardiologyClearance, ClearanceKind
from ..domain.demands import JobDemand
from ..domain.intensity import IntensityLimits, intensity_limits
from ..domain.pregnancy import gestation_on, pregnancy_plan
from ..models import Case
from .clearances import latest_clearances
from .restrictions import lift_limits_by_frequency, restriction_in_force_on


def job_demands(case: Case) -> list[JobDemand]:
    """The case's job demands as domain values."""
    return [JobDemand(d.task, d.amount, d.frequency, d.critical, d.description) for d in case.demands]


def current_gestation(case: Case, on: date) -> float | None:
    """Gestation in weeks on `on`, advanced from the last recorded value."""
    if not case.pregnant or case.gestation_weeks is None:
        return None
    return gestation_on(max(on, case.gestation_recorded_on), case.gestation_weeks,
                        case.gestation_recorded_on)


def limits_on(case: Case, on: date) -> IntensityLimits:
    """Every limit applying on `on`, the strictest of each kind (domain intensity_limits)."""
    latest = latest_clearances(case.id)
    cardiology_row = latest.get(ClearanceKind.CARDIOLOGY)
    obstetric_row = latest.get(ClearanceKind.OBSTETRIC)
    # a refused cardiology clearance sets no ceilings: session admission already blocks the case
    cardiology = (CardiologyClearance(cleared=True, heart_rate_ceiling=cardiology_row.heart_rate_ceiling,
                                      rpe_ceiling=cardiology_row.rpe_ceiling)
                  if cardiology_row and cardiology_row.outcome == "cleared" else None)
    weeks = current_gestation(case, on)
    restriction = restriction_in_force_on(case.id, on)
    return intensity_limits(
        cardiology=cardiology, pregnancy=pregnancy_plan(weeks) if weeks is not None else None,
        obstetric_rpe_ceiling=obstetric_row.rpe_ceiling if obstetric_row and obstetric_row.outcome == "cleared"
        else None,
        beta_blockers=(case.health or {}).get("beta_blockers", False),
        restriction_lift_limits_kg=lift_limits_by_frequency(restriction) if restriction else None,
        restriction_avoid_tasks=restriction.avoid if restriction else (),
    )
