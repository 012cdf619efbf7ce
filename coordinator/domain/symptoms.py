"""Symptoms a session can record, and which of them are red flags (ACSM stop criteria, ACOG)."""

from enum import StrEnum


class Symptom(StrEnum):
    """A symptom reported or observed during a session."""

    SEVERE_PAIN = "severe_pain"
    DIFFICULTY_BREATHING = "difficulty_breathing"
    CHEST_PAIN = "chest_pain"
    SWELLING = "swelling"
    NEW_NEUROLOGICAL_SYMPTOMS = "new_neurological_symptoms"
    DIZZINESS = "dizziness"
    # warning signs in pregnancy [src: ACOG Committee Opinion 804, 2020]
    VAGINAL_BLEEDING = "vaginal_bleeding"
    CONTRACTIONS = "contractions"
    FLUID_LEAKAGE = "fluid_leakage"
    CALF_PAIN = "calf_pain"
    ABDOMINAL_PAIN = "abdominal_pain"
    HEADACHE = "headache"
    MUSCLE_WEAKNESS_AFFECTING_BALANCE = "muscle_weakness_affecting_balance"


# stop the session and pause the case for anyone [seed; src: ACSM exercise stop criteria]
GENERAL_RED_FLAGS = frozenset({
    Symptom.SEVERE_PAIN, Symptom.DIFFICULTY_BREATHING, Symptom.CHEST_PAIN,
    Symptom.SWELLING, Symptom.NEW_NEUROLOGICAL_SYMPTOMS, Symptom.DIZZINESS,
})
# stop and pause in pregnancy as well [seed; src: ACOG Committee Opinion 804, 2020]
PREGNANCY_WARNING_SIGNS = frozenset({
    Symptom.VAGINAL_BLEEDING, Symptom.CONTRACTIONS, Symptom.FLUID_LEAKAGE, Symptom.CALF_PAIN,
    Symptom.ABDOMINAL_PAIN, Symptom.HEADACHE, Symptom.MUSCLE_WEAKNESS_AFFECTING_BALANCE,
})
