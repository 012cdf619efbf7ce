"""Records which API operations each test calls, so a final test can prove every operation has a test."""

import re

import pytest
from flask import request, request_finished

# (OpenAPI path, method) -> node ids of the tests that called it
HITS: dict[tuple[str, str], set[str]] = {}
_current = {"test": None}


def openapi_path(rule: str) -> str:
    """`/api/v1/cases/<int:case_id>` -> `/api/v1/cases/{case_id}`, as the OpenAPI document spells it."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _record(sender, response, **extra):
    rule = request.url_rule
    if rule is None or not rule.rule.startswith("/api/v1") or _current["test"] is None:
        return
    HITS.setdefault((openapi_path(rule.rule), request.method.lower()), set()).add(_current["test"])


def connect(app) -> None:
    """Record every request the app answers (test client and live server alike)."""
    request_finished.connect(_record, app)


@pytest.fixture(autouse=True)
def _name_the_test(request):
    _current["test"] = request.node.nodeid
    yield
    _current["test"] = None
