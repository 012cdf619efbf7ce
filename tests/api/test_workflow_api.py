"""The workflow API: authorizations, duty offers, milestones, setbacks, discharge, follow-ups and closure."""

from datetime import timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Case, DutyOffer, FollowUp
from coordinator.services.cases import open_case, request_clearance
from coordinator.services.clearances import record_clearance
from coordinator.services.duty import propose_duty_offer
from coordinator.services.restrictions import issue_restrictions
from coordinator.services.rtw import discharge_case, start_milestone
from tests.services.journey import START, TODAY, accept_offer, review, to_program

READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
TASK = {"description": "Pick light orders", "task": "carry", "amount": 8, "frequency": "frequent"}
CLIMB = {"description": "Ladder", "task": "climb", "amount": 30, "frequency": "occasional"}
OFFER = {"hours_per_day": 4, "schedule": "Mon-Fri 8-12", "location": "Dock 2", "wage": 24.5, "wage_period": "hourly"}
SCOPES = {"case_manager": "cases:read cases:write authorizations:write followups:write duty:write milestones:write",
          "therapist": "cases:read duty:write milestones:write", "employer_user": "cases:read duty:write milestones:write",
          "insurer_user": "cases:read authorizations:write", "other_insurer_user": "cases:read authorizations:write",
          "other_employer_user": "cases:read duty:write milestones:write",
          "other_case_manager": "cases:read cases:write authorizations:write followups:write milestones:write"}
OPERATIONS = [("/authorizations", "post"), ("/authorizations/{authorization_id}/decision", "post"),
              ("/authorizations", "get"), ("/duty-offers", "post"), ("/duty-offers/{offer_id}/check", "post"),
              ("/duty-offers/{offer_id}/response", "post"),
              ("/duty-offers", "get"), ("/milestones", "post"), ("/milestones/{milestone_id}/confirmation", "post"),
              ("/milestones", "get"), ("/setbacks", "post"), ("/discharge", "post"),
              ("/follow-ups/{follow_up_id}", "post"), ("/follow-ups", "get"), ("/closure", "post")]


@pytest.fixture
def as_(parties, bearer):
    """Headers for a party by attribute name, with the write scopes of its role."""
    return lambda name: bearer(getattr(parties, name), SCOPES[name])


def tag(case_id: int) -> str:
    """The case's current ETag."""
    db.session.expire_all()
    return f'"{db.session.get(Case, case_id).version}"'


def post(client, url, headers, case_id, body=None, **extra):
    """POST a command with the case's current ETag."""
    return client.post(url, json=body, headers={**headers, "If-Match": tag(case_id), **extra})


def d(days: int) -> str:
    """An ISO date `days` after the program start."""
    return (START + timedelta(days=days)).isoformat()


def is_problem(answer, status: int) -> bool:
    """True for a problem+json answer of the status."""
    return answer.status_code == status and answer.mimetype == "application/problem+json"


def cleared(parties, referral, claim="CLM-1") -> int:
    """A case whose clearances are in, ready for the initial authorization request."""
    case = open_case(parties.therapist, referral(claim_number=claim, date_of_injury=TODAY - timedelta(days=150),
                                                 referral_date=TODAY - timedelta(days=60)))
    request_clearance(parties.therapist, case.id)
    record_clearance(parties.physician, case.id, decided_on=TODAY - timedelta(days=55))
    return case.id


def restricted(parties, referral, claim="CLM-1", **limits) -> int:
    """A case in the program with restrictions in force from day 0."""
    case_id = to_program(parties, referral, claim_number=claim)
    limits = limits or {"load_limits": [{"task": "carry", "frequency": "frequent", "max_kg": 5}], "avoid": ["climb"]}
    issue_restrictions(parties.physician, case_id, issued_on=START, **limits)
    return case_id


def offered(parties, case_id, tasks=(TASK,), sent=1):
    """An offer round proposed through the service."""
    return propose_duty_offer(parties.employer_user, case_id, tasks=list(tasks), start_date=START + timedelta(days=9),
                              sent_on=START + timedelta(days=sent), **OFFER)


def ready(parties, referral, claim="CLM-1") -> int:
    """A case with an accepted offer and a review showing capacity for the first milestone."""
    case_id = restricted(parties, referral, claim, max_hours_per_day=8)
    accept_offer(parties, offered(parties, case_id).id, START + timedelta(days=2))
    review(parties, case_id, 1, READY, hours_tolerated=4)
    return case_id


def base(case_id: int) -> str:
    """The case's URL."""
    return f"/api/v1/cases/{case_id}"


# -- the document -------------------------------------------------------------------------------


def test_every_operation_is_documented_with_bearer_security(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    for suffix, method in OPERATIONS:
        operation = spec["paths"]["/api/v1/cases/{case_id}" + suffix][method]
        assert "bearerAuth" in operation["security"][0], suffix
        if method == "post":
            assert {"If-Match", "Idempotency-Key"} <= {p["name"] for p in operation["parameters"]}


# -- authorizations -----------------------------------------------------------------------------


def request_body(**changes) -> dict:
    """A valid initial authorization request, with changes."""
    body = {"submitted_on": (TODAY - timedelta(days=50)).isoformat(), "start_date": START.isoformat()}
    return {**body, **changes}


def test_request_authorization_answers_201_with_kind_due_date_and_packet(client, parties, referral, as_):
    case_id = cleared(parties, referral)
    before = tag(case_id)
    answer = post(client, base(case_id) + "/authorizations", as_("case_manager"), case_id, request_body())
    assert answer.status_code == 201, answer.json
    assert answer.json["kind"] == "initial" and answer.json["status"] == "pending" and answer.json["due_on"]
    assert answer.json["packet"]["claim_number"] == "CLM-1" and "reasons" in answer.json["assessment"]
    assert answer.headers["ETag"] == tag(case_id) != before


def test_request_authorization_refusals(client, parties, referral, as_):
    case_id = cleared(parties, referral)
    url, headers = base(case_id) + "/authorizations", as_("case_manager")
    assert is_problem(client.post(url, json=request_body(), headers=headers), 428)
    assert is_problem(client.post(url, json=request_body(), headers={**headers, "If-Match": '"1"'}), 412)
    bad = post(client, url, headers, case_id, {"submitted_on": "soon", "start_date": "9999-12-31", "weeks": "two"})
    assert is_problem(bad, 422) and {"submitted_on", "start_date", "weeks"} <= set(bad.json["errors"])
    assert is_problem(post(client, url, as_("employer_user"), case_id, request_body()), 403)
    assert is_problem(post(client, url, as_("other_case_manager"), case_id, request_body()), 404)
    assert post(client, url, headers, case_id, request_body()).status_code == 201
    assert is_problem(post(client, url, headers, case_id, request_body()), 409)   # one is already pending


def test_insurer_decides_and_a_second_decision_is_409(client, parties, referral, as_):
    case_id = cleared(parties, referral)
    auth_id = post(client, base(case_id) + "/authorizations", as_("case_manager"), case_id, request_body()).json["id"]
    url = f"{base(case_id)}/authorizations/{auth_id}/decision"
    body = {"decision": "modify", "approved_sessions": 6, "reason": "trial of six",
            "decided_on": (TODAY - timedelta(days=48)).isoformat()}
    answer = post(client, url, as_("insurer_user"), case_id, body)
    assert answer.status_code == 200, answer.json
    assert answer.json["decision"] == "modify" and answer.json["approved_sessions"] == 6
    assert answer.headers["ETag"] == tag(case_id)
    assert is_problem(post(client, url, as_("insurer_user"), case_id, body), 409)


def test_decision_refusals(client, parties, referral, as_):
    case_id, other_id = cleared(parties, referral), cleared(parties, referral, "CLM-2")
    auth_id = post(client, base(case_id) + "/authorizations", as_("case_manager"), case_id, request_body()).json["id"]
    url = f"{base(case_id)}/authorizations/{auth_id}/decision"
    body = {"decision": "approve", "reason": "ok", "decided_on": TODAY.isoformat()}
    assert is_problem(client.post(url, json=body, headers=as_("insurer_user")), 428)
    assert is_problem(client.post(url, json=body, headers={**as_("insurer_user"), "If-Match": '"1"'}), 412)
    bad = post(client, url, as_("insurer_user"), case_id, {"decision": "maybe", "approved_sessions": -1})
    assert is_problem(bad, 422) and {"decision", "approved_sessions", "reason", "decided_on"} <= set(bad.json["errors"])
    assert is_problem(post(client, url, as_("case_manager"), case_id, body), 403)   # only the insurer decides
    assert is_problem(post(client, url, as_("other_insurer_user"), case_id, body), 404)
    elsewhere = f"{base(other_id)}/authorizations/{auth_id}/decision"
    assert is_problem(post(client, elsewhere, as_("insurer_user"), other_id, body), 404)
    assert is_problem(post(client, f"{base(case_id)}/authorizations/99999999999/decision", as_("insurer_user"),
                           case_id, body), 404)


def test_authorization_list_shows_sessions_used_and_hides_the_packet_from_the_employer(client, parties, referral, as_):
    case_id = to_program(parties, referral)
    url = base(case_id) + "/authorizations"
    clinic = client.get(url, headers=as_("case_manager")).json
    assert clinic["total"] == 1 and clinic["items"][0]["sessions_used"] == 0 and "packet" in clinic["items"][0]
    employer = client.get(url, headers=as_("employer_user")).json["items"][0]
    assert employer["decision"] == "approve" and not {"packet", "assessment", "reason"} & set(employer)
    assert is_problem(client.get(url, headers=as_("other_employer_user")), 404)
    assert is_problem(client.get(url + "?per_page=1000", headers=as_("case_manager")), 422)
    assert is_problem(client.get("/api/v1/cases/99999999999999999999/authorizations", headers=as_("case_manager")),
                      404)


# -- modified-duty offers -----------------------------------------------------------------------


def offer_body(*tasks, sent=1) -> dict:
    """A valid offer of the tasks (one light task by default), sent on program day `sent`."""
    return {"tasks": list(tasks or (TASK,)), "start_date": d(9), "sent_on": d(sent), **OFFER}


def test_offer_lists_its_conflicts_and_accepting_it_is_409(client, parties, referral, as_):
    case_id = restricted(parties, referral)
    answer = post(client, base(case_id) + "/duty-offers", as_("employer_user"), case_id, offer_body(TASK, CLIMB))
    assert answer.status_code == 201, answer.json
    assert {c["kind"] for c in answer.json["conflicts"]} == {"load", "avoided_task"}
    assert answer.headers["ETag"] == tag(case_id)
    url = f"{base(case_id)}/duty-offers/{answer.json['id']}/check"
    fits = post(client, url, as_("therapist"), case_id, {"verdict": "fits", "checked_on": d(2)})
    assert is_problem(fits, 409) and "conflict" in fits.json["detail"]
    counter = post(client, url, as_("therapist"), case_id,
                   {"verdict": "counter", "checked_on": d(2), "requested_changes": "no climbing"})
    assert counter.status_code == 200 and counter.json["status"] == "countered"


def test_offer_refusals(client, parties, referral, as_):
    case_id = restricted(parties, referral)
    url = base(case_id) + "/duty-offers"
    assert is_problem(client.post(url, json=offer_body(), headers=as_("employer_user")), 428)
    assert is_problem(client.post(url, json=offer_body(), headers={**as_("employer_user"), "If-Match": '"1"'}), 412)
    bad = post(client, url, as_("employer_user"), case_id,
               {**offer_body({"task": "juggle", "amount": "lots"}), "wage_period": "monthly", "hours_per_day": 30})
    assert is_problem(bad, 422) and {"tasks", "wage_period", "hours_per_day"} <= {
        key.split(".")[0] for key in bad.json["errors"]}
    assert is_problem(post(client, url, as_("therapist"), case_id, offer_body()), 403)   # the employer offers
    assert is_problem(post(client, url, as_("other_employer_user"), case_id, offer_body()), 404)


def test_offer_before_the_program_is_409(client, parties, referral, as_):
    case_id = cleared(parties, referral)
    assert is_problem(post(client, base(case_id) + "/duty-offers", as_("employer_user"), case_id, offer_body()), 409)


def test_check_refusals_and_the_clinic_no_longer_answers_for_the_worker(client, parties, referral, as_):
    case_id, other_id = restricted(parties, referral), to_program(parties, referral, claim_number="CLM-2")
    offer_id = offered(parties, case_id).id
    url, body = f"{base(case_id)}/duty-offers/{offer_id}/check", {"verdict": "counter", "checked_on": d(2),
                                                                   "requested_changes": "mornings only"}
    assert is_problem(client.post(url, json=body, headers=as_("therapist")), 428)
    assert is_problem(client.post(url, json=body, headers={**as_("therapist"), "If-Match": '"1"'}), 412)
    bad = post(client, url, as_("therapist"), case_id, {"verdict": "maybe", "checked_on": 5})
    assert is_problem(bad, 422) and {"verdict", "checked_on"} <= set(bad.json["errors"])
    assert is_problem(post(client, url, as_("employer_user"), case_id, body), 403)
    assert is_problem(post(client, f"{base(other_id)}/duty-offers/{offer_id}/check", as_("therapist"), other_id,
                           body), 404)
    # the answer is the worker's (in their portal): the clinic's token is refused it
    answer = {"answer": "decline", "responded_on": d(2), "reason": "too far"}
    assert is_problem(post(client, f"{base(case_id)}/duty-offers/{offer_id}/response", as_("therapist"), case_id,
                           answer), 403)
    assert post(client, url, as_("therapist"), case_id, body).json["status"] == "countered"


def test_offer_list_is_paged_and_visible_to_the_employer(client, parties, referral, as_):
    case_id = restricted(parties, referral)
    offered(parties, case_id, (TASK, CLIMB))
    offered(parties, case_id, sent=3)
    page = client.get(base(case_id) + "/duty-offers?per_page=1&page=2", headers=as_("employer_user")).json
    assert page["total"] == 2 and page["items"][0]["round"] == 2
    first = client.get(base(case_id) + "/duty-offers", headers=as_("employer_user")).json["items"][0]
    assert first["conflicts"] and first["status"] == "revised"
    assert is_problem(client.get(base(case_id) + "/duty-offers", headers=as_("other_employer_user")), 404)


def test_idempotency_key_replays_an_offer_without_a_second_round(client, parties, referral, as_):
    case_id = restricted(parties, referral)
    headers = {**as_("employer_user"), "If-Match": tag(case_id), "Idempotency-Key": "offer-1"}
    first = client.post(base(case_id) + "/duty-offers", json=offer_body(), headers=headers)
    replay = client.post(base(case_id) + "/duty-offers", json=offer_body(), headers=headers)
    assert first.status_code == replay.status_code == 201 and replay.json == first.json
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count(DutyOffer.id))) == 1


# -- milestones and setbacks --------------------------------------------------------------------


def test_start_and_confirm_a_milestone_and_read_the_ladder(client, parties, referral, as_):
    case_id = ready(parties, referral)
    started = post(client, base(case_id) + "/milestones", as_("therapist"), case_id, {"started_on": d(7)})
    assert started.status_code == 201 and started.json["rung"] == 1 and started.json["status"] == "started"
    assert is_problem(post(client, base(case_id) + "/milestones", as_("therapist"), case_id, {"started_on": d(7)}),
                      409)   # the current one is not confirmed yet
    url = f"{base(case_id)}/milestones/{started.json['id']}/confirmation"
    confirmed = post(client, url, as_("employer_user"), case_id, {"confirmed_on": d(7)})
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    assert confirmed.headers["ETag"] == tag(case_id)
    page = client.get(base(case_id) + "/milestones", headers=as_("employer_user")).json
    assert page["total"] == 1 and [r["status"] for r in page["ladder"][:2]] == ["confirmed", "planned"]
    assert page["ladder"][-1]["duty"] == "full"


def test_milestone_refusals(client, parties, referral, as_):
    case_id, other_id = ready(parties, referral), to_program(parties, referral, claim_number="CLM-2")
    url = base(case_id) + "/milestones"
    assert is_problem(client.post(url, json={"started_on": d(7)}, headers=as_("therapist")), 428)
    assert is_problem(client.post(url, json={"started_on": d(7)}, headers={**as_("therapist"), "If-Match": '"1"'}),
                      412)
    assert is_problem(post(client, url, as_("therapist"), case_id, {}), 422)
    assert is_problem(post(client, url, as_("employer_user"), case_id, {"started_on": d(7)}), 403)
    assert is_problem(post(client, url, as_("other_case_manager"), case_id, {"started_on": d(7)}), 404)
    assert is_problem(client.get(url, headers=as_("other_employer_user")), 404)
    milestone_id = start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7)).id
    confirm = f"{base(case_id)}/milestones/{milestone_id}/confirmation"
    assert is_problem(post(client, confirm, as_("therapist"), case_id, {"confirmed_on": d(7)}), 403)
    bad = post(client, confirm, as_("employer_user"), case_id, {"confirmed_on": "yesterday"})
    assert is_problem(bad, 422) and "confirmed_on" in bad.json["errors"]
    assert is_problem(client.post(confirm, json={"confirmed_on": d(7)}, headers=as_("employer_user")), 428)
    assert is_problem(post(client, f"{base(other_id)}/milestones/{milestone_id}/confirmation", as_("employer_user"),
                           other_id, {"confirmed_on": d(7)}), 404)


def test_setback_from_the_first_milestone_returns_to_the_program(client, parties, referral, as_):
    case_id = ready(parties, referral)
    url, body = base(case_id) + "/setbacks", {"on": d(8), "reason": "back pain at work"}
    assert is_problem(post(client, url, as_("employer_user"), case_id, body), 409)   # no milestone yet
    start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    assert is_problem(client.post(url, json=body, headers=as_("employer_user")), 428)
    assert is_problem(client.post(url, json=body, headers={**as_("employer_user"), "If-Match": '"1"'}), 412)
    bad = post(client, url, as_("employer_user"), case_id, {"on": "2026-02-30", "reason": ""})
    assert is_problem(bad, 422) and {"on", "reason"} <= set(bad.json["errors"])
    nul = post(client, url, as_("employer_user"), case_id, {**body, "reason": "a\x00b"})
    assert is_problem(nul, 422) and "reason" in nul.json["errors"]
    assert is_problem(post(client, url, as_("insurer_user"), case_id, body), 403)
    assert is_problem(post(client, url, as_("other_employer_user"), case_id, body), 404)
    answer = post(client, url, as_("employer_user"), case_id, body)
    assert answer.status_code == 200 and answer.json["stage"] == "program" and "diagnosis_code" not in answer.json
    assert answer.headers["ETag"] == tag(case_id)


# -- discharge, follow-ups, closure -------------------------------------------------------------


def test_discharge_when_the_program_ends_and_refusals(client, parties, referral, as_):
    case_id = to_program(parties, referral)
    url, body = base(case_id) + "/discharge", {"discharged_on": TODAY.isoformat(), "program_ended": True}
    assert is_problem(client.post(url, json=body, headers=as_("case_manager")), 428)
    assert is_problem(client.post(url, json=body, headers={**as_("case_manager"), "If-Match": '"1"'}), 412)
    bad = post(client, url, as_("case_manager"), case_id, {"discharged_on": TODAY.isoformat(), "outcome": "great",
                                                             "program_ended": "perhaps"})
    assert is_problem(bad, 422) and {"outcome", "program_ended"} <= set(bad.json["errors"])
    full = post(client, url, as_("case_manager"), case_id, {"discharged_on": TODAY.isoformat(), "outcome": "full_duty"})
    assert is_problem(full, 409)   # full duty was never confirmed
    assert is_problem(post(client, url, as_("employer_user"), case_id, body), 403)
    assert is_problem(post(client, url, as_("other_case_manager"), case_id, body), 404)
    answer = post(client, url, as_("case_manager"), case_id, body)
    assert answer.status_code == 200 and answer.json["stage"] == "discharged"
    assert answer.json["discharge_outcome"] == "not_returned" and answer.headers["ETag"] == tag(case_id)
    assert is_problem(post(client, url, as_("case_manager"), case_id, body), 409)


def discharged(parties, referral, claim="CLM-1") -> int:
    """A case discharged when its program ended, with its follow-ups scheduled."""
    case_id = to_program(parties, referral, claim_number=claim)
    discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)
    return case_id


def follow_ups(case_id: int) -> list[int]:
    """Ids of the case's follow-ups by due date."""
    return list(db.session.scalars(select(FollowUp.id).where(FollowUp.case_id == case_id).order_by(FollowUp.due_on)))


def test_follow_ups_are_recorded_then_the_case_closes(client, parties, referral, as_):
    case_id = discharged(parties, referral)
    closure = base(case_id) + "/closure"
    assert is_problem(post(client, closure, as_("case_manager"), case_id), 409)   # follow-ups not recorded
    body = {"recorded_on": TODAY.isoformat(), "work_status": "modified_duty", "recurrence": False, "notes": "ok"}
    for follow_up_id in follow_ups(case_id):
        answer = post(client, f"{base(case_id)}/follow-ups/{follow_up_id}", as_("case_manager"), case_id, body)
        assert answer.status_code == 200 and answer.json["work_status"] == "modified_duty"
        assert answer.headers["ETag"] == tag(case_id)
    clinic = client.get(base(case_id) + "/follow-ups", headers=as_("case_manager")).json
    assert [f["months_after"] for f in clinic["items"]] == [3, 6] and clinic["items"][0]["notes"] == "ok"
    employer = client.get(base(case_id) + "/follow-ups", headers=as_("employer_user")).json["items"][0]
    assert employer["work_status"] == "modified_duty" and not {"notes", "recurrence"} & set(employer)
    assert is_problem(client.post(closure, headers=as_("case_manager")), 428)
    assert is_problem(client.post(closure, headers={**as_("case_manager"), "If-Match": '"1"'}), 412)
    assert is_problem(post(client, closure, as_("employer_user"), case_id), 403)
    assert is_problem(post(client, closure, as_("other_case_manager"), case_id), 404)
    closed = post(client, closure, as_("case_manager"), case_id)
    assert closed.status_code == 200 and closed.json["stage"] == "closed" and closed.headers["ETag"] == tag(case_id)
    assert is_problem(post(client, closure, as_("case_manager"), case_id), 409)


def test_follow_up_refusals(client, parties, referral, as_):
    case_id, other_id = discharged(parties, referral), discharged(parties, referral, "CLM-2")
    url = f"{base(case_id)}/follow-ups/{follow_ups(case_id)[0]}"
    body = {"recorded_on": TODAY.isoformat(), "work_status": "full_duty", "recurrence": False}
    assert is_problem(client.post(url, json=body, headers=as_("case_manager")), 428)
    assert is_problem(client.post(url, json=body, headers={**as_("case_manager"), "If-Match": '"1"'}), 412)
    bad = post(client, url, as_("case_manager"), case_id, {"recorded_on": TODAY.isoformat(), "work_status": "gone"})
    assert is_problem(bad, 422) and {"work_status", "recurrence"} <= set(bad.json["errors"])
    future = post(client, url, as_("case_manager"), case_id, {**body, "recorded_on": "2099-01-01"})
    assert is_problem(future, 422) and "recorded_on" in future.json["errors"]
    assert is_problem(post(client, url, as_("employer_user"), case_id, body), 403)
    assert is_problem(post(client, url, as_("other_case_manager"), case_id, body), 404)
    assert is_problem(post(client, f"{base(other_id)}/follow-ups/{follow_ups(case_id)[0]}", as_("case_manager"),
                           other_id, body), 404)
    assert is_problem(client.get(base(case_id) + "/follow-ups", headers=as_("other_employer_user")), 404)


def test_non_json_bodies_are_problems(client, parties, referral, as_):
    case_id = to_program(parties, referral)
    headers = {**as_("case_manager"), "If-Match": tag(case_id), "Content-Type": "application/json"}
    for suffix in ("/discharge", "/setbacks", "/duty-offers", "/milestones", "/authorizations"):
        answer = client.post(base(case_id) + suffix, data="not json", headers=headers)
        assert 400 <= answer.status_code < 500 and answer.mimetype == "application/problem+json", suffix
