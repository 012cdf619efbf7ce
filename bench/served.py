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


def _prefect_server(name: str):
    """A Prefect server of its own, as served mode runs it (`flows serve`: on PostgreSQL, a fresh database
    here), in a new temporary folder: (folder, API URL, the environment without a Prefect API of the caller's,
    the server's process). On SQLite the server's own writers wait on its one lock whenever runs come fast."""
    import psycopg
    from sqlalchemy.engine import make_url

    from bench.run import ADMIN_URL

    tmp = Path(tempfile.mkdtemp(prefix=f"coordinator-{name}-"))
    port = _port()
    database = f"coord_bench_prefect_{name}"
    server_db = make_url(ADMIN_URL).set(drivername="postgresql+asyncpg", database=database)
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    base_env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                               str(port)], cwd=ROOT, stdout=open(tmp / "server.log", "w"), stderr=subprocess.STDOUT,
                              env={**base_env, "PREFECT_HOME": str(tmp / "prefect"),
                                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                                   "PREFECT_SERVER_DATABASE_CONNECTION_URL":
                                   server_db.render_as_string(hide_password=False)})
    return tmp, f"http://127.0.0.1:{port}/api", base_env, server


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
    tmp, api, base_env, server = _prefect_server("served")
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
        bare = _bare_runs(api, runs)
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
    figure = f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    row(f"served: clearance -> insurer's task open ({runs} runs)", figure,
        f"the same steps in-process: {baseline * 1000:.0f} ms", p50 / baseline)
    bare_p50, bare_p95 = statistics.median(bare), statistics.quantiles(bare, n=20)[18]
    row(f"served: clearance -> insurer's task open, against Prefect's own run ({runs} runs)", figure,
        f"bare async flow, {BARE_TASKS} empty tasks, same server: p50 {bare_p50 * 1000:.0f} ms, "
        f"p95 {bare_p95 * 1000:.0f} ms", p50 / bare_p50)


BARE_TASKS = 5   # the task runs of drive-case on this path: due steps, the step, due steps again, sync, notify


def _bare_runs(api: str, runs: int) -> list[float]:
    """Wall seconds of `runs` bare async flows (bench/bare.py) against the served Prefect server: what a flow run
    with as many task runs as this path's drive-case costs in Prefect itself, on this machine and server."""
    import asyncio

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from bench.bare import bare_flow

    times = []
    with temporary_settings({PREFECT_API_URL: api}):
        asyncio.run(bare_flow(BARE_TASKS))   # the first run warms the client up: not counted
        for _ in range(runs):
            start = time.perf_counter()
            asyncio.run(bare_flow(BARE_TASKS))
            times.append(time.perf_counter() - start)
    return times


def _backlog_done() -> bool:
    """No row left that a dispatcher could take now (the held backlogs wait for their release)."""
    from sqlalchemy import func, or_, select

    from coordinator.extensions import db
    from coordinator.models import OutboxRow
    from coordinator.models.base import utcnow

    db.session.rollback()   # a fresh snapshot: the dispatchers write from their own processes
    return not db.session.scalar(select(func.count(OutboxRow.id)).where(
        OutboxRow.processed_at.is_(None),
        or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= utcnow())))


def _cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and every process under it (Linux /proc)."""
    tick, stats = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:   # ended meanwhile
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, found = {root}, True
    while found:
        found = {pid for pid, (parent, _) in stats.items() if parent in tree and pid not in tree}
        tree |= found
    return sum(stats[pid][1] for pid in tree if pid in stats)


def _drain_with(dispatchers: int, cases: list[int], env: dict, tmp: Path, probe,
                server: int) -> tuple[float, int, float]:
    """Start `dispatchers` processes, warm them on a probe case, then release the held rows of `cases` at once
    and time until every outbox row (those the runs add included) is done: (seconds, rows done, the share of
    one core the Prefect server process `server` used meanwhile)."""
    from sqlalchemy import func, select, update

    from coordinator.extensions import db
    from coordinator.models import OutboxRow

    procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "flows", "dispatch", "--batch", "5"],
                              cwd=ROOT, stdout=open(tmp / f"dispatcher-{dispatchers}-{i}.log", "w"),
                              stderr=subprocess.STDOUT, env=env) for i in range(dispatchers)]
    try:
        time.sleep(8)   # each process imports Flask, SQLAlchemy and Prefect before its first claim
        probe()   # one case opened and driven: the dispatchers are up and Prefect warm
        deadline = time.perf_counter() + 120
        while not _backlog_done():
            if time.perf_counter() > deadline:
                raise RuntimeError("the dispatchers did not drain the probe")
            time.sleep(0.05)
        first = db.session.scalar(select(func.max(OutboxRow.id)))
        server_cpu = _cpu_seconds(server)
        start = time.perf_counter()
        db.session.execute(update(OutboxRow).where(OutboxRow.case_id.in_(cases)).values(next_attempt_at=None))
        db.session.commit()
        while not _backlog_done():
            if time.perf_counter() - start > 600:
                raise RuntimeError(f"{dispatchers} dispatcher(s) did not drain {len(cases)} cases in 600 s")
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        server_busy = (_cpu_seconds(server) - server_cpu) / seconds
        done = db.session.scalar(select(func.count(OutboxRow.id)).where(
            OutboxRow.case_id.in_(cases))) + db.session.scalar(select(func.count(OutboxRow.id)).where(
            OutboxRow.id > first, OutboxRow.case_id.not_in(cases)))
        return seconds, done, server_busy
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def bench_dispatchers(database_url: str, row, opener, n: int = 120) -> None:
    """Outbox events drained per second by two dispatchers against one, each with its own held backlog of `n`
    new cases released at once (the runs' own follow-up events count too), against one Prefect server."""
    from datetime import timedelta

    from flows.served import wait_healthy
    from sqlalchemy import update

    from coordinator.extensions import db
    from coordinator.models import OutboxRow
    from coordinator.models.base import utcnow

    db.session.execute(update(OutboxRow).where(OutboxRow.processed_at.is_(None)).values(processed_at=utcnow()))
    db.session.commit()

    def held(prefix: str) -> list[int]:
        cases = [opener(f"{prefix}-{i:04d}") for i in range(n)]
        db.session.execute(update(OutboxRow).where(OutboxRow.case_id.in_(cases))
                           .values(next_attempt_at=utcnow() + timedelta(days=1)))   # held until released
        db.session.commit()
        return cases

    one, two = held("DQ1"), held("DQ2")
    tmp, api, base_env, server = _prefect_server("drain")
    env = {**base_env, "DATABASE_URL": database_url, "PREFECT_API_URL": api, "COORDINATOR_INSTANCE": str(tmp),
           "SECRET_KEY": "bench"}
    probes = iter(range(10))
    try:
        wait_healthy(api, timeout=120)
        alone, done_alone, busy_alone = _drain_with(1, one, env, tmp, lambda: opener(f"DQP-{next(probes)}"),
                                                    server.pid)
        pair, done_pair, busy_pair = _drain_with(2, two, env, tmp, lambda: opener(f"DQP-{next(probes)}"),
                                                 server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    rate_one, rate_two = done_alone / alone, done_pair / pair
    # the Prefect server is one Python process: once it is busy a whole core, more dispatchers only queue on it
    row(f"dispatchers: 2 draining {n} new cases' events ({done_pair} rows)",
        f"{rate_two:.1f} events/s, Prefect server {busy_pair:.0%} of a core",
        f"1 dispatcher: {rate_one:.1f} events/s ({done_alone} rows), Prefect server {busy_alone:.0%} of a core",
        rate_two / rate_one)
