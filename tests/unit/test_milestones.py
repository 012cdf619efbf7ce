"""Graded return to work: the ladder, the capacity gate, employer confirmation and setbacks."""

from datetime import date

import pytest

from coordinator.domain.errors import IllegalTransition, InvalidValue, RuleViolation
from coordinator.domain.milestones import (
    DEFAULT_LADDER_POLICY as POLICY,
    DutyKind,
    LadderPolicy,
    MilestoneStatus,
    can_start_milestone,
    confirm,
    ladder,
    next_milestone,
    required_readiness,
    setback,
    transition_milestone,
)

FOUR, SIX, EIGHT, FULL = ladder()
READY = {"carry": 1.0, "lift_floor_to_waist": 1.2}
START = date(2026, 4, 6)


def codes(result):
    return [r.code for r in result.reasons]


# -- the ladder ------------------------------------------------------------------------------------------


def test_default_ladder_is_4_6_8_hours_on_modified_duty_then_full_duty():
    assert [(r.number, r.hours_per_day, r.duty) for r in ladder()] == [
        (1, 4, DutyKind.MODIFIED), (2, 6, DutyKind.MODIFIED), (3, 8, DutyKind.MODIFIED), (4, 8, DutyKind.FULL)]


def test_each_modified_rung_lasts_about_a_week():
    assert sum(r.planned_days for r in ladder()) == 21 and FULL.planned_days == 0


def test_full_duty_is_at_the_jobs_shift_length():
    rungs = ladder(shift_hours=10)
    assert [r.hours_per_day for r in rungs] == [4, 6, 8, 10] and rungs[-1].is_full_duty


def test_modified_rungs_longer_than_the_shift_are_dropped():
    assert [r.hours_per_day for r in ladder(shift_hours=6)] == [4, 6, 6]


@pytest.mark.parametrize("shift", [0, 25])
def test_shift_hours_outside_zero_to_24_are_invalid(shift):
    with pytest.raises(InvalidValue):
        ladder(shift_hours=shift)


@pytest.mark.parametrize("changes", [
    {"modified_hours": ()}, {"modified_hours": (6, 4)}, {"modified_hours": (4, 4)}, {"modified_hours": (0, 4)},
    {"modified_hours": (4, 25)}, {"days_per_rung": 0}, {"modified_readiness": 0},
    {"modified_readiness": 1.1},
])
def test_ladder_policy_values_out_of_range_are_invalid(changes):
    with pytest.raises(InvalidValue):
        LadderPolicy(**changes)


def test_ladder_policy_is_named_versioned_and_sourced():
    assert POLICY.ref.version == "2026.1" and "[src]" in POLICY.ref.source and "[design]" in POLICY.ref.source


def test_next_milestone_is_the_lowest_not_confirmed():
    assert next_milestone([]) == FOUR
    assert next_milestone([1, 2]) == EIGHT
    assert next_milestone([FOUR]) == SIX


def test_no_next_milestone_once_full_duty_is_confirmed():
    assert next_milestone([1, 2, 3, 4]) is None


# -- the capacity gate ----------------------------------------------------------------------------------------


def test_modified_duty_needs_the_policys_modified_readiness():
    assert required_readiness(FOUR) == 0.75 and required_readiness(FULL) == 1.0


def test_milestone_starts_when_hours_and_every_demand_are_ready():
    gate = can_start_milestone(SIX, READY, 6)
    assert gate.may_start and gate.policy == POLICY.ref
    assert codes(gate) == ["hours_tolerated", "demand_ready", "demand_ready"]


def test_hours_tolerated_equal_to_the_rung_are_enough():
    assert can_start_milestone(EIGHT, READY, 8).may_start


def test_hours_tolerated_below_the_rung_block_the_start():
    gate = can_start_milestone(EIGHT, READY, 7.5)
    assert not gate.may_start and "hours_short" in codes(gate)


def test_modified_rung_readiness_at_the_threshold_is_enough():
    assert can_start_milestone(FOUR, {"carry": 0.75}, 4).may_start


def test_modified_rung_readiness_below_the_threshold_blocks_the_start():
    gate = can_start_milestone(FOUR, {"carry": 0.74, "push": 1.0}, 4)
    assert not gate.may_start and codes(gate).count("demand_not_ready") == 1


def test_full_duty_needs_full_readiness_on_every_demand():
    assert not can_start_milestone(FULL, {"carry": 0.99}, 8).may_start
    assert can_start_milestone(FULL, {"carry": 1.0}, 8).may_start


def test_a_payer_may_require_more_readiness_for_modified_duty():
    assert not can_start_milestone(FOUR, {"carry": 0.8}, 4, LadderPolicy(modified_readiness=0.9)).may_start


def test_no_capacity_on_record_blocks_the_start():
    gate = can_start_milestone(FOUR, {}, 4)
    assert not gate.may_start and "no_capacity_on_record" in codes(gate)


def test_no_hours_on_record_blocks_the_start():
    assert not can_start_milestone(FOUR, READY, None).may_start


@pytest.mark.parametrize("value", [-0.1, None, "1"])
def test_invalid_readiness_values_are_invalid(value):
    with pytest.raises(InvalidValue) as err:
        can_start_milestone(FOUR, {"carry": value}, 4)
    assert err.value.field == "readiness"


@pytest.mark.parametrize("hours", [-1, 24.5])
def test_hours_tolerated_outside_zero_to_24_are_invalid(hours):
    with pytest.raises(InvalidValue):
        can_start_milestone(FOUR, READY, hours)


def test_a_milestone_waits_for_the_one_below_to_be_confirmed():
    assert not can_start_milestone(SIX, READY, 6, confirmed_rungs=[]).may_start
    assert can_start_milestone(SIX, READY, 6, confirmed_rungs=[1]).may_start
    assert can_start_milestone(FOUR, READY, 4, confirmed_rungs=[]).may_start


# -- confirmation -----------------------------------------------------------------------------------------------


def test_employer_confirms_a_started_milestone():
    done = confirm(SIX, MilestoneStatus.STARTED, confirmed_by="employer", started_on=START, confirmed_on=START)
    assert done.status is MilestoneStatus.CONFIRMED and not done.discharge_ready


@pytest.mark.parametrize("party", ["therapist", "worker", "insurer"])
def test_only_the_employer_confirms_a_milestone(party):
    with pytest.raises(RuleViolation) as err:
        confirm(SIX, MilestoneStatus.STARTED, confirmed_by=party, started_on=START, confirmed_on=START)
    assert err.value.field == "confirmed_by"


def test_a_planned_milestone_cannot_be_confirmed_before_it_starts():
    with pytest.raises(IllegalTransition):
        confirm(SIX, MilestoneStatus.PLANNED, confirmed_by="employer", started_on=None, confirmed_on=START)


def test_a_started_milestone_without_a_start_date_cannot_be_confirmed():
    with pytest.raises(RuleViolation):
        confirm(SIX, MilestoneStatus.STARTED, confirmed_by="employer", started_on=None, confirmed_on=START)


def test_confirmation_dated_before_the_start_is_invalid():
    with pytest.raises(InvalidValue) as err:
        confirm(SIX, "started", confirmed_by="employer", started_on=START, confirmed_on=date(2026, 4, 5))
    assert err.value.field == "confirmed_on"


def test_full_duty_confirmed_means_discharge_ready():
    done = confirm(FULL, MilestoneStatus.STARTED, confirmed_by="employer", started_on=START, confirmed_on=START)
    assert done.discharge_ready and "discharge_ready" in codes(done)


@pytest.mark.parametrize("current, target", [
    (MilestoneStatus.PLANNED, MilestoneStatus.STARTED),
    (MilestoneStatus.STARTED, MilestoneStatus.STEPPED_BACK),
    (MilestoneStatus.CONFIRMED, MilestoneStatus.STEPPED_BACK),
    (MilestoneStatus.STEPPED_BACK, MilestoneStatus.STARTED),
])
def test_allowed_milestone_transitions(current, target):
    assert transition_milestone(current, target) is target


@pytest.mark.parametrize("current, target", [
    (MilestoneStatus.PLANNED, MilestoneStatus.CONFIRMED), (MilestoneStatus.CONFIRMED, MilestoneStatus.STARTED),
    (MilestoneStatus.CONFIRMED, MilestoneStatus.CONFIRMED),
])
def test_illegal_milestone_transitions(current, target):
    with pytest.raises(IllegalTransition):
        transition_milestone(current, target)


# -- setback -------------------------------------------------------------------------------------------------------


def test_setback_steps_back_one_milestone():
    step = setback(EIGHT)
    assert (step.from_rung, step.to_rung, step.back_to_program) == (EIGHT, SIX, False)


def test_setback_from_full_duty_returns_to_the_last_modified_rung():
    assert setback(FULL).to_rung == EIGHT


def test_setback_from_the_first_milestone_returns_to_the_program():
    step = setback(FOUR)
    assert step.to_rung is None and step.back_to_program and codes(step) == ["back_to_program"]


def test_setback_from_a_rung_of_another_ladder_is_invalid():
    with pytest.raises(InvalidValue):
        setback(ladder(shift_hours=10)[-1])
