"""Session admission (clearances, stage) and the red flags that stop a session."""

from datetime import date

import pytest

from coordinator.domain.clearance import CardiologyClearance, ClearanceKind
from coordinator.domain.errors import InvalidValue
from coordinator.domain.intensity import intensity_limits
from coordinator.domain.safety import (SafetyPolicy, SessionObservations, Symptom, assess_session)
from coordinator.domain.stages import ACTIVE_STAGES, Stage

PHYSICIAN, CARDIOLOGY, OBSTETRIC = ClearanceKind


def obs(**changes) -> SessionObservations:
    values = dict(session_date=date(2026, 2, 2), minutes=120, rpe=13, pain=3)
    values.update(changes)
    return SessionObservations(**values)


def flags(result) -> list[str]:
    return [r.code for r in result.red_flags]


def _session(stage, required, granted, blocked=()):
    """Whether the catalogue admits a session (the admission rule lives in domain/catalogue.py)."""
    from datetime import date

    from coordinator.domain.actions import CaseFacts
    from coordinator.domain.catalogue import availability

    missing = tuple(str(k) for k in required if k not in granted)
    return availability("log_session", CaseFacts(stage=stage, stage_since=date(2026, 11, 2),
                                                 required_clearances=tuple(str(k) for k in required),
                                                 missing_clearances=missing, blocked_clearances=blocked))


@pytest.mark.parametrize("stage", sorted(ACTIVE_STAGES))
def test_session_allowed_in_active_stages_with_every_clearance(stage):
    assert _session(stage, [PHYSICIAN, CARDIOLOGY], [CARDIOLOGY, PHYSICIAN]).available


def test_no_session_before_every_required_clearance_lists_the_missing():
    refused = _session(Stage.PROGRAM, [PHYSICIAN, CARDIOLOGY, OBSTETRIC], [PHYSICIAN])
    assert not refused.available and refused.reason == "the cardiology and obstetric clearances are not in yet"


def test_no_session_before_physician_clearance_and_a_refusal_is_named():
    assert not _session(Stage.PROGRAM, [PHYSICIAN], []).available
    assert _session(Stage.PROGRAM, [PHYSICIAN], [], blocked=("physician",)).reason == (
        "the physician clearance was refused")


@pytest.mark.parametrize("stage", sorted(set(Stage) - ACTIVE_STAGES))
def test_no_session_outside_active_stages(stage):
    assert not _session(stage, [PHYSICIAN], [PHYSICIAN]).available


def test_quiet_session_has_no_flag_and_no_caution():
    result = assess_session(obs(heart_rate=110, systolic=140, diastolic=85))
    assert not result.stop and not result.pause
    assert result.red_flags == () and result.cautions == () and result.reasons == ()
    assert result.policy.name == "session-stop-criteria"


@pytest.mark.parametrize("symptom", [Symptom.SEVERE_PAIN, Symptom.DIFFICULTY_BREATHING,
                                     Symptom.CHEST_PAIN, Symptom.SWELLING,
                                     Symptom.NEW_NEUROLOGICAL_SYMPTOMS, Symptom.DIZZINESS])
def test_general_red_flag_symptom_stops_and_pauses(symptom):
    result = assess_session(obs(symptoms={symptom}))
    assert result.stop and result.pause
    assert len(result.red_flags) == 1


def test_systolic_250_is_not_a_red_flag_251_is():
    assert not assess_session(obs(systolic=250, diastolic=90)).stop
    assert flags(assess_session(obs(systolic=251, diastolic=90))) == ["systolic_too_high"]


def test_diastolic_115_is_not_a_red_flag_116_is():
    assert not assess_session(obs(systolic=180, diastolic=115)).stop
    assert flags(assess_session(obs(systolic=180, diastolic=116))) == ["diastolic_too_high"]


def test_heart_rate_at_the_cardiology_ceiling_is_not_a_red_flag_above_is():
    limits = intensity_limits(cardiology=CardiologyClearance(cleared=True, heart_rate_ceiling=130))
    assert not assess_session(obs(heart_rate=130), limits).stop
    assert flags(assess_session(obs(heart_rate=131), limits)) == ["heart_rate_above_ceiling"]


def test_heart_rate_without_a_ceiling_is_not_a_red_flag():
    assert not assess_session(obs(heart_rate=175)).stop


def test_pain_6_is_not_severe_7_is_a_red_flag():
    assert not assess_session(obs(pain=6)).stop
    assert flags(assess_session(obs(pain=7))) == ["severe_pain"]


def test_severe_pain_reported_and_scored_is_one_red_flag():
    assert flags(assess_session(obs(pain=9, symptoms={"severe_pain"}))) == ["severe_pain"]


def test_payer_may_turn_off_the_pain_score_rule():
    assert not assess_session(obs(pain=8), policy=SafetyPolicy(severe_pain_from=None)).stop


@pytest.mark.parametrize("sign", [Symptom.VAGINAL_BLEEDING, Symptom.CONTRACTIONS,
                                  Symptom.FLUID_LEAKAGE, Symptom.CALF_PAIN])
def test_pregnancy_warning_sign_stops_and_pauses(sign):
    result = assess_session(obs(symptoms={sign}), pregnant=True)
    assert result.stop and result.pause
    assert "pregnancy warning sign" in result.red_flags[0].text


def test_pregnancy_warning_sign_outside_pregnancy_is_only_a_caution():
    result = assess_session(obs(symptoms={"calf_pain"}))
    assert not result.stop
    assert [c.code for c in result.cautions] == ["symptom_reported"]


def test_every_red_flag_is_listed():
    result = assess_session(obs(symptoms={"chest_pain", "dizziness"}, systolic=260, diastolic=120))
    assert len(result.red_flags) == 4


def test_rpe_above_the_ceiling_is_a_caution_not_a_pause():
    limits = intensity_limits(cardiology=CardiologyClearance(cleared=True, rpe_ceiling=15))
    assert assess_session(obs(rpe=15), limits).cautions == ()
    result = assess_session(obs(rpe=16), limits)
    assert [c.code for c in result.cautions] == ["rpe_above_ceiling"]
    assert not result.pause and not result.stop


def test_medication_taken_may_mask_overuse():
    result = assess_session(obs(medication_taken=" ibuprofen 400 mg "))
    assert [c.code for c in result.cautions] == ["medication_may_mask_overuse"]
    assert "ibuprofen 400 mg" in result.cautions[0].text
    assert assess_session(obs(medication_taken="   ")).cautions == ()


def test_performed_load_above_the_lift_limit_or_an_avoided_task_is_a_caution():
    limits = intensity_limits(restriction_lift_limits_kg={"occasional": 10},
                              restriction_avoid_tasks={"climb"})
    within = assess_session(obs(performed_loads={"lift_floor_to_waist": 10}), limits)
    assert within.cautions == ()
    over = assess_session(obs(performed_loads={"lift_floor_to_waist": 10.5, "climb": 5}), limits)
    assert {c.code for c in over.cautions} == {"load_above_limit", "avoided_task_performed"}


@pytest.mark.parametrize("field, value", [
    ("rpe", 5), ("rpe", 21), ("pain", -1), ("pain", 11), ("minutes", -1),
    ("heart_rate", 0), ("systolic", 10), ("diastolic", 500),
])
def test_impossible_observation_is_invalid(field, value):
    with pytest.raises(InvalidValue) as error:
        obs(**{field: value})
    assert error.value.field == field


@pytest.mark.parametrize("field, value", [("rpe", 6), ("rpe", 20), ("pain", 0), ("pain", 10)])
def test_observation_scale_ends_are_valid(field, value):
    assert getattr(obs(**{field: value}), field) == value


def test_negative_performed_load_is_invalid():
    with pytest.raises(InvalidValue):
        obs(performed_loads={"carry": -2})
