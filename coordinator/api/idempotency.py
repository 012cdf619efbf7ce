"""Idempotency-Key on POST commands: a retry gets the stored answer instead of a second action."""

import hashlib
from functools import wraps

from datetime import timedelta

from flask import current_app, g, make_response, request, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import IdempotencyRecord
from ..models.base import utcnow
from ..services.unit_of_work import before_commit
from .errors import problem

MAX_KEY = 200
DONE = 303   # the command committed; its answer is the case (See Other) until the full answer is stored
STALE_CLAIM = timedelta(minutes=5)   # a key "in progress" this long belongs to a request that died


def _digest() -> str:
    """What makes two requests 'the same': method, path and body bytes."""
    return hashlib.sha256(request.method.encode() + request.full_path.encode() + request.get_data()).hexdigest()


def _replay(record: IdempotencyRecord):
    """The stored answer, marked as a replay."""
    response = make_response(record.body or "", record.status_code)
    response.content_type = record.content_type or "application/json"
    for name, value in (("ETag", record.etag), ("Location", record.location)):
        if value:
            response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(owner: str, key: str, digest: str):
    """Reserve the key before acting; None when it is ours, else the answer to give instead."""
    record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.owner == owner,
                                                               IdempotencyRecord.key == key))
    if record is not None:
        if record.request_hash != digest:
            return problem(422, "Idempotency key reused", "this Idempotency-Key was used with a different "
                           "request; use a new key for a new command", {"Idempotency-Key": ["reused"]})
        if record.status_code is None and utcnow() - record.created_at < STALE_CLAIM:
            return problem(409, "Request in progress", "a request with this Idempotency-Key is still running")
        if record.status_code is not None:
            return _replay(record)
        db.session.delete(record)   # its request died before acting (its command would have marked it done)
        db.session.flush()
    db.session.add(IdempotencyRecord(owner=owner, key=key, method=request.method, path=request.path[:300],
                                     request_hash=digest))
    try:
        db.session.commit()
    except IntegrityError:   # a concurrent twin won the race
        db.session.rollback()
        return problem(409, "Request in progress", "a request with this Idempotency-Key is still running")
    return None


def _record(owner: str, key: str) -> IdempotencyRecord | None:
    return db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.owner == owner,
                                                             IdempotencyRecord.key == key))


def _mark_done(session, owner: str, key: str) -> None:
    """In the command's own transaction: the key's command happened. Until the full answer is stored, a
    retry is told so (303 to the case) instead of running the command again."""
    case_id = session.info.get("case_id")
    session.execute(update(IdempotencyRecord).where(
        IdempotencyRecord.owner == owner, IdempotencyRecord.key == key, IdempotencyRecord.status_code.is_(None))
        .values(status_code=DONE, body="", content_type="application/json",
                location=url_for("cases.get_case", case_id=case_id) if case_id else None))


def _store(owner: str, key: str, response) -> None:
    """Keep the answer for replays; a server error frees the key for a real retry, unless the command
    already committed (then the 303 written with it stays)."""
    record = _record(owner, key)
    if response.status_code >= 500 and record.status_code == DONE:
        db.session.rollback()
        return
    if response.status_code >= 500:
        db.session.delete(record)
    else:
        record.status_code, record.body = response.status_code, response.get_data(as_text=True)
        record.content_type = response.content_type
        record.etag, record.location = response.headers.get("ETag"), response.headers.get("Location")
    db.session.commit()


def idempotent(view):
    """Decorator for POST views behind require_token: honour an Idempotency-Key header."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
            return problem(400, "Bad Idempotency-Key", f"1 to {MAX_KEY} printable ASCII characters",
                           {"Idempotency-Key": ["invalid"]})
        owner = f"client:{g.token.client_id}"
        refusal = _claim(owner, key, _digest())
        if refusal is not None:
            return refusal
        try:
            with before_commit(lambda session: _mark_done(session, owner, key)):
                response = make_response(view(*args, **kwargs))
        except Exception as error:  # the app's own handlers turn it into the answer we store
            db.session.rollback()
            done = _record(owner, key)
            if done is not None and done.status_code == DONE:
                return _replay(done)   # the command committed, then the answer was lost (a dropped connection)
            try:
                response = make_response(current_app.handle_user_exception(error))
            except Exception:
                _store(owner, key, make_response("", 500))   # unhandled: free the key, then fail
                raise
        _store(owner, key, response)
        return response
    return wrapper
