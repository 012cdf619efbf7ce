"""How an idle dispatcher learns that a command committed work: PostgreSQL's NOTIFY (the outbox's trigger
sends one at each commit that queued rows), else, and in any case after the idle time, a poll."""

import asyncio
import logging

log = logging.getLogger("coordinator.dispatcher")

CHANNEL = "coordinator_outbox"   # migration d6f8b0c2e453 sends on it


class Wakeup:
    """Wait until work may be there: a notification on PostgreSQL, or `timeout` seconds at most."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._conn = None

    async def _listen(self):
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
            await self._conn.execute(f"LISTEN {CHANNEL}")
        return self._conn

    async def wait(self, timeout: float, stop: asyncio.Event) -> None:
        """Return on a notification, on `stop`, or after `timeout` (a lost connection: polling goes on)."""
        if not self._url.startswith("postgresql"):
            await _until(stop, timeout)
            return
        try:
            conn = await self._listen()
            waiter = asyncio.ensure_future(_first(conn, timeout))
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            for pending in (waiter, stopper):
                pending.cancel()
        except Exception as error:   # the poll is the fallback: a dead listener only costs latency
            log.warning("outbox notifications unavailable (%s); polling", error)
            await self.close()
            await _until(stop, timeout)

    async def close(self) -> None:
        """Close the listening connection, if any."""
        if self._conn is not None:
            try:
                await self._conn.close()
            except Exception:
                pass
            self._conn = None


async def _first(conn, timeout: float) -> None:
    async for _ in conn.notifies(timeout=timeout, stop_after=1):
        return


async def _until(stop: asyncio.Event, timeout: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=timeout)
    except TimeoutError:
        pass


def listen_url(sqlalchemy_url: str) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL (psycopg connects with it); other URLs as they are."""
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url)
    if url.get_backend_name() != "postgresql":
        return str(url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
