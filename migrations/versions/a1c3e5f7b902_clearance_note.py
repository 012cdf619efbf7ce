"""clearance note: the clinician's own note on a clearance, apart from the restrictions it names

Revision ID: a1c3e5f7b902
Revises: 80cf550732c5
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5f7b902'
down_revision = '80cf550732c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.drop_column('note')
