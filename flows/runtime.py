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
    plain_http_trust()


# A certificate that trusts nothing: self-signed, valid for one day in January 2000, its key discarded.
PLAIN_HTTP_TRUST = Path(__file__).with_name("plain_http_trust.pem")


def plain_http_trust() -> None:
    """For a served Prefect API over plain HTTP (`flows serve`, or a server on the same private network), the
    trust store Prefect loads is never consulted: let it load one certificate that trusts nothing instead of
    certifi's ~140. Prefect builds an SSL context for every client it makes (one per task run), and loading the
    whole bundle costs ~35 ms each time on this machine (bench: served). Not for the embedded server (no
    PREFECT_API_URL): it keeps its state in SQLite, where runs that come faster only queue on its one write lock
    (measured slower, as the tests' harness is). An HTTPS API keeps Prefect's own trust settings, and should a
    plain URL ever end up speaking TLS, verification fails closed."""
    if os.environ.get("PREFECT_API_URL", "").startswith("http://"):
        os.environ.setdefault("PREFECT_API_SSL_CERT_FILE", str(PLAIN_HTTP_TRUST))
