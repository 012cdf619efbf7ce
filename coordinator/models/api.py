"""Stored answers to POST commands sent with an Idempotency-Key, replayed on retry."""

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class IdempotencyRecord(db.Model):
    """One client's key: the request it came with and, once done, the answer given."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("owner", "key", name="uq_idempotency_owner_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))        # the OAuth client (keys are scoped per client)
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(80))
    etag: Mapped[str | None] = mapped_column(String(80))
    location: Mapped[str | None] = mapped_column(String(300))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
