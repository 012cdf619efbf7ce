"""The deployment entry point the Prefect worker loads (entrypoint `flows/deployment.py:sweep`).

Absolute imports: the worker loads this file as a script, not as part of the package."""

from flows.sweep import sweep

__all__ = ["sweep"]
