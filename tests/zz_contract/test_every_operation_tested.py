"""Runs last (directories are collected by name): every operation in the OpenAPI document has a test.

The schemathesis run calls every operation by construction, so its calls do not count here."""

import pytest

from tests.operations import HITS


def _tested_operations() -> set[tuple[str, str]]:
    return {op for op, tests in HITS.items() if any("test_fuzz" not in t for t in tests)}


def _api_tests_ran(session) -> bool:
    options = session.config.option
    if options.keyword or options.markexpr:
        return False
    ran = {item.nodeid.split("::")[0] for item in session.items}
    return any(path.startswith("tests/api/") for path in ran) and any(path.startswith("tests/auth/") for path in ran)


def test_every_openapi_operation_is_called_by_a_test(request, client, ctx):
    """Each (path, method) of /api/v1/openapi.json was called by at least one test other than the fuzzer."""
    if not _api_tests_ran(request.session):
        pytest.skip("needs the whole suite (tests/api and tests/auth) in the same run")
    spec = client.get("/api/v1/openapi.json").json
    operations = {(path, method) for path, item in spec["paths"].items() for method in item
                  if method in {"get", "post", "put", "patch", "delete"}}
    untested = sorted(operations - _tested_operations())
    assert not untested, f"operations without a test: {untested}"
