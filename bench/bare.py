"""The bare baseline of the orchestration figures: an async Prefect flow making N empty task runs, called the
way the dispatcher calls drive-case. What Prefect itself costs per run on this machine."""

from prefect import flow, task


@task(name="bare-task")
def empty(i: int) -> int:
    """Nothing: the task run's own cost alone."""
    return i


@flow(name="bare-flow")
async def bare_flow(tasks: int) -> int:
    """`tasks` empty task runs, one after the other, as drive-case makes its own."""
    return sum(empty(i) for i in range(tasks))
