"""Read throughput under gunicorn at 32 concurrent clients (locust), against a bare Flask hello-world."""

import csv
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread", "--log-level", "warning"]
USERS, SECONDS = 32, int(os.environ.get("BENCH_SECONDS", "20"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}", target],
                            cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn did not start for {target}")


def _load(base: str, path: str, headers: dict, users: int = USERS) -> dict:
    """Run locust headless against one path; requests/s, p50, p99 (ms) and failures from its CSV."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BENCH_PATH": path, "BENCH_HEADERS": json.dumps(headers)}
        subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "-u", str(users), "-r", str(users), "-t", f"{SECONDS}s", "--host", base,
                        "--csv", f"{tmp}/run", "--only-summary", "--loglevel", "ERROR"],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(f"{tmp}/run_stats.csv") as f:
            total = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    def number(name):   # locust writes N/A when no request completed within the run
        return float(total[name]) if total[name] not in ("", "N/A") else float("nan")

    return {"rps": number("Requests/s"), "p50": number("50%"), "p99": number("99%"),
            "failures": int(total["Failure Count"]), "requests": int(total["Request Count"])}


def _credentials(base: str) -> tuple[dict, dict]:
    """A portal session cookie (signed in once, shared: the sign-in throttle is not under test) and an
    API bearer token of the demo case manager's clinic."""
    import requests

    from coordinator.demo import DEMO_PASSWORD

    web = requests.Session()
    form = web.get(f"{base}/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    web.post(f"{base}/login", data={"email": "therapist@demo.test", "password": DEMO_PASSWORD,
                                    "csrf_token": token}, allow_redirects=False).raise_for_status()
    cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)
    client_id, secret = _api_client()
    token = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials", "scope": "cases:read"},
                          auth=(client_id, secret)).json()["access_token"]
    return {"Cookie": cookie}, {"Authorization": f"Bearer {token}"}


def _api_client() -> tuple[str, str]:
    from sqlalchemy import select

    from coordinator.auth.clients import create_client
    from coordinator.extensions import db
    from coordinator.models import Organisation, User

    user = db.session.scalar(select(User).where(User.email == "casemanager@demo.test"))
    org = db.session.get(Organisation, user.org_id)
    row, secret = create_client(org.slug, "case_manager", name="bench", scopes=["cases:read"])
    db.session.commit()
    return row.client_id, secret


def _serve_and_load(target: str, env: dict, path: str) -> dict:
    """Serve a baseline app alone and load one path with the bench's clients."""
    proc, base = _serve(target, env)
    try:
        return _load(base, path, {})
    finally:
        proc.terminate()
        proc.wait()


def bench_http(database_url: str, row, caseload: str = "", only_lists: bool = False) -> None:
    """Each read against the floor of a real read (bench/floor.py: one case row by id as JSON through Flask and
    SQLAlchemy), both under the same gunicorn settings and the same 32 clients; the floor against hello-world;
    the API's case JSON at 8 and 32 clients against one. `only_lists`: the inbox and caseload reads alone (the
    large caseload's run)."""
    env = {**os.environ, "DATABASE_URL": database_url, "COORDINATOR_SECURE_COOKIES": "0",
           "RATELIMIT_STORAGE_URI": "memory://", "PYTHONPATH": str(ROOT)}
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.models import Case

    case_id = db.session.scalar(select(Case.id).where(Case.stage == "program").order_by(Case.id))
    floor = _serve_and_load("bench.floor:app", env, f"/cases/{case_id}")
    floor_words = f"floor of a real read: {floor['rps']:.0f} req/s, p50 {floor['p50']:.0f} ms"
    if not only_lists:
        hello = _serve_and_load("bench.hello:app", env, "/")
        row(f"HTTP floor of a real read (one case row as JSON), {USERS} clients, gunicorn 2x4",
            f"{floor['rps']:.0f} req/s, p50 {floor['p50']:.0f} ms",
            f"hello-world: {hello['rps']:.0f} req/s, p50 {hello['p50']:.0f} ms", floor["rps"] / hello["rps"])
    app, base = _serve("wsgi:app", env)
    try:
        portal, api = _credentials(base)
        reads = [("portal inbox + caseload", "/therapist/", portal), ("API inbox", "/api/v1/inbox", api)]
        if not only_lists:
            reads += [("portal caseload search", "/therapist/?q=LG-00012", portal),
                      ("portal case page", f"/therapist/cases/{case_id}", portal),
                      ("API case JSON", f"/api/v1/cases/{case_id}", api), ("API case list", "/api/v1/cases", api)]
            # reads scale with clients once no global lock orders them (each read appends an audit entry)
            alone = _load(base, f"/api/v1/cases/{case_id}", api, users=1)
            for users in (8, 32):
                many = _load(base, f"/api/v1/cases/{case_id}", api, users=users)
                row(f"HTTP API case JSON, {users} clients vs 1, gunicorn 2x4",
                    f"{many['rps']:.1f} req/s, p50 {many['p50']:.0f} ms",
                    f"1 client: {alone['rps']:.1f} req/s, p50 {alone['p50']:.0f} ms", many["rps"] / alone["rps"])
        for name, path, headers in reads:
            result = _load(base, path, headers)
            if result["failures"]:
                raise RuntimeError(f"{name}: {result['failures']} of {result['requests']} requests failed")
            figure = (f"{result['rps']:.1f} req/s, p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms"
                      if result["requests"] else f"no request completed within {SECONDS} s")
            row(f"HTTP {name}{caseload}, {USERS} clients, gunicorn 2x4", figure, floor_words,
                result["rps"] / floor["rps"] if result["requests"] else 0.0)
    finally:
        app.terminate()
        app.wait()
