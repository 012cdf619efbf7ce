"""Intake: open a case from a referral, send it to clearance, keep the pregnancy current."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from ..domain.actors import Actor, OrgKind, Role
from ..domain.clearance import HealthFlags, required_clearances
from ..domain.demands import JobDemand, job_demand_level
from ..domain.errors import InvalidValue
from ..domain.permissions import require
from ..domain.screening import AdmissionFacts, age_at, screen_admission, working_age_at
from ..domain.stages import Stage, transition
from ..extensions import db
from ..models import Case, CaseSchedule, JobDemandRow, Organisation, User
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, command, open_command, record


@dataclass(kw_only=True)
class Referral:
    """Everything a referral brings to open a case (DOMAIN.md section 2)."""

    claim_number: str
    worker_name: str
    date_of_injury: date
    referral_date: date
    clinic_id: int
    employer_id: int
    insurer_id: int
    physician_id: int
    diagnosis_code: str
    diagnosis_text: str
    job_title: str
    shift_hours: float
    demands: list[JobDemand]
    rtw_goal: str
    rtw_goal_agreed_by_employer: bool
    rtw_goal_agreed_by_worker: bool
    therapy_plateaued: bool
    hours_per_day_available: float
    days_per_week_available: int
    health: HealthFlags = field(default_factory=HealthFlags)
    prior_completed_program_same_injury: bool = False
    therapist_id: int | None = None
    case_manager_id: int | None = None
    date_of_birth: date | None = None


def _require_text(value: str, name: str, limit: int) -> str:
    """Trimmed, non-empty text within the column's length."""
    text = (value or "").strip()
    if not text:
        raise InvalidValue(f"{name.replace('_', ' ')} is required", field=name)
    if len(text) > limit:
        raise InvalidValue(f"{name.replace('_', ' ')} is longer than {limit} characters", field=name)
    return text


def _require_org(org_id: int, kind: OrgKind, name: str) -> Organisation:
    """The organisation, which must exist and be of the expected kind."""
    org = db.session.get(Organisation, org_id) if isinstance(org_id, int) else None
    if org is None or org.kind != kind:
        raise InvalidValue(f"{name} must be an existing {kind.replace('_', ' ')}", field=name)
    return org


def _require_user(user_id: int | None, role: Role, name: str, org_id: int | None = None) -> None:
    """The user, which must exist with the role (and, for clinic staff, belong to the clinic)."""
    if user_id is None:
        return
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.role != role or (org_id is not None and user.org_id != org_id):
        raise InvalidValue(f"{name} must be an existing {role.replace('_', ' ')}", field=name)


def _validate_parties(actor: Actor, ref: Referral) -> None:
    """Every party named exists with the right kind; clinic staff open cases for their own clinic."""
    _require_org(ref.clinic_id, OrgKind.CLINIC, "clinic_id")
    _require_org(ref.employer_id, OrgKind.EMPLOYER, "employer_id")
    _require_org(ref.insurer_id, OrgKind.INSURER, "insurer_id")
    _require_user(ref.physician_id, Role.PHYSICIAN, "physician_id")
    _require_user(ref.therapist_id, Role.THERAPIST, "therapist_id", ref.clinic_id)
    _require_user(ref.case_manager_id, Role.CASE_MANAGER, "case_manager_id", ref.clinic_id)
    if actor.org_id is not None and actor.org_id != ref.clinic_id:
        raise InvalidValue("you can open cases only for your own clinic", field="clinic_id")


def _screen(ref: Referral):
    """Admission screening of the referral; raises InvalidValue on impossible dates or values."""
    if not ref.demands:
        raise InvalidValue("list at least one critical job demand", field="demands")
    if not 0 < ref.shift_hours <= 24:
        raise InvalidValue("shift hours must be more than 0 and at most 24", field="shift_hours")
    facts = AdmissionFacts(
        date_of_injury=ref.date_of_injury, referral_date=ref.referral_date,
        therapy_plateaued=ref.therapy_plateaued, hours_per_day_available=ref.hours_per_day_available,
        days_per_week_available=ref.days_per_week_available,
        rtw_goal_agreed_by_employer=ref.rtw_goal_agreed_by_employer,
        rtw_goal_agreed_by_worker=ref.rtw_goal_agreed_by_worker,
        prior_completed_program_same_injury=ref.prior_completed_program_same_injury,
        job_demands=tuple(ref.demands),
    )
    return screen_admission(facts)


def _health_json(health: HealthFlags) -> dict:
    """The referral's health flags as stored on the case (clinical data)."""
    return {
        "cardiovascular_disease": health.cardiovascular_disease,
        "metabolic_disease": health.metabolic_disease, "renal_disease": health.renal_disease,
        "cardiac_symptoms": sorted(health.cardiac_symptoms), "beta_blockers": health.beta_blockers,
    }


def _new_case(ref: Referral, screening, required) -> Case:
    """Build the Case row and its demand rows from a validated referral."""
    case = Case(
        claim_number=_require_text(ref.claim_number, "claim_number", 64),
        worker_name=_require_text(ref.worker_name, "worker_name", 200),
        date_of_injury=ref.date_of_injury, referral_date=ref.referral_date, date_of_birth=ref.date_of_birth,
        clinic_id=ref.clinic_id, employer_id=ref.employer_id, insurer_id=ref.insurer_id,
        physician_id=ref.physician_id, therapist_id=ref.therapist_id,
        case_manager_id=ref.case_manager_id,
        diagnosis_code=_require_text(ref.diagnosis_code, "diagnosis_code", 16),
        diagnosis_text=_require_text(ref.diagnosis_text, "diagnosis_text", 500),
        job_title=_require_text(ref.job_title, "job_title", 200), job_level=screening.job_level,
        shift_hours=ref.shift_hours, rtw_goal=_require_text(ref.rtw_goal, "rtw_goal", 500),
        program_type=screening.program_type, stage=Stage.INTAKE,
        screening={"eligible": screening.eligible, "flags": reasons_json(screening.flags),
                   "policy": str(screening.policy),
                   "required_clearances": [str(k) for k in required.kinds],
                   "clearance_reasons": reasons_json(required.reasons),
                   # what the worker can attend: the program plan's schedule states it
                   "attendance": {"hours_per_day": ref.hours_per_day_available,
                                  "days_per_week": ref.days_per_week_available}},
        health=_health_json(ref.health), pregnant=ref.health.pregnant,
        gestation_weeks=ref.health.gestation_weeks,
        gestation_recorded_on=ref.referral_date if ref.health.pregnant else None,
    )
    case.demands = [
        JobDemandRow(position=i, task=d.task, amount=d.amount, frequency=d.frequency,
                     critical=d.critical, description=d.description)
        for i, d in enumerate(ref.demands, start=1)
    ]
    return case


def open_case(actor: Actor, ref: Referral, *, options: Options = DEFAULT) -> Case:
    """Open a case from a referral: screen it, note the clearances it needs, start at intake."""
    require(actor, "open_case")
    for name in ("date_of_injury", "referral_date"):
        if getattr(ref, name) > date.today():
            raise InvalidValue(f"the {name.replace('_', ' ')} cannot be in the future", field=name)
    if ref.date_of_birth is not None and not working_age_at(ref.date_of_birth, ref.date_of_injury):
        raise InvalidValue(f"a worker born on {ref.date_of_birth} would have been {age_at(ref.date_of_birth, ref.date_of_injury)} "
                           f"when injured: check the date of birth", field="date_of_birth")
    screening = _screen(ref)
    required = required_clearances(ref.health, job_demand_level(list(ref.demands)))
    with command(options):
        _validate_parties(actor, ref)
        if db.session.scalar(select(Case.id).where(Case.insurer_id == ref.insurer_id,
                                                   Case.claim_number == ref.claim_number.strip())):
            raise InvalidValue(f"claim {ref.claim_number} already has a case with this insurer",
                               field="claim_number")
        case = _new_case(ref, screening, required)
        db.session.add(case)
        db.session.flush()
        db.session.add(CaseSchedule(case_id=case.id, next_check_on=date.today()))  # the flows look at once
        flags = len(screening.flags)
        record(case, actor, "case_opened",
               f"Case opened for {case.job_title} ({case.program_type.replace('_', ' ')}); "
               f"{flags} screening flag{'s' if flags != 1 else ''}",
               data={"screening": case.screening})
    return case


def request_clearance(actor: Actor, case_id: int, *, options: Options = DEFAULT) -> Case:
    """Send an intake case to the physician (and cardiology/obstetrics) for clearance."""
    with command(options):
        case = open_command(actor, "request_clearance", case_id, kind="request", options=options)
        case.stage = transition(case.stage, Stage.CLEARANCE)
        # the summary reaches the employer's timeline: which specialists are needed would hint at a condition
        record(case, actor, "clearance_requested", "Medical clearance requested",
               data={"required": case.screening.get("required_clearances", [])})
    return case


def update_pregnancy(actor: Actor, case_id: int, *, pregnant: bool, gestation_weeks: float | None,
                     recorded_on: date, options: Options = DEFAULT) -> Case:
    """Record a new pregnancy or its current gestation; the plan follows at the next check."""
    health = HealthFlags(pregnant=pregnant, gestation_weeks=gestation_weeks)  # validates the values
    with command(options):
        case = open_command(actor, "update_pregnancy", case_id, options=options)
        if recorded_on < case.date_of_injury:
            raise InvalidValue("the date cannot be before the injury", field="recorded_on")
        case.pregnant, case.gestation_weeks = health.pregnant, health.gestation_weeks
        case.gestation_recorded_on = recorded_on if pregnant else None
        record(case, actor, "pregnancy_updated",
               f"Pregnancy: {f'{gestation_weeks:g} weeks' if pregnant else 'not pregnant'}",
               on=recorded_on, data={"pregnant": pregnant, "gestation_weeks": gestation_weeks})
    return case
