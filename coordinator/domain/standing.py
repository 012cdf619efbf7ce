"""Where a case stands, in one line beside its stage: what holds it (a pause, a refused clearance, the insurer's
decision, a setback), worded for the reader (an employer never reads the clinical reason)."""

from .actions import CONTINUING_STAGES, CaseFacts
from .stages import Stage


def standing(f: CaseFacts, clinical_reader: bool) -> str:
    """The one thing that holds the case now ("" when it runs as planned); the clinical reason for clinical
    readers only."""
    stage = Stage(f.stage)
    if stage is Stage.PAUSED:
        if not clinical_reader:
            return f"Paused since {f.paused_since}: no session until the physician lets the program go on"
        return (f"Paused since {f.paused_since} after a red flag: no session until the physician reassesses the "
                "worker; the latest review's recommendation is on hold")
    if stage is Stage.CLEARANCE and f.blocked_clearances:
        why = f" ({'; '.join(f.blocked_reasons)})" if clinical_reader and f.blocked_reasons else ""
        return (f"Not eligible for the program: the worker was not cleared{why}. The case manager asks for the "
                "clearance again or closes the case")
    if f.pended_authorization and stage in (Stage.AUTHORIZATION, *CONTINUING_STAGES):
        return "The insurer is waiting for information before deciding"
    if f.denied_authorization and stage in (Stage.AUTHORIZATION, *CONTINUING_STAGES):
        return "The insurer denied the last request: the case manager appeals, revises or discharges"
    if f.setback_on and not f.reviewed_since_setback and stage in CONTINUING_STAGES:
        return f"Setback on {f.setback_on}: the ladder climbs again after a weekly review"
    if f.discharge_recommended and stage in CONTINUING_STAGES and clinical_reader:
        return "The latest weekly review recommends discharge"
    return ""
