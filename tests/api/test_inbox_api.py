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


def test_inbox_pages_count_the_overdue_and_overdue_cases_filter_the_list(client, parties, referral, bearer):
    from datetime import date, timedelta

    from sqlalchemy import update

    from coordinator.extensions import db
    from coordinator.models import Case

    ids = []
    for n in range(5):
        case = open_case(parties.therapist, referral(claim_number=f"API-{n}"))
        request_clearance(parties.therapist, case.id)
        ids.append(case.id)
    # three clearances asked for a month ago: overdue, so they reach the case manager too
    db.session.execute(update(Case).where(Case.id.in_(ids[:3])).values(stage_since=date.today() - timedelta(days=30)))
    db.session.commit()
    headers = bearer(parties.case_manager, "cases:read")
    pages = [client.get(f"/api/v1/inbox?per_page=2&page={p}", headers=headers).json for p in (1, 2, 3)]
    assert [p["total"] for p in pages] == [3, 3, 3] and [p["overdue"] for p in pages] == [3, 3, 3]
    assert [len(p["items"]) for p in pages] == [2, 1, 0]
    assert sorted(i["case_id"] for p in pages for i in p["items"]) == ids[:3]
    assert all(i["overdue"] and i["kind"] == "physician_clearance" for p in pages for i in p["items"])
    late = client.get("/api/v1/cases?overdue=true", headers=headers).json
    on_time = client.get("/api/v1/cases?overdue=false", headers=headers).json
    assert [c["id"] for c in late["items"]] == ids[:3] and [c["id"] for c in on_time["items"]] == ids[3:]
