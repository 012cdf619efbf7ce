"""The approvals board in the portals: the case manager's and the insurer's page with the open requests, their
clocks and actions, the turnaround of a period with its chart, the CSV; no board for the other roles."""

import csv
import io
from datetime import timedelta

from coordinator.services.authorizations import decide_authorization
from tests.services.journey import TODAY
from tests.services.test_approvals_board import asked, cleared, due_soon


def test_the_insurer_decides_from_its_board_and_reads_its_turnaround(parties, referral, browser_of):
    late = asked(parties, cleared(parties, referral, "CLM-LATE"), 20)
    done = asked(parties, cleared(parties, referral, "CLM-DONE"), 9)
    decide_authorization(parties.insurer_user, done.id, decision="approve", reason="ok",
                         decided_on=TODAY - timedelta(days=2))
    insurer = browser_of(parties.insurer_user)
    assert "/insurer/approvals" in insurer.get("/insurer/").get_data(as_text=True)
    page = insurer.get("/insurer/approvals").get_data(as_text=True)
    assert "Open requests (1)" in page and "CLM-LATE" in page and "CLM-DONE" not in page
    assert f"/insurer/cases/{late.case_id}/act/decision/{late.id}" in page and "Late by" in page
    assert "Keystone" in page and "Turnaround by week" in page and "<svg" in page
    assert "100 % (1)" in page   # approved: one of one
    export = insurer.get("/insurer/approvals.csv")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert export.mimetype == "text/csv" and rows[0][0] == "Request" and rows[1][1] == "CLM-LATE" and rows[1][12] == "yes"
    typo = insurer.get("/insurer/approvals?from=yesterday&lateness=soonish").get_data(as_text=True)
    assert "dates as year-month-day; the last 90 days are shown" in typo and "CLM-LATE" in typo


def test_the_case_manager_filters_its_board_and_other_roles_have_none(parties, referral, browser_of):
    asked(parties, cleared(parties, referral, "CLM-ONE"), 0, expedited=True, expedited_reason="job ends")
    due_soon(parties, cleared(parties, referral, "CLM-SOON"))
    manager = browser_of(parties.case_manager)
    page = manager.get("/case-manager/approvals?lateness=on_time").get_data(as_text=True)
    assert "CLM-ONE" in page and "expedited" in page and "hours left" in page
    soon = manager.get("/case-manager/approvals?lateness=due_soon").get_data(as_text=True)
    assert "CLM-SOON" in soon and "CLM-ONE" not in soon
    assert "No open request matches." in manager.get("/case-manager/approvals?lateness=late").get_data(as_text=True)
    for actor, portal in ((parties.employer_user, "employer"), (parties.therapist, "therapist"),
                          (parties.physician, "physician")):
        assert browser_of(actor).get(f"/{portal}/approvals").status_code == 404
