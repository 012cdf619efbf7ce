"""The Flask app the flows' tasks run in, and Prefect's settings for the embedded mode."""

import os
from contextlib import contextmanager
from pathlib import Path

_app = None


def bind_app(app) -> None:
    """Use this app (the tests' app, or the one a CLI command already built) in every task."""
    global _app
    _app = app


def get_app():
    """The bound app, else one built from the environment (a deployment's worker process)."""
    global _app
    if _app is None:
        from coordinator import create_app

        _app = create_app()
    return _app


@contextmanager
def app_context():
    """An app context of its own for each task: its own database session and transaction."""
    with get_app().app_context():
        yield


def prefect_defaults(instance_dir: Path | str | None = None) -> None:
    """Settings Prefect needs on this machine, unless the environment already chose (PITFALLS.md, Prefect):
    a home of our own, a start-up timeout the ephemeral server can meet on 2 cores, and no telemetry."""
    if instance_dir is not None:
        os.environ.setdefault("PREFECT_HOME", str(Path(instance_dir) / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # a server that accepts but never answers would hold a run for minutes with the defaults; the
    # dispatcher treats a failed run as not done and retries, so fail fast instead
    os.environ.setdefault("PREFECT_API_REQUEST_TIMEOUT", "10")
    os.environ.setdefault("PREFECT_CLIENT_MAX_RETRIES", "2")
