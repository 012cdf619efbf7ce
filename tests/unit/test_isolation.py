"""The domain's unit tests run on the standard library alone: no Flask, no SQLAlchemy, no Prefect."""

import sys

import pytest

HEAVY = ("flask", "sqlalchemy", "flask_sqlalchemy", "prefect", "marshmallow")


def test_the_domain_tests_load_no_framework(request):
    if not request.config.getoption("noconftest"):
        pytest.skip("only meaningful in the domain's own run: make test runs tests/unit with --noconftest first")
    assert sorted(m for m in sys.modules if m.split(".")[0] in HEAVY) == []
