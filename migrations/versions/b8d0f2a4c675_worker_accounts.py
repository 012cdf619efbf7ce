"""The worker as a party: an account of no organisation (role 'worker'), the case's link to it, and the clinic's
invitations (a link sent by e-mail, kept as its hash, holding 72 hours).

Revision ID: b8d0f2a4c675
Revises: a6c8e0f2b453
"""
import sqlalchemy as sa
from alembic import op

revision = 'b8d0f2a4c675'
down_revision = 'a6c8e0f2b453'
branch_labels = None
depends_on = None

ROLES = "'therapist', 'case_manager', 'physician', 'employer', 'insurer', 'admin', 'system'"
WITH_WORKER = "'therapist', 'case_manager', 'physician', 'employer', 'insurer', 'admin', 'worker', 'system'"


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(op.f("ck_user_account_role_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_user_account_role_valid"), f"role IN ({WITH_WORKER})")
        batch.create_check_constraint(op.f("ck_user_account_org_unless_worker"),
                                      "org_id IS NOT NULL OR role = 'worker'")
    with op.batch_alter_table("oauth2_client") as batch:
        batch.drop_constraint(op.f("ck_oauth2_client_role_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_oauth2_client_role_valid"), f"role IN ({WITH_WORKER})")
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("worker_id", sa.Integer()))
        batch.create_foreign_key(op.f("fk_case_worker_id_user_account"), "user_account", ["worker_id"], ["id"])
        batch.create_index(op.f("ix_case_worker_id"), ["worker_id"])
    _case_triggers_again()
    op.create_table(
        "worker_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invited_by_id", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("user_id", sa.Integer()),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_worker_invitation_case_id_case"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["user_account.id"],
                                name=op.f("fk_worker_invitation_invited_by_id_user_account")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"],
                                name=op.f("fk_worker_invitation_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_worker_invitation_token_hash")),
    )
    op.create_index(op.f("ix_worker_invitation_case_id"), "worker_invitation", ["case_id"])


def _case_triggers_again() -> None:
    """On SQLite a batch alteration rebuilds the case table, and its triggers go with the old one: make them again
    as they stand (c5e7a9b1d342 and f8b0d2e4a675: a new version unsyncs the case's stored actions; a9c1e3f5b786:
    a deleted case takes its outbox rows). PostgreSQL alters the table in place and keeps them."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS case_version_unsyncs")
    op.execute('CREATE TRIGGER case_version_unsyncs AFTER UPDATE OF version ON "case" '
               "WHEN NEW.version IS NOT OLD.version BEGIN "
               "UPDATE case_schedule SET pending_version = NULL WHERE case_id = NEW.id; "
               "DELETE FROM pending_action WHERE case_id = NEW.id; END")
    op.execute("DROP TRIGGER IF EXISTS case_deleted_outbox")
    op.execute('CREATE TRIGGER case_deleted_outbox AFTER DELETE ON "case" '
               "BEGIN DELETE FROM outbox WHERE case_id = OLD.id; END")


def downgrade():
    op.drop_index(op.f("ix_worker_invitation_case_id"), table_name="worker_invitation")
    op.drop_table("worker_invitation")
    with op.batch_alter_table("case") as batch:
        batch.drop_index(op.f("ix_case_worker_id"))
        batch.drop_constraint(op.f("fk_case_worker_id_user_account"), type_="foreignkey")
        batch.drop_column("worker_id")
    _case_triggers_again()
    op.execute("DELETE FROM user_session WHERE user_id IN (SELECT id FROM user_account WHERE role = 'worker')")
    op.execute("DELETE FROM user_account WHERE role = 'worker'")
    with op.batch_alter_table("oauth2_client") as batch:
        batch.drop_constraint(op.f("ck_oauth2_client_role_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_oauth2_client_role_valid"), f"role IN ({ROLES})")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint(op.f("ck_user_account_org_unless_worker"), type_="check")
        batch.drop_constraint(op.f("ck_user_account_role_valid"), type_="check")
        batch.create_check_constraint(op.f("ck_user_account_role_valid"), f"role IN ({ROLES})")
        batch.alter_column("org_id", existing_type=sa.Integer(), nullable=False)
