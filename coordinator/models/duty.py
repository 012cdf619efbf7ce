"""Restrictions (versioned) and modified-duty offers negotiated against them."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, not_negative, utcnow

OFFER_STATUSES = ("proposed", "checked", "countered", "revised", "accepted", "declined", "withdrawn", "expired")


class RestrictionSet(db.Model):
    """One signed version of the worker's functional restrictions."""

    __tablename__ = "restriction_set"
    __table_args__ = (
        UniqueConstraint("case_id", "version", name="uq_restriction_set_case_version"),
        CheckConstraint("version >= 1", name="version_positive"),
        not_negative("max_lift_kg"),
        CheckConstraint("max_hours_per_day IS NULL OR max_hours_per_day BETWEEN 0 AND 24", name="hours_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_by_role: Mapped[str] = mapped_column(String(32))
    max_lift_kg: Mapped[float | None] = mapped_column(Float)
    max_hours_per_day: Mapped[float | None] = mapped_column(Float)
    limits: Mapped[list] = mapped_column(JSONType, default=list)
    avoid: Mapped[list] = mapped_column(JSONType, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class DutyOffer(db.Model):
    """One round of a written modified-duty offer and the answer to it."""

    __tablename__ = "duty_offer"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(repr(s) for s in OFFER_STATUSES) + ")", name="status_valid"
        ),
        UniqueConstraint("case_id", "round", name="uq_duty_offer_case_round"),
        CheckConstraint("round >= 1", name="round_positive"),
        CheckConstraint("hours_per_day > 0 AND hours_per_day <= 24", name="hours_range"),
        CheckConstraint("wage > 0", name="wage_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    tasks: Mapped[list] = mapped_column(JSONType, default=list)
    hours_per_day: Mapped[float] = mapped_column(Float)
    schedule: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(300))
    wage: Mapped[float] = mapped_column(Float)
    wage_period: Mapped[str] = mapped_column(String(16), default="hourly")
    start_date: Mapped[date] = mapped_column(Date)
    restriction_version: Mapped[int | None] = mapped_column(Integer)
    conflicts: Mapped[list] = mapped_column(JSONType, default=list)
    sent_on: Mapped[date] = mapped_column(Date)
    response_due: Mapped[date] = mapped_column(Date, index=True)
    responded_on: Mapped[date | None] = mapped_column(Date)
    response: Mapped[str | None] = mapped_column(String(16))
    response_note: Mapped[str | None] = mapped_column(Text)             # the clinical reason: never the employer's
    requested_changes: Mapped[str | None] = mapped_column(Text)         # a counter's changes, for the employer
    shared_reason: Mapped[str | None] = mapped_column(Text)             # why, in words shared with the employer
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)   # the employer's words when it withdrew the round
    # the clinician's check against the restrictions in force (a counter is a check too): who, when, their words
    checked_on: Mapped[date | None] = mapped_column(Date)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    check_note: Mapped[str | None] = mapped_column(Text)                 # clinical: never the employer's
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
