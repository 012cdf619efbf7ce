"""The case manager's escalations: every open overdue task of the clinic's cases, and no one else's."""

from datetime import timedelta

from sqlalchemy import select, update

from coordinator.extensions import db
from coordinator.models import AuditEntry, Case
from coordinator.services.automation import sync_tasks
from coordinator.services.cases import request_clearance
from coordinator.services.clearances import record_clearance
from tests.services.journey import TODAY, opened

PAGE = "/case-manager/escalations"


def overdue_clearance(parties, referral, **changes) -> int:
    """A case whose physician clearance was asked for a month ago (its task opened then): the flows escalate it
    today."""
    case_id = opened(parties, referral, **changes)
    request_clearance(parties.therapist, case_id)
    db.session.execute(update(Case).where(Case.id == case_id).values(stage_since=TODAY - timedelta(days=30)))
    db.session.commit()
    assert sync_tasks(case_id, TODAY - timedelta(days=30))["opened"] == 1
    assert sync_tasks(case_id)["escalated"] == 1
    return case_id


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_case_manager_sees_the_overdue_task_with_its_case(parties, referral, browser_of):
    case_id = overdue_clearance(parties, referral)
    opened(parties, referral, claim_number="CLM-2")   # a case with nothing overdue is not listed
    client = browser_of(parties.case_manager)
    assert PAGE in text(client.get("/case-manager/"))
    page = text(client.get(PAGE))
    assert f'href="/case-manager/cases/{case_id}">CLM-1</a>' in page and "CLM-2" not in page
    assert "Medical clearance" in page and "<td>physician</td>" in page and "Jordan Reyes" in page
    assert "<caption>" in page and '<th scope="col">Days overdue</th>' in page
    assert "<td>t</td>" in page   # the case's therapist, by name
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.purpose == "escalations"))
    assert audit.actor_role == "case_manager" and audit.detail["case_ids"] == [case_id]


def test_a_done_task_leaves_the_list(parties, referral, browser_of):
    case_id = overdue_clearance(parties, referral)
    record_clearance(parties.physician, case_id, decided_on=TODAY)
    sync_tasks(case_id)
    assert "No task is overdue" in text(browser_of(parties.case_manager).get(PAGE))


def test_another_clinics_case_manager_sees_nothing_and_other_portals_have_no_page(parties, referral, browser_of):
    overdue_clearance(parties, referral)
    page = text(browser_of(parties.other_case_manager).get(PAGE))
    assert "No task is overdue" in page and "CLM-1" not in page
    for actor, portal in ((parties.therapist, "therapist"), (parties.physician, "physician"),
                          (parties.employer_user, "employer"), (parties.insurer_user, "insurer")):
        client = browser_of(actor)
        assert client.get(f"/{portal}/escalations").status_code == 404
        assert "/escalations" not in text(client.get(f"/{portal}/"))
