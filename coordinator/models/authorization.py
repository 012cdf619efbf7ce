"""Insurer authorization requests and their decisions."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow

DECISIONS = ("approve", "modify", "deny", "pend")


class Authorization(db.Model):
    """A request for a block of sessions and, once decided, the insurer's answer."""

    __tablename__ = "authorization"
    __table_args__ = (
        CheckConstraint("kind IN ('initial', 'continuation')", name="kind_valid"),
        CheckConstraint("status IN ('pending', 'pended', 'decided')", name="status_valid"),
        CheckConstraint(
            "decision IS NULL OR decision IN ('approve', 'modify', 'deny', 'pend')", name="decision_valid"
        ),
        CheckConstraint("requested_sessions > 0", name="requested_positive"),
        CheckConstraint("approved_sessions IS NULL OR approved_sessions >= 0", name="approved_not_negative"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_sessions: Mapped[int] = mapped_column(Integer)
    requested_weeks: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    packet: Mapped[dict] = mapped_column(JSONType, default=dict)
    assessment: Mapped[dict] = mapped_column(JSONType, default=dict)
    decision: Mapped[str | None] = mapped_column(String(16))
    approved_sessions: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # an appeal is a new request for the same block, naming the denial it contests
    appeal_of_id: Mapped[int | None] = mapped_column(ForeignKey("authorization.id"))
    # each time the insurer pended the request: what it asked for, and what the clinic supplied
    information: Mapped[list | None] = mapped_column(JSONType, default=list)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
