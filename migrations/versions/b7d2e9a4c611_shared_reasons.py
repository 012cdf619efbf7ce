"""shared reasons: what a declining therapist or a reported setback tells the employer, apart from the clinical
reason; and a counter-offer's requested changes apart from the decline's reason

Revision ID: b7d2e9a4c611
Revises: a1c3e5f7b902
Create Date: 2026-12-01 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e9a4c611'
down_revision = 'a1c3e5f7b902'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('duty_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_changes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('shared_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setback_shared_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('setback_shared_reason')
    with op.batch_alter_table('duty_offer', schema=None) as batch_op:
        batch_op.drop_column('shared_reason')
        batch_op.drop_column('requested_changes')
