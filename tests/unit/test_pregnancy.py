"""Pregnancy plan (ACOG 804, NIOSH lifting limits) and how it caps intensity."""

from datetime import date

import pytest

from coordinator.domain.clearance import CardiologyClearance
from coordinator.domain.demands import FALL_RISK_TASKS, Frequency, JobDemand, TaskKind
from coordinator.domain.errors import InvalidValue
from coordinator.domain.intensity import intensity_limits
from coordinator.domain.pregnancy import (PregnancyPolicy, gestation_on, next_recheck,
                                          pregnancy_plan, trimester)
from coordinator.domain.safety import SessionObservations, assess_session
from coordinator.domain.scales import MonitorBy
from coordinator.domain.symptoms import Symptom

OCC, FREQ, CONST = Frequency.OCCASIONAL, Frequency.FREQUENT, Frequency.CONSTANT


def test_pregnancy_rpe_ceiling_is_14_monitored_by_rpe():
    plan = pregnancy_plan(10)
    assert plan.rpe_ceiling == 14 and plan.monitor_by is MonitorBy.RPE
    assert plan.policy.name == "pregnancy-exercise" and "ACOG" in plan.policy.source


@pytest.mark.parametrize("weeks, expected", [(0, 1), (13, 1), (13.9, 1), (14, 2), (27, 2),
                                             (28, 3), (42, 3)])
def test_trimester_boundaries_week_13_first_week_14_second_week_28_third(weeks, expected):
    assert trimester(weeks) == expected


def test_week_13_is_first_trimester_supine_work_still_allowed():
    assert not pregnancy_plan(13).no_supine_work


def test_no_supine_work_from_week_14():
    plan = pregnancy_plan(14)
    assert plan.no_supine_work
    assert "no_supine_work" in {r.code for r in plan.reasons}


def test_fall_risk_tasks_are_avoided():
    assert FALL_RISK_TASKS <= pregnancy_plan(8).avoid_tasks
    assert TaskKind.LIFT_OVERHEAD in pregnancy_plan(8).avoid_tasks


def test_lift_limits_before_20_weeks_are_niosh_16_13_6_8_2_kg():
    assert pregnancy_plan(19.9).lift_limits_kg == {OCC: 16.0, FREQ: 13.6, CONST: 8.2}


def test_lift_limits_drop_at_20_weeks_to_11_8_9_1_5_9_kg():
    assert pregnancy_plan(20).lift_limits_kg == {OCC: 11.8, FREQ: 9.1, CONST: 5.9}


def test_lift_limits_cite_macdonald_2013():
    plan = pregnancy_plan(25)
    assert "MacDonald" in plan.policy.source
    assert any("MacDonald" in r.text for r in plan.reasons)


def test_warning_signs_include_pregnancy_and_general_red_flags():
    signs = pregnancy_plan(20).warning_signs
    assert {Symptom.VAGINAL_BLEEDING, Symptom.CONTRACTIONS, Symptom.FLUID_LEAKAGE,
            Symptom.CALF_PAIN, Symptom.CHEST_PAIN, Symptom.DIZZINESS} <= signs


def test_plan_is_rechecked_weekly():
    assert next_recheck(date(2026, 1, 30)) == date(2026, 2, 6)
    assert next_recheck(date(2026, 1, 30), PregnancyPolicy(recheck_every_days=14)) == date(2026, 2, 13)


def test_gestation_advances_with_the_calendar():
    assert gestation_on(date(2026, 3, 3), 18, date(2026, 2, 17)) == 20


def test_gestation_before_the_record_is_invalid():
    with pytest.raises(InvalidValue):
        gestation_on(date(2026, 2, 16), 18, date(2026, 2, 17))


@pytest.mark.parametrize("weeks", [-0.1, 42.1])
def test_plan_for_gestation_outside_0_to_42_is_invalid(weeks):
    with pytest.raises(InvalidValue) as error:
        pregnancy_plan(weeks)
    assert error.value.field == "gestation_weeks"


def test_payer_policy_can_replace_the_limits():
    policy = PregnancyPolicy(rpe_ceiling=13, lift_limits_late_kg={OCC: 10.0})
    plan = pregnancy_plan(30, policy)
    assert plan.rpe_ceiling == 13 and plan.lift_limits_kg == {OCC: 10.0}


def test_pregnancy_limits_combine_with_cardiology_keeping_the_strictest():
    cardiology = CardiologyClearance(cleared=True, heart_rate_ceiling=140, rpe_ceiling=16)
    limits = intensity_limits(cardiology=cardiology, pregnancy=pregnancy_plan(24))
    assert limits.rpe_ceiling == 14 and limits.hr_ceiling == 140
    assert limits.monitor_by is MonitorBy.RPE and limits.no_supine_work
    assert limits.lift_limits_kg[OCC] == 11.8


def test_pregnancy_and_restriction_lift_limits_keep_the_lower():
    limits = intensity_limits(pregnancy=pregnancy_plan(10),
                              restriction_lift_limits_kg={OCC: 12.0, CONST: 9.0})
    assert limits.lift_limits_kg == {OCC: 12.0, FREQ: 12.0, CONST: 8.2}


def test_pregnancy_ceilings_for_job_demands():
    limits = intensity_limits(pregnancy=pregnancy_plan(22))
    demands = [JobDemand("lift_floor_to_waist", 20, "frequent"), JobDemand("climb", 10, "occasional"),
               JobDemand("carry", 20, "occasional")]
    assert limits.ceilings_for(demands) == {TaskKind.LIFT_FLOOR_TO_WAIST: 9.1, TaskKind.CLIMB: 0.0}


def session(rpe: int) -> SessionObservations:
    return SessionObservations(session_date=date(2026, 2, 2), minutes=120, rpe=rpe, pain=2)


def test_pregnancy_rpe_14_allowed_15_is_caution():
    limits = intensity_limits(pregnancy=pregnancy_plan(16))
    assert assess_session(session(14), limits, pregnant=True).cautions == ()
    at_15 = assess_session(session(15), limits, pregnant=True)
    assert [c.code for c in at_15.cautions] == ["rpe_above_ceiling"]
    assert not at_15.stop and not at_15.pause
