"""sweep: a scheduled flow that queues every case with time-due work for the dispatchers, in one statement.

It reads one indexed column (case_schedule.next_check_on), so idle cases cost nothing and no flow run
is ever started for a case with nothing due; the dispatchers then drive each queued case once."""

from datetime import date

from prefect import flow, task

from .runtime import app_context


@task(name="enqueue-due-cases")
def enqueue_due_cases(today: date | None = None) -> int:
    """Queue an outbox row for each open case whose next check has come and has none waiting."""
    from coordinator.services.outbox import enqueue_due

    with app_context():
        return enqueue_due(today)


@flow(name="sweep")
async def sweep(today: date | None = None) -> int:
    """Find the cases with time-due work (reviews, expiring authorizations, overdue tasks, follow-ups)."""
    return enqueue_due_cases(today or date.today())
