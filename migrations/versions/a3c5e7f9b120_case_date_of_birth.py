"""The worker's date of birth on the case (optional: referrals before it carry none).

Revision ID: a3c5e7f9b120
Revises: f1b7c2d9e364
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = 'a3c5e7f9b120'
down_revision = 'f1b7c2d9e364'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case') as batch:
        batch.add_column(sa.Column('date_of_birth', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('case') as batch:
        batch.drop_column('date_of_birth')
