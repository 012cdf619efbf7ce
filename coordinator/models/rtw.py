"""Return to work: milestones of the graded ladder and follow-ups after discharge."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow

MILESTONE_STATUSES = ("planned", "started", "confirmed", "stepped_back")
WORK_STATUSES = ("full_duty", "modified_duty", "off_work")


class Milestone(db.Model):
    """One rung of the return-to-work ladder (hours per day, or full duty) on one attempt."""

    __tablename__ = "milestone"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(repr(s) for s in MILESTONE_STATUSES) + ")", name="status_valid"
        ),
        CheckConstraint("rung >= 1", name="rung_positive"),
        CheckConstraint("hours_per_day > 0 AND hours_per_day <= 24", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    rung: Mapped[int] = mapped_column(Integer)
    hours_per_day: Mapped[float] = mapped_column(Float)
    full_duty: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="started", index=True)
    started_on: Mapped[date] = mapped_column(Date)
    confirm_due: Mapped[date | None] = mapped_column(Date)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    setback_on: Mapped[date | None] = mapped_column(Date)
    setback_reason: Mapped[str | None] = mapped_column(Text)             # the clinical account
    setback_shared_reason: Mapped[str | None] = mapped_column(Text)      # what the employer is told
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class FollowUp(db.Model):
    """A scheduled check after discharge (3 and 6 months) and what it found."""

    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("case_id", "due_on", name="uq_follow_up_case_due"),
        CheckConstraint(
            "work_status IS NULL OR work_status IN (" + ", ".join(repr(s) for s in WORK_STATUSES) + ")",
            name="work_status_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    months_after: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_on: Mapped[date | None] = mapped_column(Date)
    work_status: Mapped[str | None] = mapped_column(String(16))
    recurrence: Mapped[bool | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # the worker's own answer: the hours a day they work, their pain; who answered (the worker, or the clinic)
    hours_per_day: Mapped[float | None] = mapped_column(Float)
    pain: Mapped[float | None] = mapped_column(Float)
    answered_by_role: Mapped[str | None] = mapped_column(String(32))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
