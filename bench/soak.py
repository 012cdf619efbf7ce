"""`make soak`: a mixed workload against a local server for a bounded time; reports every error (must be none).

Writers run the README's curl walkthrough end to end (referral to a confirmed milestone, through every
party's token), paced under the sign-in throttle; readers hammer the portals and the API meanwhile; the
embedded flows drive each case between. At the end the audit chain must verify and the outbox must drain."""

import argparse
import itertools
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "demo-pass-2026"
READERS = {"therapist@demo.test": ["/therapist/", "/api/v1/inbox"],
           "casemanager@demo.test": ["/case-manager/", "/case-manager/?overdue=1", "/case-manager/escalations"],
           "insurer@demo.test": ["/insurer/"], "employer@demo.test": ["/employer/"],
           "physician@demo.test": ["/physician/"]}


class Tally:
    """Thread-safe counts of what happened, and the errors in full."""

    def __init__(self):
        self.lock, self.counts, self.errors = threading.Lock(), Counter(), []

    def ok(self, kind: str) -> None:
        """One success of `kind`."""
        with self.lock:
            self.counts[kind] += 1

    def error(self, kind: str, detail: str) -> None:
        """One failure, kept with its detail."""
        with self.lock:
            self.counts[f"{kind} errors"] += 1
            self.errors.append(f"{kind}: {detail[:2000]}")


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    """Run a flask CLI command on the soak's database; its output."""
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def signed_in(base: str, email: str) -> requests.Session:
    """A browser-like session signed in through the form."""
    web = requests.Session()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', web.get(f"{base}/login").text).group(1)
    answer = web.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                      allow_redirects=False)
    answer.raise_for_status()
    return web


def reader(base: str, email: str, paths: list[str], until: float, tally: Tally) -> None:
    """Read the role's pages and the API in a loop; anything but 200 is an error."""
    web = signed_in(base, email)
    for path in itertools.cycle(paths):
        if time.time() > until:
            return
        try:
            answer = web.get(base + path, allow_redirects=False, timeout=60)
            if path.startswith("/api/"):   # the API wants a token: a session cookie must get 401, never data
                good = answer.status_code == 401
            else:
                good = answer.status_code == 200
            (tally.ok if good else lambda k: tally.error(k, f"{path} -> {answer.status_code}"))("read")
        except requests.RequestException as exc:
            tally.error("read", f"{path}: {exc}")


def writer(base: str, env: dict, number: int, until: float, pace: float, tally: Tally) -> None:
    """Run the walkthrough again and again (a new claim each time) until the time is up."""
    for run in itertools.count():
        started = time.time()
        if started > until:
            return
        physician = "physician@demo.test" if (number + run) % 2 == 0 else "physician2@demo.test"
        claim = f"SOAK-{number}-{run}-{int(started)}"
        walk = subprocess.run(["bash", str(ROOT / "docs" / "api-walkthrough.sh")], cwd=ROOT, capture_output=True,
                              text=True, env={**env, "BASE": base, "CLAIM": claim, "PHYSICIAN_EMAIL": physician,
                                              "FLASK": f"{BIN / 'flask'} --app wsgi"}, timeout=300)
        if walk.returncode == 0:
            tally.ok("walkthrough")
        else:
            tally.error("walkthrough", f"{claim}: {walk.stderr[-1500:]}")
        time.sleep(max(0.0, pace - (time.time() - started)))   # stay under the sign-in throttle


def backlog(env: dict) -> int:
    """Outbox rows the flows have not processed yet."""
    code = ("from coordinator import create_app; from coordinator.services.outbox import backlog; "
            "app = create_app()\nwith app.app_context(): print(backlog())")
    out = subprocess.run([str(BIN / "python"), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else -1


def main() -> int:
    """Set up, run the workload, check the end state, print the report; non-zero on any error."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", "120")))
    parser.add_argument("--writers", type=int, default=2)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="coordinator-soak-"))
    env = {**os.environ, "COORDINATOR_INSTANCE": str(instance), "COORDINATOR_SECURE_COOKIES": "0",
           "SECRET_KEY": "soak-" + os.urandom(8).hex(), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           # every simulated party comes from 127.0.0.1: the per-address throttles would count them as one
           # client; the per-account sign-in throttle stays as shipped (hence the writers' pace)
           "LOGIN_RATE_LIMITS": "600 per minute", "TOKEN_RATE_LIMITS": "600 per minute"}
    env.setdefault("DATABASE_URL", os.environ.get("SOAK_DATABASE_URL", f"sqlite:///{instance / 'soak.db'}"))
    flask(env, "db", "upgrade")
    flask(env, "demo")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--worker-class", "gthread",
                            "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    flows_log = open(instance / "flows.log", "w")
    flows = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "flows", "embedded"], cwd=ROOT, env=env,
                             stdout=flows_log, stderr=subprocess.STDOUT)
    tally = Tally()
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        until = time.time() + args.seconds
        # 2 physicians x 5 sign-ins a minute (LOGIN_ACCOUNT_RATE_LIMIT): each writer starts a run every 25 s
        threads = [threading.Thread(target=writer, args=(base, env, n, until, 25.0, tally))
                   for n in range(args.writers)]
        threads += [threading.Thread(target=reader, args=(base, email, paths, until, tally))
                    for email, paths in READERS.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        deadline, left = time.time() + 60, backlog(env)
        while left and time.time() < deadline:   # the flows finish what the workload queued
            time.sleep(2)
            left = backlog(env)
        if left:
            tally.error("outbox", f"{left} rows still waiting 60 s after the workload stopped")
        verify = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "audit", "verify"], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        (tally.ok if verify.returncode == 0 else lambda k: tally.error(k, verify.stdout + verify.stderr))("audit")
    finally:
        for proc in (flows, web):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        flows_log.close()
    print(f"soak: {args.seconds} s against {env['DATABASE_URL']}")
    for kind, count in sorted(tally.counts.items()):
        print(f"  {kind}: {count}")
    for line in tally.errors[:20]:
        print(f"  ERROR {line}")
    print(f"errors: {len(tally.errors)} (flows log: {instance / 'flows.log'})")
    return 1 if tally.errors or not tally.counts["walkthrough"] else 0


if __name__ == "__main__":
    sys.exit(main())
