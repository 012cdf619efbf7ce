"""Documents on a case: what each is (its kind, date and visibility) and where its file is kept."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Document(db.Model):
    """A file on a case: a job description, a physician's order, a report, a decision letter..."""

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("visibility IN ('functional', 'clinical')", name="visibility_valid"),
        CheckConstraint("size > 0", name="size_positive"),
        # a case's documents newest first, and of one kind (a packet's freshest job description)
        Index("ix_document_case_kind", "case_id", "kind", "dated_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # who may read it: stored with the row so a listing filters in SQL (the domain's word on the kind)
    visibility: Mapped[str] = mapped_column(String(16))
    dated_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    # the request it was written for (a decision letter), when it was
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorization.id", ondelete="SET NULL"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
