"""The findings of the outside test (schemathesis, sqlmap, hand-made input), each reproduced and now answered:
no open redirect, no account told apart by its answer's cost, no 500 for anything a client sends, 404s that
name nothing, a size limit, bounded dates, and an OpenAPI document that says what the API does."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Case
from tests.factories import csrf_token, sign_in

from .test_cases_api import referral_json


def cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


# -- 1. open redirect after sign-in -----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["/%09/evil.example", "/%0A/evil.example", "//evil.example", "/%5Cevil.example",
                                 "%2F%2Fevil.example", "https://evil.example/", "/%0d%0aSet-Cookie:x=1",
                                 "/%20/evil.example", "javascript:alert(1)", "/%7F/evil.example"])
def test_the_sign_in_never_sends_a_person_off_the_site(client, parties, raw):
    from coordinator.demo import DEMO_PASSWORD
    from tests.factories import set_password

    email = set_password(parties.therapist, DEMO_PASSWORD)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post(f"/login?next={raw}", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert (answer.status_code, answer.headers.get("Location")) == (302, "/"), raw
    again = client.get(f"/login?next={raw}")                           # already signed in
    assert (again.status_code, again.headers.get("Location")) == (302, "/"), raw


def test_a_path_of_the_site_is_still_followed_after_sign_in(client, parties):
    from coordinator.demo import DEMO_PASSWORD
    from tests.factories import set_password

    email = set_password(parties.therapist, DEMO_PASSWORD)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login?next=/therapist/%3Fq%3DCLM", data={"email": email, "password": DEMO_PASSWORD,
                                                                    "csrf_token": token})
    assert answer.headers["Location"] == "/therapist/?q=CLM"


# -- 2. accounts told apart by timing ------------------------------------------------------------------------


def test_an_unknown_e_mail_costs_the_same_password_check_as_a_known_one(client, parties, monkeypatch):
    from coordinator.auth import passwords

    class Counted:
        """The same Argon2 hasher, counting its checks."""

        def __init__(self, hasher):
            self.hasher, self.checks = hasher, 0

        def verify(self, *args):
            self.checks += 1
            return self.hasher.verify(*args)

        def __getattr__(self, name):
            return getattr(self.hasher, name)

    counted = Counted(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counted)
    for email in ("t@x.test", "nobody-here@x.test"):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        answer = client.post("/login", data={"email": email, "password": "wrong password 123",
                                             "csrf_token": token})
        assert answer.status_code == 401
    assert counted.checks == 2          # one Argon2 check each, known account or not


# -- 3. inputs that gave a 500 --------------------------------------------------------------------------------


def test_a_broken_character_in_any_text_of_a_referral_is_refused_by_name(client, parties, bearer):
    body = json.dumps(referral_json(parties, worker_name="Jordan \ud800 Reyes"))
    assert "\\ud800" in body                       # sent as JSON sends it: an escaped lone surrogate
    answer = client.post("/api/v1/cases", data=body, content_type="application/json",
                         headers=bearer(parties.case_manager))
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.json["errors"]["worker_name"] == ["must be valid text (it holds a broken character)"]
    assert cases() == 0


@pytest.mark.parametrize("field, day", [("date_of_injury", "9999-12-31"), ("referral_date", "9999-12-31"),
                                        ("date_of_injury", "0001-01-01"), ("referral_date", "2100-12-31")])
def test_referral_dates_are_bounded_and_never_in_the_future(client, parties, bearer, field, day):
    answer = client.post("/api/v1/cases", json=referral_json(parties, **{field: day}),
                         headers=bearer(parties.case_manager))
    assert answer.status_code == 422, answer.json
    assert field in answer.json.get("errors", {}), answer.json
    assert cases() == 0


def test_the_portal_intake_refuses_a_year_9999_in_words(client, parties):
    sign_in(client, parties.therapist)
    page = client.get("/therapist/intake").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "claim_number": "CLM-9", "worker_name": "Sam", "date_of_injury":
            "9999-12-31", "referral_date": date.today().isoformat()}
    answer = client.post("/therapist/intake", data=form)
    assert answer.status_code in (200, 422) and "Enter a date between 1900-01-01 and 2100-12-31." in \
        answer.get_data(as_text=True)
    assert cases() == 0


def test_json_nested_a_thousand_deep_is_a_400_not_a_500(client, parties, bearer):
    deep = "[" * 1000 + "]" * 1000
    answer = client.post("/api/v1/cases", data=deep, content_type="application/json",
                         headers=bearer(parties.case_manager))
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert "nested more than 32 levels" in answer.json["detail"]
    quoted = json.dumps(referral_json(parties, worker_name="[" * 500))   # brackets in a string are text
    assert client.post("/api/v1/cases", data=quoted, content_type="application/json",
                       headers=bearer(parties.case_manager)).status_code == 422   # too long a name, no more


def test_a_nul_byte_in_the_search_narrows_nothing_and_fails_nothing(client, parties, referral):
    from coordinator.services.cases import open_case

    open_case(parties.therapist, referral())
    sign_in(client, parties.case_manager)
    for url in ("/case-manager/?q=CLM%00-1", "/case-manager/caseload.csv?q=CLM%00-1", "/case-manager/?q=%ED%A0%80"):
        answer = client.get(url)
        assert answer.status_code == 200, url
    assert "CLM-1" in client.get("/case-manager/?q=CLM%00-1").get_data(as_text=True)


# -- 4. 404s that name nothing ------------------------------------------------------------------------------------


def test_an_absent_and_another_partys_record_answer_the_same_words(client, parties, referral, bearer):
    from coordinator.services import authorizations
    from coordinator.services.cases import open_case, request_clearance
    from coordinator.services.clearances import record_clearance

    theirs = open_case(parties.therapist, referral()).id
    request_clearance(parties.therapist, theirs)
    record_clearance(parties.physician, theirs, decided_on=date.today() - timedelta(days=1))
    asked = authorizations.request_authorization(parties.case_manager, theirs, submitted_on=date.today(),
                                                 start_date=date.today() + timedelta(days=3))
    from coordinator.auth.scopes import scope_for_command

    stranger = bearer(parties.other_insurer_user, f"cases:read {scope_for_command('decide_authorization')}")
    answers = [client.get(f"/api/v1/cases/{case_id}", headers=stranger) for case_id in (theirs, 99_999)]
    answers += [client.post(f"/api/v1/cases/{theirs}/authorizations/{auth_id}/decision",
                            headers={**stranger, "If-Match": '"1"'},
                            json={"decision": "approve", "reason": "x", "decided_on": date.today().isoformat()})
                for auth_id in (asked.id, 99_999)]
    assert {a.status_code for a in answers} == {404}
    details = {a.json["detail"] for a in answers}
    assert details == {"not found: it does not exist or is not on one of your cases"}
    assert not any(str(theirs) in a.get_data(as_text=True) or str(asked.id) in a.get_data(as_text=True).replace(
        "99999", "") for a in answers)


# -- 5. a request size limit ------------------------------------------------------------------------------------


def test_a_body_over_a_mebibyte_is_refused_before_it_is_read(client, parties, bearer):
    body = json.dumps(referral_json(parties, worker_name="x" * (10 * 1024 * 1024)))
    answer = client.post("/api/v1/cases", data=body, content_type="application/json",
                         headers=bearer(parties.case_manager))
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"
    assert cases() == 0


# -- 7. the OpenAPI document -----------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_errors_and_bounds_the_api_has(client):
    spec = client.get("/api/v1/openapi.json").json
    responses = spec["components"]["responses"]
    assert set(responses["DEFAULT_ERROR"]["content"]) == {"application/problem+json"}
    assert all(set(r.get("content", {"application/problem+json": 0})) == {"application/problem+json"}
               for name, r in responses.items())
    schemas = spec["components"]["schemas"]
    shift = [s["properties"]["shift_hours"] for s in schemas.values() if "minimum" in s.get("properties", {}).get(
        "shift_hours", {})]
    assert shift and all(s["minimum"] == 0 and s["exclusiveMinimum"] is True for s in shift)   # 0 hours is refused
    capacities = next(s["properties"]["capacities"] for name, s in schemas.items() if name.startswith("BaselineIn"))
    assert "minLength" not in capacities and capacities["minProperties"] >= 1


def test_a_405_says_which_methods_are_allowed(client):
    answer = client.delete("/api/v1/cases")
    assert answer.status_code == 405 and answer.mimetype == "application/problem+json"
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_the_document_names_the_keys_a_measure_dict_takes_and_the_command_headers_forms(client):
    spec = client.get("/api/v1/openapi.json").json
    baseline = next(s for name, s in spec["components"]["schemas"].items() if name.startswith("BaselineIn"))
    capacities = baseline["properties"]["capacities"]
    assert capacities["additionalProperties"] is False and "carry" in capacities["properties"]
    headers = {p["name"]: p for p in spec["paths"]["/api/v1/cases/{case_id}/clearance-request"]["post"]["parameters"]
               if p["in"] == "header"}
    assert headers["If-Match"]["required"] and headers["If-Match"]["schema"]["pattern"] == '^"[0-9]{1,10}"$'
    assert headers["Idempotency-Key"]["schema"]["pattern"] == "^[!-~]{1,200}$"


def test_each_bound_is_said_once_however_many_requests_came_before(client, parties, bearer):
    """The default bounds are added to each schema instance, not to the class's shared field."""
    from coordinator.schemas.cases import ReferralSchema

    before = len(ReferralSchema._declared_fields["date_of_injury"].validators)
    for _ in range(3):
        answer = client.post("/api/v1/cases", json={"date_of_injury": "0001-01-01"}, headers=bearer(parties.case_manager))
    assert answer.json["errors"]["date_of_injury"] == ["must be a date between 1900-01-01 and 2100-12-31"]
    assert len(ReferralSchema._declared_fields["date_of_injury"].validators) == before


def test_the_document_states_the_days_the_api_takes(client):
    """Every date a client sends carries a pattern of the years schemas/bounds.py allows."""
    import re

    from coordinator.schemas.bounds import FIRST_DAY, LAST_DAY

    referral = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Referral"]["properties"]
    pattern = referral["date_of_injury"]["pattern"]
    assert re.match(pattern, FIRST_DAY.isoformat()) and re.match(pattern, LAST_DAY.isoformat())
    assert not re.match(pattern, "1899-12-31") and not re.match(pattern, "2101-01-01")


def test_an_address_too_long_is_a_problem_in_plain_words(client, parties, bearer):
    long_query = "page=" + "9" * 5000
    answer = client.get(f"/api/v1/cases?{long_query}", headers=bearer(parties.case_manager))
    assert answer.status_code == 414 and answer.mimetype == "application/problem+json"
    assert answer.json["detail"] == "the address is longer than 4096 characters"
    page = client.get(f"/login?{long_query}")
    assert page.status_code == 414 and page.mimetype == "text/html"
