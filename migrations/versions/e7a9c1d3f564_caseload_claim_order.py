"""The caseload's order as an index (claim number, then id): a page of a large caseload reads its own rows,
not every visible case sorted.

Revision ID: e7a9c1d3f564
Revises: d6f8b0c2e453
"""
from alembic import op

revision = 'e7a9c1d3f564'
down_revision = 'd6f8b0c2e453'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_claim_order", "case", ["claim_number", "id"])


def downgrade():
    op.drop_index("ix_case_claim_order", "case")
