"""The floor of a real read: one case row by id as JSON through Flask and Flask-SQLAlchemy, the coordinator's own
model, engine options and database, served by the same gunicorn settings; no sign-in, audit or rules. What a
read of the coordinator can at best approach on this machine."""

from flask import Flask, abort

from coordinator.config import database_url
from coordinator.extensions import db
from coordinator.models import Case

app = Flask(__name__)
app.config.update(SQLALCHEMY_DATABASE_URI=database_url(), SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
db.init_app(app)


@app.get("/cases/<int:case_id>")
def case(case_id: int):
    """The case's row as JSON (404 when there is none)."""
    row = db.session.get(Case, case_id)
    if row is None:
        abort(404)
    return {"id": row.id, "claim_number": row.claim_number, "worker_name": row.worker_name, "stage": row.stage,
            "stage_since": row.stage_since.isoformat(), "date_of_injury": row.date_of_injury.isoformat(),
            "job_title": row.job_title, "version": row.version}
