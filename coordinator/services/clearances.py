"""Clearance: the physician's, cardiologist's and obstetrician's decisions before the first session."""

from datetime import date, timedelta

from sqlalchemy import select

from ..domain.actors import Actor
from ..domain.clearance import (CardiologyClearance, ClearanceKind, Contraindication, HealthFlags,
                                assess_physician_clearance, clearance_status, required_clearances)
from ..domain.demands import DemandLevel
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import Case, Clearance
from .restrictions import sign_restrictions
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, command, open_command, record

def health_flags(case: Case) -> HealthFlags:
    """The case's stored health facts as the domain's HealthFlags."""
    h = case.health or {}
    return HealthFlags(
        cardiovascular_disease=h.get("cardiovascular_disease", False),
        metabolic_disease=h.get("metabolic_disease", False), renal_disease=h.get("renal_disease", False),
        cardiac_symptoms=frozenset(h.get("cardiac_symptoms", ())), beta_blockers=h.get("beta_blockers", False),
        pregnant=case.pregnant, gestation_weeks=case.gestation_weeks if case.pregnant else None,
    )


def required_kinds(case: Case) -> tuple[ClearanceKind, ...]:
    """Clearances this case needs now (pregnancy may have changed since intake)."""
    return required_clearances(health_flags(case), DemandLevel(case.job_level)).kinds


def latest_clearances(case_id: int) -> dict[ClearanceKind, Clearance]:
    """The newest decision of each kind: a later clearance replaces an earlier block."""
    rows = db.session.scalars(
        select(Clearance).where(Clearance.case_id == case_id).order_by(Clearance.id)
    ).all()
    return {ClearanceKind(row.kind): row for row in rows}


def granted_kinds(case_id: int) -> set[ClearanceKind]:
    """Kinds whose newest decision is 'cleared'."""
    return {kind for kind, row in latest_clearances(case_id).items() if row.outcome == "cleared"}


def clearance_state(case: Case):
    """Whether every required clearance is in, and which are missing (domain ClearanceStatus)."""
    return clearance_status(required_kinds(case), granted_kinds(case.id))


def _check_date(case: Case, decided_on: date) -> None:
    """A decision cannot predate the referral nor lie in the future."""
    if decided_on < case.referral_date:
        raise InvalidValue("a clearance cannot be dated before the referral", field="decided_on")
    if decided_on > date.today():
        raise InvalidValue("a clearance cannot be dated in the future", field="decided_on")


def record_clearance(actor: Actor, case_id: int, *, decided_on: date, contraindications: list[str] = (),
                     restrictions: list[str] = (), max_lift_kg: float | None = None,
                     max_hours_per_day: float | None = None, avoid: list[str] = (), load_limits: list[dict] = (),
                     note: str = "", options: Options = DEFAULT) -> Clearance:
    """The physician's clearance: blocked by any contraindication, else cleared. Restrictions given with it (limits,
    hours, tasks to avoid, and the physician's words) become the restrictions in force, signed by the physician."""
    limits_given = bool(max_lift_kg is not None or max_hours_per_day is not None or avoid or load_limits)
    words = list(restrictions) or (["see the signed restrictions"] if limits_given else [])
    assessment = assess_physician_clearance([Contraindication(c) for c in contraindications], words)
    with command(options):
        case = open_command(actor, "record_clearance", case_id, kind=ClearanceKind.PHYSICIAN, options=options)
        _check_date(case, decided_on)
        row = Clearance(
            case_id=case.id, kind=ClearanceKind.PHYSICIAN, note=(note or "").strip()[:2000], decided_on=decided_on,
            outcome="cleared" if assessment.cleared else "blocked",
            contraindications=[str(c) for c in assessment.blocking],
            restrictions_note="; ".join(r.strip() for r in restrictions if r and r.strip()),
            reasons=reasons_json(assessment.reasons), recorded_by_id=actor.user_id,
        )
        db.session.add(row)
        record(case, actor, "clearance_recorded",
               f"Physician {'cleared' if assessment.cleared else 'did not clear'} the worker"
               + (" with restrictions" if assessment.with_restrictions else ""), on=decided_on,
               data={"kind": "physician", "outcome": row.outcome,
                                    "reasons": row.reasons, "policy": str(assessment.policy)})
        if assessment.cleared and assessment.with_restrictions:
            sign_restrictions(actor, case, issued_on=decided_on, load_limits=load_limits, max_lift_kg=max_lift_kg,
                              max_hours_per_day=max_hours_per_day, avoid=avoid, notes=row.restrictions_note,
                              source=" with the clearance")
    return row


def ask_for_clearance_again(actor: Actor, case_id: int, *, asked_on: date, options: Options = DEFAULT) -> Case:
    """After a refusal, the case manager defers and asks for the clearance again from a day of their choosing
    (today, or when the condition should have settled): the physician's task opens on that day."""
    with command(options):
        case = open_command(actor, "request_clearance", case_id, kind="again", options=options)
        if asked_on < date.today() - timedelta(days=30) or asked_on > date.today() + timedelta(days=365):
            raise InvalidValue("ask again from a day within the last month or the coming year", field="asked_on")
        refused = [row for row in latest_clearances(case.id).values()
                   if row.outcome == "blocked" and row.asked_again_on is None]
        for row in refused:
            row.asked_again_on = asked_on
        kinds = " and ".join(str(row.kind) for row in refused)
        # functional words only: the employer's timeline may show this event
        record(case, actor, "clearance_requested",
               f"Medical clearance asked for again{' from ' + asked_on.isoformat() if asked_on > date.today() else ''}",
               on=min(asked_on, date.today()),
               data={"again": True, "kinds": kinds, "asked_on": asked_on.isoformat()})
    return case


def record_specialist_clearance(actor: Actor, case_id: int, *, kind: str, decided_on: date,
                                cleared: bool, heart_rate_ceiling: int | None = None,
                                rpe_ceiling: int | None = None, note: str = "", options: Options = DEFAULT) -> Clearance:
    """A cardiology (with heart-rate and RPE ceilings) or obstetric clearance, as reported."""
    kind = ClearanceKind(kind) if kind in ClearanceKind.__members__.values() else None
    if kind not in (ClearanceKind.CARDIOLOGY, ClearanceKind.OBSTETRIC):
        raise InvalidValue("kind must be 'cardiology' or 'obstetric'", field="kind")
    if kind is ClearanceKind.OBSTETRIC and heart_rate_ceiling is not None:
        raise InvalidValue("pregnancy is monitored by RPE, not heart rate", field="heart_rate_ceiling")
    CardiologyClearance(cleared=cleared, heart_rate_ceiling=heart_rate_ceiling, rpe_ceiling=rpe_ceiling)
    with command(options):
        case = open_command(actor, "record_clearance", case_id, kind=kind, options=options)
        _check_date(case, decided_on)
        row = Clearance(
            case_id=case.id, kind=kind, decided_on=decided_on, outcome="cleared" if cleared else "blocked",
            heart_rate_ceiling=heart_rate_ceiling, rpe_ceiling=rpe_ceiling,
            note=(note or "").strip()[:2000], recorded_by_id=actor.user_id,
        )
        db.session.add(row)
        ceilings = ", ".join(f"{n} {v}" for n, v in (("heart rate ≤", heart_rate_ceiling),
                                                     ("RPE ≤", rpe_ceiling)) if v is not None)
        record(case, actor, "clearance_recorded",
               f"{kind.capitalize()} {'clearance granted' if cleared else 'clearance refused'}"
               + (f" ({ceilings})" if ceilings else ""),
               data={"kind": str(kind), "outcome": row.outcome, "heart_rate_ceiling": heart_rate_ceiling,
                     "rpe_ceiling": rpe_ceiling}, on=decided_on)
    return row
