"""sweep: a scheduled flow that queues every case with time-due work for the dispatchers, in one statement.

It reads one indexed column (case_schedule.next_check_on), so idle cases cost nothing and no flow run
is ever started for a case with nothing due; the dispatchers then drive each queued case once. It also purges
expired OAuth codes, tokens and idempotency records."""

from datetime import date

from prefect import flow, task

from .runtime import app_context


@task(name="enqueue-due-cases")
def enqueue_due_cases(today: date | None = None) -> int:
    """Queue an outbox row for each open case whose next check has come and has none waiting."""
    from coordinator.services.outbox import enqueue_due

    with app_context():
        return enqueue_due(today)


@task(name="purge-expired")
def purge_expired() -> dict[str, int]:
    """Delete OAuth codes, tokens and idempotent answers that have outlived their use."""
    from coordinator.services.purge import purge_expired as purge

    with app_context():
        return purge()


@flow(name="sweep")
async def sweep(today: date | None = None) -> int:
    """Find the cases with time-due work (reviews, expiring authorizations, overdue tasks, follow-ups), and purge
    what has expired (the daily schedule is the purge's too)."""
    queued = enqueue_due_cases(today or date.today())
    purge_expired()
    return queued
