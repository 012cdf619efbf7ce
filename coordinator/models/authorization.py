"""Insurer authorization requests and their decisions."""

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import JSONType, UTCDateTime, utcnow

DECISIONS = ("approve", "modify", "deny", "pend")


class Authorization(db.Model):
    """A request for a block of sessions and, once decided, the insurer's answer."""

    __tablename__ = "authorization"
    __table_args__ = (
        CheckConstraint("kind IN ('initial', 'continuation')", name="kind_valid"),
        CheckConstraint("status IN ('pending', 'pended', 'decided', 'superseded')", name="status_valid"),
        CheckConstraint(
            "decision IS NULL OR decision IN ('approve', 'modify', 'deny', 'pend')", name="decision_valid"
        ),
        CheckConstraint("requested_sessions > 0", name="requested_positive"),
        CheckConstraint("approved_sessions IS NULL OR approved_sessions >= 0", name="approved_not_negative"),
        CheckConstraint("end_date >= start_date", name="dates_ordered"),
        # the approvals board: a party's open requests by due moment, its decisions by when they were made
        Index("ix_authorization_clinic_id_open", "clinic_id", "status", "due_at"),
        Index("ix_authorization_insurer_id_open", "insurer_id", "status", "due_at"),
        Index("ix_authorization_clinic_id_decided", "clinic_id", "decided_at"),
        Index("ix_authorization_insurer_id_decided", "insurer_id", "decided_at"),
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
    # the review clock: received, complete (again after each pend), due and decided, to the moment; an expedited
    # request counts calendar hours and says why it is urgent
    expedited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    expedited_reason: Mapped[str | None] = mapped_column(Text)
    received_at = mapped_column(UTCDateTime)
    complete_at = mapped_column(UTCDateTime)
    due_at = mapped_column(UTCDateTime)
    decided_at = mapped_column(UTCDateTime)
    review_policy: Mapped[str | None] = mapped_column(String(64))   # the policy's name and version applied
    # the appeal whose outcome replaced this decision
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("authorization.id", name="fk_authorization_superseded_by"))
    # the parties of its case, copied so the approvals board reads a party's requests through one index
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", name="fk_authorization_clinic_id_organisation"))
    insurer_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", name="fk_authorization_insurer_id_organisation"))
    # a final decision's turnaround (hours from the complete request) and whether it came after its due moment
    turnaround_hours: Mapped[float | None] = mapped_column(Float)
    late: Mapped[bool | None] = mapped_column(Boolean)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
