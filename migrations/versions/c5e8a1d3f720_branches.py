"""branches: a pended authorization request waits for information (its rounds kept), an appeal names the denial
it contests; a refused clearance may be asked for again from a day; the case keeps the date of its latest reassessment; a task the business day it opened; an event the
date the thing happened

Revision ID: c5e8a1d3f720
Revises: b7d2e9a4c611
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'c5e8a1d3f720'
down_revision = 'b7d2e9a4c611'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authorization', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_authorization_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_authorization_status_valid'),
                                         "status IN ('pending', 'pended', 'decided')")
        batch_op.add_column(sa.Column('appeal_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('information', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_authorization_appeal_of_id_authorization'), 'authorization',
                                    ['appeal_of_id'], ['id'])
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reassessed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('asked_again_on', sa.Date(), nullable=True))
    with op.batch_alter_table('duty_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('case_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_on', sa.Date(), nullable=True))
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurred_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_column('occurred_on')
    with op.batch_alter_table('case_task', schema=None) as batch_op:
        batch_op.drop_column('opened_on')
    with op.batch_alter_table('duty_offer', schema=None) as batch_op:
        batch_op.drop_column('withdrawal_reason')
    with op.batch_alter_table('clearance', schema=None) as batch_op:
        batch_op.drop_column('asked_again_on')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_column('reassessed_on')
    with op.batch_alter_table('authorization', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_authorization_appeal_of_id_authorization'), type_='foreignkey')
        batch_op.drop_column('information')
        batch_op.drop_column('appeal_of_id')
        batch_op.drop_constraint(op.f('ck_authorization_status_valid'), type_='check')
        batch_op.create_check_constraint(op.f('ck_authorization_status_valid'), "status IN ('pending', 'decided')")
