"""The audit log of every read and write of case data: appended without a lock on the request path, sealed in
order into signed checkpoints by the flows every few seconds, and verifiable by anyone holding the public key.

Designed like a transparency log (RFC 9162): each entry is a leaf of a Merkle tree, and each checkpoint is a tree
head signed with an Ed25519 key kept outside the database (audit/keys.py). An entry is queued for sealing in its
own transaction (audit_pending), so the sealer takes exactly the entries that committed, in whatever order they
did, and never skips one whose transaction was still open. `flask --app wsgi audit verify` and the standalone
verifier (audit/verifier.py, on an export) name the first edited, removed, reordered or truncated entry."""

import base64
import hashlib
import json
from datetime import UTC, datetime

from flask import g, has_request_context
from sqlalchemy import delete, func, select, text

from ..domain.actors import Actor
from ..extensions import db
from ..models.base import utcnow
from ..models.timeline import AuditCheckpoint, AuditEntry, AuditPending
from . import keys
from .verifier import Frontier, Verdict, checkpoint_text, leaf_hash, verify

CATEGORIES = ("clinical", "functional", "administrative", "identity")
OUTCOMES = ("ok", "denied", "not_found", "invalid")
# any constant works; it names the lock that lets one sealer at a time extend the tree on PostgreSQL
_SEAL_LOCK_KEY = 7_140_002


def hashed(entry: AuditEntry) -> dict:
    """The entry as its leaf hashes it: every column but the old chain's links, its id included."""
    return {
        "id": entry.id, "at": entry.at.astimezone(UTC).isoformat(), "actor_user_id": entry.actor_user_id,
        "actor_role": entry.actor_role, "actor_org_id": entry.actor_org_id, "action": entry.action,
        "case_id": entry.case_id, "subject": entry.subject, "category": entry.category,
        "outcome": entry.outcome, "request_id": entry.request_id, "purpose": entry.purpose,
        "detail": entry.detail,
    }


def _request_id() -> str:
    """The current request's id (set per request by the app), or '' outside a request."""
    return getattr(g, "request_id", "") if has_request_context() else ""


def append(actor: Actor, action: str, subject: str, *, case_id: int | None = None,
           category: str = "administrative", outcome: str = "ok", purpose: str = "",
           detail: dict | None = None) -> AuditEntry:
    """Add one entry in the caller's transaction, queued for the sealer; `detail` must hold no clinical values.
    No lock: concurrent requests append side by side."""
    if category not in CATEGORIES or outcome not in OUTCOMES:
        raise ValueError(f"unknown audit category or outcome: {category}, {outcome}")
    entry = AuditEntry(
        at=utcnow(), actor_user_id=actor.user_id, actor_role=str(actor.role), actor_org_id=actor.org_id,
        action=action, case_id=case_id, subject=subject, category=category, outcome=outcome,
        request_id=_request_id(), purpose=purpose, detail=detail or {},
    )
    # a digest of the content for a quick look; what protects the entry is the signed leaf, which names its id
    body = json.dumps({k: v for k, v in hashed(entry).items() if k != "id"}, sort_keys=True, default=str)
    entry.hash = hashlib.sha256(body.encode()).hexdigest()
    db.session.add(entry)   # the database's own trigger queues it in audit_pending (migration b4d6f8a0c231)
    return entry


def _take_seal_lock(session) -> None:
    """One sealer at a time: PostgreSQL's advisory lock, SQLite's write lock (both held to commit)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SEAL_LOCK_KEY})
    else:
        # pysqlite begins the transaction only at its first write: this no-op write takes the lock now
        session.execute(text("UPDATE audit_checkpoint SET id = id WHERE 0"))


def _frontier(latest: AuditCheckpoint | None) -> Frontier:
    if latest is None:
        return Frontier()
    return Frontier(latest.size, [bytes.fromhex(h) for h in latest.frontier])


def seal(batch: int = 5000) -> int:
    """Seal the committed entries waiting (up to `batch`, oldest first) into one signed checkpoint; the number
    sealed. Entries still in an open transaction are not visible yet: the next seal takes them."""
    session = db.session
    _take_seal_lock(session)
    waiting = list(session.scalars(select(AuditPending.entry_id).order_by(AuditPending.entry_id).limit(batch)))
    if not waiting:
        session.commit()
        return 0
    entries = {e.id: e for e in session.scalars(select(AuditEntry).where(AuditEntry.id.in_(waiting)))}
    latest = session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))
    tree = _frontier(latest)
    ids = [i for i in waiting if i in entries]   # a queued id always has its entry (same transaction)
    leaves = [leaf_hash(hashed(entries[i])) for i in ids]
    for leaf in leaves:
        tree.append(leaf)
    signer = keys.signing_key()
    key_id, root, sealed_at = keys.key_id(signer), tree.root().hex(), datetime.now(UTC).isoformat()
    signature = signer.sign(checkpoint_text(tree.size, root, sealed_at, key_id))
    session.add(AuditCheckpoint(size=tree.size, root=root, frontier=[h.hex() for h in tree.hashes], entry_ids=ids,
                                leaves=[leaf.hex() for leaf in leaves], sealed_at=sealed_at, key_id=key_id,
                                signature=base64.b64encode(signature).decode()))
    session.execute(delete(AuditPending).where(AuditPending.entry_id.in_(waiting)))
    session.commit()
    return len(ids)


def seal_all(batch: int = 5000) -> int:
    """Seal until nothing committed waits; the number sealed."""
    total = 0
    while sealed := seal(batch):
        total += sealed
    return total


def checkpoints() -> list[dict]:
    """Every checkpoint in order, as the verifier reads them."""
    return [{"size": c.size, "root": c.root, "entry_ids": c.entry_ids, "leaves": c.leaves, "sealed_at": c.sealed_at,
             "key_id": c.key_id, "signature": c.signature}
            for c in db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))]


def _entries(batch: int = 5000):
    last = 0
    while rows := db.session.scalars(select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id)
                                     .limit(batch)).all():
        yield from (hashed(e) for e in rows)
        last = rows[-1].id


def verify_chain() -> Verdict:
    """Check every checkpoint's signature and root, then every sealed entry against its signed leaf (the first
    edited, removed or reordered one is named); entries not yet sealed are counted, not judged."""
    return verify({e["id"]: e for e in _entries()}, checkpoints(), keys.public_keys())


def export(out) -> int:
    """Write the log for a third party: one JSON object per line, every entry then every checkpoint; the count
    of lines. With the public key, `python coordinator/audit/verifier.py` checks it."""
    lines = 0
    for entry in _entries():
        out.write(json.dumps({"type": "entry", **entry}, sort_keys=True, default=str) + "\n")
        lines += 1
    for cp in checkpoints():
        out.write(json.dumps({"type": "checkpoint", **cp}, sort_keys=True) + "\n")
        lines += 1
    return lines


def waiting() -> int:
    """Entries committed and not yet sealed."""
    return db.session.scalar(select(func.count()).select_from(AuditPending))
