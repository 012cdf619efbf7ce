"""Organisations (clinic, employer, insurer, physician practice) and their people."""

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.actors import OrgKind, Role
from ..extensions import db
from .base import UTCDateTime, one_of, utcnow


class Organisation(db.Model):
    """A party to cases: a clinic, an employer, an insurer or a physician practice."""

    __tablename__ = "organisation"
    __table_args__ = (one_of("kind", OrgKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # an insurer's utilization-review policy (domain/utilization_review.REVIEW_POLICIES); none: the basic one
    review_policy: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    users: Mapped[list["User"]] = relationship(back_populates="org")


class User(db.Model):
    """A person who signs in, belonging to one organisation with one role."""

    __tablename__ = "user_account"
    __table_args__ = (one_of("role", Role), UniqueConstraint("email"),
                      # every party's person belongs to their organisation; a worker to none
                      CheckConstraint("org_id IS NOT NULL OR role = 'worker'", name="org_unless_worker"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # the newest notification this person marked as read: the ones above it are unread
    notifications_read_to: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    org: Mapped[Organisation | None] = relationship(back_populates="users")
