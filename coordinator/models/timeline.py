"""The case timeline, the append-only audit log and the outbox relayed to the flows."""

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow

# BigInteger ids autoincrement on PostgreSQL; SQLite only autoincrements INTEGER primary keys
BigId = BigInteger().with_variant(Integer(), "sqlite")


class CaseEvent(db.Model):
    """One entry of a case's timeline: who did what, when."""

    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)                 # when it was recorded
    occurred_on: Mapped[date | None] = mapped_column(Date)                           # the day it happened
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    clinical: Mapped[bool] = mapped_column(default=False)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)


class AuditEntry(db.Model):
    """An append-only record of who read or changed what, and why; sealed into signed checkpoints (audit/)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_org_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str] = mapped_column(String(200))
    # clinical | functional | administrative | identity: what kind of data was touched, never the data
    category: Mapped[str] = mapped_column(String(16), default="administrative")
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    purpose: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)
    # the link of the old hash chain (entries written before the checkpoints); NULL since
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))      # the content's digest, for a quick look only


class AuditPending(db.Model):
    """An entry not yet sealed: written in the entry's own transaction, so the sealer sees exactly the entries
    that committed, whatever their order, and never skips one whose transaction was still open."""

    __tablename__ = "audit_pending"

    entry_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)


class AuditCheckpoint(db.Model):
    """A signed tree head: the entries it sealed (in order), their leaf hashes, the tree's size and root, and the
    Ed25519 signature of the key named (which lives outside the database)."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[str] = mapped_column(String(64))
    frontier: Mapped[list] = mapped_column(JSONType, default=list)      # the tree's right edge: the next seal's start
    entry_ids: Mapped[list] = mapped_column(JSONType, default=list)
    leaves: Mapped[list] = mapped_column(JSONType, default=list)
    sealed_at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))


class OutboxRow(db.Model):
    """A change committed with its command, waiting to be relayed to drive-case."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unprocessed", "id", sqlite_where=text("processed_at IS NULL"),
                            postgresql_where=text("processed_at IS NULL")),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # no foreign key: its check locks the case row of every row the sweep inserts (13,000 a day at 100,000
    # cases); the rows name cases the sweep or a command just read, and a deleted case's rows go with it (the
    # database's trigger, migration a9c1e3f5b786)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    claimed_at = mapped_column(UTCDateTime)
    processed_at = mapped_column(UTCDateTime)   # read only as "IS NULL": ix_outbox_unprocessed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # a dispatcher claims rows under a fresh token; the lease (claimed_at) lets another take over a crashed one
    claim_token: Mapped[str | None] = mapped_column(String(36), index=True)
    next_attempt_at = mapped_column(UTCDateTime)
