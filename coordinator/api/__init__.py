"""The JSON API under /api/v1, for partner systems holding OAuth 2.0 bearer tokens."""
