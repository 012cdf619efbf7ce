"""The start page (the role's portal home) and the health check."""

from flask import Blueprint, jsonify, render_template
from sqlalchemy import select, text

from .domain.stages import Stage
from .auth.sessions import current_actor, login_required
from .extensions import db
from .models import Case, Organisation
from .policy import case_scope

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required()
def index():
    """The signed-in user's portal home (the role's inbox); cases by stage for a role without a portal."""
    from .portals import portal_for
    from .portals.common import render_home

    portal = portal_for(current_actor().role)
    if portal:
        return render_home(portal)
    scope = case_scope(current_actor())
    rows = db.session.execute(
        select(Case.id, Case.claim_number, Case.job_title, Case.stage,
               Organisation.name.label("employer"))
        .join(Organisation, Organisation.id == Case.employer_id)
        .where(scope)
        .order_by(Case.id)
    ).all()
    by_stage = {stage: [r for r in rows if r.stage == stage] for stage in Stage}
    return render_template("home.html", by_stage=by_stage, total=len(rows))


@bp.get("/healthz")
def healthz():
    """JSON health: 200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok", backend=db.engine.dialect.name)
    except Exception as exc:  # any database failure means unhealthy, whatever its type
        db.session.rollback()
        return jsonify(status="error", database="unavailable", error=type(exc).__name__), 503
