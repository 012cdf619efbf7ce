"""The database queues each new audit entry for the sealer itself (a trigger), so an audited read writes one
row, not two.

Revision ID: b4d6f8a0c231
Revises: a3c5e7f9b120
"""
from alembic import op

revision = 'b4d6f8a0c231'
down_revision = 'a3c5e7f9b120'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION audit_entry_queue() RETURNS trigger AS $$
            BEGIN
                INSERT INTO audit_pending (entry_id) VALUES (NEW.id);
                RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER audit_entry_queued AFTER INSERT ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entry_queue()")
    else:
        op.execute("CREATE TRIGGER audit_entry_queued AFTER INSERT ON audit_entry "
                   "BEGIN INSERT INTO audit_pending (entry_id) VALUES (NEW.id); END")


def downgrade():
    op.execute("DROP TRIGGER audit_entry_queued" + (" ON audit_entry" if op.get_bind().dialect.name == "postgresql"
                                                     else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_entry_queue()")
