"""Clearance before the first session, and the intensity limits that clearances set."""

import pytest

from coordinator.domain.clearance import (CardiacSymptom, CardiologyClearance, ClearanceKind,
                                          ClearancePolicy, Contraindication, HealthFlags,
                                          assess_physician_clearance, clearance_status,
                                          required_clearances)
from coordinator.domain.demands import DemandLevel, Frequency, JobDemand, TaskKind
from coordinator.domain.errors import InvalidValue, RuleViolation
from coordinator.domain.intensity import NO_LIMITS, intensity_limits
from coordinator.domain.scales import MonitorBy

PHYSICIAN, CARDIOLOGY, OBSTETRIC = ClearanceKind


def kinds(flags: HealthFlags, level=DemandLevel.MEDIUM, **kw) -> tuple:
    return required_clearances(flags, level, **kw).kinds


def test_physician_clearance_is_always_required():
    result = required_clearances(HealthFlags(), DemandLevel.LIGHT)
    assert result.kinds == (PHYSICIAN,)
    assert result.reasons[0].code == "physician_clearance"
    assert result.policy.name == "pre-participation-clearance"


@pytest.mark.parametrize("flag", ["cardiovascular_disease", "metabolic_disease", "renal_disease"])
def test_known_cardiovascular_metabolic_or_renal_disease_requires_cardiology(flag):
    assert kinds(HealthFlags(**{flag: True})) == (PHYSICIAN, CARDIOLOGY)


@pytest.mark.parametrize("symptom", list(CardiacSymptom))
def test_each_cardiac_symptom_requires_cardiology(symptom):
    assert kinds(HealthFlags(cardiac_symptoms={symptom})) == (PHYSICIAN, CARDIOLOGY)


def test_cardiology_reason_cites_vigorous_exercise_for_medium_jobs():
    result = required_clearances(HealthFlags(cardiac_symptoms={"syncope"}), DemandLevel.HEAVY)
    text = result.reasons[1].text
    assert "syncope" in text and "6 METs" in text and "RPE >= 14" in text and "ACSM" in text


def test_light_job_still_needs_cardiology_by_default_for_an_inactive_worker():
    assert kinds(HealthFlags(renal_disease=True), DemandLevel.LIGHT) == (PHYSICIAN, CARDIOLOGY)


def test_payer_may_limit_cardiology_to_vigorous_jobs():
    policy = ClearancePolicy(cardiology_below_vigorous=False)
    flags = HealthFlags(renal_disease=True)
    assert kinds(flags, DemandLevel.LIGHT, policy=policy) == (PHYSICIAN,)
    assert kinds(flags, DemandLevel.MEDIUM, policy=policy) == (PHYSICIAN, CARDIOLOGY)


def test_beta_blockers_alone_do_not_require_cardiology():
    assert kinds(HealthFlags(beta_blockers=True)) == (PHYSICIAN,)


def test_pregnancy_requires_obstetric_clearance():
    assert kinds(HealthFlags(pregnant=True, gestation_weeks=10)) == (PHYSICIAN, OBSTETRIC)


def test_pregnancy_with_heart_disease_requires_all_three():
    flags = HealthFlags(pregnant=True, gestation_weeks=22, cardiovascular_disease=True)
    assert kinds(flags) == (PHYSICIAN, CARDIOLOGY, OBSTETRIC)


@pytest.mark.parametrize("weeks", [-1, 42.5, 50])
def test_gestation_outside_0_to_42_weeks_is_invalid(weeks):
    with pytest.raises(InvalidValue) as error:
        HealthFlags(pregnant=True, gestation_weeks=weeks)
    assert error.value.field == "gestation_weeks"


@pytest.mark.parametrize("weeks", [0, 42])
def test_gestation_0_and_42_weeks_are_valid(weeks):
    assert HealthFlags(pregnant=True, gestation_weeks=weeks).gestation_weeks == weeks


def test_pregnancy_without_gestation_is_invalid():
    with pytest.raises(InvalidValue):
        HealthFlags(pregnant=True)


def test_gestation_without_pregnancy_is_invalid():
    with pytest.raises(InvalidValue):
        HealthFlags(gestation_weeks=12)


def test_unknown_cardiac_symptom_is_rejected():
    with pytest.raises(ValueError):
        HealthFlags(cardiac_symptoms={"hiccups"})


@pytest.mark.parametrize("contraindication", list(Contraindication))
def test_any_contraindication_blocks_physician_clearance(contraindication):
    result = assess_physician_clearance({contraindication})
    assert not result.cleared and result.blocking == (contraindication,)
    assert result.reasons[0].code == "contraindication"


def test_no_contraindication_clears():
    result = assess_physician_clearance(set())
    assert result.cleared and not result.with_restrictions
    assert result.reasons[0].code == "cleared"


def test_clearance_with_restrictions_is_still_a_clearance():
    result = assess_physician_clearance((), ["max lift 10 kg", "no overhead work", "  "])
    assert result.cleared and result.with_restrictions
    assert result.restrictions == ("max lift 10 kg", "no overhead work")
    assert "no overhead work" in result.reasons[0].text


def test_every_blocking_contraindication_is_listed():
    result = assess_physician_clearance(["unhealed_fracture", "acute_inflammation"], ["x"])
    assert not result.cleared
    assert set(result.blocking) == {Contraindication.UNHEALED_FRACTURE,
                                    Contraindication.ACUTE_INFLAMMATION}
    assert len(result.reasons) == 2


def test_payer_policy_chooses_which_contraindications_block():
    policy = ClearancePolicy(blocking_contraindications=frozenset({"unhealed_fracture"}))
    assert assess_physician_clearance({"uncontrolled_pain"}, policy=policy).cleared


@pytest.mark.parametrize("ceiling", [60, 220])
def test_heart_rate_ceiling_60_and_220_are_valid(ceiling):
    assert CardiologyClearance(cleared=True, heart_rate_ceiling=ceiling).heart_rate_ceiling == ceiling


@pytest.mark.parametrize("ceiling", [59, 221, -5])
def test_heart_rate_ceiling_outside_60_to_220_is_invalid(ceiling):
    with pytest.raises(InvalidValue) as error:
        CardiologyClearance(cleared=True, heart_rate_ceiling=ceiling)
    assert error.value.field == "heart_rate_ceiling"


@pytest.mark.parametrize("rpe", [6, 20])
def test_rpe_ceiling_6_and_20_are_valid(rpe):
    assert CardiologyClearance(cleared=True, rpe_ceiling=rpe).rpe_ceiling == rpe


@pytest.mark.parametrize("rpe", [5, 21])
def test_rpe_ceiling_outside_6_to_20_is_invalid(rpe):
    with pytest.raises(InvalidValue) as error:
        CardiologyClearance(cleared=True, rpe_ceiling=rpe)
    assert error.value.field == "rpe_ceiling"


def test_clearance_status_complete_when_every_required_kind_is_granted():
    status = clearance_status([PHYSICIAN, CARDIOLOGY], [CARDIOLOGY, PHYSICIAN])
    assert status.complete and status.missing == ()


def test_clearance_status_lists_the_missing_kinds():
    status = clearance_status([PHYSICIAN, CARDIOLOGY, OBSTETRIC], [PHYSICIAN])
    assert not status.complete
    assert status.missing == (CARDIOLOGY, OBSTETRIC)
    assert [r.code for r in status.reasons] == ["clearance_missing"] * 2


def test_no_limits_when_nothing_limits_intensity():
    limits = intensity_limits()
    assert limits.hr_ceiling is None and limits.rpe_ceiling is None
    assert limits.monitor_by is MonitorBy.RPE and limits.lift_limits_kg == {}
    assert NO_LIMITS.ceiling_for(JobDemand("lift_overhead", 10, "occasional")) is None


def test_cardiology_ceilings_set_the_limits_and_heart_rate_is_monitored():
    limits = intensity_limits(cardiology=CardiologyClearance(cleared=True, heart_rate_ceiling=130,
                                                             rpe_ceiling=15))
    assert (limits.hr_ceiling, limits.rpe_ceiling) == (130, 15)
    assert limits.monitor_by is MonitorBy.HEART_RATE


def test_with_beta_blockers_intensity_is_monitored_by_rpe():
    limits = intensity_limits(cardiology=CardiologyClearance(cleared=True, heart_rate_ceiling=130),
                              beta_blockers=True)
    assert limits.monitor_by is MonitorBy.RPE
    assert limits.hr_ceiling == 130  # still a stop criterion
    assert limits.rpe_ceiling == 16
    assert "beta-blockers" in " ".join(r.text for r in limits.reasons)


def test_strictest_rpe_ceiling_wins():
    limits = intensity_limits(cardiology=CardiologyClearance(cleared=True, rpe_ceiling=13),
                              beta_blockers=True)
    assert limits.rpe_ceiling == 13


def test_limits_for_an_uncleared_cardiology_answer_are_refused():
    with pytest.raises(RuleViolation):
        intensity_limits(cardiology=CardiologyClearance(cleared=False))


def test_restriction_lift_limits_and_avoided_tasks_become_ceilings():
    limits = intensity_limits(restriction_lift_limits_kg={"occasional": 10, "frequent": 12},
                              restriction_avoid_tasks={"climb"})
    # a load allowed more often never exceeds one allowed less often
    assert limits.lift_limits_kg == {Frequency.OCCASIONAL: 10, Frequency.FREQUENT: 10}
    demands = [JobDemand("lift_floor_to_waist", 20, "frequent"), JobDemand("climb", 30, "occasional"),
               JobDemand("stand", 60, "constant")]
    assert limits.ceilings_for(demands) == {TaskKind.LIFT_FLOOR_TO_WAIST: 10, TaskKind.CLIMB: 0.0}


def test_negative_restriction_lift_limit_is_invalid():
    with pytest.raises(InvalidValue):
        intensity_limits(restriction_lift_limits_kg={"occasional": -1})
