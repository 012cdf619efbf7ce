"""A workers' app as an OAuth 2.0 client: of no organisation (role 'worker'), acting for whichever worker signs
in through the authorization-code grant.

Revision ID: d1f3b5c7e897
Revises: c9e1a3b5d786
"""
import sqlalchemy as sa
from alembic import op

revision = 'd1f3b5c7e897'
down_revision = 'c9e1a3b5d786'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("oauth2_client") as batch:
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=True)
        batch.create_check_constraint(op.f("ck_oauth2_client_org_unless_worker"),
                                      "org_id IS NOT NULL OR role = 'worker'")
    with op.batch_alter_table("oauth2_token") as batch:   # a worker's token acts for no organisation
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM oauth2_token WHERE org_id IS NULL")
    with op.batch_alter_table("oauth2_token") as batch:
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
    op.execute("DELETE FROM oauth2_client WHERE org_id IS NULL")
    with op.batch_alter_table("oauth2_client") as batch:
        batch.drop_constraint(op.f("ck_oauth2_client_org_unless_worker"), type_="check")
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
