"""What the worker reports between sessions (a symptom, a missed session), which symptoms are red flags (the
session safety rules decide), and what the worker is told at once."""

from dataclasses import dataclass
from enum import StrEnum

from .policies import PolicyRef, Reason, reason
from .safety import DEFAULT_SAFETY_POLICY, SafetyPolicy
from .scales import require_rating
from .symptoms import Symptom

REPORT_POLICY = PolicyRef(
    "worker-reports", "2026.1",
    "[src] the session stop criteria (ACSM; ACOG Committee Opinion 804 in pregnancy) applied between sessions; "
    "[design] a red flag makes the therapist's task due the day it is reported")


class Complaint(StrEnum):
    """An ordinary complaint after training: recorded for the therapist, never a red flag by itself."""

    SORENESS = "soreness"
    STIFFNESS = "stiffness"
    FATIGUE = "fatigue"
    POOR_SLEEP = "poor_sleep"


# everything a worker may tick: the ordinary complaints first, then the signs the safety rules watch for
REPORTABLE = tuple(c.value for c in Complaint) + tuple(s.value for s in Symptom)

STOP_AND_SEEK_CARE = ("Stop the program's exercises and any heavy activity now, and seek care today: call your "
                      "doctor, or emergency services at once if it is severe (chest pain, trouble breathing, new "
                      "weakness or numbness). Your therapist has been told and will contact you.")
NOTED = ("Thank you: your therapist will see this before your next session. Some soreness for a day or two after "
         "training is expected; if it gets worse, or a new symptom appears, report it again.")


@dataclass(frozen=True)
class ReportAssessment:
    """The red flags a report raises, and what the worker is told."""

    red_flags: tuple[Reason, ...]
    advice: str
    policy: PolicyRef = REPORT_POLICY

    @property
    def red_flag(self) -> bool:
        """The report raises a red flag."""
        return bool(self.red_flags)


def assess_report(symptoms, pain: float | None, pregnant: bool = False,
                  policy: SafetyPolicy = DEFAULT_SAFETY_POLICY) -> ReportAssessment:
    """The red flags among what the worker reports (the session's stop criteria: the symptoms, pregnancy's
    warning signs when pregnant, and severe pain) and the advice given at once."""
    if pain is not None:
        require_rating(pain, field="pain", what="pain")
    signs = {Symptom(s) for s in symptoms if s in Symptom._value2member_map_}
    watched = policy.red_flag_symptoms | (policy.pregnancy_warning_signs if pregnant else frozenset())
    flags = [reason(str(s), f"{'pregnancy warning sign' if s in policy.pregnancy_warning_signs else 'red flag'}: "
                            f"{s.replace('_', ' ')}") for s in sorted(signs & watched)]
    if pain is not None and policy.severe_pain_from is not None and pain >= policy.severe_pain_from \
            and Symptom.SEVERE_PAIN not in signs:
        flags.insert(0, reason("severe_pain", f"pain {pain:g}/10 is severe (severe from "
                                              f"{policy.severe_pain_from:g})"))
    return ReportAssessment(tuple(flags), STOP_AND_SEEK_CARE if flags else NOTED)
