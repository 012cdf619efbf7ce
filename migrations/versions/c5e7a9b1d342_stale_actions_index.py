"""The stored pending actions of a case go stale in the database itself: a change of the case's version clears
its schedule's pending_version (a trigger), so the cases whose stored actions no longer hold are found through
a partial index (pending_version IS NULL) and two date indexes, never by scanning every visible case.

Revision ID: c5e7a9b1d342
Revises: b4d6f8a0c231
"""
from alembic import op

revision = 'c5e7a9b1d342'
down_revision = 'b4d6f8a0c231'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE case_schedule SET pending_version = NULL WHERE pending_version <> "
               "(SELECT version FROM \"case\" WHERE \"case\".id = case_schedule.case_id)")
    op.execute("CREATE INDEX ix_case_schedule_unsynced ON case_schedule (case_id) WHERE pending_version IS NULL")
    op.create_index("ix_case_schedule_pending_until", "case_schedule", ["pending_until"])
    op.create_index("ix_case_schedule_pending_from", "case_schedule", ["pending_from"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION case_version_unsyncs() RETURNS trigger AS $$
            BEGIN
                UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id;
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute('CREATE TRIGGER case_version_unsyncs AFTER UPDATE OF version ON "case" FOR EACH ROW '
                   "WHEN (NEW.version IS DISTINCT FROM OLD.version) EXECUTE FUNCTION case_version_unsyncs()")
    else:
        op.execute('CREATE TRIGGER case_version_unsyncs AFTER UPDATE OF version ON "case" '
                   "WHEN NEW.version IS NOT OLD.version "
                   "BEGIN UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute('DROP TRIGGER case_version_unsyncs ON "case"')
        op.execute("DROP FUNCTION case_version_unsyncs()")
    else:
        op.execute("DROP TRIGGER case_version_unsyncs")
    op.drop_index("ix_case_schedule_pending_from", "case_schedule")
    op.drop_index("ix_case_schedule_pending_until", "case_schedule")
    op.execute("DROP INDEX ix_case_schedule_unsynced")
