"""Served mode: a party acts, and how long until the next party's task is open (a Prefect server and a
dispatcher, each its own process, as in production), against the same steps called in-process."""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _open_task(case_id: int, kind: str) -> bool:
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.models import CaseTask

    db.session.rollback()   # a fresh snapshot: the dispatcher writes from its own process
    return db.session.scalar(select(CaseTask.id).where(CaseTask.case_id == case_id, CaseTask.kind == kind,
                                                       CaseTask.closed_at.is_(None))) is not None


def _wait(case_id: int, kind: str, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if _open_task(case_id, kind):
            return time.perf_counter() - start
        time.sleep(0.01)
    raise RuntimeError(f"no {kind} task on case {case_id} after {timeout:.0f} s")


def bench_served(database_url: str, row, opener, physician, runs: int = 20) -> None:
    """Physician's clearance -> the insurer's authorization task, `runs` times; p50 and p95."""
    from flows.served import wait_healthy

    from coordinator.services.automation import due_steps, sync_tasks, take_step
    from coordinator.services.clearances import record_clearance

    from sqlalchemy import update

    from coordinator.extensions import db
    from coordinator.models import OutboxRow
    from coordinator.models.base import utcnow

    # the earlier measures left their cases' work queued: this one times only its own cases
    db.session.execute(update(OutboxRow).where(OutboxRow.processed_at.is_(None)).values(processed_at=utcnow()))
    db.session.commit()
    tmp = Path(tempfile.mkdtemp(prefix="coordinator-served-"))
    port = _port()
    api = f"http://127.0.0.1:{port}/api"
    base_env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                               str(port)], cwd=ROOT, stdout=open(tmp / "server.log", "w"), stderr=subprocess.STDOUT,
                              env={**base_env, "PREFECT_HOME": str(tmp / "prefect"),
                                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    dispatcher = None
    try:
        wait_healthy(api, timeout=120)
        dispatcher = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "flows", "dispatch"], cwd=ROOT,
            stdout=open(tmp / "dispatcher.log", "w"), stderr=subprocess.STDOUT,
            env={**base_env, "DATABASE_URL": database_url, "PREFECT_API_URL": api,
                 "COORDINATOR_INSTANCE": str(tmp), "SECRET_KEY": "bench"})
        latencies = []
        for i in range(runs + 1):
            case_id = opener(f"SRV-{i:03d}")
            _wait(case_id, "physician_clearance")                    # the flows asked for the clearance
            record_clearance(physician, case_id, decided_on=date.today())
            seconds = _wait(case_id, "authorization_decision")       # ... and the insurer's task is open
            if i:                                                    # the first run warms the server up
                latencies.append(seconds)
        # the same two steps in-process: request the authorization, sync the tasks
        direct = []
        for i in range(runs):
            case_id = opener(f"SRD-{i:03d}")
            _wait(case_id, "physician_clearance")
            record_clearance(physician, case_id, decided_on=date.today())
            start = time.perf_counter()
            for step in due_steps(case_id):
                take_step(case_id, step.kind)
            sync_tasks(case_id)
            direct.append(time.perf_counter() - start)
    finally:
        for proc in (dispatcher, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    p50, p95 = statistics.median(latencies), statistics.quantiles(latencies, n=20)[18]
    baseline = statistics.median(direct)
    row(f"served: clearance -> insurer's task open ({runs} runs)", f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms",
        f"the same steps in-process: {baseline * 1000:.0f} ms", p50 / baseline)
