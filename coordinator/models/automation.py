"""What the flows keep: tasks handed to parties, notifications sent about them, and each case's next check."""

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow
from .timeline import BigId


class CaseTask(db.Model):
    """A pending action handed to a party: opened, closed when done, escalated when overdue."""

    __tablename__ = "case_task"
    __table_args__ = (
        # one open task per action; a closed one may be followed by a new one (the next week's review)
        Index("uq_case_task_open", "case_id", "kind", "subject_key", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    subject_key: Mapped[int] = mapped_column(Integer, default=0)   # the subject id, 0 when there is none
    role: Mapped[str] = mapped_column(String(32))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    due_on: Mapped[date] = mapped_column(Date)
    opened_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    opened_on: Mapped[date | None] = mapped_column(Date)   # the business day it opened: its due date is never earlier
    closed_at = mapped_column(UTCDateTime)
    escalated_at = mapped_column(UTCDateTime)


class Notification(db.Model):
    """A message to a party about a task; never clinical; sent through the configured channel."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_unsent", "id", sqlite_where=text("sent_at IS NULL"),
                            postgresql_where=text("sent_at IS NULL")),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("case_task.id", ondelete="CASCADE"))
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))   # the case's own clinician
    kind: Mapped[str] = mapped_column(String(32))          # task | escalation
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    channel: Mapped[str | None] = mapped_column(String(16))
    sent_at = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class CaseSchedule(db.Model):
    """When the sweep must look at a case again (one indexed column), and the flows' own bookkeeping."""

    __tablename__ = "case_schedule"
    # the cases whose stored actions no longer hold, found through indexes (services/inbox._stale)
    __table_args__ = (Index("ix_case_schedule_unsynced", "case_id", sqlite_where=text("pending_version IS NULL"),
                            postgresql_where=text("pending_version IS NULL")),
                      Index("ix_case_schedule_pending_until", "pending_until"),
                      Index("ix_case_schedule_pending_from", "pending_from"))

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    next_check_on: Mapped[date | None] = mapped_column(Date, index=True)
    pregnancy_checked_on: Mapped[date | None] = mapped_column(Date)
    driven_at = mapped_column(UTCDateTime)
    # the stored pending actions hold while the case keeps this version, from `pending_from` until the day
    # before `pending_until` (the next day time alone changes them; none: until the case changes)
    pending_version: Mapped[int | None] = mapped_column(Integer)
    pending_from: Mapped[date | None] = mapped_column(Date)
    pending_until: Mapped[date | None] = mapped_column(Date)
    # a copy of the case's facts at one case version (services/facts_store.py); read only by a case read that asks
    facts: Mapped[dict | None] = mapped_column(JSONType, deferred=True)


class PendingRow(db.Model):
    """One pending action as last computed for its case, so an inbox of thousands of cases is one query."""

    __tablename__ = "pending_action"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    subject_key: Mapped[int] = mapped_column(Integer, default=0)   # the subject id, 0 when there is none
    reason_code: Mapped[str] = mapped_column(String(64))
    reason_text: Mapped[str] = mapped_column(Text)
    # what an inbox selects and shows, kept with the row so the inbox reads this table alone: the case's claim
    # and parties (a change to the case changes its version, and the database then deletes its rows: migration
    # f8b0d2e4a675), and the days the row holds (from its computation until the next day time alone changes it)
    claim_number: Mapped[str | None] = mapped_column(String(64))
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    employer_id: Mapped[int | None] = mapped_column(Integer)
    insurer_id: Mapped[int | None] = mapped_column(Integer)
    physician_id: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    # Two per party, each in the inbox's order (services/inbox.STORED_ORDER) so that a page reads its rows in
    # order and stops: one for an inbox of one role (the role's rows are a few of the party's), one for an inbox
    # of several roles and every overdue action (most of the party's rows). On PostgreSQL each carries the other
    # columns an inbox's condition reads, so its counts read an index alone.
    __table_args__ = tuple(index for party in ("clinic_id", "employer_id", "insurer_id", "physician_id") for index in (
        Index(f"ix_pending_action_{party}_role", party, "role", "due_on", "case_id", "kind", "subject_key", "id",
              postgresql_include=["valid_from", "valid_until"]),
        Index(f"ix_pending_action_{party}_order", party, "due_on", "case_id", "kind", "subject_key", "id",
              postgresql_include=["role", "valid_from", "valid_until"])))
