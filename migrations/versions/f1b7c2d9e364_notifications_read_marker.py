"""Each person's notifications read so far: the newest notification id they marked as read.

Revision ID: f1b7c2d9e364
Revises: e9a4c7d1b253
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'f1b7c2d9e364'
down_revision = 'e9a4c7d1b253'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('notifications_read_to', sa.BigInteger(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('notifications_read_to')
