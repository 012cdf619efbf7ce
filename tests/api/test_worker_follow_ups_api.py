"""The worker's follow-up answer through the API's view of each party: the employer reads the work status and the
hours, never the worker's pain or whether the injury came back."""

from datetime import timedelta

from sqlalchemy import update

from coordinator.extensions import db
from coordinator.models import FollowUp
from coordinator.services.rtw import answer_follow_up
from tests.services.journey import TODAY
from tests.services.test_worker_follow_ups import discharged


def test_the_employer_reads_the_work_status_and_hours_but_not_the_worker_s_pain(client, parties, referral, bearer):
    case_id, (three, _) = discharged(parties, referral)
    db.session.execute(update(FollowUp).where(FollowUp.id == three).values(due_on=TODAY + timedelta(days=1)))
    db.session.commit()
    answer_follow_up(parties.worker, three, work_status="modified_duty", hours_per_day=6, recurrence=True, pain=7)
    employer = client.get(f"/api/v1/cases/{case_id}/follow-ups", headers=bearer(parties.employer_user, "cases:read"))
    [seen] = [f for f in employer.json["items"] if f["id"] == three]
    assert seen["work_status"] == "modified_duty" and seen["hours_per_day"] == 6
    assert "pain" not in seen and "recurrence" not in seen


def test_the_insurer_reads_the_outcomes_but_not_the_worker_s_own_answers(client, parties, referral, bearer):

    case_id, (three, _) = discharged(parties, referral)
    db.session.execute(update(FollowUp).where(FollowUp.id == three).values(due_on=TODAY + timedelta(days=1)))
    db.session.commit()
    answer_follow_up(parties.worker, three, work_status="full_duty", hours_per_day=8, recurrence=False, pain=2)
    insurer, clinic = bearer(parties.insurer_user, "cases:read"), bearer(parties.case_manager, "cases:read")
    [seen] = [f for f in client.get(f"/api/v1/cases/{case_id}/follow-ups", headers=insurer).json["items"]
              if f["id"] == three]
    assert seen["work_status"] == "full_duty" and "pain" not in seen and seen["recurrence"] is False
    [theirs] = [f for f in client.get(f"/api/v1/cases/{case_id}/follow-ups", headers=clinic).json["items"]
                if f["id"] == three]
    assert theirs["pain"] == 2


def test_the_worker_s_reports_between_sessions_are_for_the_care_team(client, parties, referral, bearer):
    from coordinator.models import Case
    from coordinator.services.worker_reports import report_symptoms
    from tests.services.journey import to_program

    case_id = to_program(parties, referral)
    db.session.get(Case, case_id).worker_id = parties.worker.user_id
    db.session.commit()
    report_symptoms(parties.worker, case_id, symptoms=["soreness"], pain=3, note="sore calves", reported_on=TODAY)
    insurer, clinic = bearer(parties.insurer_user, "cases:read"), bearer(parties.case_manager, "cases:read")
    refused = client.get(f"/api/v1/cases/{case_id}/worker-reports", headers=insurer)
    assert refused.status_code == 403 and refused.json["type"].endswith("care_team_only")
    listed = client.get(f"/api/v1/cases/{case_id}/worker-reports", headers=clinic).json["items"]
    assert [r["note"] for r in listed] == ["sore calves"]
    timeline = client.get(f"/api/v1/cases/{case_id}/timeline?per_page=100", headers=insurer).get_data(as_text=True)
    assert "soreness" not in timeline and "sore calves" not in timeline
    clinic_timeline = client.get(f"/api/v1/cases/{case_id}/timeline?per_page=100", headers=clinic).get_data(as_text=True)
    assert "soreness" in clinic_timeline
