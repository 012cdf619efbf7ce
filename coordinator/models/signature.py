"""Signatures on a case's papers: who signed which exact version (its hash), with the name they typed, when."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.signatures import Paper
from ..extensions import db
from .base import UTCDateTime, one_of, utcnow


class Signature(db.Model):
    """One party's signature of one version of a paper (void once the paper's content has another hash)."""

    __tablename__ = "signature"
    __table_args__ = (one_of("paper", Paper), CheckConstraint("length(content_hash) = 64", name="hash_length"),
                      Index("ix_signature_case_paper", "case_id", "paper", "signed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    paper: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(64))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signer_role: Mapped[str] = mapped_column(String(32))
    typed_name: Mapped[str] = mapped_column(String(200))
    signed_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
