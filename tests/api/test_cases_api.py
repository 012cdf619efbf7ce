"""The case API: OpenAPI document, problem+json errors, ETag/If-Match, Idempotency-Key, paging."""

from datetime import date, timedelta

from openapi_spec_validator import validate
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Case

INJURY = date.today() - timedelta(days=120)


def referral_json(parties, **changes) -> dict:
    body = {
        "claim_number": "CLM-API-1", "worker_name": "Jordan Reyes", "date_of_injury": INJURY.isoformat(),
        "referral_date": (INJURY + timedelta(days=90)).isoformat(), "clinic_id": parties.clinic.id,
        "employer_id": parties.employer.id, "insurer_id": parties.insurer.id,
        "physician_id": parties.physician.user_id, "diagnosis_code": "S39.012A",
        "diagnosis_text": "Strain of lower back muscle", "job_title": "Warehouse associate", "shift_hours": 8,
        "demands": [{"task": "lift_floor_to_waist", "amount": 20, "frequency": "occasional"},
                    {"task": "carry", "amount": 10, "frequency": "frequent"}],
        "rtw_goal": "Full duty", "rtw_goal_agreed_by_employer": True, "rtw_goal_agreed_by_worker": True,
        "therapy_plateaued": True, "hours_per_day_available": 4, "days_per_week_available": 5,
    }
    body.update(changes)
    return body


def count_cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def test_openapi_document_is_valid_and_declares_bearer_security(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/timeline",
            "/api/v1/cases/{case_id}/clearance-request"} <= set(spec["paths"])


def test_open_case_answers_201_with_etag_and_location(client, parties, bearer):
    answer = client.post("/api/v1/cases", json=referral_json(parties), headers=bearer(parties.case_manager))
    assert answer.status_code == 201, answer.json
    assert answer.headers["ETag"] == '"2"'
    assert answer.headers["Location"] == f"/api/v1/cases/{answer.json['id']}"
    assert answer.json["screening"]["eligible"] is True


def test_validation_errors_are_field_level_problems_and_change_nothing(client, parties, bearer):
    bad = referral_json(parties, shift_hours=-1, demands=[{"task": "juggle", "amount": -3, "frequency": "x"}])
    answer = client.post("/api/v1/cases", json=bad, headers=bearer(parties.case_manager))
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert "shift_hours" in answer.json["errors"] and "demands.0.task" in answer.json["errors"]   # a flat path
    assert count_cases() == 0


def test_domain_errors_are_problems_naming_the_field(client, parties, bearer):
    answer = client.post("/api/v1/cases", json=referral_json(parties, employer_id=parties.insurer.id),
                         headers=bearer(parties.case_manager))
    assert answer.status_code == 422 and answer.json["errors"] == {"employer_id": [answer.json["detail"]]}


def test_every_4xx_is_a_problem_document(client, parties, bearer):
    headers = bearer(parties.case_manager)
    for answer in (client.get("/api/v1/cases/999999", headers=headers),
                   client.get("/api/v1/cases?per_page=1000", headers=headers),
                   client.get("/api/v1/cases"),
                   client.get("/api/v1/nowhere", headers=headers),
                   client.post("/api/v1/cases", data="not json", headers=headers)):
        assert 400 <= answer.status_code < 500 and answer.mimetype == "application/problem+json", answer
        assert answer.json["status"] == answer.status_code


def test_portal_errors_stay_html(client):
    answer = client.get("/no-such-page")
    assert answer.status_code == 404 and answer.mimetype == "text/html"


def test_command_without_if_match_is_428_and_stale_if_match_is_412(client, parties, bearer):
    headers = bearer(parties.case_manager)
    case = client.post("/api/v1/cases", json=referral_json(parties), headers=headers)
    url = f"/api/v1/cases/{case.json['id']}/clearance-request"
    assert client.post(url, headers=headers).status_code == 428
    stale = client.post(url, headers={**headers, "If-Match": '"1"'})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    done = client.post(url, headers={**headers, "If-Match": case.headers["ETag"]})
    assert done.status_code == 200 and done.json["stage"] == "clearance"
    assert done.headers["ETag"] == '"3"'
    # the second party still holds version 2: refused, nothing overwritten
    again = client.post(url, headers={**headers, "If-Match": case.headers["ETag"]})
    assert again.status_code == 412


def test_idempotency_key_replays_the_answer_without_acting_twice(client, parties, bearer):
    headers = {**bearer(parties.case_manager), "Idempotency-Key": "open-clm-1"}
    first = client.post("/api/v1/cases", json=referral_json(parties), headers=headers)
    replay = client.post("/api/v1/cases", json=referral_json(parties), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json == first.json and replay.headers["Idempotent-Replayed"] == "true"
    assert count_cases() == 1


def test_same_idempotency_key_with_another_body_is_422(client, parties, bearer):
    headers = {**bearer(parties.case_manager), "Idempotency-Key": "k-1"}
    client.post("/api/v1/cases", json=referral_json(parties), headers=headers)
    other = client.post("/api/v1/cases", json=referral_json(parties, claim_number="CLM-2"), headers=headers)
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert count_cases() == 1


def test_idempotency_keys_are_scoped_per_client(client, parties, bearer):
    key = {"Idempotency-Key": "shared"}
    client.post("/api/v1/cases", json=referral_json(parties), headers={**bearer(parties.case_manager), **key})
    second = client.post("/api/v1/cases", json=referral_json(parties, claim_number="CLM-B"),
                         headers={**bearer(parties.therapist), **key})
    assert second.status_code == 201 and count_cases() == 2


def test_list_is_paged_bounded_and_filtered_by_stage(client, parties, bearer):
    headers = bearer(parties.case_manager)
    for n in range(3):
        client.post("/api/v1/cases", json=referral_json(parties, claim_number=f"C-{n}"), headers=headers)
    page = client.get("/api/v1/cases?per_page=2&page=2", headers=headers).json
    assert page["total"] == 3 and len(page["items"]) == 1 and page["items"][0]["claim_number"] == "C-2"
    assert client.get("/api/v1/cases?stage=program", headers=headers).json["total"] == 0
    assert client.get("/api/v1/cases?per_page=101", headers=headers).status_code == 422


def test_timeline_lists_events_and_hides_clinical_ones_from_the_employer(client, parties, bearer):
    case = client.post("/api/v1/cases", json=referral_json(parties), headers=bearer(parties.case_manager))
    url = f"/api/v1/cases/{case.json['id']}/timeline"
    clinic = client.get(url, headers=bearer(parties.case_manager, "cases:read")).json
    assert [e["kind"] for e in clinic["items"]] == ["case_opened"]
    employer = client.get(url, headers=bearer(parties.employer_user, "cases:read")).json
    assert employer["items"] == []
    foreign = client.get(url, headers=bearer(parties.other_employer_user, "cases:read"))
    assert foreign.status_code == 404


def test_a_stale_if_match_from_another_party_is_404_not_412(client, parties, bearer):
    case = client.post("/api/v1/cases", json=referral_json(parties), headers=bearer(parties.case_manager))
    stranger = bearer(parties.other_case_manager)
    answer = client.post(f"/api/v1/cases/{case.json['id']}/clearance-request", headers={**stranger, "If-Match": '"1"'})
    assert answer.status_code == 404 and "version" not in answer.get_data(as_text=True)


def test_list_filters_cases_with_overdue_work(client, parties, bearer):
    from sqlalchemy import update

    headers = bearer(parties.case_manager)
    late = client.post("/api/v1/cases", json=referral_json(parties, claim_number="LATE"), headers=headers)
    fresh = client.post("/api/v1/cases", json=referral_json(parties, claim_number="FRESH"), headers=headers)
    for case in (late, fresh):
        client.post(f"/api/v1/cases/{case.json['id']}/clearance-request",
                    headers={**headers, "If-Match": case.headers["ETag"]})
    db.session.execute(update(Case).where(Case.id == late.json["id"])
                       .values(stage_since=date.today() - timedelta(days=30)))
    db.session.commit()
    overdue = client.get("/api/v1/cases?overdue=true", headers=headers).json
    assert [c["claim_number"] for c in overdue["items"]] == ["LATE"]
    on_time = client.get("/api/v1/cases?overdue=false", headers=headers).json
    assert [c["claim_number"] for c in on_time["items"]] == ["FRESH"]


def test_an_empty_idempotency_key_is_no_key_and_a_bad_one_is_refused(client, parties, bearer):
    empty = client.post("/api/v1/cases", json=referral_json(parties),
                        headers={**bearer(parties.case_manager), "Idempotency-Key": ""})
    assert empty.status_code == 201 and "Idempotent-Replayed" not in empty.headers
    bad = client.post("/api/v1/cases", json=referral_json(parties, claim_number="CLM-X"),
                      headers={**bearer(parties.case_manager), "Idempotency-Key": "x" * 201})
    assert bad.status_code == 400 and bad.json["errors"] == {"Idempotency-Key": ["invalid"]}
    assert count_cases() == 1


def test_the_worker_s_date_of_birth_is_kept_checked_and_shown_to_clinical_readers_only(client, parties, bearer):
    young = (INJURY - timedelta(days=365 * 5)).isoformat()
    refused = client.post("/api/v1/cases", json=referral_json(parties, date_of_birth=young),
                          headers=bearer(parties.case_manager))
    assert refused.status_code == 422 and "date_of_birth" in refused.json["errors"] and count_cases() == 0
    born = (INJURY - timedelta(days=365 * 40)).isoformat()
    made = client.post("/api/v1/cases", json=referral_json(parties, date_of_birth=born),
                       headers=bearer(parties.case_manager))
    assert made.status_code == 201 and made.json["date_of_birth"] == born
    employer = client.get(f"/api/v1/cases/{made.json['id']}", headers=bearer(parties.employer_user, "cases:read"))
    assert employer.status_code == 200 and "date_of_birth" not in employer.json
