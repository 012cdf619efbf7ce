"""Clinical records of a case: clearances, capacity measures, targets, sessions, weekly reviews."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.demands import TaskKind
from ..extensions import db
from .base import JSONType, UTCDateTime, not_negative, one_of, utcnow

CLEARANCE_KINDS = ("physician", "cardiology", "obstetric")
REVIEW_RECOMMENDATIONS = ("progress", "hold", "deload", "pause", "discharge")


def _in(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


class Clearance(db.Model):
    """A physician's, cardiologist's or obstetrician's decision on the worker's participation."""

    __tablename__ = "clearance"
    __table_args__ = (
        _in("kind", CLEARANCE_KINDS, "kind_valid"),
        _in("outcome", ("cleared", "blocked"), "outcome_valid"),
        CheckConstraint("heart_rate_ceiling IS NULL OR heart_rate_ceiling BETWEEN 60 AND 220", name="hr_range"),
        CheckConstraint("rpe_ceiling IS NULL OR rpe_ceiling BETWEEN 6 AND 20", name="rpe_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[date] = mapped_column(Date)
    contraindications: Mapped[list] = mapped_column(JSONType, default=list)
    restrictions_note: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="", server_default="")   # the clinician's own words
    heart_rate_ceiling: Mapped[int | None] = mapped_column(Integer)
    rpe_ceiling: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSONType, default=list)
    asked_again_on: Mapped[date | None] = mapped_column(Date)   # a refusal the case manager asked to revisit then
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class CapacityMeasure(db.Model):
    """A measured capacity for one job demand: the baseline test or a weekly re-test."""

    __tablename__ = "capacity_measure"
    __table_args__ = (
        one_of("task", TaskKind),
        not_negative("amount"),
        _in("kind", ("baseline", "review"), "kind_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    week: Mapped[int] = mapped_column(Integer, default=0)
    task: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date] = mapped_column(Date)


class WeeklyTarget(db.Model):
    """The training target of one demand for one program week, with why it was set."""

    __tablename__ = "weekly_target"
    __table_args__ = (
        one_of("task", TaskKind),
        not_negative("amount"),
        CheckConstraint("week >= 1", name="week_positive"),
        UniqueConstraint("case_id", "week", "task", name="uq_weekly_target_case_week_task"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)
    change_pct: Mapped[float | None] = mapped_column(Float)
    override_reason: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list] = mapped_column(JSONType, default=list)
    policy: Mapped[str] = mapped_column(String(80), default="")


class ProgramSession(db.Model):
    """One attended session: vitals, effort, pain, medication, symptoms and its safety outcome."""

    __tablename__ = "program_session"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 600", name="minutes_range"),
        CheckConstraint("rpe IS NULL OR rpe BETWEEN 6 AND 20", name="rpe_range"),
        CheckConstraint("pain IS NULL OR pain BETWEEN 0 AND 10", name="pain_range"),
        not_negative("heart_rate"),
        not_negative("systolic"),
        not_negative("diastolic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    week: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    rpe: Mapped[int | None] = mapped_column(Integer)
    pain: Mapped[int | None] = mapped_column(Integer)
    heart_rate: Mapped[int | None] = mapped_column(Integer)
    systolic: Mapped[int | None] = mapped_column(Integer)
    diastolic: Mapped[int | None] = mapped_column(Integer)
    symptoms: Mapped[list] = mapped_column(JSONType, default=list)
    medication_taken: Mapped[str] = mapped_column(String(300), default="")
    loads: Mapped[dict] = mapped_column(JSONType, default=dict)
    stopped: Mapped[bool] = mapped_column(default=False)
    red_flags: Mapped[list] = mapped_column(JSONType, default=list)
    cautions: Mapped[list] = mapped_column(JSONType, default=list)
    # indexed: a case page counts the sessions used against each authorization
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("authorization.id"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class WeeklyReview(db.Model):
    """The therapist's weekly measures and what the coordinator computed from them."""

    __tablename__ = "weekly_review"
    __table_args__ = (
        _in("recommendation", REVIEW_RECOMMENDATIONS, "recommendation_valid"),
        CheckConstraint("week >= 1", name="week_positive"),
        UniqueConstraint("case_id", "week", name="uq_weekly_review_case_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    week: Mapped[int] = mapped_column(Integer)
    reviewed_on: Mapped[date] = mapped_column(Date)
    capacities: Mapped[dict] = mapped_column(JSONType, default=dict)
    measures: Mapped[dict] = mapped_column(JSONType, default=dict)
    recommendation: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict] = mapped_column(JSONType, default=dict)
    policy: Mapped[str] = mapped_column(String(80), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
