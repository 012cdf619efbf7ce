"""Idempotency-Key on POST commands: a retry gets the stored answer instead of a second action."""

import hashlib
from functools import wraps

from flask import current_app, g, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import IdempotencyRecord
from .errors import problem

MAX_KEY = 200


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
        if record.status_code is None:
            return problem(409, "Request in progress", "a request with this Idempotency-Key is still running")
        return _replay(record)
    db.session.add(IdempotencyRecord(owner=owner, key=key, method=request.method, path=request.path[:300],
                                     request_hash=digest))
    try:
        db.session.commit()
    except IntegrityError:   # a concurrent twin won the race
        db.session.rollback()
        return problem(409, "Request in progress", "a request with this Idempotency-Key is still running")
    return None


def _store(owner: str, key: str, response) -> None:
    """Keep the answer for replays; a server error frees the key for a real retry."""
    record = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.owner == owner,
                                                               IdempotencyRecord.key == key))
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
            response = make_response(view(*args, **kwargs))
        except Exception as error:  # the app's own handlers turn it into the answer we store
            db.session.rollback()
            try:
                response = make_response(current_app.handle_user_exception(error))
            except Exception:
                _store(owner, key, make_response("", 500))   # unhandled: free the key, then fail
                raise
        _store(owner, key, response)
        return response
    return wrapper
