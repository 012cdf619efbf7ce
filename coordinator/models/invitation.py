"""The clinic's invitations of a worker to their portal: a link sent by e-mail, kept as its hash."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class WorkerInvitation(db.Model):
    """One invitation of the worker to one case; the link's token is never stored, only its SHA-256."""

    __tablename__ = "worker_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    accepted_at = mapped_column(UTCDateTime)
    withdrawn_at = mapped_column(UTCDateTime)
    # the account that accepted it (new, or the worker's own from another case)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
