"""Every role x every case-scoped command and query x own and foreign party: no leak.

The own case has the clinic, employer, insurer and physician of the `parties` fixture; the
foreign case has another clinic, employer, insurer and physician, so every role is a
stranger to it. A role the rules name for a command gets past the access check on its own
case (the command may still fail on the case's stage); every other role is refused; on the
foreign case every role gets NotFound or NotPermitted, never a result.
"""

import io
from datetime import date, timedelta

import pytest

from coordinator.domain.actors import Role
from coordinator.domain.errors import DomainError
from coordinator.domain.permissions import COMMAND_ROLES, NotPermitted
from coordinator.domain.review import Measures
from coordinator.domain.safety import SessionObservations
from coordinator.extensions import db
from coordinator.models import Authorization, DutyOffer, FollowUp, Milestone, User, WorkerReport
from coordinator.policy import visible_cases
from coordinator.services.queries.access import case_for as read_case
from coordinator.services import (assignments, authorizations, cases, clearances, documents, duty, invitations,
                                  program, restrictions, reviews, rtw, signatures, worker_reports)
from coordinator.services.unit_of_work import NotFound

TODAY = date.today()
ROLES = ["therapist", "case_manager", "physician", "employer_user", "insurer_user", "worker"]
ROLE_OF = {"therapist": Role.THERAPIST, "case_manager": Role.CASE_MANAGER, "physician": Role.PHYSICIAN,
           "employer_user": Role.EMPLOYER, "insurer_user": Role.INSURER, "worker": Role.WORKER}


def _case(parties, referral, foreign: bool):
    """A case on the fixture's parties, or one on entirely different parties."""
    p = parties
    changes = dict(claim_number="CLM-F" if foreign else "CLM-O",
                   date_of_injury=TODAY - timedelta(days=100), referral_date=TODAY - timedelta(days=60))
    if foreign:
        changes.update(clinic_id=p.other_clinic.id, employer_id=p.other_employer.id, insurer_id=p.other_insurer.id,
                       physician_id=p.other_physician.user_id, therapist_id=p.other_therapist.user_id)
    opener = p.other_therapist if foreign else p.therapist
    case = cases.open_case(opener, referral(**changes))
    # each case has its own worker (set directly: the invitation is tested on its own)
    case.worker_id = (p.other_worker if foreign else p.worker).user_id
    db.session.commit()
    return case


def _objects(case):
    """One of each object a command can name by id, attached to the case (set up directly)."""
    start = TODAY - timedelta(days=10)
    auth = Authorization(case_id=case.id, kind="initial", requested_sessions=10, requested_weeks=2, start_date=start,
                         end_date=start + timedelta(days=13), submitted_on=start, due_on=start + timedelta(days=7))
    offer = DutyOffer(case_id=case.id, round=1, status="proposed", hours_per_day=4, schedule="Mon-Fri",
                      location="Dock", wage=20, wage_period="hourly", start_date=TODAY, sent_on=start,
                      response_due=TODAY, tasks=[{"description": "Pick", "task": "carry", "amount": 5,
                                                  "frequency": "frequent", "hours": None}])
    milestone = Milestone(case_id=case.id, rung=1, hours_per_day=4, status="started", started_on=start)
    follow_up = FollowUp(case_id=case.id, months_after=3, due_on=TODAY)
    cover = User(org_id=case.clinic_id, role=Role.THERAPIST, email=f"cover-{case.id}@clinic.test", name="Cover")
    report = WorkerReport(case_id=case.id, kind="symptoms", reported_on=start, symptoms=["chest_pain"],
                          red_flags=["red flag: chest pain"], note="")
    db.session.add_all([auth, offer, milestone, follow_up, cover, report])
    db.session.commit()
    return {"authorization": auth.id, "offer": offer.id, "milestone": milestone.id, "follow_up": follow_up.id,
            "therapist": cover.id, "report": report.id}


CALLS = {
    "request_clearance": lambda a, c, o: cases.request_clearance(a, c),
    "record_clearance": lambda a, c, o: clearances.record_clearance(a, c, decided_on=TODAY),
    "update_pregnancy": lambda a, c, o: cases.update_pregnancy(a, c, pregnant=True, gestation_weeks=10,
                                                               recorded_on=TODAY),
    "record_baseline": lambda a, c, o: program.record_baseline(a, c, measured_on=TODAY, capacities={}),
    "request_authorization": lambda a, c, o: authorizations.request_authorization(
        a, c, submitted_on=TODAY, start_date=TODAY),
    "decide_authorization": lambda a, c, o: authorizations.decide_authorization(
        a, o["authorization"], decision="approve", reason="ok", decided_on=TODAY),
    "supply_information": lambda a, c, o: authorizations.supply_information(
        a, o["authorization"], information="the job description", supplied_on=TODAY),
    "appeal_authorization": lambda a, c, o: authorizations.appeal_authorization(
        a, o["authorization"], reason="gains shown", appealed_on=TODAY),
    "withdraw_duty_offer": lambda a, c, o: duty.withdraw_duty_offer(a, o["offer"], withdrawn_on=TODAY),
    "start_program": lambda a, c, o: program.start_program(a, c, start_on=TODAY),
    "log_session": lambda a, c, o: program.log_session(a, c, SessionObservations(
        session_date=TODAY, minutes=60, rpe=12, pain=2)),
    "submit_weekly_review": lambda a, c, o: reviews.submit_weekly_review(
        a, c, week=1, reviewed_on=TODAY, measures=Measures(capacities={}), sessions_scheduled=4),
    "resume_program": lambda a, c, o: program.resume_program(a, c, reassessed_on=TODAY, note="fine"),
    "issue_restrictions": lambda a, c, o: restrictions.issue_restrictions(a, c, issued_on=TODAY, max_lift_kg=10),
    "propose_duty_offer": lambda a, c, o: duty.propose_duty_offer(
        a, c, tasks=[{"description": "Pick", "task": "carry", "amount": 5, "frequency": "frequent"}],
        hours_per_day=4, schedule="Mon-Fri", location="Dock", wage=20, wage_period="hourly",
        start_date=TODAY, sent_on=TODAY),
    "check_duty_offer": lambda a, c, o: duty.check_duty_offer(a, o["offer"], verdict="fits", checked_on=TODAY),
    "respond_to_duty_offer": lambda a, c, o: duty.respond_to_duty_offer(
        a, o["offer"], answer="decline", reason="no", responded_on=TODAY),
    "start_milestone": lambda a, c, o: rtw.start_milestone(a, c, started_on=TODAY),
    "confirm_milestone": lambda a, c, o: rtw.confirm_milestone(a, o["milestone"], confirmed_on=TODAY),
    "report_setback": lambda a, c, o: rtw.report_setback(a, c, on=TODAY, reason="pain"),
    "discharge_case": lambda a, c, o: rtw.discharge_case(a, c, discharged_on=TODAY, program_ended=True),
    "record_follow_up": lambda a, c, o: rtw.record_follow_up(a, o["follow_up"], recorded_on=TODAY,
                                                             work_status="full_duty", recurrence=False),
    "close_case": lambda a, c, o: rtw.close_case(a, c),
    "invite_worker": lambda a, c, o: invitations.invite_worker(a, c, email="new@mail.example"),
    "sign_program_plan": lambda a, c, o: signatures.sign_paper(a, c, paper="program_plan", typed_name="A B",
                                                               agree=True),
    "sign_rtw_plan": lambda a, c, o: signatures.sign_paper(a, c, paper="rtw_plan", typed_name="A B", agree=True),
    "answer_follow_up": lambda a, c, o: rtw.answer_follow_up(a, o["follow_up"], work_status="full_duty",
                                                             recurrence=False),
    "report_symptoms": lambda a, c, o: worker_reports.report_symptoms(a, c, symptoms=["soreness"], reported_on=TODAY),
    "report_missed_session": lambda a, c, o: worker_reports.report_missed_session(a, c, session_date=TODAY),
    "review_worker_report": lambda a, c, o: worker_reports.review_worker_report(a, o["report"], reviewed_on=TODAY),
    "reassign_case": lambda a, c, o: assignments.reassign_case(a, c, therapist_id=o["therapist"], reason="cover"),
    "add_document": lambda a, c, o: documents.add_document(a, c, kind="job_description", dated_on=TODAY,
                                                           file=io.BytesIO(b"%PDF-1.4 job " + str(a).encode())),
}


def test_every_case_scoped_command_is_in_the_matrix():
    assert set(CALLS) == set(COMMAND_ROLES) - {"open_case"}


def _outcome(call, actor, case_id, objects) -> str:
    """'denied' (refused by the access check), 'not_found' or 'passed' (past the check)."""
    try:
        call(actor, case_id, objects)
    except NotFound:
        return "not_found"
    except NotPermitted:
        return "denied"
    except DomainError:
        return "passed"   # refused later, by a rule about the case's state or the input
    return "passed"


@pytest.mark.parametrize("command", sorted(CALLS))
def test_command_access_for_every_role_on_own_and_foreign_cases(parties, referral, command):
    own, foreign = _case(parties, referral, False), _case(parties, referral, True)
    own_objects, foreign_objects = _objects(own), _objects(foreign)
    allowed = COMMAND_ROLES[command]
    for name in ROLES:
        actor = getattr(parties, name)
        on_foreign = _outcome(CALLS[command], actor, foreign.id, foreign_objects)
        assert on_foreign in ("not_found", "denied"), f"{name} reached a foreign case via {command}"
        if ROLE_OF[name] in allowed:
            assert on_foreign == "not_found", f"{name} learned that a foreign case exists via {command}"
    # the allowed roles last: a success may change the case for the roles after it
    for name in sorted(ROLES, key=lambda n: ROLE_OF[n] in allowed):
        outcome = _outcome(CALLS[command], getattr(parties, name), own.id, own_objects)
        expected = "passed" if ROLE_OF[name] in allowed else "denied"
        assert outcome == expected, f"{name} on own case via {command}: {outcome}"


def test_open_case_only_for_clinic_staff_of_their_own_clinic(parties, referral):
    for name in ROLES:
        actor = getattr(parties, name)
        try:
            cases.open_case(actor, referral(claim_number=f"N-{name}"))
            outcome = "passed"
        except NotPermitted:
            outcome = "denied"
        assert outcome == ("passed" if ROLE_OF[name] in COMMAND_ROLES["open_case"] else "denied")
    with pytest.raises(DomainError, match="your own clinic"):
        cases.open_case(parties.other_therapist, referral(claim_number="N-x"))


@pytest.mark.parametrize("name", ROLES + ["other_therapist", "other_employer_user", "other_insurer_user",
                                          "other_physician", "other_worker"])
def test_queries_show_own_cases_and_hide_foreign_ones(parties, referral, name):
    own, foreign = _case(parties, referral, False), _case(parties, referral, True)
    actor = getattr(parties, name)
    mine, theirs = (foreign, own) if name.startswith("other_") else (own, foreign)
    listed = {c.id for c in db.session.scalars(visible_cases(actor))}
    assert listed == {mine.id}
    assert read_case(actor, mine.id).id == mine.id
    with pytest.raises(NotFound):
        read_case(actor, theirs.id)
