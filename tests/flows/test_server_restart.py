"""A real Prefect server (its own process) stops while parties keep working and starts again: commits never
wait for it, the dispatcher claims nothing while it is gone, and afterwards every case moves exactly once."""

import os
import signal
import socket
import subprocess
import sys

from coordinator.models import OutboxRow
from flows.served import wait_healthy

from .test_drive_case import opened
from .test_faults import ROOT, _count, _each_case_moved_exactly_once, _wait_for


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(tmp_path, port: int, log_name: str) -> subprocess.Popen:
    """`prefect server start` on its own SQLite database under tmp_path (kept across restarts)."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": ""}
    env.pop("PREFECT_API_URL")
    log = open(tmp_path / log_name, "w")
    return subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                             str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_prefect_server_restarting_loses_nothing_and_repeats_nothing(app, parties, referral, tmp_path):
    port = _port()
    api = f"http://127.0.0.1:{port}/api"
    server = _server(tmp_path, port, "server-1.log")
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test",
           "COORDINATOR_INSTANCE": str(tmp_path), "PREFECT_API_URL": api}
    dispatcher = None
    try:
        wait_healthy(api, timeout=120)
        dispatcher = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "flows", "dispatch", "--batch", "2", "--lease-seconds", "5"],
            cwd=ROOT, env=env, stdout=open(tmp_path / "dispatcher.log", "w"), stderr=subprocess.STDOUT)
        before = [opened(parties, referral, claim_number=f"CLM-R{i}") for i in range(3)]
        assert _wait_for(lambda: _count(OutboxRow.processed_at.is_(None)) == 0), (tmp_path / "dispatcher.log").read_text()

        _stop(server)                                               # the orchestrator goes away
        during = [opened(parties, referral, claim_number=f"CLM-S{i}") for i in range(3)]   # commits succeed
        assert not _wait_for(lambda: _count(OutboxRow.processed_at.is_(None)) < 3, timeout=4)   # nothing runs
        assert _count(OutboxRow.claim_token.is_not(None), OutboxRow.processed_at.is_(None)) == 0  # nor is held

        server = _server(tmp_path, port, "server-2.log")            # back, with its history
        wait_healthy(api, timeout=120)
        assert _wait_for(lambda: _count(OutboxRow.processed_at.is_(None)) == 0, timeout=120), \
            (tmp_path / "dispatcher.log").read_text()[-3000:]
    finally:
        if dispatcher is not None:
            _stop(dispatcher)
        _stop(server)
    assert dispatcher.returncode == 0
    _each_case_moved_exactly_once(before + during)
