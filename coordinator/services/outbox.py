"""The outbox as a work queue for the dispatchers: claim under a lease, complete, retry with back-off,
and the sweep's set-based enqueue of every case with time-due work."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, insert, literal, or_, select, update

from ..extensions import db
from ..models import CaseSchedule, OutboxRow
from ..models.base import utcnow

LEASE = timedelta(minutes=5)          # a claim older than this belongs to a crashed dispatcher
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    """The rows one dispatcher took, grouped by case: one drive-case run per case."""

    token: str
    cases: dict[int, list[int]]       # case id -> outbox row ids

    def __bool__(self) -> bool:
        return bool(self.cases)


def _claimable(now: datetime, lease: timedelta):
    return and_(OutboxRow.processed_at.is_(None),
                or_(OutboxRow.claimed_at.is_(None), OutboxRow.claimed_at < now - lease),
                or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now))


def claim(batch: int = 100, lease: timedelta = LEASE, now: datetime | None = None) -> Claim:
    """Claim up to `batch` unprocessed rows nobody holds (or whose lease ran out), oldest first.

    On PostgreSQL the candidates are locked with SKIP LOCKED, so several dispatchers never wait on one
    another; the conditional UPDATE under a fresh token makes the claim exclusive on SQLite as well."""
    now, token = now or utcnow(), str(uuid.uuid4())
    candidates = (select(OutboxRow.id).where(_claimable(now, lease)).order_by(OutboxRow.id).limit(batch)
                  .with_for_update(skip_locked=True))
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.rollback()
        return Claim(token, {})
    db.session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids), _claimable(now, lease))
                       .values(claim_token=token, claimed_at=now, attempts=OutboxRow.attempts + 1))
    db.session.commit()
    cases: dict[int, list[int]] = {}
    for row_id, case_id in db.session.execute(select(OutboxRow.id, OutboxRow.case_id)
                                              .where(OutboxRow.claim_token == token).order_by(OutboxRow.id)):
        cases.setdefault(case_id, []).append(row_id)
    return Claim(token, cases)


def complete(token: str, case_id: int) -> int:
    """Mark the case's claimed rows done, only after its run completed; returns how many."""
    result = db.session.execute(update(OutboxRow).where(OutboxRow.claim_token == token, OutboxRow.case_id == case_id,
                                                        OutboxRow.processed_at.is_(None))
                                .values(processed_at=utcnow()))
    db.session.commit()
    return result.rowcount


def fail(token: str, case_id: int, error: str, now: datetime | None = None) -> None:
    """Release the case's claimed rows for a later retry, backing off exponentially with the attempts."""
    now = now or utcnow()
    rows = db.session.scalars(select(OutboxRow).where(OutboxRow.claim_token == token,
                                                      OutboxRow.case_id == case_id)).all()
    for row in rows:
        delay = min(MAX_BACKOFF, timedelta(seconds=2 ** min(row.attempts, 10)))
        row.claim_token, row.claimed_at = None, None
        row.next_attempt_at, row.last_error = now + delay, error[:2000]
    db.session.commit()


def release(token: str) -> None:
    """Give back every row of a claim untouched (the Prefect API is down: nothing was tried)."""
    db.session.execute(update(OutboxRow).where(OutboxRow.claim_token == token, OutboxRow.processed_at.is_(None))
                       .values(claim_token=None, claimed_at=None, attempts=OutboxRow.attempts - 1))
    db.session.commit()


def backlog() -> int:
    """Rows not yet processed."""
    return db.session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.processed_at.is_(None)))


def claimable(lease: timedelta = LEASE) -> bool:
    """Whether any row may be claimed now (not held, not backing off)."""
    return db.session.scalar(select(OutboxRow.id).where(_claimable(utcnow(), lease)).limit(1)) is not None


def enqueue_due(today: date | None = None) -> int:
    """One outbox row for every open case whose next check has come and that has none waiting; set-based."""
    today = today or date.today()
    waiting = select(OutboxRow.id).where(OutboxRow.case_id == CaseSchedule.case_id,
                                         OutboxRow.processed_at.is_(None)).exists()
    # a closed case has no next check (the flows clear it when the case closes), so the schedule's own index is
    # all the sweep reads: no join to the case (a case closed since its last run is driven once more, harmlessly)
    due = (select(CaseSchedule.case_id, literal("sweep"), literal({}, OutboxRow.payload.type),
                  literal(utcnow(), OutboxRow.created_at.type), literal(0))
           .where(CaseSchedule.next_check_on <= today, ~waiting))
    inserted = insert(OutboxRow).from_select(["case_id", "kind", "payload", "created_at", "attempts"], due)
    if db.session.get_bind().dialect.name == "postgresql":
        # psycopg reports no rowcount for INSERT ... SELECT: the database counts what RETURNING gives, and
        # only that count crosses to Python
        count = db.session.scalar(select(func.count()).select_from(inserted.returning(OutboxRow.id).cte("queued")))
    else:   # SQLite takes no INSERT in a WITH, and reports the rows inserted itself
        count = db.session.execute(inserted).rowcount
    db.session.commit()
    return count
