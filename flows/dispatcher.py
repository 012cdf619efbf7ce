"""The dispatcher: a long-lived process that relays outbox rows into in-process drive-case flow runs.

Several may run at once: each claims rows under a lease (SKIP LOCKED on PostgreSQL), coalesces one
case's rows into one run, and marks them done only after that run completed. A crashed dispatcher's
rows are taken over when the lease runs out; running a case twice is harmless (drive-case is
idempotent). While the Prefect API is unreachable nothing is claimed: commits still succeed and the
backlog drains when it returns."""

import asyncio
import logging
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta

from .drive_case import drive_case
from .runtime import app_context

log = logging.getLogger("coordinator.dispatcher")


async def api_ok(timeout: float = 5.0) -> bool:
    """True when the configured Prefect API (or the embedded one) answers its health check in time."""
    from prefect.client.orchestration import get_client

    try:
        async with asyncio.timeout(timeout):
            async with get_client() as client:
                return await client.api_healthcheck() is None
    except (TimeoutError, OSError):
        return False
    except Exception as error:   # httpx and Prefect raise their own kinds for an unreachable server
        log.warning("Prefect API health check failed: %s", error)
        return False


@dataclass
class Dispatcher:
    """Claims, runs and completes; `run_once` is one round, `serve` loops until stopped."""

    batch: int = 50
    lease: timedelta = timedelta(minutes=5)
    idle_seconds: float = 0.25
    max_pause_seconds: float = 30.0
    seal_seconds: float = 5.0          # the audit log is sealed into a signed checkpoint this often
    # a healthy Prefect API is trusted this long before it is asked again: not a round trip on every event's
    # path (a run that fails meanwhile releases its rows for a retry, and the next round asks again)
    health_seconds: float = 2.0
    _sealed_at: float = 0.0
    _healthy_at: float | None = None
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    _pause: float = 0.0

    async def run_once(self) -> int:
        """Drive every case of one claim; returns how many runs completed (0 when idle or the API is down)."""
        from coordinator.services import outbox

        with app_context():
            if not outbox.claimable(self.lease):
                return 0
        if self._healthy_at is None or time.monotonic() - self._healthy_at > self.health_seconds:
            self._healthy_at = None
            if not await api_ok():
                raise ConnectionError("the Prefect API is unreachable")
            self._healthy_at = time.monotonic()
        with app_context():
            claim = outbox.claim(self.batch, self.lease)
        done = 0
        for case_id in claim.cases:
            try:
                # no tags: tagged task runs each consult the tag concurrency limits, a round trip (and a
                # 503 with a 2 s back-off when the server is busy); the run's name names its case
                await drive_case(case_id)
            except Exception as error:   # the run failed: the rows wait for a retry with back-off
                log.warning("drive-case %s failed: %s", case_id, error)
                self._healthy_at = None   # ask the API again before the next claim
                with app_context():
                    outbox.fail(claim.token, case_id, f"{type(error).__name__}: {error}")
                continue
            with app_context():
                outbox.complete(claim.token, case_id)
            done += 1
        return done

    def seal_audit_log(self) -> int:
        """Every `seal_seconds`, seal the audit entries that committed since (one sealer at a time holds the
        lock; another dispatcher's seal simply finds nothing); the number sealed."""
        now = time.monotonic()
        if now - self._sealed_at < self.seal_seconds:
            return 0
        self._sealed_at = now
        from coordinator.audit import seal_all

        try:
            with app_context():
                return seal_all()
        except Exception:   # the log waits for the next round; the outbox must go on meanwhile
            log.exception("sealing the audit log failed")
            return 0

    async def drain(self, max_rounds: int = 100) -> int:
        """Rounds until the backlog is empty (tests and the embedded start-up); returns the runs."""
        total = 0
        for _ in range(max_rounds):
            runs = await self.run_once()
            if not runs:
                break
            total += runs
        return total

    async def serve(self, stop: asyncio.Event | None = None) -> None:
        """Poll the outbox until stopped, pausing (up to a bound, doubling) while the Prefect API is down."""
        from .wakeup import Wakeup, listen_url

        stop = stop or asyncio.Event()
        with app_context():
            from coordinator.extensions import db

            wakeup = Wakeup(listen_url(db.engine.url.render_as_string(hide_password=False)))
        log.info("dispatcher %s started", self.name)
        try:
            await self._serve(stop, wakeup)
        finally:
            await wakeup.close()

    async def _serve(self, stop: asyncio.Event, wakeup) -> None:
        while not stop.is_set():
            self.seal_audit_log()
            idle = False
            try:
                runs = await self.run_once()
                self._pause = 0.0
                idle, wait = not runs, 0 if runs else self.idle_seconds
            except ConnectionError as error:
                self._pause = min(self.max_pause_seconds, max(1.0, self._pause * 2))
                log.warning("%s; retrying in %.0f s", error, self._pause)
                wait = self._pause
            except Exception:   # a database hiccup must not end the process: log and go on
                log.exception("dispatcher round failed")
                wait = 1.0
            if idle and wait:
                await wakeup.wait(wait, stop)   # a commit's notification ends the wait at once
            elif wait:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=wait)
                except TimeoutError:
                    pass
