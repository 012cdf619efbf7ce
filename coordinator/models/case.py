"""The case aggregate root: the worker, the parties, the job and its demands, the stage."""

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, event, text, Date, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.demands import DemandLevel, Frequency, TaskKind
from ..domain.stages import Stage
from ..extensions import db
from .base import JSONType, UTCDateTime, not_negative, one_of, utcnow

if TYPE_CHECKING:
    from .clinical import Clearance
    from .automation import CaseTask


class Case(db.Model):
    """One worker's work hardening case, from referral to the last follow-up."""

    __tablename__ = "case"
    __table_args__ = (
        one_of("stage", Stage),
        one_of("job_level", DemandLevel),
        UniqueConstraint("insurer_id", "claim_number", name="uq_case_insurer_claim"),
        Index("ix_case_claim_order", "claim_number", "id"),   # the caseload's order: a page reads its own rows
        CheckConstraint("referral_date >= date_of_injury", name="referral_after_injury"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("shift_hours > 0 AND shift_hours <= 24", name="shift_hours_range"),
        CheckConstraint(
            "gestation_weeks IS NULL OR (gestation_weeks >= 0 AND gestation_weeks <= 42)",
            name="gestation_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(64))
    worker_name: Mapped[str] = mapped_column(String(200))
    date_of_injury: Mapped[date] = mapped_column(Date)
    date_of_birth: Mapped[date | None] = mapped_column(Date)   # the worker's; optional on older referrals
    referral_date: Mapped[date] = mapped_column(Date)

    clinic_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    physician_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    therapist_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # the worker's own account, once they accepted the clinic's invitation (services/invitations.py)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    diagnosis_code: Mapped[str] = mapped_column(String(16))
    diagnosis_text: Mapped[str] = mapped_column(String(500))
    job_title: Mapped[str] = mapped_column(String(200))
    job_level: Mapped[str] = mapped_column(String(16))
    shift_hours: Mapped[float] = mapped_column(Float)
    rtw_goal: Mapped[str] = mapped_column(String(500))
    program_type: Mapped[str] = mapped_column(String(32))
    screening: Mapped[dict] = mapped_column(JSONType, default=dict)

    health: Mapped[dict] = mapped_column(JSONType, default=dict)
    pregnant: Mapped[bool] = mapped_column(default=False)
    gestation_weeks: Mapped[int | None] = mapped_column(Integer)
    gestation_recorded_on: Mapped[date | None] = mapped_column(Date)

    stage: Mapped[str] = mapped_column(String(32), default=Stage.INTAKE, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the day the case entered its stage: due dates of the stage's actions count from it
    stage_since: Mapped[date] = mapped_column(Date, default=date.today, server_default=text("CURRENT_DATE"))
    program_started_on: Mapped[date | None] = mapped_column(Date)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    reassessed_on: Mapped[date | None] = mapped_column(Date)   # the latest reassessment after a red flag
    discharged_on: Mapped[date | None] = mapped_column(Date)
    discharge_outcome: Mapped[str | None] = mapped_column(String(32))
    discharge_summary: Mapped[dict | None] = mapped_column(JSONType)
    opened_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    # SQLAlchemy bumps the version on every flush, so a stale writer fails loudly
    __mapper_args__ = {"version_id_col": version}

    demands: Mapped[list["JobDemandRow"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="JobDemandRow.position"
    )
    # read-only: the case page loads them with the case in one statement (the services write Clearance rows)
    clearances: Mapped[list["Clearance"]] = relationship(viewonly=True, order_by="Clearance.id")
    # read-only: the flows' open tasks, which the API's case read loads with the case (services/facts.read_facts)
    open_tasks: Mapped[list["CaseTask"]] = relationship(
        viewonly=True, primaryjoin="and_(CaseTask.case_id == Case.id, CaseTask.closed_at.is_(None))")


class JobDemandRow(db.Model):
    """One critical (or secondary) demand of the worker's job."""

    __tablename__ = "job_demand"
    __table_args__ = (
        one_of("task", TaskKind),
        one_of("frequency", Frequency),
        not_negative("amount"),
        UniqueConstraint("case_id", "position", name="uq_job_demand_case_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float] = mapped_column(Float)
    frequency: Mapped[str] = mapped_column(String(16))
    critical: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(String(300), default="")

    case: Mapped[Case] = relationship(back_populates="demands")


@event.listens_for(Case.stage, "set")
def _stage_changed(case: Case, value, old, _initiator) -> None:
    """Every stage change restarts the stage's clock."""
    if value != old:
        case.stage_since = date.today()
        case.__dict__["_stage_moved"] = True   # record() dates it to the event's day when the command has one
