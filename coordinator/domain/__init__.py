"""Pure rules of work hardening: standard library only, no Flask, SQLAlchemy or Prefect."""
