"""The start page (demo cases by stage, until the portals exist) and the health check."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import or_, select, text

from .domain.stages import Stage
from .auth.sessions import current_actor, login_required
from .extensions import db
from .domain.actors import Role
from .models import Case, CaseTask, Notification, Organisation
from .policy import case_scope

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required()
def index():
    """The signed-in party's cases grouped by stage (until the role portals exist)."""
    scope = case_scope(current_actor())
    rows = db.session.execute(
        select(Case.id, Case.claim_number, Case.job_title, Case.stage,
               Organisation.name.label("employer"))
        .join(Organisation, Organisation.id == Case.employer_id)
        .where(scope)
        .order_by(Case.id)
    ).all()
    by_stage = {stage: [r for r in rows if r.stage == stage] for stage in Stage}
    return render_template("home.html", by_stage=by_stage, total=len(rows), tasks=_tasks(scope),
                           notifications=_notifications(scope))


def _tasks(scope) -> list:
    """Open tasks the flows handed to the user's role (and, for a case manager, every escalated one)."""
    from .services.automation import TASK_LABELS

    actor = current_actor()
    mine = CaseTask.role == str(actor.role)
    if actor.role is Role.CASE_MANAGER:
        mine = or_(mine, CaseTask.role == str(Role.THERAPIST), CaseTask.escalated_at.is_not(None))
    rows = db.session.execute(
        select(CaseTask.kind, CaseTask.role, CaseTask.due_on, CaseTask.escalated_at, Case.claim_number)
        .join(Case, Case.id == CaseTask.case_id).where(scope, CaseTask.closed_at.is_(None), mine)
        .order_by(CaseTask.due_on, CaseTask.id).limit(100)).all()
    return [{"label": TASK_LABELS.get(r.kind, r.kind), "role": r.role.replace("_", " "), "due": r.due_on,
             "escalated": r.escalated_at is not None, "claim": r.claim_number} for r in rows]


def _notifications(scope) -> list:
    """The latest notifications sent to the user's organisation and role."""
    actor = current_actor()
    return db.session.scalars(
        select(Notification).join(Case, Case.id == Notification.case_id)
        .where(scope, Notification.org_id == actor.org_id, Notification.role == str(actor.role))
        .order_by(Notification.id.desc()).limit(10)).all()


@bp.get("/healthz")
def healthz():
    """JSON health: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok", backend=db.engine.dialect.name)
    except Exception as exc:  # any database failure means unhealthy, whatever its type
        db.session.rollback()
        return jsonify(status="error", database="unavailable", error=type(exc).__name__), 503
