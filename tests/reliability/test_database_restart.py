"""The database drops every connection (as a restart or a failover does) while parties write through the API:
no 500, nothing lost, nothing done twice; clients retry with the same Idempotency-Key (a 503 before the
command committed runs it on the retry; a lost answer after it committed replays as 303 to the case)."""

import os
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from coordinator.audit import verify_chain
from coordinator.extensions import db
from coordinator.models import Case, CaseEvent
from tests.perf.test_statement_counts import bearer

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="drops PostgreSQL connections: runs in the PostgreSQL pass of make test")
WRITERS, CASES_EACH = 4, 6
OUTAGE_SECONDS = 2.0


def referral(parties, claim: str) -> dict:
    """A referral body as a client sends it."""
    return {"claim_number": claim, "worker_name": "Robin Vale", "date_of_injury": "2026-05-01",
            "referral_date": "2026-08-01", "clinic_id": parties.clinic.id, "employer_id": parties.employer.id,
            "insurer_id": parties.insurer.id, "physician_id": parties.physician.user_id,
            "therapist_id": parties.therapist.user_id, "diagnosis_code": "S39.012A",
            "diagnosis_text": "Strain of lower back muscle", "job_title": "Warehouse associate", "shift_hours": 8,
            "demands": [{"task": "carry", "amount": 10, "frequency": "frequent"}],
            "rtw_goal": "Full duty", "rtw_goal_agreed_by_employer": True, "rtw_goal_agreed_by_worker": True,
            "therapy_plateaued": True, "hours_per_day_available": 4, "days_per_week_available": 5}


def test_writes_survive_the_database_dropping_every_connection(app, live_server, parties):
    from coordinator.models import User

    email = db.session.get(User, parties.case_manager.user_id).email
    headers = bearer(app.test_client(), email, "cases:read cases:write")
    bodies = {(n, i): referral(parties, f"DBR-{n}-{i}") for n in range(WRITERS) for i in range(CASES_EACH)}
    db.session.commit()   # the ORM rows stay in this thread: the writers only get plain bodies
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql://", "postgresql+psycopg://"),
                          isolation_level="AUTOCOMMIT")
    statuses, failures, stop = [], [], threading.Event()

    def killer():
        # for two seconds, every 100 ms: terminate every other connection to the test database, as a restart
        # (or a failover) does; then the database is back and the clients' retries must all get through
        until = time.monotonic() + OUTAGE_SECONDS
        with admin.connect() as conn:
            while not stop.is_set() and time.monotonic() < until:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                time.sleep(0.1)

    def writer(n):
        for i in range(CASES_EACH):
            body, key = bodies[(n, i)], str(uuid.uuid4())
            for _attempt in range(60):   # a client's retry loop: same body, same key
                try:
                    answer = requests.post(f"{live_server}/api/v1/cases", json=body, timeout=30,
                                           headers={**headers, "Idempotency-Key": key}, allow_redirects=False)
                except requests.RequestException as exc:
                    failures.append(repr(exc))
                    break
                statuses.append(answer.status_code)
                if answer.status_code == 201 or (answer.status_code == 303 and "/cases/" in answer.headers["Location"]):
                    break   # 303: the command had committed when the answer was lost; the case is there
                if answer.status_code != 503:
                    failures.append(f"{answer.status_code} {answer.text[:300]}")
                    break
                time.sleep(float(answer.headers.get("Retry-After", "1")) / 4)
            else:
                failures.append(f"DBR-{n}-{i} never got through")

    kill = threading.Thread(target=killer)
    kill.start()
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    kill.join()
    admin.dispose()
    db.session.remove()
    assert failures == []
    assert 503 in statuses, "no connection was dropped mid-request: the test proved nothing"   # noqa: S101
    assert 500 not in statuses
    claims = db.session.scalars(select(Case.claim_number).where(Case.claim_number.like("DBR-%"))).all()
    assert sorted(claims) == sorted(f"DBR-{n}-{i}" for n in range(WRITERS) for i in range(CASES_EACH))
    opened = db.session.scalar(select(func.count(CaseEvent.id)).join(Case, Case.id == CaseEvent.case_id)
                               .where(Case.claim_number.like("DBR-%"), CaseEvent.kind == "case_opened"))
    assert opened == WRITERS * CASES_EACH                                          # nothing done twice
    assert verify_chain().ok
