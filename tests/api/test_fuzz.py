"""Schemathesis drives every operation of the OpenAPI document with generated input and a real token:
no server error, every answer that claims success matches its declared schema, and an operation that
answered with success refuses the same request without a token or with a bogus one (ignored_auth)."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import ignored_auth, response_schema_conformance

from coordinator.auth.scopes import scopes_for_role

# bounded so the suite stays fast; `make fuzz` (issue 7) raises it
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))


@pytest.fixture
def token_headers(parties, referral, bearer):
    """A clinic token holding every scope a case manager may hold, and one case to aim at."""
    from coordinator.services.cases import open_case

    open_case(parties.therapist, referral())
    return bearer(parties.case_manager, " ".join(sorted(scopes_for_role("case_manager"))))


def test_api_never_errors_and_answers_its_schema(app, token_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True)
        def exercise(case):
            case.call_and_validate(headers=token_headers, checks=[not_a_server_error, response_schema_conformance,
                                                                     ignored_auth])

        exercise()
