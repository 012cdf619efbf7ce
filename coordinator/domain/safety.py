"""Session safety: who may have a session at all, and when a session must stop (red flags)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from .demands import LIFT_TASKS, TaskKind
from .intensity import NO_LIMITS, IntensityLimits
from .policies import PolicyRef, Reason, reason
from .scales import (DIASTOLIC_RANGE, HEART_RATE_RANGE, SYSTOLIC_RANGE, require_non_negative,
                     require_range, require_rating, require_rpe)
from .symptoms import GENERAL_RED_FLAGS, PREGNANCY_WARNING_SIGNS, Symptom

__all__ = ["SafetyPolicy", "SessionObservations", "SessionSafety", "Symptom",
           "assess_session", "DEFAULT_SAFETY_POLICY"]


@dataclass(frozen=True)
class SafetyPolicy:
    """Stop criteria for a session."""

    ref: PolicyRef = PolicyRef(
        "session-stop-criteria", "2026.1",
        "[seed] product brief; [src] ACSM exercise termination criteria (SBP > 250 or DBP > "
        "115 mmHg); [src] ACOG Committee Opinion 804 (2020) warning signs; [src] Serlin et al., "
        "Pain 1995;61:277-84 (NPRS 7-10 is severe pain)",
    )
    systolic_limit: int = 250
    diastolic_limit: int = 115
    severe_pain_from: float | None = 7
    red_flag_symptoms: frozenset[Symptom] = GENERAL_RED_FLAGS
    pregnancy_warning_signs: frozenset[Symptom] = PREGNANCY_WARNING_SIGNS


DEFAULT_SAFETY_POLICY = SafetyPolicy()


@dataclass(frozen=True, kw_only=True)
class SessionObservations:
    """What was observed in one session."""

    session_date: date
    minutes: int
    rpe: int
    pain: float
    heart_rate: int | None = None
    systolic: int | None = None
    diastolic: int | None = None
    symptoms: frozenset[Symptom] = frozenset()
    # painkillers can mask overuse, so what was taken is kept with the session
    medication_taken: str = ""
    performed_loads: dict[TaskKind, float] = field(default_factory=dict)

    def __post_init__(self):
        require_range(self.minutes, (0, 24 * 60), field="minutes", what="session minutes")
        require_rpe(self.rpe)
        require_rating(self.pain, field="pain", what="pain")
        for name, bounds in (("heart_rate", HEART_RATE_RANGE), ("systolic", SYSTOLIC_RANGE),
                             ("diastolic", DIASTOLIC_RANGE)):
            if getattr(self, name) is not None:
                require_range(getattr(self, name), bounds, field=name, what=name.replace("_", " "))
        object.__setattr__(self, "symptoms", frozenset(Symptom(s) for s in self.symptoms))
        object.__setattr__(self, "medication_taken", (self.medication_taken or "").strip())
        loads = {TaskKind(t): require_non_negative(v, field="performed_loads", what=f"load of {t}")
                 for t, v in self.performed_loads.items()}
        object.__setattr__(self, "performed_loads", loads)


@dataclass(frozen=True)
class SessionSafety:
    """Stop and pause on any red flag; cautions are recorded without stopping the session."""

    stop: bool
    pause: bool
    red_flags: tuple[Reason, ...]
    cautions: tuple[Reason, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def assess_session(observations: SessionObservations, limits: IntensityLimits = NO_LIMITS,
                   pregnant: bool = False,
                   policy: SafetyPolicy = DEFAULT_SAFETY_POLICY) -> SessionSafety:
    """Red flags stop the session and pause the case until the physician reassesses."""
    red_flags = (*_symptom_flags(observations, pregnant, policy),
                 *_vital_flags(observations, limits, policy))
    cautions = (*_other_symptoms(observations, pregnant, policy),
                *_intensity_cautions(observations, limits), *_medication_caution(observations))
    stop = bool(red_flags)
    return SessionSafety(stop, stop, red_flags, cautions, (*red_flags, *cautions), policy.ref)


def _flagged_symptoms(pregnant: bool, policy: SafetyPolicy) -> frozenset[Symptom]:
    return policy.red_flag_symptoms | (policy.pregnancy_warning_signs if pregnant else frozenset())


def _symptom_flags(obs: SessionObservations, pregnant: bool,
                   policy: SafetyPolicy) -> list[Reason]:
    flagged = _flagged_symptoms(pregnant, policy)
    flags = _severe_pain_flag(obs, flagged, policy)
    for symptom in sorted(obs.symptoms & flagged - {Symptom.SEVERE_PAIN}):
        sign = "pregnancy warning sign" if symptom in policy.pregnancy_warning_signs else "red flag"
        flags.append(reason(str(symptom), f"{sign}: {symptom.replace('_', ' ')}"))
    return flags


def _severe_pain_flag(obs: SessionObservations, flagged: frozenset[Symptom],
                      policy: SafetyPolicy) -> list[Reason]:
    if Symptom.SEVERE_PAIN in obs.symptoms & flagged:
        return [reason("severe_pain", f"severe pain reported (pain {obs.pain:g}/10)")]
    if policy.severe_pain_from is not None and obs.pain >= policy.severe_pain_from:
        return [reason("severe_pain", f"pain {obs.pain:g}/10 is severe "
                       f"(severe from {policy.severe_pain_from:g})")]
    return []


def _vital_flags(obs: SessionObservations, limits: IntensityLimits,
                 policy: SafetyPolicy) -> list[Reason]:
    flags = []
    if obs.systolic is not None and obs.systolic > policy.systolic_limit:
        flags.append(reason("systolic_too_high", f"systolic {obs.systolic} mmHg is above "
                            f"{policy.systolic_limit}"))
    if obs.diastolic is not None and obs.diastolic > policy.diastolic_limit:
        flags.append(reason("diastolic_too_high", f"diastolic {obs.diastolic} mmHg is above "
                            f"{policy.diastolic_limit}"))
    hr, ceiling = obs.heart_rate, limits.hr_ceiling
    if hr is not None and ceiling is not None and hr > ceiling:
        flags.append(reason("heart_rate_above_ceiling", f"heart rate {hr} bpm is above the "
                            f"cardiology ceiling of {ceiling}"))
    return flags


def _other_symptoms(obs: SessionObservations, pregnant: bool,
                    policy: SafetyPolicy) -> list[Reason]:
    others = obs.symptoms - _flagged_symptoms(pregnant, policy)
    return [reason("symptom_reported", f"{s.replace('_', ' ')} reported; not a red flag here")
            for s in sorted(others)]


def _intensity_cautions(obs: SessionObservations, limits: IntensityLimits) -> list[Reason]:
    cautions = []
    if limits.rpe_ceiling is not None and obs.rpe > limits.rpe_ceiling:
        cautions.append(reason("rpe_above_ceiling", f"RPE {obs.rpe:g} is above the ceiling of "
                               f"{limits.rpe_ceiling}: lower the intensity"))
    return cautions + _load_cautions(obs.performed_loads, limits)


def _load_cautions(loads: Mapping[TaskKind, float], limits: IntensityLimits) -> list[Reason]:
    cautions = []
    # without the frequency of each lift only the most permissive limit can be judged
    top_lift = max(limits.lift_limits_kg.values(), default=None)
    for task, amount in loads.items():
        if task in limits.avoid_tasks and amount > 0:
            cautions.append(reason("avoided_task_performed", f"{task} should be avoided"))
        elif task in LIFT_TASKS and top_lift is not None and amount > top_lift:
            cautions.append(reason("load_above_limit", f"{task} at {amount:g} kg is above the "
                                   f"lift limit of {top_lift:g} kg"))
    return cautions


def _medication_caution(obs: SessionObservations) -> list[Reason]:
    if not obs.medication_taken:
        return []
    return [reason("medication_may_mask_overuse",
                   f"medication taken ({obs.medication_taken}) may mask overuse")]
