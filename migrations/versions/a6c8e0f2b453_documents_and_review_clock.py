"""Documents on a case (kept as files; the row says what each is and who may read it), and the utilization-review
clock on authorization requests: when a request was received and complete, whether it is expedited (and why),
the moment its decision is due and was made, the review policy applied, and the appeal that replaced a decision;
and the review policy each insurer applies.

Revision ID: a6c8e0f2b453
Revises: d5f7b9c1e342
"""
from datetime import UTC, datetime, time

import sqlalchemy as sa
from alembic import op

revision = 'a6c8e0f2b453'
down_revision = 'd5f7b9c1e342'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("case.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(64), nullable=False, unique=True),
        sa.Column("authorization_id", sa.Integer(), sa.ForeignKey("authorization.id", ondelete="SET NULL")),
        sa.Column("uploaded_by_id", sa.Integer(), sa.ForeignKey("user_account.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("visibility IN ('functional', 'clinical')", name="visibility_valid"),
        sa.CheckConstraint("size > 0", name="size_positive"),
    )
    op.create_index("ix_document_case_kind", "document", ["case_id", "kind", "dated_on"])
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("review_policy", sa.String(64)))
    with op.batch_alter_table("authorization") as batch:
        batch.add_column(sa.Column("expedited", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("expedited_reason", sa.Text()))
        batch.add_column(sa.Column("received_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("complete_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("review_policy", sa.String(64)))
        batch.add_column(sa.Column("superseded_by_id", sa.Integer()))
        batch.create_foreign_key("fk_authorization_superseded_by", "authorization", ["superseded_by_id"], ["id"])
        # the parties the approvals board lists a request for (its case's, copied: one indexed scan per party)
        batch.add_column(sa.Column("clinic_id", sa.Integer()))
        batch.add_column(sa.Column("insurer_id", sa.Integer()))
        batch.create_foreign_key("fk_authorization_clinic_id_organisation", "organisation", ["clinic_id"], ["id"])
        batch.create_foreign_key("fk_authorization_insurer_id_organisation", "organisation", ["insurer_id"], ["id"])
        # what a final decision's turnaround was (hours from the complete request), and whether it was late
        batch.add_column(sa.Column("turnaround_hours", sa.Float()))
        batch.add_column(sa.Column("late", sa.Boolean()))
        # a decision an appeal's outcome replaced
        batch.drop_constraint(op.f("ck_authorization_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_authorization_status_valid"),
                                      "status IN ('pending', 'pended', 'decided', 'superseded')")
    op.execute('UPDATE "authorization" SET clinic_id = (SELECT clinic_id FROM "case" WHERE "case".id = '
               '"authorization".case_id), insurer_id = (SELECT insurer_id FROM "case" WHERE "case".id = '
               '"authorization".case_id)')
    for party in ("clinic_id", "insurer_id"):
        op.create_index(f"ix_authorization_{party}_open", "authorization", [party, "status", "due_at"])
        op.create_index(f"ix_authorization_{party}_decided", "authorization", [party, "decided_at"])
    # the requests kept before: received and complete at the start of their day, due at the end of theirs
    # and their turnaround from that start to noon of the decision's day, late when decided after the due day
    rows = op.get_bind().execute(sa.text('SELECT id, submitted_on, due_on, decided_on, status '
                                         'FROM "authorization"')).all()
    for row_id, submitted, due, decided, status in rows:
        received, due_at, decided_at = at(submitted, time(0)), at(due, time(23, 59, 59)), at(decided, time(12))
        final = status == "decided" and decided_at is not None
        op.get_bind().execute(sa.text(
            'UPDATE "authorization" SET received_at = :r, complete_at = :r, due_at = :d, decided_at = :x, '
            "turnaround_hours = :t, late = :l WHERE id = :id"),
            {"r": received, "d": due_at, "x": decided_at, "id": row_id,
             "t": (decided_at - received).total_seconds() / 3600 if final else None,
             "l": decided_at > due_at if final else None})


def at(day, clock):
    """A stored day (a date, or its ISO text on SQLite) at a time of day, in UTC."""
    if day is None:
        return None
    day = day if not isinstance(day, str) else datetime.fromisoformat(day).date()
    return datetime.combine(day, clock, tzinfo=UTC)



def downgrade():
    for party in ("clinic_id", "insurer_id"):
        op.drop_index(f"ix_authorization_{party}_open", table_name="authorization")
        op.drop_index(f"ix_authorization_{party}_decided", table_name="authorization")
    with op.batch_alter_table("authorization") as batch:
        batch.drop_constraint("fk_authorization_clinic_id_organisation", type_="foreignkey")
        batch.drop_constraint("fk_authorization_insurer_id_organisation", type_="foreignkey")
        for column in ("clinic_id", "insurer_id", "turnaround_hours", "late"):
            batch.drop_column(column)
        batch.drop_constraint("fk_authorization_superseded_by", type_="foreignkey")
        batch.drop_constraint(op.f("ck_authorization_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_authorization_status_valid"), "status IN ('pending', 'pended', 'decided')")
        for column in ("superseded_by_id", "review_policy", "decided_at", "due_at", "complete_at", "received_at",
                       "expedited_reason", "expedited"):
            batch.drop_column(column)
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("review_policy")
    op.drop_index("ix_document_case_kind", table_name="document")
    op.drop_table("document")
