"""The API's case read takes the case's kept facts with it (services/facts_store.py), and works them out afresh
once a command has changed the case."""

from sqlalchemy import event

from coordinator.extensions import db
from coordinator.models import CaseSchedule
from tests.api.test_cases_api import referral_json


def statements(client, url: str, headers: dict) -> tuple[int, dict]:
    seen = []
    listener = lambda *args, **kw: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        answer = client.get(url, headers=headers)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert answer.status_code == 200, answer.json
    return len(seen), answer.json


def test_the_api_case_read_keeps_the_copy_and_a_command_makes_it_stale(app, client, parties, bearer):
    headers = bearer(parties.case_manager)
    opened = client.post("/api/v1/cases", json=referral_json(parties), headers=headers)
    url = f"/api/v1/cases/{opened.json['id']}"
    app.config["FACTS_VERIFY"] = False   # count the statements of the read alone
    try:
        first, before = statements(client, url, headers)
        again, same = statements(client, url, headers)
        assert again <= 3 < first and same == before   # token, the case with its copy and open tasks, audit entry
        done = client.post(f"{url}/clearance-request", headers={**headers, "If-Match": opened.headers["ETag"]})
        assert done.status_code == 200
        _, after = statements(client, url, headers)   # a new version: the copy is worked out afresh
    finally:
        app.config["FACTS_VERIFY"] = True
    names = lambda answer: {c["command"] for c in answer["available_commands"]}  # noqa: E731
    assert "request_clearance" in names(before) and "request_clearance" not in names(after)
    assert after["stage"] == "clearance" and after["version"] == before["version"] + 1
    db.session.expire_all()
    assert db.session.get(CaseSchedule, opened.json["id"]).facts["version"] == after["version"]   # kept again
