"""`flask flows ...`: the dispatcher, the sweep, one drive-case run, the embedded mode and the served deployment."""

import asyncio
import json
import logging
import signal
import threading
from datetime import date, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

flows_cli = AppGroup("flows", help="Run the Prefect flows: dispatcher, sweep, drive-case.")

SWEEP_HOUR = 2   # the daily sweep runs at 02:00 local time (and once at start-up)


def _prepare() -> None:
    """Prefect's settings for this machine, then the app the tasks run in."""
    from coordinator.config import INSTANCE_DIR

    from .runtime import bind_app, prefect_defaults

    prefect_defaults(INSTANCE_DIR)
    bind_app(current_app._get_current_object())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)   # one line per Prefect API call otherwise


def run_until_signalled(main) -> None:
    """Run `main(stop)` in a thread of its own; SIGTERM or SIGINT sets `stop`, and the current flow run ends
    normally first. Off the main thread on purpose: there Prefect installs no SIGTERM handler of its own,
    which would crash the run in progress instead of letting it finish."""
    requested, setters = threading.Event(), []

    async def wrapped():
        stop, loop = asyncio.Event(), asyncio.get_running_loop()
        setters.append(lambda: loop.call_soon_threadsafe(stop.set))
        if requested.is_set():
            stop.set()
        await main(stop)

    thread = threading.Thread(target=lambda: asyncio.run(wrapped()), name="flows")

    def on_signal(*_):
        requested.set()
        for set_stop in setters:
            set_stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    thread.start()
    while thread.is_alive():
        thread.join(0.5)


def _dispatcher(batch: int, lease_seconds: float):
    from .dispatcher import Dispatcher

    return Dispatcher(batch=batch, lease=timedelta(seconds=lease_seconds))


@flows_cli.command("dispatch")
@click.option("--batch", default=50, show_default=True, help="Outbox rows claimed per round.")
@click.option("--lease-seconds", default=300.0, show_default=True,
              help="After this long a claimed row is taken over from a dispatcher that died.")
@click.option("--drain", is_flag=True, help="Stop once the backlog is empty instead of polling.")
def dispatch(batch: int, lease_seconds: float, drain: bool) -> None:
    """Relay outbox rows into drive-case flow runs, in this process, until stopped (SIGTERM/SIGINT)."""
    _prepare()
    dispatcher = _dispatcher(batch, lease_seconds)

    if drain:
        click.echo(json.dumps({"runs": asyncio.run(dispatcher.drain())}))
        return
    run_until_signalled(dispatcher.serve)


@flows_cli.command("sweep")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
def sweep_command(today: datetime | None) -> None:
    """Run the sweep flow once: queue every case with time-due work for the dispatchers."""
    _prepare()
    from .sweep import sweep

    queued = asyncio.run(sweep(today.date() if today else None))
    click.echo(json.dumps({"queued": queued}))


@flows_cli.command("drive")
@click.argument("case_id", type=int)
def drive(case_id: int) -> None:
    """Run drive-case once for one case and print what it did."""
    _prepare()
    from .drive_case import drive_case

    click.echo(json.dumps(asyncio.run(drive_case(case_id)), default=str))


def next_sweep(now: datetime) -> datetime:
    """The next daily sweep time after `now`."""
    at = now.replace(hour=SWEEP_HOUR, minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


@flows_cli.command("embedded")
@click.option("--batch", default=50, show_default=True)
@click.option("--lease-seconds", default=300.0, show_default=True)
def embedded(batch: int, lease_seconds: float) -> None:
    """What `make run` starts beside the web server: the sweep at start-up and daily, and a dispatcher,
    with real flow runs on Prefect's embedded local backend (no server to install)."""
    _prepare()
    from .sweep import sweep

    dispatcher = _dispatcher(batch, lease_seconds)

    async def sweeper(stop: asyncio.Event):
        while not stop.is_set():
            try:
                queued = await sweep(date.today())
                logging.getLogger("coordinator.sweep").info("sweep queued %s case(s)", queued)
            except Exception:   # the next day's sweep tries again; the dispatcher keeps running
                logging.getLogger("coordinator.sweep").exception("sweep failed")
            wait = (next_sweep(datetime.now()) - datetime.now()).total_seconds()
            try:
                await asyncio.wait_for(stop.wait(), timeout=wait)
            except TimeoutError:
                pass

    async def main(stop: asyncio.Event):
        await asyncio.gather(sweeper(stop), dispatcher.serve(stop))

    run_until_signalled(main)


@flows_cli.command("serve")
@click.option("--dispatchers", default=2, show_default=True, help="Dispatcher processes to start.")
@click.option("--cron", default=f"0 {SWEEP_HOUR} * * *", show_default=True, help="The sweep's schedule.")
@click.option("--port", default=4200, show_default=True, help="The Prefect server's port.")
def serve_command(dispatchers: int, cron: str, port: int) -> None:
    """Served mode: a Prefect server on PostgreSQL, the sweep deployed on a work pool with a worker, and
    several dispatchers (PREFECT_SERVER_DATABASE_CONNECTION_URL picks the server's database)."""
    from coordinator.config import INSTANCE_DIR

    from .runtime import prefect_defaults
    from .served import serve

    prefect_defaults(INSTANCE_DIR)
    raise SystemExit(serve(dispatchers, cron, port))
