"""The read side: per-actor queries for every page, API answer, export and FHIR bundle.

Each takes the actor and returns only what that actor may see, built without the fields it may not see; each
read of a case is audited here. The portals and the API read through this package and touch no model, no
session and no SQL of their own (tests/test_architecture.py)."""
