"""Clearance before the first session: which clearances a worker needs and whether they are in."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .demands import DemandLevel, at_least
from .errors import InvalidValue
from .policies import PolicyRef, Reason, reason
from .scales import HEART_RATE_CEILING_RANGE, require_gestation, require_range, require_rpe


class ClearanceKind(StrEnum):
    """Who must clear the worker: always the physician, sometimes cardiology or obstetrics."""

    PHYSICIAN = "physician"
    CARDIOLOGY = "cardiology"
    OBSTETRIC = "obstetric"


CLEARANCE_ORDER = tuple(ClearanceKind)


class Contraindication(StrEnum):
    """A condition under which the physician cannot clear the worker [seed]."""

    UNCONTROLLED_METABOLIC_DISEASE = "uncontrolled_metabolic_disease"
    ACUTE_INFLAMMATION = "acute_inflammation"
    UNHEALED_FRACTURE = "unhealed_fracture"
    UNCONTROLLED_PAIN = "uncontrolled_pain"
    LACKS_BASIC_ACTIVITY_CAPABILITY = "lacks_basic_activity_capability"


class CardiacSymptom(StrEnum):
    """Signs or symptoms suggesting cardiovascular, metabolic or renal disease (ACSM)."""

    CHEST_PAIN = "chest_pain"
    DYSPNOEA_ON_MILD_EXERTION = "dyspnoea_on_mild_exertion"
    SYNCOPE = "syncope"
    PALPITATIONS = "palpitations"
    ANKLE_OEDEMA = "ankle_oedema"


@dataclass(frozen=True)
class ClearancePolicy:
    """Who must clear whom before the first session."""

    ref: PolicyRef = PolicyRef(
        "pre-participation-clearance", "2026.1",
        "[seed] product brief; [src] ACSM pre-participation screening (Riebe et al., "
        "Med Sci Sports Exerc 2015;47:2473-9); [src] ACOG Committee Opinion 804 (2020)",
    )
    # medium and heavier work simulation is vigorous exercise: >= 6 METs, RPE >= 14
    vigorous_from_level: DemandLevel = DemandLevel.MEDIUM
    vigorous_mets: float = 6.0
    vigorous_rpe: int = 14
    # ACSM: people not exercising regularly who have known disease or symptoms need
    # medical clearance before any exercise, so lighter jobs need cardiology too
    cardiology_below_vigorous: bool = True
    blocking_contraindications: frozenset[Contraindication] = frozenset(Contraindication)


DEFAULT_CLEARANCE_POLICY = ClearancePolicy()


@dataclass(frozen=True, kw_only=True)
class HealthFlags:
    """Health facts from the referral that decide which clearances are needed."""

    cardiovascular_disease: bool = False
    metabolic_disease: bool = False
    renal_disease: bool = False
    cardiac_symptoms: frozenset[CardiacSymptom] = frozenset()
    pregnant: bool = False
    gestation_weeks: float | None = None
    beta_blockers: bool = False

    def __post_init__(self):
        object.__setattr__(self, "cardiac_symptoms",
                           frozenset(CardiacSymptom(s) for s in self.cardiac_symptoms))
        if self.pregnant and self.gestation_weeks is None:
            raise InvalidValue("a pregnancy needs its gestation in weeks", field="gestation_weeks")
        if not self.pregnant and self.gestation_weeks is not None:
            raise InvalidValue("gestation weeks given for a worker who is not pregnant",
                               field="gestation_weeks")
        if self.gestation_weeks is not None:
            require_gestation(self.gestation_weeks)

    @property
    def known_diseases(self) -> tuple[str, ...]:
        """Names of the known cardiovascular, metabolic or renal diseases flagged."""
        named = (("cardiovascular", self.cardiovascular_disease),
                 ("metabolic", self.metabolic_disease), ("renal", self.renal_disease))
        return tuple(name for name, present in named if present)


@dataclass(frozen=True)
class RequiredClearances:
    """The clearances needed before the first session, each with its reason."""

    kinds: tuple[ClearanceKind, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


@dataclass(frozen=True)
class PhysicianAssessment:
    """The physician's decision: cleared (maybe with restrictions) or blocked."""

    cleared: bool
    with_restrictions: bool
    blocking: tuple[Contraindication, ...]
    restrictions: tuple[str, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


@dataclass(frozen=True, kw_only=True)
class CardiologyClearance:
    """The cardiologist's answer and the ceilings set for exercise."""

    cleared: bool
    heart_rate_ceiling: int | None = None
    rpe_ceiling: int | None = None

    def __post_init__(self):
        if self.heart_rate_ceiling is not None:
            require_range(self.heart_rate_ceiling, HEART_RATE_CEILING_RANGE,
                          field="heart_rate_ceiling", what="heart-rate ceiling (bpm)")
        if self.rpe_ceiling is not None:
            require_rpe(self.rpe_ceiling, field="rpe_ceiling")


@dataclass(frozen=True)
class ClearanceStatus:
    """Whether every required clearance has been granted, and which are missing."""

    complete: bool
    missing: tuple[ClearanceKind, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def required_clearances(flags: HealthFlags, job_level: DemandLevel,
                        policy: ClearancePolicy = DEFAULT_CLEARANCE_POLICY) -> RequiredClearances:
    """Physician always; cardiology for known disease or symptoms; obstetric in pregnancy."""
    kinds = [ClearanceKind.PHYSICIAN]
    reasons = [reason("physician_clearance", "no session before the physician clears the worker")]
    cardiology = _cardiology_reason(flags, job_level, policy)
    if cardiology:
        kinds.append(ClearanceKind.CARDIOLOGY)
        reasons.append(cardiology)
    if flags.pregnant:
        kinds.append(ClearanceKind.OBSTETRIC)
        reasons.append(reason("obstetric_clearance", f"pregnant ({flags.gestation_weeks:g} weeks): "
                              "obstetric clearance before exercise (ACOG Committee Opinion 804)"))
    return RequiredClearances(tuple(kinds), tuple(reasons), policy.ref)


def _cardiology_reason(flags: HealthFlags, job_level: DemandLevel,
                       policy: ClearancePolicy) -> Reason | None:
    findings = [f"known {name} disease" for name in flags.known_diseases]
    findings += [str(s).replace("_", " ") for s in sorted(flags.cardiac_symptoms)]
    if not findings:
        return None
    vigorous = at_least(job_level, policy.vigorous_from_level)
    if not vigorous and not policy.cardiology_below_vigorous:
        return None
    why = (f"simulating {DemandLevel(job_level).replace('_', ' ')} work is vigorous exercise "
           f"(>= {policy.vigorous_mets:g} METs, RPE >= {policy.vigorous_rpe})" if vigorous
           else "medical clearance before any exercise for an inactive worker")
    return reason("cardiology_clearance",
                  f"{', '.join(findings)}: cardiology clearance first, because {why} "
                  "(ACSM pre-participation screening)")


def assess_physician_clearance(
    contraindications: Iterable[Contraindication], restrictions_given: Iterable[str] = (),
    policy: ClearancePolicy = DEFAULT_CLEARANCE_POLICY,
) -> PhysicianAssessment:
    """Blocked while any blocking contraindication is present; else cleared (with restrictions)."""
    present = {Contraindication(c) for c in contraindications} & policy.blocking_contraindications
    blocking = tuple(c for c in Contraindication if c in present)
    restrictions = tuple(r.strip() for r in restrictions_given if r and r.strip())
    if blocking:
        reasons = tuple(reason("contraindication", f"{str(c).replace('_', ' ')} blocks clearance")
                        for c in blocking)
        return PhysicianAssessment(False, False, blocking, restrictions, reasons, policy.ref)
    why = (reason("cleared_with_restrictions", "cleared with restrictions: "
                  + "; ".join(restrictions)) if restrictions
           else reason("cleared", "no contraindication: cleared for the program"))
    return PhysicianAssessment(True, bool(restrictions), (), restrictions, (why,), policy.ref)


def clearance_status(required: Iterable[ClearanceKind], granted: Iterable[ClearanceKind],
                     policy: ClearancePolicy = DEFAULT_CLEARANCE_POLICY) -> ClearanceStatus:
    """Complete when every required kind is granted; otherwise list the missing ones."""
    have = {ClearanceKind(k) for k in granted}
    need = {ClearanceKind(k) for k in required}
    missing = tuple(k for k in CLEARANCE_ORDER if k in need - have)
    if missing:
        reasons = tuple(reason("clearance_missing", f"{k} clearance not yet granted")
                        for k in missing)
        return ClearanceStatus(False, missing, reasons, policy.ref)
    return ClearanceStatus(True, (), (reason("clearances_complete",
                                             "every required clearance is granted"),), policy.ref)


def refusal_words(kind: str, contraindications: Iterable[str] | None) -> str:
    """Why a clearance was refused, in words: the contraindications named, or the specialist's refusal."""
    named = [str(c).replace("_", " ") for c in contraindications or ()]
    return ", ".join(named) if named else f"the {kind} clearance was refused"
