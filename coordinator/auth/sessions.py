"""Server-side sign-in sessions: logout and an administrator's revoke really end them."""

import hashlib
import secrets
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy import select, update

from ..domain.actors import Actor, Role
from ..extensions import db
from ..models import User, UserSession
from ..models.base import utcnow

# how often last_seen_at is written: the idle timeout needs minutes, not every request
_TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, auth_method: str = "password") -> UserSession:
    """Sign a user in: a new random token (never the old one, against fixation) and its record."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    previous = getattr(g, "user_session", None)
    if previous is not None and previous.revoked_at is None:
        # signing in over a live session replaces it: the old token must not stay valid beside the new one
        previous.revoked_at, previous.revoked_reason = now, "replaced"
    row = UserSession(
        token_hash=_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
        expires_at=now + timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]),
        ip=(request.remote_addr or "")[:45], user_agent=(request.user_agent.string or "")[:300],
        auth_method=auth_method,
    )
    db.session.add(row)
    db.session.commit()
    session.clear()
    session["sid"] = token
    g.user_session, g.user = row, user
    return row


def end_session(reason: str = "logout") -> None:
    """Sign the current user out, server-side and in the cookie."""
    row = getattr(g, "user_session", None)
    if row is not None and row.revoked_at is None:
        row.revoked_at, row.revoked_reason = utcnow(), reason
        db.session.commit()
    session.clear()
    g.user_session = g.user = None


def revoke_user_sessions(user_id: int, reason: str = "revoked") -> int:
    """End every open session of a user (an administrator's revoke); returns how many."""
    result = db.session.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason))
    db.session.commit()
    return result.rowcount


def _expired(row: UserSession) -> str | None:
    """Why the session is over, or None while it is valid."""
    now = utcnow()
    if row.revoked_at is not None:
        return "revoked"
    if now >= row.expires_at:
        return "absolute_timeout"
    if now - row.last_seen_at >= timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"]):
        return "idle_timeout"
    return None


def load_session() -> None:
    """Before each request: find the signed-in user, ending sessions that are over."""
    g.user_session = g.user = None
    token = session.get("sid")
    if not token:
        return
    # the session and its user in one statement (every signed-in request pays it)
    found = db.session.execute(select(UserSession, User).outerjoin(User, User.id == UserSession.user_id)
                               .where(UserSession.token_hash == _hash(token))).one_or_none()
    row, user = found if found else (None, None)
    if row is None or user is None or not user.active or _expired(row):
        if row is not None and row.revoked_at is None:
            row.revoked_at, row.revoked_reason = utcnow(), _expired(row) or "user_inactive"
            db.session.commit()
        session.clear()
        return
    if utcnow() - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = utcnow()
        db.session.commit()
    g.user_session, g.user = row, user


def current_user() -> User | None:
    """The signed-in user of this request, or None."""
    return getattr(g, "user", None)


def current_actor() -> Actor | None:
    """The signed-in user as the Actor the services take."""
    user = current_user()
    return Actor(user.id, Role(user.role), user.org_id) if user else None


def login_required(*roles: Role):
    """Decorator: redirect to sign-in when signed out; 403 for a role not listed (if any are)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if roles and Role(user.role) not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate
