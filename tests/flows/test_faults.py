"""Faults: a dispatcher process killed mid-run, two dispatchers at once, the Prefect API unreachable.
In each, no transition is lost and none happens twice."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coordinator.extensions import db
from coordinator.models import Case, CaseEvent, OutboxRow
from flows.dispatcher import Dispatcher

from .test_drive_case import opened

ROOT = Path(__file__).resolve().parents[2]


def _count(*where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OutboxRow).where(*where))


def _dispatcher_process(app, tmp_path, name: str) -> subprocess.Popen:
    """`flask flows dispatch` in a process of its own, on the test database and the test Prefect server."""
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test",
           "COORDINATOR_INSTANCE": str(tmp_path), "PREFECT_API_URL": PREFECT_API_URL.value()}
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "flows", "dispatch", "--batch", "2",
                             "--lease-seconds", "2"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _each_case_moved_exactly_once(case_ids):
    db.session.rollback()
    rows = db.session.execute(select(CaseEvent.case_id, CaseEvent.kind).where(CaseEvent.case_id.in_(case_ids)))
    counts = Counter(rows)
    for case_id in case_ids:
        assert counts[(case_id, "clearance_requested")] == 1, case_id   # no transition lost, none twice
        assert counts[(case_id, "task_opened")] == 1, case_id
    assert set(db.session.scalars(select(Case.stage).where(Case.id.in_(case_ids)))) == {"clearance"}


def test_a_dispatcher_killed_mid_run_loses_nothing_and_repeats_nothing(app, parties, referral, flows, tmp_path):
    case_ids = [opened(parties, referral, claim_number=f"CLM-K{i}") for i in range(10)]
    total = _count()
    first, second = _dispatcher_process(app, tmp_path, "first"), _dispatcher_process(app, tmp_path, "second")
    try:
        assert _wait_for(lambda: _count(OutboxRow.processed_at.is_not(None)) >= 2), (tmp_path / "first.log").read_text()
        first.send_signal(signal.SIGKILL)                       # mid-run: it holds claimed rows
        first.wait(timeout=10)
        assert _count(OutboxRow.processed_at.is_not(None)) < total
        # the survivor takes over the dead one's rows once their lease runs out
        assert _wait_for(lambda: _count(OutboxRow.processed_at.is_(None)) == 0), (tmp_path / "second.log").read_text()
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
    assert second.returncode == 0                                # SIGTERM ends it cleanly
    _each_case_moved_exactly_once(case_ids)
    # a restarted dispatcher finds nothing left to do
    assert asyncio.run(Dispatcher(idle_seconds=0).drain()) == 0


def test_commits_succeed_while_the_prefect_api_is_unreachable_and_the_backlog_drains_after(parties, referral, flows):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        case_ids = [opened(parties, referral, claim_number=f"CLM-U{i}") for i in range(3)]   # commits succeed
        with pytest.raises(ConnectionError):
            asyncio.run(Dispatcher(idle_seconds=0).run_once())
        # a serving dispatcher backs off instead of dying
        dispatcher = Dispatcher(idle_seconds=0, max_pause_seconds=1)

        async def serve_briefly():
            stop = asyncio.Event()
            asyncio.get_running_loop().call_later(1.5, stop.set)
            await dispatcher.serve(stop)

        asyncio.run(serve_briefly())
    assert _count(OutboxRow.processed_at.is_(None)) == 3 and _count(OutboxRow.claim_token.is_not(None)) == 0
    assert asyncio.run(Dispatcher(idle_seconds=0).drain()) == 3        # the API is back: one run per case
    _each_case_moved_exactly_once(case_ids)
