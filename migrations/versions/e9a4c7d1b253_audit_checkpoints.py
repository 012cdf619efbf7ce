"""The audit log sealed into signed checkpoints: a queue of unsealed entries and the checkpoints; the old chain's
links become optional (no lock, no unique link) and every entry written before is queued to be sealed.

Revision ID: e9a4c7d1b253
Revises: d8f3b2a6e915
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'e9a4c7d1b253'
down_revision = 'd8f3b2a6e915'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade():
    op.create_table('audit_pending',
                    sa.Column('entry_id', BIG_ID, autoincrement=False, nullable=False),
                    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_audit_pending')))
    op.create_table('audit_checkpoint',
                    sa.Column('id', BIG_ID, nullable=False),
                    sa.Column('size', sa.BigInteger(), nullable=False),
                    sa.Column('root', sa.String(length=64), nullable=False),
                    sa.Column('frontier', JSON, nullable=False),
                    sa.Column('entry_ids', JSON, nullable=False),
                    sa.Column('leaves', JSON, nullable=False),
                    sa.Column('sealed_at', sa.String(length=40), nullable=False),
                    sa.Column('key_id', sa.String(length=16), nullable=False),
                    sa.Column('signature', sa.String(length=100), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint')))
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_entry_hash', type_='unique')
        batch_op.drop_constraint('uq_audit_entry_prev_hash', type_='unique')
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
    if postgres:   # the checkpoints are as append-only as the entries they seal
        op.execute("CREATE FUNCTION audit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'audit_checkpoint is append-only: % refused', TG_OP; END $$")
        op.execute("CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint "
                   "FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only()")
    op.execute("INSERT INTO audit_pending (entry_id) SELECT id FROM audit_entry")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_checkpoint_append_only ON audit_checkpoint")
        op.execute("DROP FUNCTION IF EXISTS audit_checkpoint_append_only()")
    op.drop_table('audit_checkpoint')
    op.drop_table('audit_pending')
