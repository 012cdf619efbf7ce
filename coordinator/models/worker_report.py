"""What the worker reports between sessions: a symptom (with any red flag it raised) or a missed session."""

from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow


class WorkerReport(db.Model):
    """One report of the worker's; a red flag waits for the therapist's review."""

    __tablename__ = "worker_report"
    __table_args__ = (Index("ix_worker_report_unreviewed", "case_id", sqlite_where=text("reviewed_on IS NULL"),
                            postgresql_where=text("reviewed_on IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))                     # symptoms | missed_session
    reported_on: Mapped[date] = mapped_column(Date)
    session_date: Mapped[date | None] = mapped_column(Date)           # the session missed
    symptoms: Mapped[list] = mapped_column(JSONType, default=list)
    pain: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")               # the worker's words (clinical)
    red_flags: Mapped[list] = mapped_column(JSONType, default=list)   # the reasons, as the safety rules gave them
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_note: Mapped[str | None] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
