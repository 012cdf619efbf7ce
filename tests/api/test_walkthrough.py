"""The README's curl walkthrough (docs/api-walkthrough.sh) runs as written against a live server."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from coordinator.demo import load_demo
from coordinator.extensions import db
from coordinator.models import Case, CaseEvent

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "api-walkthrough.sh"


def test_the_curl_walkthrough_takes_a_case_from_referral_to_a_confirmed_milestone(app, live_server, tmp_path):
    missing = [tool for tool in ("curl", "openssl", "basenc") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the walkthrough needs {missing} on the PATH")
    load_demo()
    db.session.commit()
    flask = f"{Path(sys.executable).parent / 'flask'} --app wsgi"
    env = {**os.environ, "BASE": live_server, "FLASK": flask, "CLAIM": "WC-WALK-1",
           # the CLI registers the API clients in the very database the live server answers from
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
           "COORDINATOR_INSTANCE": str(tmp_path)}
    run = subprocess.run(["bash", str(SCRIPT)], env=env, cwd=SCRIPT.parents[1], capture_output=True, text=True,
                         timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    db.session.expire_all()
    case = db.session.scalar(select(Case).where(Case.claim_number == "WC-WALK-1"))
    assert case.stage == "return_to_work"
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                                .order_by(CaseEvent.id))]
    assert kinds[0] == "case_opened" and kinds[-1] == "milestone_confirmed"
    assert {"clearance_recorded", "authorization_decided", "session_logged", "restrictions_issued",
            "weekly_review_submitted", "duty_offer_answered"} <= set(kinds)
    assert "progress weekly-review@" in run.stdout
