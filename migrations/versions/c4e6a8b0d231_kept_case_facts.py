"""A copy of each case's facts kept with its schedule at the case's version, so the API's case read takes them
with the case instead of reading every collection (services/facts_store.py). Empty at first: each case's copy
is made by its first read.

Revision ID: c4e6a8b0d231
Revises: b3d5f7a9c120
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = 'c4e6a8b0d231'
down_revision = 'b3d5f7a9c120'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_schedule") as batch:
        batch.add_column(sa.Column("facts", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")))


def downgrade():
    with op.batch_alter_table("case_schedule") as batch:
        batch.drop_column("facts")
