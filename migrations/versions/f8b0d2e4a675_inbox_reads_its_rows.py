"""The inbox reads the stored pending actions alone: each row keeps its case's claim number and parties and the
days it holds, and a change of the case's version deletes the case's rows in the database (the trigger of
c5e7a9b1d342 now also does that), so a stored row is a row that holds.

Revision ID: f8b0d2e4a675
Revises: e7a9c1d3f564
"""
import sqlalchemy as sa
from alembic import op

revision = 'f8b0d2e4a675'
down_revision = 'e7a9c1d3f564'
branch_labels = None
depends_on = None

PARTIES = ("clinic_id", "employer_id", "insurer_id", "physician_id")


def upgrade():
    with op.batch_alter_table("pending_action") as batch:
        batch.add_column(sa.Column("claim_number", sa.String(64)))
        for party in PARTIES:
            batch.add_column(sa.Column(party, sa.Integer()))
        batch.add_column(sa.Column("valid_from", sa.Date()))
        batch.add_column(sa.Column("valid_until", sa.Date()))
    # rows that no longer hold go; the others take their case's claim, parties and days
    op.execute("DELETE FROM pending_action WHERE case_id IN "
               "(SELECT case_id FROM case_schedule WHERE pending_version IS NULL)")
    for column in ("claim_number", *PARTIES):
        op.execute(f'UPDATE pending_action SET {column} = (SELECT "case".{column} FROM "case" '
                   f'WHERE "case".id = pending_action.case_id)')
    for column, source in (("valid_from", "pending_from"), ("valid_until", "pending_until")):
        op.execute(f"UPDATE pending_action SET {column} = (SELECT case_schedule.{source} FROM case_schedule "
                   f"WHERE case_schedule.case_id = pending_action.case_id)")
    for party in PARTIES:
        op.create_index(f"ix_pending_action_{party}_due", "pending_action", [party, "role", "due_on"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION case_version_unsyncs() RETURNS trigger AS $$
            BEGIN
                UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id;
                DELETE FROM pending_action WHERE case_id = NEW.id;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
    else:
        op.execute("DROP TRIGGER case_version_unsyncs")
        op.execute('CREATE TRIGGER case_version_unsyncs AFTER UPDATE OF version ON "case" '
                   "WHEN NEW.version IS NOT OLD.version BEGIN "
                   "UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id; "
                   "DELETE FROM pending_action WHERE case_id = NEW.id; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION case_version_unsyncs() RETURNS trigger AS $$
            BEGIN
                UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
    else:
        op.execute("DROP TRIGGER case_version_unsyncs")
        op.execute('CREATE TRIGGER case_version_unsyncs AFTER UPDATE OF version ON "case" '
                   "WHEN NEW.version IS NOT OLD.version "
                   "BEGIN UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id; END")
    for party in PARTIES:
        op.drop_index(f"ix_pending_action_{party}_due", "pending_action")
    with op.batch_alter_table("pending_action") as batch:
        for column in ("valid_until", "valid_from", *reversed(PARTIES), "claim_number"):
            batch.drop_column(column)
