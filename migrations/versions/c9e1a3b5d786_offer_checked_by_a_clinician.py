"""A modified-duty offer is answered by the worker after a therapist or physician checked it against the
restrictions in force: the round's status 'checked', and who checked it, when, with their own words.

Revision ID: c9e1a3b5d786
Revises: b8d0f2a4c675
"""
import sqlalchemy as sa
from alembic import op

revision = 'c9e1a3b5d786'
down_revision = 'b8d0f2a4c675'
branch_labels = None
depends_on = None

BEFORE = "'proposed', 'countered', 'revised', 'accepted', 'declined', 'withdrawn', 'expired'"
AFTER = "'proposed', 'checked', 'countered', 'revised', 'accepted', 'declined', 'withdrawn', 'expired'"


def upgrade():
    with op.batch_alter_table("duty_offer") as batch:
        batch.drop_constraint(op.f("ck_duty_offer_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_duty_offer_status_valid"), f"status IN ({AFTER})")
        batch.add_column(sa.Column("checked_on", sa.Date()))
        batch.add_column(sa.Column("checked_by_id", sa.Integer()))
        batch.add_column(sa.Column("check_note", sa.Text()))
        batch.create_foreign_key(op.f("fk_duty_offer_checked_by_id_user_account"), "user_account",
                                 ["checked_by_id"], ["id"])
    # a counter already recorded was the clinic's check of its round
    op.execute("UPDATE duty_offer SET checked_on = responded_on, checked_by_id = responded_by_id "
               "WHERE status = 'countered'")
    # who owes an open round changed (the clinician checks, the worker answers): every case's kept facts and
    # stored actions are worked out again (an unsynced case is recomputed on its next read or sweep)
    op.execute("UPDATE case_schedule SET facts = NULL, pending_version = NULL")


def downgrade():
    # a round waiting for the worker goes back to waiting for the clinic's answer
    op.execute("UPDATE duty_offer SET status = 'proposed' WHERE status = 'checked'")
    with op.batch_alter_table("duty_offer") as batch:
        batch.drop_constraint(op.f("fk_duty_offer_checked_by_id_user_account"), type_="foreignkey")
        batch.drop_column("check_note")
        batch.drop_column("checked_by_id")
        batch.drop_column("checked_on")
        batch.drop_constraint(op.f("ck_duty_offer_status_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_duty_offer_status_valid"), f"status IN ({BEFORE})")
