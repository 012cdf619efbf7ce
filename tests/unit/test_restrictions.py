"""Versioned restrictions: limits per task and frequency, versions in sequence, signed lift steps."""

from datetime import date

import pytest

from coordinator.domain.demands import Frequency as F
from coordinator.domain.demands import TaskKind as T
from coordinator.domain.errors import InvalidValue, RuleViolation
from coordinator.domain.restrictions import (
    RESTRICTION_RULES,
    ChangeDirection,
    IssuerRole,
    LoadLimit,
    RestrictionSet,
    lift_step,
    next_version,
    restriction_in_force,
)

DAY = date(2026, 3, 2)


def v1(**changes):
    values = dict(
        version=1, issued_on=DAY, issued_by=IssuerRole.PHYSICIAN, signed_by="Dr Ames",
        load_limits={(T.CARRY, F.OCCASIONAL): 15, (T.CARRY, F.FREQUENT): 10},
        max_hours_per_day=6, avoid={T.CLIMB},
    )
    return RestrictionSet(**(values | changes))


# -- values ------------------------------------------------------------------------------------------


def test_a_limit_applies_at_its_own_frequency():
    assert v1().max_load_kg(T.CARRY, F.FREQUENT) == 10


def test_a_limit_at_a_frequency_also_applies_to_more_frequent_use():
    assert v1().max_load_kg(T.CARRY, F.CONSTANT) == 10


def test_a_limit_at_a_frequency_does_not_apply_to_less_frequent_use():
    assert v1().max_load_kg(T.CARRY, F.OCCASIONAL) == 15


def test_the_lowest_applicable_limit_binds():
    restrictions = v1(load_limits={(T.PUSH, F.OCCASIONAL): 5, (T.PUSH, F.FREQUENT): 20})
    assert restrictions.max_load_kg(T.PUSH, F.FREQUENT) == 5


def test_a_task_without_a_limit_is_unlimited():
    assert v1().max_load_kg(T.PULL, F.CONSTANT) is None


@pytest.mark.parametrize("task", [T.LIFT_FLOOR_TO_WAIST, T.LIFT_WAIST_TO_SHOULDER, T.LIFT_OVERHEAD])
def test_a_general_max_lift_applies_to_every_lift_task(task):
    limit = v1(max_lift_kg=9).limit_for(task, F.OCCASIONAL)
    assert limit.max_kg == 9 and limit.general


def test_a_general_max_lift_does_not_apply_to_carrying():
    assert v1(max_lift_kg=9).max_load_kg(T.CARRY, F.OCCASIONAL) == 15


def test_a_lower_specific_lift_limit_beats_the_general_one():
    restrictions = v1(max_lift_kg=9, load_limits={(T.LIFT_OVERHEAD, F.OCCASIONAL): 4})
    assert restrictions.max_load_kg(T.LIFT_OVERHEAD, F.FREQUENT) == 4


def test_load_limits_accept_limit_values_as_well_as_a_mapping():
    restrictions = v1(load_limits=[LoadLimit(T.PULL, F.FREQUENT, 12)])
    assert restrictions.max_load_kg(T.PULL, F.CONSTANT) == 12


def test_a_zero_kg_limit_is_valid():
    assert v1(load_limits={(T.PUSH, F.OCCASIONAL): 0}).max_load_kg(T.PUSH, F.OCCASIONAL) == 0


def test_negative_load_is_invalid():
    with pytest.raises(InvalidValue) as err:
        v1(load_limits={(T.CARRY, F.OCCASIONAL): -1})
    assert err.value.field == "max_kg"


def test_negative_general_max_lift_is_invalid():
    with pytest.raises(InvalidValue) as err:
        v1(max_lift_kg=-0.5)
    assert err.value.field == "max_lift_kg"


def test_a_load_limit_on_a_non_force_task_is_invalid():
    with pytest.raises(InvalidValue) as err:
        LoadLimit(T.STAND, F.OCCASIONAL, 10)
    assert err.value.field == "task"


def test_two_limits_for_the_same_task_and_frequency_are_invalid():
    with pytest.raises(InvalidValue):
        v1(load_limits=[LoadLimit(T.CARRY, F.FREQUENT, 10), LoadLimit(T.CARRY, F.FREQUENT, 12)])


@pytest.mark.parametrize("hours", [0, 24])
def test_hours_per_day_from_zero_to_24_are_valid(hours):
    assert v1(max_hours_per_day=hours).max_hours_per_day == hours


@pytest.mark.parametrize("hours", [-0.5, 24.5])
def test_hours_per_day_outside_zero_to_24_are_invalid(hours):
    with pytest.raises(InvalidValue) as err:
        v1(max_hours_per_day=hours)
    assert err.value.field == "max_hours_per_day"


@pytest.mark.parametrize("version", [0, -1, 1.0, True])
def test_versions_are_whole_numbers_from_one(version):
    with pytest.raises(InvalidValue) as err:
        v1(version=version)
    assert err.value.field == "version"


def test_restrictions_are_issued_by_a_physician_or_a_therapist():
    assert v1(issued_by="therapist").issued_by is IssuerRole.THERAPIST
    with pytest.raises(InvalidValue) as err:
        v1(issued_by="employer")
    assert err.value.field == "issued_by"


def test_an_unknown_task_to_avoid_is_invalid():
    with pytest.raises(InvalidValue):
        v1(avoid={"juggling"})


# -- versions -----------------------------------------------------------------------------------------


def test_next_version_is_the_previous_plus_one():
    new = next_version(v1(), {"issued_on": date(2026, 3, 9), "issued_by": "physician", "signed_by": "Dr Ames",
                              "max_hours_per_day": 8})
    assert (new.version, new.max_hours_per_day, new.avoid) == (2, 8, frozenset({T.CLIMB}))


def test_next_version_may_be_issued_on_the_same_day():
    assert next_version(v1(), v1(version=2)).version == 2


def test_skipping_a_version_is_invalid():
    with pytest.raises(InvalidValue) as err:
        next_version(v1(), v1(version=3))
    assert err.value.field == "version"


def test_repeating_a_version_is_invalid():
    with pytest.raises(InvalidValue):
        next_version(v1(), v1(version=1))


def test_next_version_cannot_be_issued_before_the_previous():
    with pytest.raises(InvalidValue) as err:
        next_version(v1(), v1(version=2, issued_on=date(2026, 3, 1)))
    assert err.value.field == "issued_on"


def test_next_version_needs_its_own_date_issuer_and_signer():
    with pytest.raises(InvalidValue) as err:
        next_version(v1(), {"max_hours_per_day": 8})
    assert err.value.field == "issued_on"


def test_next_version_refuses_unknown_fields():
    with pytest.raises(InvalidValue):
        next_version(v1(), {"issued_on": DAY, "issued_by": "physician", "signed_by": "Dr A", "max_kg": 3})


def test_next_version_must_be_signed():
    with pytest.raises(RuleViolation) as err:
        next_version(v1(), v1(version=2, signed_by=" "))
    assert err.value.field == "signed_by"


def test_restriction_in_force_is_the_latest_issued_by_that_day():
    versions = [v1(), v1(version=2, issued_on=date(2026, 3, 9)), v1(version=3, issued_on=date(2026, 3, 16))]
    assert restriction_in_force(versions, date(2026, 3, 9)).version == 2
    assert restriction_in_force(versions, date(2026, 3, 15)).version == 2
    assert restriction_in_force(versions, date(2026, 3, 16)).version == 3


def test_no_restriction_is_in_force_before_the_first_is_issued():
    assert restriction_in_force([v1()], date(2026, 3, 1)) is None


def test_duplicate_version_numbers_are_invalid():
    with pytest.raises(InvalidValue):
        restriction_in_force([v1(), v1()], DAY)


# -- lift steps ----------------------------------------------------------------------------------------


def test_lift_step_lists_each_lifted_limit():
    new = v1(version=2, issued_on=date(2026, 3, 9), signed_by="Dr Ames",
             load_limits={(T.CARRY, F.OCCASIONAL): 20}, max_hours_per_day=8, avoid=set())
    step = lift_step(v1(), new)
    assert (step.from_version, step.to_version, step.signed_by) == (1, 2, "Dr Ames")
    assert [str(c) for c in step.changes] == [
        "carry occasionally: 15 kg -> 20 kg (lifted)",
        "carry frequently: 10 kg -> none (lifted)",
        "hours per day: 6 h -> 8 h (lifted)",
        "avoid climb: avoided -> allowed (lifted)",
    ]
    assert step.lifts_only and step.policy == RESTRICTION_RULES


def test_lift_step_flags_a_tightened_limit():
    new = v1(version=2, max_lift_kg=5, avoid={T.CLIMB, T.KNEEL})
    step = lift_step(v1(), new)
    assert not step.lifts_only
    assert {c.direction for c in step.changes} == {ChangeDirection.TIGHTENED}
    assert [c.item for c in step.changes] == ["any lift", "avoid kneel"]


def test_lift_step_without_changes_says_so():
    assert [r.code for r in lift_step(v1(), v1(version=2)).reasons] == ["no_change"]


def test_lift_step_requires_a_signer():
    with pytest.raises(RuleViolation) as err:
        lift_step(v1(), v1(version=2, signed_by=""))
    assert err.value.field == "signed_by"


def test_lift_step_requires_the_next_version():
    with pytest.raises(InvalidValue):
        lift_step(v1(), v1(version=3))
