"""Sessions indexed by their authorization: a case page counts the sessions used against each of the case's
authorizations, which scanned every session of every case (5 ms at 10,000 cases, growing with the caseload).

Revision ID: b3d5f7a9c120
Revises: a9c1e3f5b786
"""
from alembic import op

revision = 'b3d5f7a9c120'
down_revision = 'a9c1e3f5b786'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_program_session_authorization_id", "program_session", ["authorization_id"])


def downgrade():
    op.drop_index("ix_program_session_authorization_id", table_name="program_session")
