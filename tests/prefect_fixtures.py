"""Fixtures for real Prefect flow runs: one test server for the whole session, flows bound to the test app."""

import asyncio

import pytest

from flows.dispatcher import Dispatcher
from flows.runtime import bind_app


@pytest.fixture(scope="session")
def prefect_api():
    """A temporary Prefect server (prefect_test_harness), started once: it takes ~15 s here."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flows(app, ctx, prefect_api):
    """The flows' tasks run in the test app, on the test database."""
    bind_app(app)
    yield
    bind_app(None)


@pytest.fixture
def drain(flows):
    """Relay every waiting outbox row into drive-case runs, as a dispatcher does; returns the run count."""
    return lambda: asyncio.run(Dispatcher(idle_seconds=0).drain())
