"""Restrictions: each new version signed by a clinician; the one in force on a day."""

from datetime import date

from sqlalchemy import select

from ..domain import restrictions as rules
from ..domain.actors import Actor
from ..domain.demands import LIFT_TASKS, Frequency
from ..domain.errors import InvalidValue
from ..domain.permissions import NotPermitted
from ..extensions import db
from ..models import RestrictionSet, User
from .unit_of_work import DEFAULT, Options, command, open_command, record



def value_of(row: RestrictionSet) -> rules.RestrictionSet:
    """The domain's view of a stored version."""
    return rules.RestrictionSet(
        version=row.version, issued_on=row.issued_on, issued_by=row.issued_by_role,
        load_limits=tuple(rules.LoadLimit(x["task"], x["frequency"], x["max_kg"]) for x in row.limits),
        max_lift_kg=row.max_lift_kg, max_hours_per_day=row.max_hours_per_day,
        avoid=frozenset(row.avoid), notes=row.notes, signed_by=str(row.issued_by_id or ""),
    )


def versions(case_id: int) -> list[rules.RestrictionSet]:
    """Every restriction version of the case, oldest first."""
    rows = db.session.scalars(select(RestrictionSet).where(RestrictionSet.case_id == case_id)
                              .order_by(RestrictionSet.version)).all()
    return [value_of(r) for r in rows]


def restriction_in_force_on(case_id: int, on: date) -> rules.RestrictionSet | None:
    """The version in force on `on` (domain rule: the highest issued by then)."""
    return rules.restriction_in_force(versions(case_id), on)


def lift_limits_by_frequency(restriction: rules.RestrictionSet) -> dict[Frequency, float]:
    """The lowest lift limit at each frequency, as the intensity limits take it."""
    limits = {}
    for frequency in Frequency:
        values = [restriction.max_load_kg(task, frequency) for task in LIFT_TASKS]
        values = [v for v in values if v is not None]
        if values:
            limits[frequency] = min(values)
    return limits


def issue_restrictions(actor: Actor, case_id: int, *, issued_on: date, load_limits: list[dict] = (),
                       max_lift_kg: float | None = None, max_hours_per_day: float | None = None,
                       avoid: list[str] = (), notes: str = "", options: Options = DEFAULT) -> RestrictionSet:
    """Issue the next signed version of the worker's restrictions."""
    with command(options):
        case = open_command(actor, "issue_restrictions", case_id, options=options)
        if issued_on < case.referral_date or issued_on > date.today():
            raise InvalidValue("restrictions are dated between the referral and today", field="issued_on")
        return sign_restrictions(actor, case, issued_on=issued_on, load_limits=load_limits, max_lift_kg=max_lift_kg,
                                 max_hours_per_day=max_hours_per_day, avoid=avoid, notes=notes)


def sign_restrictions(actor: Actor, case, *, issued_on: date, load_limits=(), max_lift_kg=None,
                      max_hours_per_day=None, avoid=(), notes: str = "", source: str = "") -> RestrictionSet:
    """Store the next version, signed by the acting clinician, inside the caller's command (a restrictions order,
    or the restrictions a physician gives with the clearance)."""
    if actor.user_id is None:
        raise NotPermitted("restrictions are signed by a clinician: use a token acting for a signed-in user")
    signer = db.session.get(User, actor.user_id)
    try:
        limits = tuple(rules.LoadLimit(x["task"], x["frequency"], x["max_kg"]) for x in load_limits)
    except (KeyError, TypeError):
        raise InvalidValue("each load limit needs task, frequency and max_kg", field="load_limits") from None
    existing = versions(case.id)
    new = rules.RestrictionSet(
        version=existing[-1].version + 1 if existing else 1, issued_on=issued_on,
        issued_by=str(actor.role), load_limits=limits, max_lift_kg=max_lift_kg,
        max_hours_per_day=max_hours_per_day, avoid=frozenset(avoid), notes=(notes or "").strip(),
        signed_by=signer.name if signer else "",
    )
    step = rules.lift_step(existing[-1], rules.next_version(existing[-1], new)) if existing else None
    row = RestrictionSet(
        case_id=case.id, version=new.version, issued_on=issued_on, issued_by_id=actor.user_id,
        issued_by_role=str(actor.role), max_lift_kg=max_lift_kg, max_hours_per_day=max_hours_per_day,
        limits=[{"task": str(x.task), "frequency": str(x.frequency), "max_kg": x.max_kg}
                for x in new.load_limits],
        avoid=sorted(new.avoid), notes=new.notes,
    )
    db.session.add(row)
    changes = "; ".join(str(c) for c in step.changes) if step else "first restrictions"
    record(case, actor, "restrictions_issued", f"Restrictions v{new.version} issued{source}: {changes}",
           on=issued_on, data={"version": new.version}, subject=f"restrictions:{case.id}:{new.version}")
    return row
