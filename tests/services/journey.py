"""Helpers that drive a case through the services, step by step, for lifecycle tests and demos."""

from datetime import date, timedelta

from coordinator.domain.review import Measures
from coordinator.domain.safety import SessionObservations
from coordinator.services.authorizations import decide_authorization, request_authorization
from coordinator.services.cases import open_case, request_clearance
from coordinator.services.clearances import record_clearance
from coordinator.services.program import log_session, record_baseline, start_program
from coordinator.services.reviews import submit_weekly_review

TODAY = date.today()
START = TODAY - timedelta(days=42)   # program day 1, six weeks ago
BASELINE = {"lift_floor_to_waist": 12.0, "carry": 6.0, "stand": 120.0}


def to_program(parties, referral, **changes):
    """Open, clear, authorize, baseline and start a case; returns the case id."""
    changes.setdefault("date_of_injury", TODAY - timedelta(days=150))
    changes.setdefault("referral_date", TODAY - timedelta(days=60))
    case = open_case(parties.therapist, referral(**changes))
    request_clearance(parties.therapist, case.id)
    record_clearance(parties.physician, case.id, decided_on=TODAY - timedelta(days=55))
    auth = request_authorization(parties.case_manager, case.id, submitted_on=TODAY - timedelta(days=50),
                                 start_date=START)
    decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="meets criteria",
                         decided_on=TODAY - timedelta(days=48))
    record_baseline(parties.therapist, case.id, measured_on=TODAY - timedelta(days=49), capacities=BASELINE)
    start_program(parties.therapist, case.id, start_on=START)
    return case.id


def session(parties, case_id, day: date, minutes=180, **values):
    """Log one uneventful session (values override the observations)."""
    obs = dict(session_date=day, minutes=minutes, rpe=13, pain=3, heart_rate=110, systolic=130, diastolic=80)
    obs.update(values)
    return log_session(parties.therapist, case_id, SessionObservations(**obs))


def review(parties, case_id, week: int, capacities: dict, **extra):
    """Submit a review of `week` on its last day with fair measures."""
    measures = Measures(capacities=capacities, pain=extra.pop("pain", 3), rpe=extra.pop("rpe", 13),
                        fatigue=extra.pop("fatigue", 3))
    reviewed_on = extra.pop("reviewed_on", START + timedelta(days=7 * week - 1))
    return submit_weekly_review(parties.therapist, case_id, week=week, reviewed_on=reviewed_on,
                                measures=measures, sessions_scheduled=extra.pop("scheduled", 4), **extra)


def opened(parties, referral, **changes) -> int:
    """A case just referred (ten days ago, injury five months back), opened by the therapist; its id."""
    from coordinator.services.cases import open_case

    changes.setdefault("date_of_injury", TODAY - timedelta(days=150))
    changes.setdefault("referral_date", TODAY - timedelta(days=10))
    return open_case(parties.therapist, referral(**changes)).id


def events(case_id: int) -> list[str]:
    """The kinds of the case's timeline events in order, read afresh (after other sessions wrote)."""
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.models import CaseEvent

    db.session.rollback()
    return [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                               .order_by(CaseEvent.id))]


def worker_joins(parties, case_id: int):
    """The parties' worker account on the case (linked directly: the invitation is tested on its own)."""
    from coordinator.extensions import db
    from coordinator.models import Case

    case = db.session.get(Case, case_id)
    if case.worker_id is None:
        case.worker_id = parties.worker.user_id
        db.session.commit()
    return parties.worker


def accept_offer(parties, offer_id: int, on: date, *, case_id: int | None = None):
    """The therapist checks the round (it fits the restrictions) and the worker accepts it, the same day."""
    from coordinator.extensions import db
    from coordinator.models import DutyOffer
    from coordinator.services.duty import check_duty_offer, respond_to_duty_offer

    check_duty_offer(parties.therapist, offer_id, verdict="fits", checked_on=on)
    worker = worker_joins(parties, case_id or db.session.get(DutyOffer, offer_id).case_id)
    return respond_to_duty_offer(worker, offer_id, answer="accept", responded_on=on)


def counter_offer(parties, offer_id: int, on: date, changes: str, **more):
    """The therapist's counter: the employer is asked for changes."""
    from coordinator.services.duty import check_duty_offer

    return check_duty_offer(parties.therapist, offer_id, verdict="counter", checked_on=on,
                            requested_changes=changes, **more)
