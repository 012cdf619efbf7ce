"""The demo cases: one per stage, plus cardiology, pregnancy, red flag and negotiation, and the branches (a denial,
a pend, a refused clearance)."""

from datetime import timedelta

from .cases import (TODAY, Cast, climb_ladder, cleared, in_program, join_worker, offer_terms, ready_for_ladder,
                    referral, restrict, review, sessions, week_days)
from ..domain.clearance import HealthFlags
from ..domain.safety import SessionObservations
from ..services import authorizations, cases, clearances, duty, program, rtw


def intake(cast: Cast) -> None:
    """WC-1001: just referred; therapy has not plateaued (a screening flag)."""
    cases.open_case(cast.a["therapist"], referral(cast, "WC-1001", "Alex Moreno", "acme-logistics", "keystone-mutual",
                                                  "warehouse", therapy_plateaued=False,
                                                  referral_date=TODAY - timedelta(days=2)))


def cardiology(cast: Cast) -> None:
    """WC-1002: known heart disease on beta-blockers; physician cleared, cardiology pending."""
    ref = referral(cast, "WC-1002", "Dana Kowalski", "baker-construction", "summit-casualty", "construction",
                   referral_date=TODAY - timedelta(days=8), health=HealthFlags(cardiovascular_disease=True, beta_blockers=True))
    case = cases.open_case(cast.a["therapist"], ref)
    cases.request_clearance(cast.a["therapist"], case.id)
    clearances.record_clearance(cast.a["physician"], case.id, decided_on=TODAY - timedelta(days=2),
                                restrictions=["no overhead work above shoulder height"])


def pending_authorization(cast: Cast) -> None:
    """WC-1003: cleared; the initial authorization waits for the insurer's decision."""
    ref = referral(cast, "WC-1003", "Sam Oduya", "acme-logistics", "keystone-mutual", "warehouse",
                   referral_date=TODAY - timedelta(days=10))
    case_id = cleared(cast, ref)
    authorizations.request_authorization(cast.a["case_manager"], case_id, submitted_on=TODAY - timedelta(days=2),
                                         start_date=TODAY + timedelta(days=5))


def pregnant(cast: Cast) -> None:
    """WC-1004: pregnant worker (16 weeks at referral) in week 2 with an obstetric clearance."""
    start = TODAY - timedelta(days=9)
    ref = referral(cast, "WC-1004", "Maria Lindqvist", "baker-construction", "keystone-mutual", "warehouse",
                   referral_date=TODAY - timedelta(days=30),
                   health=HealthFlags(pregnant=True, gestation_weeks=16))
    case_id = in_program(cast, ref, start, "warehouse", specialist=("obstetric",))
    sessions(cast, case_id, week_days(start, 1), rpe=12)
    review(cast, case_id, start, 1, {"lift_floor_to_waist": 13, "carry": 7, "stand": 140})
    sessions(cast, case_id, week_days(start, 2, 2), rpe=13)


def paused(cast: Cast) -> None:
    """WC-1005: dizziness and high blood pressure stopped a session; paused for reassessment."""
    start = TODAY - timedelta(days=10)
    ref = referral(cast, "WC-1005", "Chris Baptiste", "acme-logistics", "keystone-mutual", "warehouse")
    case_id = in_program(cast, ref, start, "warehouse")
    sessions(cast, case_id, week_days(start, 1))
    review(cast, case_id, start, 1, {"lift_floor_to_waist": 14, "carry": 7, "stand": 150})
    program.log_session(cast.a["therapist"], case_id, SessionObservations(
        session_date=start + timedelta(days=7), minutes=60, rpe=16, pain=4, heart_rate=150, systolic=254,
        diastolic=100, symptoms={"dizziness"}, medication_taken="ibuprofen 400 mg"))


def negotiation(cast: Cast) -> None:
    """WC-1006: construction worker; an offer with conflicts was countered and revised: the therapist checks the
    new round, then the worker (on their portal) answers it."""
    start = TODAY - timedelta(days=12)
    ref = referral(cast, "WC-1006", "Lee Harjo", "baker-construction", "summit-casualty", "construction")
    case_id = in_program(cast, ref, start, "construction")
    sessions(cast, case_id, week_days(start, 1))
    review(cast, case_id, start, 1, {"lift_floor_to_waist": 25, "carry": 12, "climb": 15, "overhead_reach": 30})
    restrict(cast, case_id, start + timedelta(days=7))
    heavy = offer_terms(start + timedelta(days=14), carry_kg=15)
    heavy["tasks"].append({"description": "Frame on ladders", "task": "climb", "amount": 20, "frequency": "occasional"})
    first = duty.propose_duty_offer(cast.a["employer_baker"], case_id, sent_on=start + timedelta(days=8), **heavy)
    duty.check_duty_offer(cast.a["therapist"], first.id, verdict="counter", checked_on=start + timedelta(days=9),
                          requested_changes="carry at most 10 kg; no ladder work")
    duty.propose_duty_offer(cast.a["employer_baker"], case_id, sent_on=start + timedelta(days=10),
                            **offer_terms(start + timedelta(days=14), carry_kg=9))
    from . import WORKER_EMAIL

    join_worker(cast, case_id, WORKER_EMAIL)   # they answer the round in their portal once the therapist checked it


def on_ladder(cast: Cast) -> None:
    """WC-1007: on the return-to-work ladder; 4 h/day confirmed, 6 h/day started."""
    start = TODAY - timedelta(days=20)
    ref = referral(cast, "WC-1007", "Robin Achebe", "acme-logistics", "keystone-mutual", "warehouse")
    case_id = ready_for_ladder(cast, ref, start)
    climb_ladder(cast, ref, case_id, start, rungs=2, confirm_last=False)


def discharged(cast: Cast) -> None:
    """WC-1008: full duty confirmed and discharged; follow-ups at 3 and 6 months pending."""
    start = TODAY - timedelta(days=40)
    ref = referral(cast, "WC-1008", "Pat Nguyen", "baker-construction", "summit-casualty", "warehouse")
    case_id = ready_for_ladder(cast, ref, start)
    climb_ladder(cast, ref, case_id, start, rungs=4, confirm_last=True)
    rtw.discharge_case(cast.a["case_manager"], case_id, discharged_on=start + timedelta(days=21),
                       summary="Back at full duty; home exercise program given")


def closed(cast: Cast) -> None:
    """WC-1009: ended without a return to work; both follow-ups recorded and the case closed."""
    ref = referral(cast, "WC-1009", "Jo Fischer", "acme-logistics", "summit-casualty", "warehouse",
                   date_of_injury=TODAY - timedelta(days=600), referral_date=TODAY - timedelta(days=400))
    start = TODAY - timedelta(days=380)
    case_id = in_program(cast, ref, start, "warehouse")
    sessions(cast, case_id, week_days(start, 1))
    rtw.discharge_case(cast.a["case_manager"], case_id, discharged_on=start + timedelta(days=10), program_ended=True,
                       summary="Worker relocated; program ended")
    from sqlalchemy import select

    from ..extensions import db
    from ..models import FollowUp

    for row in db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id)).all():
        rtw.record_follow_up(cast.a["case_manager"], row.id, recorded_on=row.due_on, work_status="off_work",
                             recurrence=False, notes="Reached by phone")
    rtw.close_case(cast.a["case_manager"], case_id)


def denied(cast: Cast) -> None:
    """WC-1010: the insurer denied the initial request; the case manager appeals, revises or discharges."""
    ref = referral(cast, "WC-1010", "Noor Haddad", "acme-logistics", "keystone-mutual", "warehouse",
                   referral_date=TODAY - timedelta(days=14))
    case_id = cleared(cast, ref)
    asked = authorizations.request_authorization(cast.a["case_manager"], case_id, submitted_on=TODAY - timedelta(days=8),
                                                 start_date=TODAY - timedelta(days=1))
    authorizations.decide_authorization(cast.a["insurer_keystone"], asked.id, decision="deny", decided_on=TODAY - timedelta(days=3),
                                        reason="No documented plateau of conventional therapy: send the therapy notes")


def pended(cast: Cast) -> None:
    """WC-1011: the insurer pended the initial request for the job description; the clinic supplies it."""
    ref = referral(cast, "WC-1011", "Kim Sato", "baker-construction", "summit-casualty", "warehouse",
                   referral_date=TODAY - timedelta(days=12))
    case_id = cleared(cast, ref)
    asked = authorizations.request_authorization(cast.a["case_manager"], case_id, submitted_on=TODAY - timedelta(days=6),
                                                 start_date=TODAY + timedelta(days=3))
    authorizations.decide_authorization(cast.a["insurer_summit"], asked.id, decision="pend", decided_on=TODAY - timedelta(days=2),
                                        reason="Send the employer's job description with the physical demands")


def not_cleared(cast: Cast) -> None:
    """WC-1012: the physician refused clearance (an unhealed fracture); the case manager defers or closes."""
    ref = referral(cast, "WC-1012", "Ola Brandt", "acme-logistics", "summit-casualty", "warehouse",
                   referral_date=TODAY - timedelta(days=9))
    case = cases.open_case(cast.a["therapist"], ref)
    cases.request_clearance(cast.a["therapist"], case.id)
    clearances.record_clearance(cast.a["physician"], case.id, decided_on=TODAY - timedelta(days=4),
                                contraindications=["unhealed_fracture"], note="Fracture line still visible on X-ray")


SCRIPTS = {"WC-1001": intake, "WC-1002": cardiology, "WC-1003": pending_authorization, "WC-1004": pregnant,
           "WC-1005": paused, "WC-1006": negotiation, "WC-1007": on_ladder, "WC-1008": discharged, "WC-1009": closed,
           "WC-1010": denied, "WC-1011": pended, "WC-1012": not_cleared}
