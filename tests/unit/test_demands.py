"""Physical demand levels (DOT) and job demands."""

import pytest

from coordinator.domain.demands import (DemandLevel, Frequency, JobDemand, TaskKind, Unit, job_demand_level,
                                        level_for_load, unit_of)
from coordinator.domain.errors import InvalidValue
from coordinator.domain.screening import ProgramType, program_type


@pytest.mark.parametrize("load, frequency, level", [
    (4.5, "occasional", "sedentary"), (4.6, "occasional", "light"),
    (9, "occasional", "light"), (9.1, "occasional", "medium"),
    (23, "occasional", "medium"), (23.1, "occasional", "heavy"),
    (45, "occasional", "heavy"), (45.1, "occasional", "very_heavy"),
    (4.5, "frequent", "light"), (11.3, "frequent", "medium"), (11.4, "frequent", "heavy"),
    (23, "frequent", "heavy"), (23.1, "frequent", "very_heavy"),
    (0.1, "constant", "medium"), (4.5, "constant", "medium"), (9, "constant", "heavy"),
    (9.1, "constant", "very_heavy"),
])
def test_dot_demand_level_at_each_boundary(load, frequency, level):
    assert level_for_load(load, frequency) == level


def test_negligible_frequent_load_is_sedentary():
    assert level_for_load(0, Frequency.FREQUENT) is DemandLevel.SEDENTARY


def test_negative_load_is_invalid():
    with pytest.raises(InvalidValue):
        level_for_load(-1, "occasional")
    with pytest.raises(InvalidValue):
        JobDemand("carry", -0.5, "frequent")


def test_unknown_task_or_frequency_is_refused():
    with pytest.raises(ValueError):
        JobDemand("juggle", 3, "frequent")
    with pytest.raises(ValueError):
        JobDemand("carry", 3, "sometimes")


def test_force_tasks_are_measured_in_kg_postures_in_minutes():
    assert unit_of(TaskKind.CARRY) is Unit.KG and unit_of(TaskKind.STAND) is Unit.MINUTES
    assert JobDemand("stand", 240, "constant").level is None


def test_job_level_is_the_heaviest_force_demand():
    demands = [JobDemand("carry", 10, "frequent"), JobDemand("lift_floor_to_waist", 30, "occasional"),
               JobDemand("stand", 480, "constant")]
    assert job_demand_level(demands) is DemandLevel.HEAVY


def test_job_without_force_demands_is_sedentary():
    assert job_demand_level([JobDemand("sit", 400, "constant")]) is DemandLevel.SEDENTARY


def test_work_hardening_from_medium_conditioning_below():
    assert program_type(DemandLevel.MEDIUM) is ProgramType.WORK_HARDENING
    assert program_type(DemandLevel.LIGHT) is ProgramType.WORK_CONDITIONING
