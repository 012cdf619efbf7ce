"""Idempotency keys: what a command's key has recorded (its request's digest, and the answer once stored)."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import IdempotencyRecord


@dataclass(frozen=True)
class Request:
    """Who used a key, for which request."""

    owner: str
    key: str
    method: str
    path: str
    digest: str


def recorded(request: Request) -> IdempotencyRecord | None:
    """What the key holds, if it was used before."""
    return db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.owner == request.owner,
                                                             IdempotencyRecord.key == request.key))


def _new(request: Request, **answer) -> IdempotencyRecord:
    return IdempotencyRecord(owner=request.owner, key=request.key, method=request.method, path=request.path[:300],
                             request_hash=request.digest, **answer)


def mark_done(session, request: Request, status_code: int, location: str | None) -> None:
    """In the command's own transaction: the key is used, and its command happened; a twin that got there
    first makes this insert (and so the whole command) fail."""
    session.add(_new(request, status_code=status_code, body="", content_type="application/json", location=location))
    session.flush()


def store_answer(request: Request, *, status_code: int, body: str, content_type: str, etag: str | None,
                 location: str | None) -> None:
    """Keep the answer for replays (a twin that stored its answer first stands)."""
    record = recorded(request)
    if record is None:   # answered without a command (a refusal): keep the answer all the same
        record = _new(request)
        db.session.add(record)
    record.status_code, record.body, record.content_type = status_code, body, content_type
    record.etag, record.location = etag, location
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
