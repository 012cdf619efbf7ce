"""drive-case: one Prefect flow run that takes every automatic step due on a case, then syncs its tasks.

A reconciler: it reads the case and acts only on what is due, so running it twice changes nothing the
second time (DESIGN.md, rule 2). Each task wraps one service call."""

from datetime import date

from prefect import flow, task

from .runtime import app_context

MAX_ROUNDS = 6   # one step can make the next due (clearance in -> authorization); the chain is short


@task(name="due-steps", task_run_name="due-steps-{case_id}")
def due_steps(case_id: int, today: date | None = None) -> list[str]:
    """The automatic steps due on the case now."""
    from coordinator.services.automation import due_steps as steps

    with app_context():
        return [str(s.kind) for s in steps(case_id, today)]


@task(name="take-step", task_run_name="{kind}-{case_id}")
def take_step(case_id: int, kind: str, today: date | None = None) -> bool:
    """One automatic step through its service; False when it was no longer due."""
    from coordinator.services.automation import take_step as take

    with app_context():
        return take(case_id, kind, today)


@task(name="sync-tasks", task_run_name="sync-tasks-{case_id}")
def sync_tasks(case_id: int, today: date | None = None) -> dict:
    """Open, close and escalate the case's tasks; set its next check."""
    from coordinator.services.automation import sync_tasks as sync

    with app_context():
        return sync(case_id, today)


@task(name="notify", task_run_name="notify-{case_id}")
def notify(case_id: int) -> int:
    """Send the case's unsent notifications through the configured channel."""
    from coordinator.notify import deliver_pending

    with app_context():
        return deliver_pending(case_id)


@flow(name="drive-case", flow_run_name="drive-case-{case_id}", retries=0)
async def drive_case(case_id: int, today: date | None = None) -> dict:
    """Every automatic step due on the case, then its tasks and notifications; idempotent."""
    taken: list[str] = []
    rounds = 0
    for _ in range(MAX_ROUNDS):
        rounds += 1
        progressed = False
        for kind in due_steps(case_id, today):
            if take_step(case_id, kind, today):
                taken.append(kind)
                progressed = True
        if not progressed:
            break
    counts = sync_tasks(case_id, today)
    return {"case_id": case_id, "steps": taken, "rounds": rounds, **counts, "notified": notify(case_id)}
