"""`make fuzz`: schemathesis from the outside, with every check and the stateful phase, as each of the
five parties, against a served app on SQLite and on PostgreSQL; exits non-zero on any failure.

For each database: a fresh schema, the demo data, one OAuth client per party, gunicorn on a free port, a
token per party from the authorization-code flow with PKCE (the demo person signs in and approves every
scope the role may hold: a physician's token must act for a person), then `st run` once per party with the project's
settings (tests/fuzz/schemathesis.toml: which statuses each check accepts, and why). PostgreSQL is
TEST_DATABASE_URL / FUZZ_DATABASE_URL if set, else a throwaway database on 127.0.0.1:5432.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
REDIRECT = "http://127.0.0.1:1/callback"   # the code is read from the redirect, never followed
# (organisation slug, role, the demo person who signs in) for each party
PARTIES = [("northside-rehab", "therapist", "therapist@demo.test"),
           ("northside-rehab", "case_manager", "casemanager@demo.test"),
           ("harbour-occmed", "physician", "physician@demo.test"),
           ("acme-logistics", "employer", "employer@demo.test"),
           ("keystone-mutual", "insurer", "insurer@demo.test")]
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")
PHASES = os.environ.get("FUZZ_PHASES", "examples,coverage,fuzzing,stateful")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _flask(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout


def _prepare(env: dict) -> list[tuple[str, str, str, str]]:
    """Migrate, load the demo and register one client per party; (role, e-mail, client_id, secret) each."""
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "--if-empty")
    clients = []
    for org, role, email in PARTIES:
        made = json.loads(_flask(env, "clients", "create", "--org", org, "--role", role, "--name", f"fuzz {role}",
                                 "--grant", "authorization_code", "--redirect-uri", REDIRECT))
        clients.append((role, email, made["client_id"], made["client_secret"]))
    return clients


def _serve(env: dict) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--worker-class", "gthread",
                             "--log-level", "warning", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                            cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/api/v1/openapi.json", timeout=1).raise_for_status()
            return proc, base
        except (requests.RequestException, OSError):
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _token(base: str, role: str, email: str, client_id: str, secret: str) -> str:
    """The party's access token: sign in, approve the consent page, exchange the code (PKCE S256)."""
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session

    from coordinator.auth.scopes import scopes_for_role
    from coordinator.demo import DEMO_PASSWORD

    browser = requests.Session()
    signed_in = browser.post(f"{base}/login", data={"email": email, "password": DEMO_PASSWORD,
                                                    "csrf_token": _csrf(browser.get(f"{base}/login").text)},
                             allow_redirects=False, timeout=10)
    if signed_in.status_code != 302:
        raise RuntimeError(f"{email} could not sign in ({signed_in.status_code})")
    oauth = OAuth2Session(client_id, secret, scope=" ".join(sorted(scopes_for_role(role))), redirect_uri=REDIRECT,
                          code_challenge_method="S256")
    verifier = generate_token(48)
    url, _state = oauth.create_authorization_url(f"{base}/oauth/authorize", code_verifier=verifier)
    consent = browser.get(url, timeout=10)
    callback = browser.post(consent.url, data={"csrf_token": _csrf(consent.text), "decision": "approve"},
                            allow_redirects=False, timeout=10).headers["Location"]
    return oauth.fetch_token(f"{base}/oauth/token", authorization_response=callback,
                             code_verifier=verifier)["access_token"]


def _config(base: str, token: str, folder: Path) -> Path:
    """The project's settings plus the ids that exist for this party: a case it may see (so calls on a case
    reach the rules instead of a 404) and, for a referral, the parties of that case (real organisations)."""
    headers = {"Authorization": f"Bearer {token}"}
    cases = requests.get(f"{base}/api/v1/cases", params={"per_page": 1}, headers=headers, timeout=10).json()["items"]
    text = CONFIG.read_text()
    if cases:
        case = requests.get(f"{base}/api/v1/cases/{cases[0]['id']}", headers=headers, timeout=10).json()
        pass
        ids = {name: case.get(name) for name in ("clinic_id", "employer_id", "insurer_id", "physician_id")}
        if all(ids.values()):
            pinned = ", ".join(f'"body.{name}" = {value}' for name, value in ids.items())
            text += (f'\n[[operations]]\ninclude-path = "/api/v1/cases"\ninclude-method = "POST"\n'
                     f'parameters = {{ {pinned} }}\n')
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schemathesis.toml").write_text(text)
    return folder / "schemathesis.toml"


def _fuzz(base: str, role: str, token: str, reports: Path) -> int:
    """One `st run` as one party; its exit status (0: no failure)."""
    print(f"-- schemathesis as the {role}", flush=True)
    config = _config(base, token, reports / role)
    command = [str(BIN / "st"), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
               # one worker: schemathesis 4.32 on Python 3.11 trips over its own threads in the coverage phase
               "--checks", "all", "--phases", PHASES, "--max-examples", EXAMPLES,
               "--header", f"Authorization: Bearer {token}", "--workers", "1", "--no-color",
               "--report", "junit", "--report-dir", str(reports / role), *os.environ.get("FUZZ_ARGS", "").split()]
    return subprocess.run(command, cwd=ROOT).returncode


def run_on(url: str, label: str) -> dict[str, int]:
    """Every party's run against one database; the exit status of each."""
    instance = tempfile.mkdtemp(prefix=f"coordinator-fuzz-{label}-")
    # development: the session cookie is not Secure, so the sign-in works over plain http on 127.0.0.1
    env = {**os.environ, "COORDINATOR_INSTANCE": instance, "DATABASE_URL": url, "COORDINATOR_ENV": "development",
           # the throttles guard a public server; here they would turn the generated requests into 429s
           "RATELIMIT_STORAGE_URI": "memory://", "TOKEN_RATE_LIMITS": "100000 per minute",
           "LOGIN_RATE_LIMITS": "100000 per minute",
           "AUDIT_SIGNING_KEY_FILE": os.path.join(instance, "audit-signing-key.pem")}
    print(f"== make fuzz on {label} ({instance})", flush=True)
    clients = _prepare(env)
    proc, base = _serve(env)
    results = {}
    try:
        for role, email, client_id, secret in clients:
            if role not in os.environ.get("FUZZ_PARTIES", role):
                continue
            results[role] = _fuzz(base, role, _token(base, role, email, client_id, secret),
                                  Path(instance) / "reports")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return results


def _postgres() -> tuple[str, callable]:
    """The PostgreSQL URL to fuzz against and how to clean up after it."""
    given = os.environ.get("FUZZ_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if given:
        from sqlalchemy import create_engine, text

        from coordinator.config import database_url

        engine = create_engine(database_url(given))
        with engine.begin() as conn:   # a fresh schema, as the suite starts from
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return given, lambda: None
    name = f"coordinator_fuzz_{os.getpid()}"
    admin = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-d", "postgres", "-c"]
    subprocess.run([*admin, f'CREATE DATABASE "{name}"'], check=True)
    return (f"postgresql://postgres@127.0.0.1:5432/{name}",
            lambda: subprocess.run([*admin, f'DROP DATABASE IF EXISTS "{name}"'], check=False))


def main() -> int:
    """Fuzz on SQLite then PostgreSQL (FUZZ_DATABASES=sqlite or postgresql for one); 0 when all are clean."""
    wanted = os.environ.get("FUZZ_DATABASES", "sqlite,postgresql").split(",")
    outcome = {}
    if "sqlite" in wanted:
        folder = tempfile.mkdtemp(prefix="coordinator-fuzz-db-")
        outcome["sqlite"] = run_on(f"sqlite:///{folder}/fuzz.db", "sqlite")
    if "postgresql" in wanted:
        url, cleanup = _postgres()
        try:
            outcome["postgresql"] = run_on(url, "postgresql")
        finally:
            cleanup()
    print("== make fuzz: " + "; ".join(f"{db}: " + ", ".join(f"{role} {'clean' if code == 0 else 'FAILED'}"
                                                              for role, code in runs.items())
                                       for db, runs in outcome.items()), flush=True)
    return 0 if all(code == 0 for runs in outcome.values() for code in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
