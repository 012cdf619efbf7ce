"""Bearer tokens for the security tests: the API tests' own fixtures, shared here."""

from tests.api.conftest import bearer, user_bearer  # noqa: F401  (the API tests' fixtures)
