"""Use cases: each takes an explicit actor and runs as one transaction (state, event, audit, outbox)."""
