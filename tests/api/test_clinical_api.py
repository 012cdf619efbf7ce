"""The clinical API: clearances, pregnancy, baseline, program start, sessions, resumption, reviews, restrictions."""

import base64
from datetime import timedelta

import pytest
from openapi_spec_validator import validate

from coordinator.domain.clearance import HealthFlags
from coordinator.services.authorizations import decide_authorization, request_authorization
from coordinator.services.cases import open_case, request_clearance
from coordinator.services.clearances import record_clearance
from coordinator.services.program import record_baseline
from tests.auth import REDIRECT, approve, authorize_url, client_for, pkce_pair, query_of
from tests.factories import sign_in
from tests.services.journey import BASELINE, START, TODAY, to_program

PROBLEM = "application/problem+json"
THERAPIST_SCOPES = "cases:read cases:write sessions:write reviews:write restrictions:write"


@pytest.fixture
def user_bearer(app, ctx):
    """A factory: headers with an authorization-code token of a signed-in user (physicians have no CC client)."""

    def make(actor, scope: str = "cases:read cases:write clearances:write sessions:write") -> dict:
        client = app.test_client()   # a browser of its own: one user signed in
        sign_in(client, actor)
        client_id, secret = client_for(actor, grant_types=["authorization_code"])
        verifier, challenge = pkce_pair()
        code = query_of(approve(client, authorize_url(client_id, challenge, scope=scope)).headers["Location"])["code"]
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        answer = client.post("/oauth/token", headers={"Authorization": f"Basic {basic}"},
                             data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                   "code_verifier": verifier})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return {"Authorization": f"Bearer {answer.json['access_token']}"}

    return make


@pytest.fixture
def therapist(bearer, parties):
    """The therapist's headers, holding every scope a therapist may."""
    return bearer(parties.therapist, THERAPIST_SCOPES)


@pytest.fixture
def physician(user_bearer, parties):
    """The case physician's headers (authorization-code token)."""
    return user_bearer(parties.physician)


def dated(**changes):
    """Referral dates that fit the journey's calendar."""
    return {"date_of_injury": TODAY - timedelta(days=150), "referral_date": TODAY - timedelta(days=60), **changes}


def in_clearance(parties, referral, **changes) -> int:
    """A case waiting for its clearances."""
    case = open_case(parties.therapist, referral(**dated(), **changes))
    request_clearance(parties.therapist, case.id)
    return case.id


def authorized(parties, referral) -> int:
    """A cleared, authorized and baselined case, ready to start."""
    case_id = in_clearance(parties, referral)
    record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=55))
    auth = request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=50),
                                 start_date=START)
    decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="meets criteria",
                         decided_on=TODAY - timedelta(days=48))
    record_baseline(parties.therapist, case_id, measured_on=TODAY - timedelta(days=49), capacities=BASELINE)
    return case_id


def etag(client, headers, case_id) -> str:
    """The case's current ETag."""
    return client.get(f"/api/v1/cases/{case_id}", headers=headers).headers["ETag"]


def post(client, headers, case_id, what, body, tag=None):
    """POST a command with the case's current ETag (or `tag`)."""
    tag = tag or etag(client, {**headers}, case_id)
    return client.post(f"/api/v1/cases/{case_id}/{what}", json=body, headers={**headers, "If-Match": tag})


def assert_problem(answer, status, *fields_):
    """A problem document of `status` naming each field."""
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == PROBLEM and answer.json["status"] == status
    for name in fields_:   # the field itself, or a path inside it ("capacities.carry.value")
        assert any(key == name or key.startswith(name + ".") for key in answer.json["errors"]), answer.json


SESSION = {"minutes": 90, "rpe": 13, "pain": 3, "heart_rate": 110, "systolic": 130, "diastolic": 80}


def session_body(day=None, **changes) -> dict:
    """A session of the first program week with uneventful observations."""
    return {"session_date": (day or START + timedelta(days=1)).isoformat(), **SESSION, **changes}


# -- OpenAPI --------------------------------------------------------------------------------------

def test_openapi_lists_every_clinical_operation_with_bearer_security(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    expected = {("clearances", "post"), ("clearances", "get"), ("pregnancy", "post"), ("baseline", "post"),
                ("program-start", "post"), ("sessions", "post"), ("sessions", "get"), ("resumption", "post"),
                ("reviews", "post"), ("reviews", "get"), ("restrictions", "post"), ("restrictions", "get")}
    for what, method in expected:
        operation = spec["paths"][f"/api/v1/cases/{{case_id}}/{what}"][method]
        assert "bearerAuth" in operation["security"][0], (what, method)
        if method == "post":
            assert "If-Match" in {p["name"] for p in operation["parameters"]}


# -- clearances -----------------------------------------------------------------------------------

def test_physician_records_clearances_and_the_clinic_lists_them(client, parties, referral, physician, therapist):
    case_id = in_clearance(parties, referral, health=HealthFlags(cardiovascular_disease=True))
    answer = post(client, physician, case_id, "clearances",
                  {"kind": "physician", "decided_on": str(TODAY - timedelta(days=5)), "restrictions": ["no ladders"]})
    assert answer.status_code == 201, answer.json
    assert answer.json["outcome"] == "cleared" and answer.json["reasons"]
    assert answer.headers["ETag"] == etag(client, therapist, case_id)
    cardio = post(client, physician, case_id, "clearances", {"kind": "cardiology", "decided_on": str(TODAY),
                                                             "cleared": True, "heart_rate_ceiling": 130})
    assert cardio.status_code == 201 and cardio.json["heart_rate_ceiling"] == 130
    listed = client.get(f"/api/v1/cases/{case_id}/clearances", headers=therapist).json
    assert [c["kind"] for c in listed["items"]] == ["physician", "cardiology"] and listed["total"] == 2
    obstetric = post(client, physician, case_id, "clearances", {"kind": "obstetric", "decided_on": str(TODAY),
                                                                "cleared": True, "rpe_ceiling": 13})
    assert_problem(obstetric, 409, "stage")
    assert "needs no obstetric clearance" in obstetric.json["detail"]


def test_a_contraindication_blocks_with_reasons(client, parties, referral, physician):
    case_id = in_clearance(parties, referral)
    answer = post(client, physician, case_id, "clearances", {"kind": "physician", "decided_on": str(TODAY),
                                                             "contraindications": ["unhealed_fracture"]})
    assert answer.status_code == 201 and answer.json["outcome"] == "blocked" and answer.json["reasons"]


def test_clearance_refusals(client, parties, referral, physician, therapist, user_bearer):
    case_id = in_clearance(parties, referral)
    body = {"kind": "physician", "decided_on": str(TODAY)}
    url = f"/api/v1/cases/{case_id}/clearances"
    assert_problem(client.post(url, json=body, headers=physician), 428, "If-Match")
    assert_problem(client.post(url, json=body, headers={**physician, "If-Match": '"1"'}), 412)
    assert post(client, therapist, case_id, "clearances", body).status_code == 403   # no clearances scope
    assert_problem(post(client, physician, case_id, "clearances",
                        {"kind": "dentist", "decided_on": "2026-02-30", "contraindications": ["x"]}),
                   422, "kind", "decided_on", "contraindications")
    assert_problem(post(client, physician, case_id, "clearances", {"kind": "obstetric", "decided_on": str(TODAY)}),
                   422, "cleared")
    assert_problem(post(client, physician, case_id, "clearances", {**body, "decided_on": str(TODAY + timedelta(1))}),
                   422, "decided_on")
    intake = open_case(parties.therapist, referral(**dated(claim_number="CLM-9"))).id
    assert_problem(post(client, physician, intake, "clearances", body), 409)
    other = user_bearer(parties.other_physician)
    assert_problem(post(client, other, case_id, "clearances", body, tag='"3"'), 404)


# -- pregnancy ------------------------------------------------------------------------------------

def test_pregnancy_update_and_refusals(client, parties, referral, therapist, bearer):
    case_id = in_clearance(parties, referral)
    answer = post(client, therapist, case_id, "pregnancy",
                  {"pregnant": True, "gestation_weeks": 12, "recorded_on": str(TODAY)})
    assert answer.status_code == 200 and answer.json["gestation_weeks"] == 12 and answer.json["pregnant"] is True
    assert_problem(post(client, therapist, case_id, "pregnancy", {"pregnant": True, "recorded_on": str(TODAY)}),
                   422, "gestation_weeks")
    assert_problem(post(client, therapist, case_id, "pregnancy",
                        {"pregnant": "maybe", "gestation_weeks": 50, "recorded_on": "x"}),
                   422, "pregnant", "gestation_weeks", "recorded_on")
    employer = bearer(parties.employer_user, "cases:read")
    assert post(client, employer, case_id, "pregnancy", {"pregnant": False, "recorded_on": str(TODAY)},
                tag=answer.headers["ETag"]).status_code == 403


# -- baseline and program start -------------------------------------------------------------------

def test_baseline_is_recorded_and_validated(client, parties, referral, therapist):
    case_id = in_clearance(parties, referral)
    answer = post(client, therapist, case_id, "baseline", {"measured_on": str(TODAY), "capacities": BASELINE})
    assert answer.status_code == 201 and {c["task"] for c in answer.json["capacities"]} == set(BASELINE)
    assert_problem(post(client, therapist, case_id, "baseline",
                        {"measured_on": str(TODAY), "capacities": {"juggle": 3, "carry": -1}}), 422, "capacities")
    assert_problem(post(client, therapist, case_id, "baseline",
                        {"measured_on": str(TODAY), "capacities": {**BASELINE, "push": 5}}), 422, "capacities")
    assert_problem(post(client, therapist, case_id, "baseline", {"capacities": BASELINE}), 422, "measured_on")
    intake = open_case(parties.therapist, referral(**dated(claim_number="CLM-9"))).id
    assert_problem(post(client, therapist, intake, "baseline", {"measured_on": str(TODAY), "capacities": BASELINE}),
                   409)


def test_program_starts_once_and_not_twice(client, parties, referral, therapist):
    case_id = authorized(parties, referral)
    answer = post(client, therapist, case_id, "program-start", {"start_on": str(START)})
    assert answer.status_code == 200 and answer.json["stage"] == "program", answer.json
    assert_problem(post(client, therapist, case_id, "program-start", {"start_on": str(START)}), 409)
    assert_problem(post(client, therapist, case_id, "program-start", {"start_on": 5}), 422, "start_on")


def test_program_cannot_start_on_a_day_no_authorization_covers(client, parties, referral, therapist):
    case_id = authorized(parties, referral)
    assert_problem(post(client, therapist, case_id, "program-start", {"start_on": str(START - timedelta(9))}),
                   409, "start_on")


# -- sessions and resumption ----------------------------------------------------------------------

def test_a_session_is_logged_and_listed_in_date_order(client, parties, referral, therapist):
    case_id = to_program(parties, referral)
    later = post(client, therapist, case_id, "sessions", session_body(START + timedelta(days=2)))
    earlier = post(client, therapist, case_id, "sessions", session_body(START + timedelta(days=1)))
    assert later.status_code == earlier.status_code == 201, later.json
    assert earlier.json["stopped"] is False and earlier.json["red_flags"] == [] and earlier.json["week"] == 1
    page = client.get(f"/api/v1/cases/{case_id}/sessions?per_page=1&page=2", headers=therapist).json
    assert page["total"] == 2 and page["items"][0]["id"] == later.json["id"]


def test_a_red_flag_stops_the_session_and_pauses_the_case_saying_why(client, parties, referral, therapist):
    case_id = to_program(parties, referral)
    answer = post(client, therapist, case_id, "sessions", session_body(symptoms=["chest_pain"]))
    assert answer.status_code == 201 and answer.json["stopped"] is True
    assert answer.json["red_flags"] and answer.json["case_stage"] == "paused"
    assert answer.json["paused_reason"] and answer.json["red_flags"][0]["text"] in answer.json["paused_reason"]
    assert client.get(f"/api/v1/cases/{case_id}", headers=therapist).json["stage"] == "paused"


def test_session_refusals(client, parties, referral, therapist, bearer):
    case_id = to_program(parties, referral)
    assert_problem(post(client, therapist, case_id, "sessions",
                        session_body(minutes="90", rpe=25, pain=11, symptoms=["hiccups"], heart_rate=True)),
                   422, "minutes", "rpe", "pain", "symptoms", "heart_rate")
    assert_problem(post(client, therapist, case_id, "sessions", {"minutes": 60}), 422, "session_date", "rpe")
    assert_problem(post(client, therapist, case_id, "sessions", session_body(performed_loads={"carry": -2})),
                   422, "performed_loads")
    assert_problem(post(client, therapist, case_id, "sessions", session_body(START - timedelta(days=3))), 422)
    other = bearer(parties.other_therapist, "cases:read sessions:write")
    assert_problem(post(client, other, case_id, "sessions", session_body(), tag='"9"'), 404)
    intake = open_case(parties.therapist, referral(**dated(claim_number="CLM-9"))).id
    assert post(client, therapist, intake, "sessions", session_body()).status_code == 409


def test_bodies_that_are_not_objects_are_4xx_problems(client, parties, referral, therapist):
    case_id = to_program(parties, referral)
    tag = etag(client, therapist, case_id)
    url = f"/api/v1/cases/{case_id}/sessions"
    for data in ("not json", "[]", "null", '{"minutes": 1e999}', '{"session_date": null}'):
        answer = client.post(url, data=data, content_type="application/json", headers={**therapist, "If-Match": tag})
        assert 400 <= answer.status_code < 500 and answer.mimetype == PROBLEM, (data, answer.status_code)


def test_idempotency_key_replays_a_session_without_logging_it_twice(client, parties, referral, therapist):
    case_id = to_program(parties, referral)
    headers = {**therapist, "Idempotency-Key": "session-1", "If-Match": etag(client, therapist, case_id)}
    url = f"/api/v1/cases/{case_id}/sessions"
    first = client.post(url, json=session_body(), headers=headers)
    replay = client.post(url, json=session_body(), headers=headers)
    assert first.status_code == replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert client.get(url, headers=therapist).json["total"] == 1


def test_the_physician_resumes_a_paused_program(client, parties, referral, therapist, physician):
    case_id = to_program(parties, referral)
    post(client, therapist, case_id, "sessions", session_body(symptoms=["chest_pain"]))
    body = {"reassessed_on": str(TODAY), "note": "ECG normal; resume"}
    assert post(client, therapist, case_id, "resumption", body).status_code == 403   # physician only
    assert_problem(post(client, physician, case_id, "resumption", {"reassessed_on": str(TODAY), "note": ""}),
                   422, "note")
    answer = post(client, physician, case_id, "resumption", body)
    assert answer.status_code == 200 and answer.json["stage"] == "program" and not answer.json["paused_reason"]
    assert_problem(post(client, physician, case_id, "resumption", body), 409)


# -- reviews --------------------------------------------------------------------------------------

def review_body(**changes) -> dict:
    """Fair measures for week 1."""
    return {"week": 1, "reviewed_on": str(START + timedelta(days=6)), "sessions_scheduled": 4, "pain": 3, "rpe": 13,
            "fatigue": 3, "capacities": {"lift_floor_to_waist": 14.0, "carry": 7.0, "stand": 140.0}, **changes}


def test_a_weekly_review_answers_recommendation_targets_and_readiness_with_reasons(client, parties, referral,
                                                                                   therapist):
    case_id = to_program(parties, referral)
    for day in range(1, 5):
        post(client, therapist, case_id, "sessions", session_body(START + timedelta(days=day)))
    answer = post(client, therapist, case_id, "reviews", review_body())
    assert answer.status_code == 201, answer.json
    review = answer.json
    report = review["result"]["report"]
    assert review["recommendation"] and review["policy"] and report["reasons"] and all(report["policies"])
    assert {d["task"] for d in report["demands"]} == set(BASELINE) and all("readiness" in d for d in report["demands"])
    assert review["result"]["targets"] and all(t["reasons"] and t["policy"] for t in review["result"]["targets"])
    assert_problem(post(client, therapist, case_id, "reviews", review_body()), 409, "week")
    listed = client.get(f"/api/v1/cases/{case_id}/reviews", headers=therapist).json
    assert [r["week"] for r in listed["items"]] == [1]


def test_review_refusals(client, parties, referral, therapist):
    case_id = to_program(parties, referral)
    assert_problem(post(client, therapist, case_id, "reviews",
                        review_body(week=0, sessions_scheduled="4", pain=12, override={"step_pct": 0})),
                   422, "week", "sessions_scheduled", "pain", "override")
    assert_problem(post(client, therapist, case_id, "reviews", review_body(capacities={"juggle": 1})),
                   422, "capacities")
    not_yet = post(client, therapist, case_id, "reviews", review_body(week=20))
    assert_problem(not_yet, 409, "week")
    assert not_yet.json["detail"] == "Review the week: week 20 has not started yet"
    intake = open_case(parties.therapist, referral(**dated(claim_number="CLM-9"))).id
    assert_problem(post(client, therapist, intake, "reviews", review_body()), 409)


# -- restrictions ---------------------------------------------------------------------------------

RESTRICTIONS = {"issued_on": str(TODAY), "max_hours_per_day": 4, "avoid": ["lift_overhead"],
                "load_limits": [{"task": "lift_floor_to_waist", "frequency": "occasional", "max_kg": 15}]}


@pytest.fixture
def signer(user_bearer, parties):
    """Restrictions are signed by a clinician: the physician's own token, not a system client's."""
    return user_bearer(parties.physician, "cases:read restrictions:write")


def test_a_system_client_cannot_sign_restrictions(client, parties, referral, therapist):
    case_id = in_clearance(parties, referral)
    assert_problem(post(client, therapist, case_id, "restrictions", RESTRICTIONS), 403)


def test_restrictions_are_issued_and_the_employer_may_list_them(client, parties, referral, signer, bearer):
    case_id = in_clearance(parties, referral)
    answer = post(client, signer, case_id, "restrictions", RESTRICTIONS)
    assert answer.status_code == 201 and answer.json["version"] == 1, answer.json
    assert answer.json["load_limits"][0]["max_kg"] == 15
    employer = client.get(f"/api/v1/cases/{case_id}/restrictions", headers=bearer(parties.employer_user, "cases:read"))
    assert employer.status_code == 200 and employer.json["items"][0]["avoid"] == ["lift_overhead"]
    foreign = client.get(f"/api/v1/cases/{case_id}/restrictions",
                         headers=bearer(parties.other_employer_user, "cases:read"))
    assert_problem(foreign, 404)


def test_restriction_refusals(client, parties, referral, signer, bearer):
    case_id = in_clearance(parties, referral)
    assert_problem(post(client, signer, case_id, "restrictions",
                        {**RESTRICTIONS, "load_limits": [{"task": "lift_floor_to_waist", "frequency": "hourly"}],
                         "max_hours_per_day": 25, "avoid": ["naps"]}),
                   422, "load_limits", "max_hours_per_day", "avoid")
    assert_problem(post(client, signer, case_id, "restrictions",
                        {**RESTRICTIONS, "load_limits": [{"task": "stand", "frequency": "constant", "max_kg": 1}]}),
                   422)
    intake = open_case(parties.therapist, referral(**dated(claim_number="CLM-9"))).id
    assert_problem(post(client, signer, intake, "restrictions", RESTRICTIONS), 409)
    employer = bearer(parties.employer_user, "cases:read")
    assert post(client, employer, case_id, "restrictions", RESTRICTIONS, tag='"3"').status_code == 403


# -- minimum necessary ----------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["clearances", "sessions", "reviews"])
def test_the_employer_gets_403_for_clinical_lists(client, parties, referral, bearer, what):
    case_id = to_program(parties, referral)
    answer = client.get(f"/api/v1/cases/{case_id}/{what}", headers=bearer(parties.employer_user, "cases:read"))
    assert_problem(answer, 403)
    assert "employer" in answer.json["detail"]


def test_lists_hide_other_parties_cases_and_bound_paging(client, parties, referral, bearer, therapist):
    case_id = to_program(parties, referral)
    foreign = bearer(parties.other_insurer_user, "cases:read")
    assert_problem(client.get(f"/api/v1/cases/{case_id}/clearances", headers=foreign), 404)
    assert_problem(client.get(f"/api/v1/cases/{case_id}/sessions?per_page=101", headers=therapist), 422, "per_page")
    insurer = client.get(f"/api/v1/cases/{case_id}/clearances", headers=bearer(parties.insurer_user, "cases:read"))
    assert insurer.status_code == 200 and insurer.json["total"] == 1


ODD_BODIES = [
    ("reviews", review_body(capacities={"push": 5.0})),
    ("reviews", review_body(capacities={"carry": 7.0})),
    ("reviews", review_body(reviewed_on=str(START - timedelta(days=1)))),
    ("reviews", review_body(reviewed_on=str(TODAY + timedelta(days=1)))),
    ("reviews", review_body(override={"step_pct": 50, "reason": "  "})),
    ("reviews", review_body(rpe=None, pain=None, fatigue=None, capacities={})),
    ("sessions", session_body(TODAY + timedelta(days=3))),
    ("sessions", session_body(session_date="0001-01-01")),
    ("sessions", session_body(performed_loads={"juggle": 1})),
    ("sessions", {**session_body(), "extra": 1}),
    ("restrictions", {**RESTRICTIONS, "issued_on": "1999-01-01"}),
    ("restrictions", {**RESTRICTIONS, "load_limits": [{"task": "carry", "frequency": "frequent", "max_kg": -1}]}),
    ("restrictions", {**RESTRICTIONS, "max_lift_kg": "heavy"}),
    ("clearances", {"kind": "cardiology", "decided_on": str(TODAY), "cleared": True, "rpe_ceiling": 5.5}),
    ("pregnancy", {"pregnant": True, "gestation_weeks": -1, "recorded_on": str(TODAY)}),
    ("pregnancy", {"pregnant": False, "recorded_on": "1990-01-01"}),
    ("baseline", {"measured_on": str(TODAY), "capacities": {"carry": None}}),
    ("program-start", {"start_on": "9999-12-31"}),
    ("resumption", {"reassessed_on": str(TODAY), "note": "x" * 2001}),
]


@pytest.mark.parametrize("what, body", ODD_BODIES)
def test_odd_inputs_are_4xx_problems_never_500(client, parties, referral, therapist, physician, what, body):
    case_id = to_program(parties, referral)
    headers = physician if what in ("clearances", "resumption") else therapist
    answer = post(client, headers, case_id, what, body)
    assert 400 <= answer.status_code < 500 and answer.mimetype == PROBLEM, answer.get_data(as_text=True)
