"""Valid ranges of the scales therapists record: Borg RPE, 0-10 ratings, gestation, vitals."""

from enum import StrEnum
from numbers import Real

from .errors import InvalidValue

# Borg's rating of perceived exertion runs from 6 ("no exertion") to 20 ("maximal") [src: Borg 1982]
RPE_RANGE = (6, 20)
# numeric rating scales (pain NPRS, fatigue, fear of re-injury): 0 = none, 10 = worst imaginable
RATING_RANGE = (0, 10)
GESTATION_RANGE = (0, 42)
HEART_RATE_CEILING_RANGE = (60, 220)
# plausible measured values; the red-flag limits (250/115 mmHg) must fall well inside
HEART_RATE_RANGE = (20, 260)
SYSTOLIC_RANGE = (50, 320)
DIASTOLIC_RANGE = (20, 220)


def require_range(value, bounds: tuple[float, float], *, field: str, what: str) -> float:
    """Return `value` when it is a number within `bounds`; raise InvalidValue otherwise."""
    low, high = bounds
    # `not low <= value <= high` also rejects NaN; bool is a number in Python but never a measure
    if isinstance(value, bool) or not isinstance(value, Real) or not low <= value <= high:
        raise InvalidValue(f"{what} must be a number from {low} to {high} (got {value!r})",
                           field=field)
    return value


def require_rpe(value, *, field: str = "rpe") -> float:
    """An RPE on Borg's 6-20 scale."""
    return require_range(value, RPE_RANGE, field=field, what="RPE (Borg 6-20)")


def require_rating(value, *, field: str, what: str) -> float:
    """A 0-10 numeric rating (pain, fatigue, fear of re-injury)."""
    return require_range(value, RATING_RANGE, field=field, what=f"{what} (0-10)")


def require_gestation(value, *, field: str = "gestation_weeks") -> float:
    """Gestational age in weeks, 0-42."""
    return require_range(value, GESTATION_RANGE, field=field, what="gestation in weeks")


def require_non_negative(value, *, field: str, what: str) -> float:
    """A number that is zero or more (a load, a duration, a count)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not value >= 0:
        raise InvalidValue(f"{what} must be zero or more (got {value!r})", field=field)
    return value


class MonitorBy(StrEnum):
    """What a therapist watches to keep exercise within its intensity limit."""

    HEART_RATE = "heart_rate"
    RPE = "rpe"
