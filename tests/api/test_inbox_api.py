"""The inbox over the API."""

from coordinator.services.cases import open_case, request_clearance


def test_inbox_lists_the_callers_pending_actions_with_due_dates(client, parties, referral, bearer):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    answer = client.get("/api/v1/inbox", headers=bearer(parties.case_manager, "cases:read"))
    assert answer.status_code == 200 and answer.json["total"] == 0   # not overdue: the physician's alone
    insurer = client.get("/api/v1/inbox", headers=bearer(parties.insurer_user, "cases:read")).json
    assert insurer["items"] == []


def test_inbox_paging_is_bounded(client, parties, bearer):
    headers = bearer(parties.case_manager, "cases:read")
    assert client.get("/api/v1/inbox?per_page=0", headers=headers).status_code == 422
    assert client.get("/api/v1/inbox").status_code == 401
