"""The start page and the health check."""

from tests.factories import sign_in


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.json["database"] == "ok"


def test_home_requires_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_home_lists_every_stage_even_when_empty(client, parties):
    sign_in(client, parties.therapist)
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for heading in ("Intake", "Clearance", "Authorization", "Program", "Paused", "Return to work",
                    "Discharged", "Closed"):
        assert heading in page
