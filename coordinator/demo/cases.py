"""Demo case scripts: each drives one case through the real services to the stage it shows."""

import io
from dataclasses import replace
from datetime import date, timedelta

from ..domain.demands import JobDemand
from ..domain.review import Measures
from ..domain.safety import SessionObservations
from ..domain.actors import Actor, Role
from ..services import (authorizations, cases, clearances, documents, duty, invitations, program, restrictions,
                        reviews, rtw)

TODAY = date.today()
WAREHOUSE = [JobDemand("lift_floor_to_waist", 20, "occasional"), JobDemand("carry", 10, "frequent"),
             JobDemand("stand", 240, "constant")]
CONSTRUCTION = [JobDemand("lift_floor_to_waist", 40, "occasional"), JobDemand("carry", 20, "frequent"),
                JobDemand("climb", 30, "occasional"), JobDemand("overhead_reach", 60, "frequent")]
BASELINE = {"warehouse": {"lift_floor_to_waist": 12.0, "carry": 6.0, "stand": 120.0},
            "construction": {"lift_floor_to_waist": 22.0, "carry": 11.0, "climb": 12.0, "overhead_reach": 25.0}}


class Cast:
    """The demo's actors and organisation ids, looked up once."""

    def __init__(self, actors: dict, orgs: dict):
        self.a, self.o = actors, orgs


def referral(cast: Cast, claim: str, name: str, employer: str, insurer: str, job: str, **changes) -> cases.Referral:
    """A referral of a warehouse or construction job, 150 days after the injury by default."""
    construction = job == "construction"
    base = cases.Referral(
        claim_number=claim, worker_name=name, date_of_injury=TODAY - timedelta(days=200),
        # a working age from the claim's digits: 29 to 59 years before the injury
        date_of_birth=TODAY - timedelta(days=200 + 365 * (29 + int("".join(filter(str.isdigit, claim)) or 0) % 31)),
        referral_date=TODAY - timedelta(days=90), clinic_id=cast.o["northside-rehab"],
        employer_id=cast.o[employer], insurer_id=cast.o[insurer], physician_id=cast.a["physician"].user_id,
        therapist_id=cast.a["therapist"].user_id, case_manager_id=cast.a["case_manager"].user_id,
        diagnosis_code="S39.012A" if not construction else "S43.421A",
        diagnosis_text="Strain of lower back muscle" if not construction else "Sprain of rotator cuff",
        job_title="Warehouse associate" if not construction else "Carpenter", shift_hours=8,
        demands=CONSTRUCTION if construction else WAREHOUSE, rtw_goal=f"Return to {job} work, full duty",
        rtw_goal_agreed_by_employer=True, rtw_goal_agreed_by_worker=True, therapy_plateaued=True,
        hours_per_day_available=4, days_per_week_available=5,
    )
    return replace(base, **changes)


def _paper(title: str, lines: list[str]) -> io.BytesIO:
    """A one-page PDF standing for a paper a party sends (the demo's job descriptions and orders)."""
    from ..letterhead import Document

    pdf = Document("Demo paper", title, "-", "-")
    pdf.add_page()
    pdf.title_line(title)
    for line in lines:
        pdf.line_of(line)
    return io.BytesIO(bytes(pdf.output()))


def papers(cast: Cast, case_id: int, ref: cases.Referral) -> None:
    """The employer's job description and the physician's order, added by the case manager as they arrive."""
    demands = [f"{d.task.replace('_', ' ')}: {d.amount:g}, {d.frequency}" for d in ref.demands]
    documents.add_document(cast.a["case_manager"], case_id, kind="job_description", title=f"{ref.job_title}: job "
                           "description", dated_on=ref.referral_date,
                           file=_paper(f"{ref.job_title}: job description", [f"Shift: {ref.shift_hours} hours", *demands]))
    documents.add_document(cast.a["case_manager"], case_id, kind="physician_order", title="Order for work hardening",
                           dated_on=ref.referral_date + timedelta(days=3),
                           file=_paper("Order for work hardening", ["Work hardening, 4 to 6 weeks, 5 days a week.",
                                                                    "Progress reports weekly."]))


def cleared(cast: Cast, ref: cases.Referral, specialist: tuple[str, ...] = ()) -> int:
    """Open a case, receive its papers and clear it (physician plus any specialist kinds)."""
    case = cases.open_case(cast.a["therapist"], ref)
    cases.request_clearance(cast.a["therapist"], case.id)
    clearances.record_clearance(cast.a["physician"], case.id, decided_on=ref.referral_date + timedelta(days=3))
    papers(cast, case.id, ref)
    for kind in specialist:
        clearances.record_specialist_clearance(
            cast.a["physician"], case.id, kind=kind, cleared=True, decided_on=ref.referral_date + timedelta(days=5),
            heart_rate_ceiling=125 if kind == "cardiology" else None, rpe_ceiling=13 if kind == "cardiology" else None)
    return case.id


def in_program(cast: Cast, ref: cases.Referral, start: date, job: str, specialist=()) -> int:
    """Clear, authorize the trial, record the baseline and start the program on `start`."""
    case_id = cleared(cast, ref, specialist)
    auth = authorizations.request_authorization(cast.a["case_manager"], case_id, submitted_on=start - timedelta(days=8),
                                                start_date=start)
    authorizations.decide_authorization(cast.a[_insurer(ref, cast)], auth.id, decision="approve",
                                        reason="Meets admission criteria", decided_on=start - timedelta(days=6))
    program.record_baseline(cast.a["therapist"], case_id, measured_on=start - timedelta(days=2),
                            capacities=BASELINE[job])
    program.start_program(cast.a["therapist"], case_id, start_on=start)
    return case_id


def _insurer(ref: cases.Referral, cast: Cast) -> str:
    return "insurer_keystone" if ref.insurer_id == cast.o["keystone-mutual"] else "insurer_summit"


def _employer(ref: cases.Referral, cast: Cast) -> str:
    return "employer_acme" if ref.employer_id == cast.o["acme-logistics"] else "employer_baker"


def sessions(cast: Cast, case_id: int, days: list[date], minutes: int = 180, **values) -> None:
    """Log uneventful sessions on the given days."""
    for day in days:
        obs = dict(session_date=day, minutes=minutes, rpe=13, pain=3, heart_rate=112, systolic=128, diastolic=82)
        obs.update(values)
        program.log_session(cast.a["therapist"], case_id, SessionObservations(**obs))


def week_days(start: date, week: int, count: int = 4) -> list[date]:
    """The first `count` days of a program week."""
    return [start + timedelta(days=7 * (week - 1) + i) for i in range(count)]


def review(cast: Cast, case_id: int, start: date, week: int, capacities: dict, **extra) -> None:
    """Submit the review of `week` on its last day."""
    measures = Measures(capacities=capacities, pain=extra.pop("pain", 3), rpe=13, fatigue=3,
                        grip_strength_kg=extra.pop("grip", 32.0))
    reviews.submit_weekly_review(cast.a["therapist"], case_id, week=week, reviewed_on=start + timedelta(days=7 * week - 1),
                                 measures=measures, sessions_scheduled=4, **extra)


def offer_terms(start: date, carry_kg: float = 8) -> dict:
    """A bona fide modified-duty offer for a warehouse job."""
    return dict(tasks=[{"description": "Pick light orders", "task": "carry", "amount": carry_kg, "frequency": "frequent"},
                       {"description": "Scan and label parcels", "task": "stand", "amount": 120, "frequency": "frequent"}],
                hours_per_day=4, schedule="Mon-Fri 08:00-12:00", location="Dock 2", wage=24.5, wage_period="hourly",
                start_date=start)


def restrict(cast: Cast, case_id: int, on: date) -> None:
    """The physician's restrictions: carry at most 10 kg frequently, no climbing, 8 h/day."""
    restrictions.issue_restrictions(cast.a["physician"], case_id, issued_on=on, max_hours_per_day=8,
                                    load_limits=[{"task": "carry", "frequency": "frequent", "max_kg": 10}],
                                    avoid=["climb"], notes="Review in two weeks")


def ready_for_ladder(cast: Cast, ref: cases.Referral, start: date) -> int:
    """A warehouse case through two reviews, restricted, with an accepted 4 h/day offer."""
    case_id = in_program(cast, ref, start, "warehouse")
    sessions(cast, case_id, week_days(start, 1), minutes=240)
    review(cast, case_id, start, 1, {"lift_floor_to_waist": 16, "carry": 8, "stand": 180})
    sessions(cast, case_id, week_days(start, 2, 3), minutes=240)
    review(cast, case_id, start, 2, {"lift_floor_to_waist": 22, "carry": 11, "stand": 250}, hours_tolerated=8)
    restrict(cast, case_id, start + timedelta(days=14))
    offer = duty.propose_duty_offer(cast.a[_employer(ref, cast)], case_id, sent_on=start + timedelta(days=14),
                                    **offer_terms(start + timedelta(days=16)))
    duty.check_duty_offer(cast.a["therapist"], offer.id, verdict="fits", checked_on=start + timedelta(days=15))
    worker = join_worker(cast, case_id, f"worker-{ref.claim_number.lower()}@demo.test")
    duty.respond_to_duty_offer(worker, offer.id, answer="accept", responded_on=start + timedelta(days=15))
    return case_id


def join_worker(cast: Cast, case_id: int, email: str) -> Actor:
    """The worker of the case joins their portal through the clinic's invitation (the demo's password)."""
    from . import DEMO_PASSWORD

    invited = invitations.invite_worker(cast.a["case_manager"], case_id, email=email)
    account = invitations.accept_invitation(invited.token, password=DEMO_PASSWORD)
    return Actor(account.id, Role.WORKER, None)


def climb_ladder(cast: Cast, ref: cases.Referral, case_id: int, start: date, rungs: int, confirm_last: bool) -> None:
    """Start and confirm `rungs` milestones a day apart from day 16."""
    for number in range(1, rungs + 1):
        on = start + timedelta(days=15 + number)
        milestone = rtw.start_milestone(cast.a["therapist"], case_id, started_on=on)
        if number < rungs or confirm_last:
            rtw.confirm_milestone(cast.a[_employer(ref, cast)], milestone.id, confirmed_on=on)
