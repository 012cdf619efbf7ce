"""Served mode, what production runs: a Prefect server on PostgreSQL, the sweep as a scheduled deployment on a
process work pool with a worker, and N dispatcher processes. `flask flows serve` starts them all for a
machine of its own; in production each is a service of its own (README, "Running the flows")."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
POOL = "coordinator"
DEPLOYMENT = "daily"
DEFAULT_SERVER_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/prefect"


def ensure_database(url: str) -> None:
    """Create the Prefect server's PostgreSQL database when it does not exist yet."""
    import psycopg

    parts = urlsplit(url.replace("+asyncpg", ""))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def wait_healthy(api_url: str, timeout: float = 120) -> None:
    """Block until the server answers /health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{api_url}/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server at {api_url} did not become healthy in {timeout:.0f} s")


def deploy_sweep(cron: str) -> None:
    """The sweep as a deployment with its schedule on the process work pool (no image, no git)."""
    from prefect import flow

    subprocess.run([sys.executable, "-m", "prefect", "work-pool", "create", POOL, "--type", "process"],
                   capture_output=True)   # fails harmlessly when the pool exists
    flow.from_source(source=str(ROOT), entrypoint="flows/deployment.py:sweep").deploy(
        name=DEPLOYMENT, work_pool_name=POOL, cron=cron, build=False, push=False)


def serve(dispatchers: int, cron: str, port: int) -> int:
    """Start everything, run the sweep once, and wait; SIGINT or SIGTERM stops every process."""
    server_db = os.environ.setdefault("PREFECT_SERVER_DATABASE_CONNECTION_URL", DEFAULT_SERVER_DB)
    api_url = os.environ.setdefault("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    os.environ.setdefault("PREFECT_UI_API_URL", api_url)
    ensure_database(server_db)
    children: list[subprocess.Popen] = []

    def start(*command: str) -> subprocess.Popen:
        child = subprocess.Popen(list(command), cwd=ROOT, env=os.environ.copy())
        children.append(child)
        return child

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        start(sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port))
        wait_healthy(api_url)
        deploy_sweep(cron)
        start(sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL)
        for _ in range(dispatchers):
            start(sys.executable, "-m", "flask", "--app", "wsgi", "flows", "dispatch")
        subprocess.run([sys.executable, "-m", "prefect", "deployment", "run", f"sweep/{DEPLOYMENT}"], check=False)
        print(f"served: Prefect API {api_url}, {dispatchers} dispatcher(s), sweep/{DEPLOYMENT} on pool {POOL} "
              f"({cron}); Ctrl-C stops everything", flush=True)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGINT)   # the worker ignores SIGTERM but stops on SIGINT
        for child in reversed(children):
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0
