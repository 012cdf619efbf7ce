"""On PostgreSQL, a commit that queued outbox rows wakes the dispatchers (NOTIFY coordinator_outbox, once per
statement; the notification is delivered at commit): an idle dispatcher starts within milliseconds instead of
at its next poll.

Revision ID: d6f8b0c2e453
Revises: c5e7a9b1d342
"""
from alembic import op

revision = 'd6f8b0c2e453'
down_revision = 'c5e7a9b1d342'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return   # SQLite has no notifications: its dispatchers poll
    op.execute("""
        CREATE FUNCTION outbox_notify() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('coordinator_outbox', '');
            RETURN NULL;
        END $$ LANGUAGE plpgsql""")
    op.execute("CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_notify ON outbox")
    op.execute("DROP FUNCTION outbox_notify()")
