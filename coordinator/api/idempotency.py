"""Idempotency-Key on POST commands: a retry gets the stored answer instead of a second action."""

import hashlib
from functools import wraps

from flask import current_app, g, make_response, request, url_for

from ..services import idempotency as keys
from ..services.queries.access import forget
from .errors import problem

MAX_KEY = 200
DONE = 303   # the command committed; its answer is the case (See Other) until the full answer is stored


def _digest() -> str:
    """What makes two requests 'the same': method, path and body bytes."""
    return hashlib.sha256(request.method.encode() + request.full_path.encode() + request.get_data()).hexdigest()


def _replay(record):
    """The stored answer, marked as a replay."""
    response = make_response(record.body or "", record.status_code)
    response.content_type = record.content_type or "application/json"
    for name, value in (("ETag", record.etag), ("Location", record.location)):
        if value:
            response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _earlier(used: keys.Request):
    """The answer to give when the key was used before (a replay, or a refusal); None for a new key."""
    record = keys.recorded(used)
    if record is None:
        return None
    if record.request_hash != used.digest:
        return problem(422, "Idempotency key reused", "this Idempotency-Key was used with a different "
                       "request; use a new key for a new command", {"Idempotency-Key": ["reused"]})
    return _replay(record)


def _mark_done(session, used: keys.Request) -> None:
    """In the command's own transaction: the key is used, and its command happened. Until the full answer is
    stored, a retry is told the command happened (303 to the case) instead of running it again."""
    case_id = session.info.get("case_id")
    keys.mark_done(session, used, DONE, url_for("cases.get_case", case_id=case_id) if case_id else None)


def _store(used: keys.Request, response) -> None:
    """Keep the answer for replays. A server error keeps nothing (nothing happened: a retry acts), except
    that the 303 written with a command that did commit stays."""
    if response.status_code >= 500:
        return
    keys.store_answer(used, status_code=response.status_code, body=response.get_data(as_text=True),
                      content_type=response.content_type, etag=response.headers.get("ETag"),
                      location=response.headers.get("Location"))


def idempotent(view):
    """Decorator for POST views behind require_token: honour an Idempotency-Key header."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if not key:   # absent, or sent empty (a field with no value, as proxies and clients may send): no key
            return view(*args, **kwargs)
        if len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
            return problem(400, "Bad Idempotency-Key", f"1 to {MAX_KEY} printable ASCII characters",
                           {"Idempotency-Key": ["invalid"]})
        used = keys.Request(f"client:{g.token.client_id}", key, request.method, request.path, _digest())
        earlier = _earlier(used)
        if earlier is not None:
            return earlier
        g.idempotency_hook = lambda session: _mark_done(session, used)   # run_command passes it to the command
        try:
            response = make_response(view(*args, **kwargs))
        except Exception as error:  # the app's own handlers turn it into the answer we store
            forget()
            done = keys.recorded(used)
            if done is not None:
                # the command committed and then the answer was lost (a dropped connection), or a twin
                # request with this key acted first: either way, this request must not act again
                return _replay(done) if done.request_hash == used.digest else _earlier(used)
            response = make_response(current_app.handle_user_exception(error))
        _store(used, response)
        return response
    return wrapper
