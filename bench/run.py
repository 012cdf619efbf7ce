"""`make bench`: every figure measured side by side with its baseline in this run, on this machine; one table.

Runs against a fresh PostgreSQL database (BENCH_DATABASE_URL, default coord_bench on 127.0.0.1). Each row
prints the figure, its baseline and the ratio; README's Performance section explains each."""

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")   # no telemetry from the harness (offline)

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/coord_bench"
ROWS: list[tuple[str, str, str, str]] = []


def row(name: str, figure: str, baseline: str, ratio: float | str) -> None:
    """Keep a line of the table and show it at once (a long run shows progress)."""
    shown = ratio if isinstance(ratio, str) else f"{ratio:.2f}"
    ROWS.append((name, figure, baseline, shown))
    print(f"  {name}: {figure} | {baseline} | {shown}", flush=True)


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median wall time of `fn` over `repeat` calls, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def fresh_database(url: str):
    """Drop and create the bench database, migrate it, and return the app bound to it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    from coordinator import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
    return app


# -- load -------------------------------------------------------------------------------------------

def open_one_by_one(n: int) -> float:
    """Cases per second opened through the real service, one command (transaction, event, audit) each."""
    from dataclasses import replace

    actor, referral = therapist_and_referral()
    from coordinator.services.automation import sync_tasks
    from coordinator.services.cases import open_case

    seconds, cases = timed(lambda: [open_case(actor, replace(referral, claim_number=f"SV-{i:05d}")).id
                                    for i in range(n)])
    for case_id in cases:   # what the flows do within a second of each command (not timed: not the load)
        sync_tasks(case_id)
    return n / seconds


TEMPLATES: list[int] = []   # the demo's cases, synced by the flows: what every copy is made from


def bulk_to(target: int, service_rate: float) -> None:
    """Copy demo cases in bulk until the caseload is `target`; compare with the one-by-one rate."""
    from coordinator.demo.copies import copy_cases

    have = count_cases()
    seconds, _ = timed(lambda: copy_cases(target - have, templates=TEMPLATES, start=have))
    rate = (target - have) / seconds
    analyze()
    row(f"load: {target - have:,} realistic cases in bulk (caseload {target:,})",
        f"{seconds:.1f} s ({rate:,.0f} cases/s)", f"open_case one by one: {service_rate:,.0f} cases/s",
        rate / service_rate)


def analyze() -> None:
    """After a bulk load, what autovacuum gives a live database soon after (it vacuums a table once enough rows
    were inserted, and analyzes it): fresh planner statistics (without them PostgreSQL plans for the caseload it
    had before the load) and the visibility map, which lets a count read an index alone. Not timed."""
    from sqlalchemy import text

    from coordinator.extensions import db

    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))


def count_cases() -> int:
    """Cases in the database."""
    from sqlalchemy import func, select

    from coordinator.extensions import db
    from coordinator.models import Case

    return db.session.scalar(select(func.count(Case.id)))


def therapist_and_referral():
    """The demo therapist and a referral naming the demo's parties."""
    from datetime import timedelta

    from sqlalchemy import select

    from coordinator.domain.actors import Actor
    from coordinator.domain.demands import JobDemand
    from coordinator.domain.clearance import HealthFlags
    from coordinator.services.cases import Referral
    from coordinator.extensions import db
    from coordinator.models import Case, User

    therapist = db.session.scalar(select(User).where(User.email == "therapist@demo.test"))
    template = db.session.scalar(select(Case).order_by(Case.id))
    today = date.today()
    referral = Referral(
        claim_number="SV", worker_name="Bench Worker", date_of_injury=today - timedelta(days=120),
        referral_date=today - timedelta(days=5), clinic_id=template.clinic_id, employer_id=template.employer_id,
        insurer_id=template.insurer_id, physician_id=template.physician_id, therapist_id=therapist.id,
        diagnosis_code="S39.012A", diagnosis_text="Strain of lower back muscle", job_title="Warehouse associate",
        shift_hours=8, demands=[JobDemand("lift_floor_to_waist", 20, "occasional"), JobDemand("carry", 10, "frequent")],
        rtw_goal="Full duty", rtw_goal_agreed_by_employer=True, rtw_goal_agreed_by_worker=True,
        therapy_plateaued=True, hours_per_day_available=4, days_per_week_available=5, health=HealthFlags())
    return Actor(therapist.id, therapist.role, therapist.org_id), referral


def sync_all() -> None:
    """Run the flows' sync on every case, as drive-case does after each change."""
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.models import Case
    from coordinator.services.automation import sync_tasks

    for case_id in db.session.scalars(select(Case.id)).all():
        sync_tasks(case_id)


# -- statements per page ----------------------------------------------------------------------------

PAGES = ("/therapist/", "/therapist/?overdue=1", "/therapist/cases/1", "/therapist/caseload.csv")


def statements_per_page(app) -> dict[str, int]:
    """SQL statements each of the therapist's pages issues now."""
    from sqlalchemy import event

    from coordinator.extensions import db

    client, counts = signed_in(app, "therapist@demo.test"), {}
    for url in PAGES:
        seen = []
        listener = lambda *args, **kw: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            status = client.get(url).status_code
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert status == 200, (url, status)
        counts[url] = len(seen)
    return counts


def signed_in(app, email: str):
    """A test client signed in through the login form."""
    from coordinator.demo import DEMO_PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


# -- the sweep ----------------------------------------------------------------------------------------

def bench_sweep() -> None:
    """The sweep's INSERT ... SELECT of due cases against one indexed scan of the due rows."""
    from sqlalchemy import delete, select

    from coordinator.extensions import db
    from coordinator.models import CaseSchedule, OutboxRow
    from coordinator.services.outbox import enqueue_due

    today = date.today()
    db.session.execute(delete(OutboxRow))
    db.session.commit()

    def scan():
        return len(db.session.scalars(select(CaseSchedule.case_id).where(CaseSchedule.next_check_on <= today)).all())

    sweeps = []
    for _ in range(5):   # the sweep's own statement timed; emptying the outbox after it is not the sweep's work
        seconds, queued = timed(lambda: enqueue_due(today))
        sweeps.append(seconds)
        db.session.execute(delete(OutboxRow))   # the next round finds the same due cases
        db.session.commit()
    swept = statistics.median(sweeps)
    scanned, due = timed(scan, repeat=5)
    row(f"sweep at {count_cases():,} cases ({queued:,} due)", f"{swept * 1000:.0f} ms",
        f"indexed scan of the due rows: {scanned * 1000:.0f} ms", swept / scanned)


# -- orchestration overhead ---------------------------------------------------------------------------

def bench_orchestration(app, n: int = 40) -> None:
    """drive-case flow runs against the same service calls made directly, on equivalent fresh cases."""
    from prefect.testing.utilities import prefect_test_harness

    from coordinator.services import automation
    from bench.bare import bare_flow
    from flows.drive_case import MAX_ROUNDS, drive_case
    from flows.runtime import bind_app

    actor, referral = therapist_and_referral()
    from dataclasses import replace

    from coordinator.services.cases import open_case

    flow_cases = [open_case(actor, replace(referral, claim_number=f"OF-{i:04d}")).id for i in range(n)]
    direct_cases = [open_case(actor, replace(referral, claim_number=f"OD-{i:04d}")).id for i in range(n)]

    def direct():
        for case_id in direct_cases:   # the flow's own loop, without Prefect
            for _ in range(MAX_ROUNDS):
                if not any([automation.take_step(case_id, s.kind) for s in automation.due_steps(case_id)]):
                    break
            automation.sync_tasks(case_id)

    direct_seconds, _ = timed(direct)
    bind_app(app)
    with prefect_test_harness(server_startup_timeout=120):
        asyncio.run(drive_case(flow_cases[0]))   # the first run pays the harness's warm-up: not counted

        async def runs():
            return [await drive_case(case_id) for case_id in flow_cases[1:]]
        flow_seconds, results = timed(lambda: asyncio.run(runs()))
        # the bare baseline: an async Prefect flow with as many (empty) task runs as drive-case made
        tasks = round(statistics.mean(r["rounds"] + len(r["steps"]) + 2 for r in results))   # + sync, notify

        async def bare_runs():
            for _ in flow_cases[1:]:
                await bare_flow(tasks)
        asyncio.run(bare_flow(tasks))
        bare_seconds, _ = timed(lambda: asyncio.run(bare_runs()))
    per_flow, per_direct, per_bare = flow_seconds / (n - 1), direct_seconds / n, bare_seconds / (n - 1)
    row(f"orchestration: drive-case on a new case ({n - 1} runs)", f"{per_flow * 1000:.0f} ms per run",
        f"the same steps called directly: {per_direct * 1000:.0f} ms", per_flow / per_direct)
    row(f"orchestration: drive-case against a bare Prefect flow ({tasks} task runs each)",
        f"{per_flow * 1000:.0f} ms per run", f"bare async flow, {tasks} empty tasks: {per_bare * 1000:.0f} ms",
        per_flow / per_bare)



def bench_served_mode(url: str) -> None:
    """Served mode's latency from a physician's clearance to the insurer's task (bench/served.py)."""
    from dataclasses import replace

    from coordinator.domain.actors import Actor
    from coordinator.extensions import db
    from coordinator.models import User
    from coordinator.services.cases import open_case

    from bench.served import bench_served

    actor, referral = therapist_and_referral()
    doctor = db.session.get(User, referral.physician_id)
    bench_served(url, row, lambda claim: open_case(actor, replace(referral, claim_number=claim)).id,
                 Actor(doctor.id, doctor.role, doctor.org_id))


# -- main ---------------------------------------------------------------------------------------------

def bench_dispatcher_drain(url: str) -> None:
    """One dispatcher's drain rate against two's (bench/served.py)."""
    from dataclasses import replace

    from coordinator.services.cases import open_case

    from bench.served import bench_dispatchers

    actor, referral = therapist_and_referral()
    bench_dispatchers(url, row, lambda claim: open_case(actor, replace(referral, claim_number=claim)).id)


def bench_documents(url: str, row_) -> None:
    """The 20 MB upload and download (bench/documents.py)."""
    from bench.documents import bench_documents as measure

    measure(url, row_)


def bench_board(row_, caseload: str) -> None:
    """The approvals board (bench/documents.py)."""
    from bench.documents import bench_board as measure

    measure(row_, caseload)


def main() -> None:
    """Build the database, run every measure in order, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=100_000, help="the large caseload (default 100,000)")
    parser.add_argument("--skip-http", action="store_true", help="leave out the gunicorn throughput runs")
    parser.add_argument("--http-only", action="store_true",
                        help="only the gunicorn throughput runs, on the demo and 10,000 cases")
    parser.add_argument("--only", choices=("orchestration", "served", "dispatchers", "pages", "documents"),
                        help="one group of figures alone, on the demo's cases")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    print(f"bench: fresh database {url}", flush=True)
    app = fresh_database(url)
    with app.app_context():
        from coordinator.demo.copies import copy_cases
        from coordinator.demo import load_demo
        from coordinator.extensions import db

        load_demo()
        db.session.commit()
        sync_all()   # what the flows keep for each case (tasks, next check, pending actions): copied with it
        from sqlalchemy import select

        from coordinator.models import Case

        TEMPLATES.extend(db.session.scalars(select(Case.id).order_by(Case.id)))
        copy_cases(10 - count_cases(), templates=TEMPLATES, start=0)
        if args.only:
            {"orchestration": lambda: bench_orchestration(app), "served": lambda: bench_served_mode(url),
             "dispatchers": lambda: bench_dispatcher_drain(url),
             "pages": lambda: statements_per_page(app),
             "documents": lambda: (bench_documents(url, row), bench_board(row, " on the demo"))}[args.only]()
            print()
            print(table())
            return
        if args.http_only:
            from bench.throughput import bench_http

            bulk_to(10_000, float("inf"))
            bench_http(url, row, " at 10,000 cases")
            print()
            print(table())
            return
        small = statements_per_page(app)
        service_rate = open_one_by_one(200)
        bulk_to(10_000, service_rate)
        large = statements_per_page(app)
        for url_ in PAGES:
            row(f"SQL statements per page: {url_}", f"{large[url_]} at {count_cases():,} cases",
                f"{small[url_]} at 10 cases", large[url_] / small[url_])
        bench_orchestration(app)
        bench_served_mode(url)
        bench_dispatcher_drain(url)
        if not args.skip_http:
            from bench.throughput import bench_http

            bench_http(url, row, " at 10,000 cases")
        bench_documents(url, row)
        bench_board(row, f" at {count_cases():,} cases")
        bulk_to(args.large, service_rate)
        bench_board(row, f" at {count_cases():,} cases")
        huge = statements_per_page(app)
        for url_ in PAGES:
            row(f"SQL statements per page: {url_}", f"{huge[url_]} at {count_cases():,} cases",
                f"{small[url_]} at 10 cases", huge[url_] / small[url_])
        if not args.skip_http:
            bench_http(url, row, f" at {count_cases():,} cases", only_lists=True)
        bench_sweep()
    print()
    print(table())


def table() -> str:
    """The rows as a Markdown table (the README's Performance section is pasted from it)."""
    lines = ["| measure | figure | baseline (same run) | ratio |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in ROWS]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
