"""The therapist's intake form opens a case through the API's schema and service."""

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Case
from tests.factories import csrf_token, sign_in
from tests.services.journey import TODAY


def test_the_therapist_opens_a_case_with_its_job_demands_and_health_flags(app, ctx, parties):
    client = app.test_client()
    sign_in(client, parties.therapist)
    assert "/therapist/intake" in client.get("/").get_data(as_text=True)
    form = client.get("/therapist/intake").get_data(as_text=True)
    assert "Employer (required)" in form and "Cardiovascular disease" in form and "Demands" in form
    fields = {"csrf_token": csrf_token(form), "claim_number": "WC-3001", "worker_name": "Ana Lopez",
              "date_of_injury": "2026-06-01", "referral_date": TODAY.isoformat(),
              "employer_id": str(parties.employer.id), "insurer_id": str(parties.insurer.id),
              "physician_id": str(parties.physician.user_id), "therapist_id": str(parties.therapist.user_id),
              "diagnosis_code": "S39.012A", "diagnosis_text": "Strain of lower back muscle",
              "job_title": "Warehouse associate", "shift_hours": "8",
              "demands-0-task": "lift_floor_to_waist", "demands-0-amount": "20", "demands-0-frequency": "occasional",
              "demands-1-task": "carry", "demands-1-amount": "10", "demands-1-frequency": "frequent",
              "demands-1-critical": "no",
              "rtw_goal": "Back to full duty", "rtw_goal_agreed_by_employer": "1", "rtw_goal_agreed_by_worker": "1",
              "therapy_plateaued": "1", "hours_per_day_available": "4", "days_per_week_available": "5",
              "health.pregnant": "1", "health.gestation_weeks": "12"}
    bad = client.post("/therapist/intake", data={**fields, "shift_hours": "lots", "demands-0-amount": ""})
    assert bad.status_code == 422 and 'id="e-shift_hours"' in bad.get_data(as_text=True)
    assert db.session.scalar(select(Case.id)) is None
    done = client.post("/therapist/intake", data=fields)
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(Case))
    assert case.claim_number == "WC-3001" and case.pregnant and len(case.demands) == 2
    assert {d.task: d.critical for d in case.demands} == {"lift_floor_to_waist": True, "carry": False}
    employer = app.test_client()
    sign_in(employer, parties.employer_user)
    assert employer.get("/employer/intake").status_code == 403
