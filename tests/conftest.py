"""Shared fixtures: one app and migrated database per test session, emptied after each test."""

import os
import tempfile

import pytest
from flask import g, request_started
from sqlalchemy import text

from coordinator import create_app
from coordinator.extensions import db, limiter
from tests.midnight import wait_if_the_day_would_end

# before the test modules (and their `TODAY`) are imported
wait_if_the_day_would_end()

pytest_plugins = ["tests.factories", "tests.mail", "tests.operations", "tests.prefect_fixtures"]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

# Prefect reads its settings at import: a home of the suite's own, so runs never share state with a
# developer's Prefect, a start-up timeout the test server can meet on 2 cores, no telemetry (PITFALLS.md)
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="coordinator-prefect-")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# the audit log's signing key: the suite's own, outside the repository, shared with the flows it starts
_KEYS = tempfile.mkdtemp(prefix="coordinator-audit-keys-")
os.environ.setdefault("AUDIT_SIGNING_KEY_FILE", os.path.join(_KEYS, "audit-signing-key.pem"))
os.environ.setdefault("AUDIT_PUBLIC_KEYS_DIR", os.path.join(_KEYS, "retired"))


def _reset_postgres(url: str) -> None:
    """Start from an empty schema so the migrations are applied from scratch."""
    from sqlalchemy import create_engine

    from coordinator.config import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on the test database (PostgreSQL when TEST_DATABASE_URL is set), migrated to head."""
    from flask_migrate import upgrade

    from coordinator.config import database_url

    if POSTGRES_URL:
        _reset_postgres(POSTGRES_URL)
        url = database_url(POSTGRES_URL)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    # FACTS_VERIFY: every read of a case's kept facts also works them out afresh and fails on a difference, so
    # each test of the suite checks that no change reaches a case's facts without a new case version
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test",
                      "SESSION_COOKIE_SECURE": False, "DEVELOPMENT": True, "FACTS_VERIFY": True,
                      "DOCUMENTS_DIR": str(tmp_path_factory.mktemp("documents"))})
    with app.app_context():
        upgrade()
    request_started.connect(_fresh_globals, app)
    from tests.operations import connect

    connect(app)  # imported here: pytest must load the plugin module first to rewrite its asserts
    return app


def _fresh_globals(sender, **extra):
    """Tests keep an app context open, which Flask reuses for client requests, sharing `g`;
    in production every request has its own, so start each test request with an empty `g`."""
    g.__dict__.clear()


def _empty_all_tables() -> None:
    """Remove every row so each test starts from an empty database."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    for name in tables:
        if name in ("audit_entry", "audit_checkpoint") and db.engine.dialect.name == "postgresql":
            # their triggers refuse DELETE; TRUNCATE of a small table is cheap (of all twenty, not)
            db.session.execute(text(f"TRUNCATE {name}"))
        else:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()


@pytest.fixture
def ctx(app, request):
    """An app context on an empty database; everything written is removed afterwards (in a module that shares
    its rows, `SHARED_ROWS = True`, after the module instead: see `module_ctx`)."""
    with app.app_context():
        try:
            yield app
        finally:
            db.session.rollback()
            if not getattr(request.module, "SHARED_ROWS", False):
                _empty_all_tables()
            db.session.remove()
            limiter.reset()  # throttling counts must not leak from one test into the next


@pytest.fixture(scope="module")
def module_ctx(app, request):
    """An app context for a module whose tests only read one expensive set of rows (the demo, its copies),
    built once for the module by a module-scoped fixture on this one and removed after the module's last test.
    The module declares `SHARED_ROWS = True`, so its tests' own contexts leave the rows in place."""
    assert getattr(request.module, "SHARED_ROWS", False), "a module sharing rows declares SHARED_ROWS = True"
    with app.app_context():
        _empty_all_tables()   # whatever an earlier module left, this one starts from nothing
        try:
            yield app
        finally:
            db.session.rollback()
            _empty_all_tables()
            db.session.remove()
            limiter.reset()


@pytest.fixture
def client(app, ctx):
    """A test client on the same empty database."""
    return app.test_client()


@pytest.fixture
def runner(app, ctx):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()


@pytest.fixture
def live_server(app, ctx):
    """The app served over real HTTP on 127.0.0.1 (a free port) in a thread, for real clients."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
