"""Signatures on a case's papers (the program plan, the return-to-work plan): the signer, the name they typed,
the time, and the SHA-256 of the exact content they signed; and what the worker reports between sessions (a
symptom, with the red flags it raised and the therapist's review of them, or a missed session); and the worker's
own answer to a follow-up (hours worked, pain, who answered).

Revision ID: e2a4c6e8f908
Revises: d1f3b5c7e897
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = 'e2a4c6e8f908'
down_revision = 'd1f3b5c7e897'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("paper", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_role", sa.String(32), nullable=False),
        sa.Column("typed_name", sa.String(200), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("paper IN ('program_plan', 'rtw_plan')", name=op.f("ck_signature_paper_valid")),
        sa.CheckConstraint("length(content_hash) = 64", name=op.f("ck_signature_hash_length")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_signature_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["signer_id"], ["user_account.id"], name=op.f("fk_signature_signer_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    op.create_index("ix_signature_case_paper", "signature", ["case_id", "paper", "signed_at"])
    op.create_table(
        "worker_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("session_date", sa.Date()),
        sa.Column("symptoms", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("pain", sa.Float()),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("red_flags", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("reported_by_id", sa.Integer()),
        sa.Column("reviewed_on", sa.Date()),
        sa.Column("reviewed_by_id", sa.Integer()),
        sa.Column("review_note", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_worker_report_case_id_case"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reported_by_id"], ["user_account.id"],
                                name=op.f("fk_worker_report_reported_by_id_user_account")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["user_account.id"],
                                name=op.f("fk_worker_report_reviewed_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_report")),
    )
    op.create_index(op.f("ix_worker_report_case_id"), "worker_report", ["case_id"])
    op.create_index("ix_worker_report_unreviewed", "worker_report", ["case_id"],
                    sqlite_where=sa.text("reviewed_on IS NULL"), postgresql_where=sa.text("reviewed_on IS NULL"))
    # a follow-up the worker answers: the hours a day they work and their pain, and who answered
    with op.batch_alter_table("follow_up") as batch:
        batch.add_column(sa.Column("hours_per_day", sa.Float()))
        batch.add_column(sa.Column("pain", sa.Float()))
        batch.add_column(sa.Column("answered_by_role", sa.String(32)))


def downgrade():
    with op.batch_alter_table("follow_up") as batch:
        batch.drop_column("answered_by_role")
        batch.drop_column("pain")
        batch.drop_column("hours_per_day")
    op.drop_index("ix_worker_report_unreviewed", table_name="worker_report")
    op.drop_index(op.f("ix_worker_report_case_id"), table_name="worker_report")
    op.drop_table("worker_report")
    op.drop_index("ix_signature_case_paper", table_name="signature")
    op.drop_table("signature")
