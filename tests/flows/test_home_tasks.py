"""The flows' tasks and notifications on each party's start page, and only the party's own."""

import asyncio

from coordinator.domain.clearance import HealthFlags
from flows.drive_case import drive_case
from tests.factories import sign_in

from .test_drive_case import opened


def page(app, actor) -> str:
    client = app.test_client()   # a browser of the party's own
    sign_in(client, actor)
    return client.get("/").get_data(as_text=True)


def test_the_physician_sees_the_clearance_task_and_the_employer_sees_no_clinical_word(app, parties, referral, flows):
    case_id = opened(parties, referral, health=HealthFlags(pregnant=True, gestation_weeks=14))
    asyncio.run(drive_case(case_id))
    physician = page(app, parties.physician)
    assert "Medical clearance" in physician and "CLM-1" in physician and "Nothing waits for you" not in physician
    employer = page(app, parties.employer_user)
    assert "Nothing waits for you" in employer and "CLM-1" in employer            # the case, not the task
    for clinical in ("Medical clearance", "pregnan", "Strain", "S39", "Pregnancy"):
        assert clinical not in employer
    other = page(app, parties.other_employer_user)
    assert "CLM-1" not in other
