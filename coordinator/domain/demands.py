"""Job demands and the physical demand levels of the U.S. Dictionary of Occupational Titles."""

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidValue
from .policies import PolicyRef

DOT_SOURCE = PolicyRef(
    "dot-physical-demand-levels", "1991", "U.S. DOL Dictionary of Occupational Titles, Appendix C"
)


class Frequency(StrEnum):
    """How much of the shift a demand occupies (DOT)."""

    OCCASIONAL = "occasional"   # 0-33 %
    FREQUENT = "frequent"       # 34-66 %
    CONSTANT = "constant"       # 67-100 %


FREQUENCY_ORDER = {Frequency.OCCASIONAL: 0, Frequency.FREQUENT: 1, Frequency.CONSTANT: 2}


class Unit(StrEnum):
    """What a demand's amount measures."""

    KG = "kg"
    MINUTES = "min"


class TaskKind(StrEnum):
    """Kinds of critical job demand; force tasks are measured in kg, the rest in minutes."""

    LIFT_FLOOR_TO_WAIST = "lift_floor_to_waist"
    LIFT_WAIST_TO_SHOULDER = "lift_waist_to_shoulder"
    LIFT_OVERHEAD = "lift_overhead"
    CARRY = "carry"
    PUSH = "push"
    PULL = "pull"
    OVERHEAD_REACH = "overhead_reach"
    STAND = "stand"
    WALK = "walk"
    SIT = "sit"
    CLIMB = "climb"
    KNEEL = "kneel"
    CROUCH = "crouch"
    STOOP = "stoop"


FORCE_TASKS = frozenset({
    TaskKind.LIFT_FLOOR_TO_WAIST, TaskKind.LIFT_WAIST_TO_SHOULDER, TaskKind.LIFT_OVERHEAD,
    TaskKind.CARRY, TaskKind.PUSH, TaskKind.PULL,
})
LIFT_TASKS = frozenset({
    TaskKind.LIFT_FLOOR_TO_WAIST, TaskKind.LIFT_WAIST_TO_SHOULDER, TaskKind.LIFT_OVERHEAD,
})
# tasks with a fall risk or sustained awkward posture (pregnancy plans and restrictions avoid them)
FALL_RISK_TASKS = frozenset({TaskKind.CLIMB})


def unit_of(task: TaskKind) -> Unit:
    """kg for force tasks, minutes for postures and locomotion."""
    return Unit.KG if TaskKind(task) in FORCE_TASKS else Unit.MINUTES


class DemandLevel(StrEnum):
    """DOT physical demand level of a job."""

    SEDENTARY = "sedentary"
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"
    VERY_HEAVY = "very_heavy"


LEVEL_ORDER = {level: i for i, level in enumerate(DemandLevel)}
# Upper load (kg) of each level at each frequency; "negligible" is taken as 0 kg [src: DOT;
# 10 lb = 4.5 kg, 20 lb = 9 kg, 25 lb = 11.3 kg, 50 lb = 23 kg, 100 lb = 45 kg].
LEVEL_LIMITS_KG: dict[DemandLevel, dict[Frequency, float]] = {
    DemandLevel.SEDENTARY: {Frequency.OCCASIONAL: 4.5, Frequency.FREQUENT: 0.0, Frequency.CONSTANT: 0.0},
    DemandLevel.LIGHT: {Frequency.OCCASIONAL: 9.0, Frequency.FREQUENT: 4.5, Frequency.CONSTANT: 0.0},
    DemandLevel.MEDIUM: {Frequency.OCCASIONAL: 23.0, Frequency.FREQUENT: 11.3, Frequency.CONSTANT: 4.5},
    DemandLevel.HEAVY: {Frequency.OCCASIONAL: 45.0, Frequency.FREQUENT: 23.0, Frequency.CONSTANT: 9.0},
}


def at_least(level: DemandLevel, floor: DemandLevel) -> bool:
    """True when `level` is `floor` or heavier."""
    return LEVEL_ORDER[DemandLevel(level)] >= LEVEL_ORDER[DemandLevel(floor)]


def level_for_load(load_kg: float, frequency: Frequency) -> DemandLevel:
    """The lightest demand level whose limit at `frequency` covers `load_kg`."""
    if load_kg < 0:
        raise InvalidValue("a load cannot be negative", field="load_kg")
    for level, limits in LEVEL_LIMITS_KG.items():
        if load_kg <= limits[Frequency(frequency)]:
            return level
    return DemandLevel.VERY_HEAVY


@dataclass(frozen=True)
class JobDemand:
    """One demand of the job: a task, its load (kg) or duration (min), and how often."""

    task: TaskKind
    amount: float
    frequency: Frequency
    critical: bool = True
    description: str = ""

    def __post_init__(self):
        object.__setattr__(self, "task", TaskKind(self.task))
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        if self.amount is None or self.amount < 0:
            raise InvalidValue(f"the amount of '{self.task}' must be zero or more", field="amount")

    @property
    def unit(self) -> Unit:
        """kg or minutes, following the task kind."""
        return unit_of(self.task)

    @property
    def level(self) -> DemandLevel | None:
        """The DOT level this demand alone implies (force tasks only)."""
        if self.unit is not Unit.KG:
            return None
        return level_for_load(self.amount, self.frequency)


def job_demand_level(demands: list[JobDemand]) -> DemandLevel:
    """A job's level: the heaviest level any of its force demands implies."""
    levels = [d.level for d in demands if d.level is not None]
    if not levels:
        return DemandLevel.SEDENTARY
    return max(levels, key=LEVEL_ORDER.__getitem__)
