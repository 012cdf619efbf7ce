"""Role x stage x command: what the portal offers, what the service accepts and what the API lists agree.

The demo holds a case in every stage (and the special ones: a cardiology clearance due, a pending request, a
pregnancy, a pause, an open negotiation, a milestone waiting). For every case and every party on it, each
command of the party's role (each kind, each record it could act on) is tried three ways: is there a link on
the party's case page, does the API's case answer list it, does the service accept it (run as a dry run, so
nothing is kept; only the catalogue's refusal counts as a refusal, a complaint about the sample input does
not)."""

import base64
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coordinator.domain.actors import Actor, Role
from coordinator.domain.catalogue import CATALOGUE, COMMANDS, Unavailable
from coordinator.domain.errors import DomainError
from coordinator.domain.review import Measures
from coordinator.domain.safety import SessionObservations
from coordinator.extensions import db, limiter
from coordinator.models import Authorization, Case, DutyOffer, FollowUp, Milestone, User, WorkerReport
from coordinator.portals import PORTALS
from coordinator.portals.actions import ACTIONS
from coordinator.services import (assignments, authorizations, cases, clearances, documents, duty, invitations,
                                  program, restrictions, reviews, rtw, signatures, worker_reports)
from coordinator.services.unit_of_work import Options
from tests.auth import REDIRECT, approve, authorize_url, client_for, pkce_pair, query_of
from tests.factories import sign_in

TODAY = date.today()
FIXED_KINDS = {a.command for a in ACTIONS.values() if a.kind}   # commands whose portal forms fix the kind
SUBJECT_MODELS = {"authorization": Authorization, "duty_offer": DutyOffer, "milestone": Milestone,
                  "follow_up": FollowUp, "worker_report": WorkerReport}


def _kind(command: str, kind: str | None) -> str:
    """Kinds are compared where the portal offers one form per kind; elsewhere the service picks the kind."""
    return kind if command in FIXED_KINDS else "*"


def _run(command: str, actor: Actor, case: Case, kind: str, subject, options: Options):
    """The command's service, run with `options`, with an input that passes its own checks where it can."""
    c, other = case.id, db.session.scalar(select(User.id).where(User.role == "therapist", User.org_id == case.clinic_id,
                                                                 User.id != case.therapist_id))
    session = SessionObservations(session_date=TODAY, minutes=60, rpe=12, pain=2)
    offer = dict(tasks=[{"description": "Scan parcels", "task": "carry", "amount": 2, "frequency": "occasional"}],
                 hours_per_day=4, schedule="Mon-Fri", location="Dock", wage=20, wage_period="hourly",
                 start_date=TODAY, sent_on=TODAY)
    calls = {
        "request_clearance": lambda o: cases.request_clearance(actor, c, options=o) if kind == "request"
        else clearances.ask_for_clearance_again(actor, c, asked_on=TODAY, options=o),
        "supply_information": lambda o: authorizations.supply_information(actor, subject, information="the report",
                                                                          supplied_on=TODAY, options=o),
        "appeal_authorization": lambda o: authorizations.appeal_authorization(actor, subject, reason="gains shown",
                                                                              appealed_on=TODAY, options=o),
        "withdraw_duty_offer": lambda o: duty.withdraw_duty_offer(actor, subject, withdrawn_on=TODAY, options=o),
        "record_clearance": lambda o: clearances.record_clearance(actor, c, decided_on=TODAY, options=o)
        if kind == "physician" else clearances.record_specialist_clearance(actor, c, kind=kind, decided_on=TODAY,
                                                                           cleared=True, options=o),
        "update_pregnancy": lambda o: cases.update_pregnancy(actor, c, pregnant=True, gestation_weeks=20,
                                                             recorded_on=TODAY, options=o),
        "request_authorization": lambda o: authorizations.request_authorization(actor, c, submitted_on=TODAY,
                                                                                start_date=TODAY, options=o),
        "decide_authorization": lambda o: authorizations.decide_authorization(
            actor, subject, decision="approve", reason="meets criteria", decided_on=TODAY, options=o),
        "record_baseline": lambda o: program.record_baseline(actor, c, measured_on=TODAY, options=o,
                                                             capacities={d.task: 10.0 for d in case.demands}),
        "start_program": lambda o: program.start_program(actor, c, start_on=TODAY, options=o),
        "log_session": lambda o: program.log_session(actor, c, session, options=o),
        "submit_weekly_review": lambda o: reviews.submit_weekly_review(
            actor, c, week=subject, reviewed_on=TODAY, measures=Measures(capacities={}), sessions_scheduled=3,
            options=o),
        "resume_program": lambda o: program.resume_program(actor, c, reassessed_on=TODAY, note="settled", options=o),
        "issue_restrictions": lambda o: restrictions.issue_restrictions(actor, c, issued_on=TODAY, max_lift_kg=10,
                                                                        options=o),
        "propose_duty_offer": lambda o: duty.propose_duty_offer(actor, c, **offer, options=o),
        "check_duty_offer": lambda o: duty.check_duty_offer(actor, subject, verdict="counter", checked_on=TODAY,
                                                            requested_changes="lighter", options=o),
        "respond_to_duty_offer": lambda o: duty.respond_to_duty_offer(actor, subject, answer="decline",
                                                                      responded_on=TODAY, reason="too heavy",
                                                                      options=o),
        "start_milestone": lambda o: rtw.start_milestone(actor, c, started_on=TODAY, options=o),
        "confirm_milestone": lambda o: rtw.confirm_milestone(actor, subject, confirmed_on=TODAY, options=o),
        "report_setback": lambda o: rtw.report_setback(actor, c, on=TODAY, reason="flare-up", options=o),
        "discharge_case": lambda o: rtw.discharge_case(actor, c, discharged_on=TODAY, program_ended=True, options=o),
        "record_follow_up": lambda o: rtw.record_follow_up(actor, subject, recorded_on=TODAY, work_status="full_duty",
                                                           recurrence=False, options=o),
        "close_case": lambda o: rtw.close_case(actor, c, options=o),
        "invite_worker": lambda o: invitations.invite_worker(actor, c, email="someone@mail.example", options=o),
        "sign_program_plan": lambda o: signatures.sign_paper(actor, c, paper="program_plan", typed_name="A B",
                                                             agree=True, options=o),
        "sign_rtw_plan": lambda o: signatures.sign_paper(actor, c, paper="rtw_plan", typed_name="A B", agree=True,
                                                         options=o),
        "answer_follow_up": lambda o: rtw.answer_follow_up(actor, subject, work_status="full_duty", recurrence=False,
                                                           options=o),
        "report_symptoms": lambda o: worker_reports.report_symptoms(actor, c, symptoms=["soreness"], reported_on=TODAY,
                                                                    options=o),
        "report_missed_session": lambda o: worker_reports.report_missed_session(actor, c, session_date=TODAY,
                                                                                options=o),
        "review_worker_report": lambda o: worker_reports.review_worker_report(actor, subject, reviewed_on=TODAY,
                                                                              options=o),
        "reassign_case": lambda o: assignments.reassign_case(actor, c, therapist_id=other, reason="leave", options=o),
        "add_document": lambda o: documents.add_document(actor, c, kind="job_description", dated_on=TODAY,
                                                         file=io.BytesIO(b"%PDF-1.4 " + str(actor).encode()),
                                                         options=o),
    }
    return calls[command](options)


def _candidates(command, case: Case) -> list:
    """Every record of the case the command could name (and every week for a review), or [None]."""
    if command.subject is None:
        return [None]
    if command.subject == "week":
        return list(range(1, 9))
    model = SUBJECT_MODELS[command.subject]
    return list(db.session.scalars(select(model.id).where(model.case_id == case.id)))


def accepted_by_services(actor: Actor, case: Case) -> set[tuple]:
    """(command, kind, subject) the services let past their catalogue gate, each tried as a dry run."""
    found = set()
    for command in CATALOGUE:
        if Role(actor.role) not in command.roles or not command.stages:
            continue
        kinds = [k.name for k in command.kinds] if command.name in FIXED_KINDS else [None]
        for kind in kinds:
            for subject in _candidates(command, case):
                try:
                    _run(command.name, actor, case, kind, subject, Options(dry_run=True))
                except Unavailable:
                    continue
                except DomainError:
                    pass   # refused for the sample input, not by the catalogue: the gate let it through
                finally:
                    db.session.rollback()
                found.add((command.name, _kind(command.name, kind), subject))
    return found


LINK = re.compile(r'href="/[a-z-]+/cases/(\d+)/act/([a-z-]+)(?:/(\d+))?"')


def offered_by_portal(browser, portal: str, case_id: int) -> set[tuple]:
    """(command, kind, subject) of every action link on the party's case page."""
    page = browser.get(f"/{portal.replace('_', '-')}/cases/{case_id}")
    assert page.status_code == 200
    found = set()
    for case, slug, subject in LINK.findall(page.get_data(as_text=True)):
        action = ACTIONS[slug]
        found.add((action.command, _kind(action.command, action.kind), int(subject) if subject else None))
    return found


def listed_by_api(client, headers: dict, case_id: int) -> set[tuple]:
    """(command, kind, subject) of the API's available commands on the case."""
    answer = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert answer.status_code == 200
    found = set()
    for item in answer.json["available_commands"]:
        assert item["command"] in COMMANDS
        kinds = item["kinds"] if item["command"] in FIXED_KINDS else ["*"]
        for kind in kinds:
            for subject in item["subject_ids"] if item["subject"] else [None]:
                found.add((item["command"], kind, subject))
    for item in answer.json["unavailable_commands"]:
        assert item["reason"] and "_" not in item["reason"].split(":")[-1], item   # words, not identifiers
    return found


def _party(role: Role, case: Case) -> Actor | None:
    """The demo user of a role who is on the case (None for a case whose worker has not joined)."""
    if role is Role.WORKER:
        return Actor(case.worker_id, role, None) if case.worker_id else None
    query = select(User).where(User.role == str(role), User.email.like("%@demo.test"))
    if role is Role.PHYSICIAN:
        query = query.where(User.id == case.physician_id)
    else:
        org = {Role.EMPLOYER: case.employer_id, Role.INSURER: case.insurer_id}.get(role, case.clinic_id)
        query = query.where(User.org_id == org)
    user = db.session.scalars(query.order_by(User.id)).first()
    return Actor(user.id, role, user.org_id)


def _extra_cases() -> None:
    """Moments the demo passes through but does not stop at: authorized and baselined (the program may start),
    ready for the first rung, every follow-up recorded (the case may close), and the branches: a request pended
    for information, one denied, a clearance refused."""
    from coordinator.demo import cases as d
    from coordinator.demo import _cast, _ensure_parties

    cast = _cast(_ensure_parties())
    start = TODAY - timedelta(days=20)
    ref = d.referral(cast, "X-START", "Ada Start", "acme-logistics", "keystone-mutual", "warehouse")
    case_id = d.cleared(cast, ref)
    auth = authorizations.request_authorization(cast.a["case_manager"], case_id, submitted_on=start,
                                                start_date=start)
    authorizations.decide_authorization(cast.a["insurer_keystone"], auth.id, decision="approve", reason="ok",
                                        decided_on=start)
    program.record_baseline(cast.a["therapist"], case_id, measured_on=start, capacities=d.BASELINE["warehouse"])
    d.ready_for_ladder(cast, d.referral(cast, "X-LADDER", "Lee Ladder", "acme-logistics", "keystone-mutual",
                                        "warehouse"), start)
    for claim, name, decision in (("X-PEND", "Pat Pend", "pend"), ("X-DENY", "Dee Deny", "deny")):
        case_id = d.cleared(cast, d.referral(cast, claim, name, "acme-logistics", "keystone-mutual", "warehouse"))
        auth = authorizations.request_authorization(cast.a["case_manager"], case_id, submitted_on=start,
                                                    start_date=start)
        authorizations.decide_authorization(cast.a["insurer_keystone"], auth.id, decision=decision,
                                            reason="the job description, please", decided_on=start)
    ref = d.referral(cast, "X-BLOCK", "Bo Block", "acme-logistics", "keystone-mutual", "warehouse")
    case_id = cases.open_case(cast.a["therapist"], ref).id
    cases.request_clearance(cast.a["therapist"], case_id)
    clearances.record_clearance(cast.a["physician"], case_id, decided_on=start, contraindications=["unhealed_fracture"])
    # a checked offer waiting for the worker's answer
    ref = d.referral(cast, "X-ANSWER", "Ann Answer", "acme-logistics", "keystone-mutual", "warehouse")
    case_id = d.in_program(cast, ref, start, "warehouse")
    d.restrict(cast, case_id, start + timedelta(days=1))
    offer = duty.propose_duty_offer(cast.a["employer_acme"], case_id, sent_on=start + timedelta(days=2),
                                    **d.offer_terms(start + timedelta(days=5)))
    duty.check_duty_offer(cast.a["therapist"], offer.id, verdict="fits", checked_on=start + timedelta(days=2))
    worker = d.join_worker(cast, case_id, "worker-x-answer@demo.test")
    # a red flag the worker reported between sessions, waiting for the therapist's review
    worker_reports.report_symptoms(worker, case_id, symptoms=["dizziness"], reported_on=TODAY)
    # discharged, the worker on the coordinator, the 3-month follow-up due within the fortnight they are asked in
    case_id = d.ready_for_ladder(cast, d.referral(cast, "X-FOLLOW", "Fay Follow", "acme-logistics", "keystone-mutual",
                                                  "warehouse"), start)
    rtw.discharge_case(cast.a["case_manager"], case_id, discharged_on=start + timedelta(days=16), program_ended=True)
    first = db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)).first()
    first.due_on = TODAY + timedelta(days=5)
    db.session.commit()
    ref = d.referral(cast, "X-CLOSE", "Cy Close", "acme-logistics", "keystone-mutual", "warehouse")
    case_id = d.in_program(cast, ref, start, "warehouse")
    rtw.discharge_case(cast.a["case_manager"], case_id, discharged_on=TODAY, program_ended=True)
    for row in db.session.scalars(select(FollowUp).where(FollowUp.case_id == case_id)).all():
        rtw.record_follow_up(cast.a["case_manager"], row.id, recorded_on=TODAY, work_status="off_work",
                             recurrence=False)


@pytest.fixture
def demo(runner):
    """The demo's cases, one or more in every stage, and three more moments of a case."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    _extra_cases()
    return list(db.session.scalars(select(Case).order_by(Case.id)))


def token_of(browser, actor: Actor) -> dict:
    """A bearer token of the signed-in party, from the authorization-code grant with PKCE."""
    client_id, secret = client_for(actor, grant_types=["authorization_code"])
    verifier, challenge = pkce_pair()
    code = query_of(approve(browser, authorize_url(client_id, challenge, scope="cases:read")).headers["Location"])
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    answer = browser.post("/oauth/token", headers={"Authorization": f"Basic {basic}"},
                          data={"grant_type": "authorization_code", "code": code["code"], "redirect_uri": REDIRECT,
                                "code_verifier": verifier})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def test_portal_service_and_api_agree_for_every_role_stage_and_command(app, client, demo):
    seen, disagreements, signed_in = set(), [], {}
    for role, portal in PORTALS.items():
        for case in demo:
            actor = _party(role, case)
            if actor is None:
                continue
            if actor.user_id not in signed_in:   # each party signs in once: a browser and an API token
                # each from their own device: the per-address sign-in throttle counts one place's attempts
                limiter.reset()
                browser = app.test_client()
                sign_in(browser, actor)
                signed_in[actor.user_id] = (browser, token_of(browser, actor))   # a worker's: the workers' app
            browser, headers = signed_in[actor.user_id]
            portal_set = offered_by_portal(browser, portal, case.id)
            api_set = listed_by_api(client, headers, case.id)
            service_set = accepted_by_services(actor, case)
            if not portal_set == api_set == service_set:
                disagreements.append((role, case.stage, case.claim_number, {
                    "portal only": portal_set - service_set, "service only": service_set - portal_set,
                    "api only": api_set - service_set, "api misses": service_set - api_set}))
            seen |= {(role, case.stage, command) for command, _, _ in service_set}
    assert disagreements == []
    # the cases exercise each stage and every command, so the matrix is not empty by accident
    assert {stage for _, stage, _ in seen} == {"intake", "clearance", "authorization", "program", "paused",
                                               "return_to_work", "discharged"}
    assert {command for _, _, command in seen} == {c.name for c in CATALOGUE if c.stages}
