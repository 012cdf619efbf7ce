"""Append-only, hash-chained audit log of every read and write of case data."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from flask import g, has_request_context
from sqlalchemy import select, text

from .domain.actors import Actor
from .extensions import db
from .models.base import utcnow
from .models.timeline import AuditEntry

GENESIS = "0" * 64
# any constant works; it names the one lock that orders appends to the chain on PostgreSQL
_CHAIN_LOCK_KEY = 7_140_001


def _digest(prev_hash: str, fields: dict) -> str:
    """SHA-256 over the previous link and this entry's canonical JSON."""
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


CATEGORIES = ("clinical", "functional", "administrative", "identity")
OUTCOMES = ("ok", "denied", "not_found", "invalid")


def _fields(entry: AuditEntry) -> dict:
    """The part of an entry the hash covers: every column but the id and the hashes."""
    return {
        "at": entry.at.astimezone(UTC).isoformat(), "actor_user_id": entry.actor_user_id,
        "actor_role": entry.actor_role, "actor_org_id": entry.actor_org_id, "action": entry.action,
        "case_id": entry.case_id, "subject": entry.subject, "category": entry.category,
        "outcome": entry.outcome, "request_id": entry.request_id, "purpose": entry.purpose,
        "detail": entry.detail,
    }


def _request_id() -> str:
    """The current request's id (set per request by the app), or '' outside a request."""
    return getattr(g, "request_id", "") if has_request_context() else ""


def _last_hash(session) -> str:
    """The newest link, read under the chain lock: PostgreSQL's advisory lock, SQLite's write lock."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    elif dialect == "sqlite":
        # pysqlite begins the transaction only at its first write: without this no-op write (which takes the
        # database's write lock, held to commit) two writers read the same head and the second insert fails
        session.execute(text("UPDATE audit_entry SET id = id WHERE 0"))
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def append(actor: Actor, action: str, subject: str, *, case_id: int | None = None,
           category: str = "administrative", outcome: str = "ok", purpose: str = "",
           detail: dict | None = None) -> AuditEntry:
    """Add one entry to the chain in the caller's transaction; `detail` must hold no clinical values."""
    if category not in CATEGORIES or outcome not in OUTCOMES:
        raise ValueError(f"unknown audit category or outcome: {category}, {outcome}")
    session = db.session
    entry = AuditEntry(
        at=utcnow(), actor_user_id=actor.user_id, actor_role=str(actor.role), actor_org_id=actor.org_id,
        action=action, case_id=case_id, subject=subject, category=category, outcome=outcome,
        request_id=_request_id(), purpose=purpose, detail=detail or {},
    )
    entry.prev_hash = _last_hash(session)
    entry.hash = _digest(entry.prev_hash, _fields(entry))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    """Result of verifying the chain: ok, entries checked, and the first broken entry if any."""

    ok: bool
    checked: int
    broken_at: int | None = None


def verify_chain(batch: int = 5000) -> ChainCheck:
    """Recompute every link in order; any edited, removed or reordered entry breaks the chain."""
    prev, checked, last_id = GENESIS, 0, 0
    while True:
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return ChainCheck(True, checked)
        for entry in rows:
            if entry.prev_hash != prev or entry.hash != _digest(prev, _fields(entry)):
                return ChainCheck(False, checked, entry.id)
            prev, checked, last_id = entry.hash, checked + 1, entry.id
