"""The approvals board over the API: the insurer's and the case manager's open requests with their clocks, the
turnaround record of a period, the filters validated in words, and the other roles refused."""

from datetime import timedelta

from coordinator.services.authorizations import decide_authorization
from tests.services.test_approvals_board import asked, cleared
from tests.services.journey import TODAY


def test_the_board_and_the_turnaround_over_the_api(client, parties, referral, bearer):
    waiting = asked(parties, cleared(parties, referral, "CLM-W"), 2, expedited=True, expedited_reason="job ends")
    done = asked(parties, cleared(parties, referral, "CLM-D"), 8)
    decide_authorization(parties.insurer_user, done.id, decision="deny", reason="no", decided_on=TODAY - timedelta(days=1))
    insurer = bearer(parties.insurer_user, "cases:read")
    board = client.get("/api/v1/approvals", headers=insurer)
    assert board.status_code == 200 and board.json["total"] == 1
    [row] = board.json["items"]
    assert row["id"] == waiting.id and row["expedited"] and row["clock"]["late"] is False
    assert row["clock"]["words"].endswith(("hours left", "hour left")) and row["clinic"] == "Clinic"   # late: "1 hour"
    late = client.get("/api/v1/approvals?lateness=late", headers=insurer)
    assert late.status_code == 200 and late.json["total"] == 0
    record = client.get(f"/api/v1/approvals/turnaround?from={(TODAY - timedelta(days=10)).isoformat()}",
                        headers=bearer(parties.case_manager, "cases:read"))
    assert record.status_code == 200, record.json
    [keystone] = record.json["insurers"]
    assert keystone["decisions"] == 1 and keystone["denied"] == 1 and keystone["denial_rate"] == 1.0
    assert keystone["median_days"] == 7.0 and record.json["weeks"][0]["decisions"] == 1


def test_bad_filters_are_named_and_other_roles_are_refused(client, parties, bearer):
    insurer = bearer(parties.insurer_user, "cases:read")
    bad = client.get("/api/v1/approvals?lateness=soonish", headers=insurer)
    assert bad.status_code == 422 and "lateness" in str(bad.json["errors"])
    backwards = client.get(f"/api/v1/approvals/turnaround?from={TODAY.isoformat()}&to="
                           f"{(TODAY - timedelta(days=3)).isoformat()}", headers=insurer)
    assert backwards.status_code == 422 and "the period starts after it ends" in str(backwards.json)
    too_long = client.get(f"/api/v1/approvals/turnaround?from={(TODAY - timedelta(days=400)).isoformat()}",
                          headers=insurer)
    assert too_long.status_code == 422 and "366 days at most" in str(too_long.json)
    for name in ("employer_user", "therapist"):
        refused = client.get("/api/v1/approvals", headers=bearer(getattr(parties, name), "cases:read"))
        assert refused.status_code == 403 and "case managers and insurers" in refused.json["detail"]
