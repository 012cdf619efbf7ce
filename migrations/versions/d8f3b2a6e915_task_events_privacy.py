"""A task's timeline events are as private as the task's action: mark the stored ones the employer must not read.

Revision ID: d8f3b2a6e915
Revises: c5e8a1d3f720
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = 'd8f3b2a6e915'
down_revision = 'c5e8a1d3f720'
branch_labels = None
depends_on = None

# frozen here (a migration must not follow later changes of the domain's list)
FUNCTIONAL_ACTIONS = ("duty_offer", "offer_answer", "offer_revision", "milestone_confirmation", "follow_up")


def upgrade():
    events = sa.table("case_event", sa.column("id", sa.BigInteger), sa.column("kind", sa.String),
                      sa.column("data", sa.JSON), sa.column("clinical", sa.Boolean))
    conn = op.get_bind()
    rows = conn.execute(sa.select(events.c.id, events.c.data).where(
        events.c.kind.in_(("task_opened", "task_escalated")), events.c.clinical.is_(False))).all()
    private = [row.id for row in rows if (row.data or {}).get("kind") not in FUNCTIONAL_ACTIONS]
    for start in range(0, len(private), 500):
        conn.execute(events.update().where(events.c.id.in_(private[start:start + 500])).values(clinical=True))


def downgrade():
    pass   # marking an event private is not undone: the employer never needed to read it
