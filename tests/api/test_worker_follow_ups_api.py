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
