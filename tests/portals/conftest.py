"""A signed-in test client per party, for the portal tests."""

import pytest

from tests.factories import sign_in


@pytest.fixture
def browser_of(app, ctx):
    """make(actor): a test client of the party's own, signed in through the real form."""
    def make(actor):
        client = app.test_client()
        sign_in(client, actor)
        return client
    return make
