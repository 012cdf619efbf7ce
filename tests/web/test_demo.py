"""The demo data: every stage, the special cases, two employers and insurers, idempotent."""

import json

from sqlalchemy import func, select

from coordinator.audit import verify_chain
from coordinator.demo import DEMO_PASSWORD
from coordinator.domain.stages import Stage
from coordinator.extensions import db
from coordinator.models import Authorization, Case, Clearance, DutyOffer, Milestone
from tests.factories import csrf_token


def test_demo_covers_every_stage_and_loads_once(runner, client):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert len(json.loads(first.output)["loaded"]) >= 8
    stages = set(db.session.scalars(select(Case.stage)))
    assert stages == {s.value for s in Stage}
    assert db.session.scalar(select(func.count(func.distinct(Case.employer_id)))) >= 2
    assert db.session.scalar(select(func.count(func.distinct(Case.insurer_id)))) >= 2

    assert db.session.scalar(select(func.count()).where(Clearance.kind == "cardiology")) == 0  # still pending
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.health["cardiovascular_disease"].as_boolean()))
    assert db.session.scalar(select(func.count()).select_from(Case).where(Case.pregnant.is_(True))) == 1
    assert db.session.scalar(select(func.count()).select_from(Authorization).where(Authorization.status == "pending")) == 1
    # the open negotiation: round 1 countered and superseded by round 2, which waits for the therapist's check
    assert db.session.scalar(select(func.count()).select_from(DutyOffer).where(DutyOffer.status == "revised")) == 2
    assert db.session.scalar(select(func.count()).select_from(Milestone).where(Milestone.status == "started")) == 1
    assert verify_chain().ok

    again = runner.invoke(args=["demo", "--if-empty"])
    assert json.loads(again.output)["loaded"] == []
    repeat = runner.invoke(args=["demo"])
    assert json.loads(repeat.output)["loaded"] == []
    assert db.session.scalar(select(func.count(Case.id))) == len(json.loads(first.output)["loaded"])

    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": "employer@demo.test", "password": DEMO_PASSWORD, "csrf_token": token})
    page = client.get("/").get_data(as_text=True)
    assert "Employer inbox" in page and "WC-1005" in page      # an Acme worker
    assert "WC-1002" not in page                               # a Baker worker: not Acme's
    assert "Strain" not in page and "S39" not in page           # no diagnosis for an employer


def test_every_demo_account_lands_on_an_inbox_with_a_real_pending_action(runner, app):
    from coordinator.demo import DEMO_PASSWORD

    assert runner.invoke(args=["demo"]).exit_code == 0
    for role, email in (("Therapist", "therapist@demo.test"), ("Case manager", "casemanager@demo.test"),
                        ("Physician", "physician@demo.test"), ("Employer", "employer@demo.test"),
                        ("Insurer", "insurer@demo.test")):
        browser = app.test_client()
        login = browser.get("/login").get_data(as_text=True)
        assert ">Email<" in login and ">Password<" in login and ">Sign in<" in login
        browser.post("/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": csrf_token(login)})
        page = browser.get("/").get_data(as_text=True)
        assert f"{role} inbox" in page, email
        assert "Nothing waits for you" not in page and "Needs you (0)" not in page, email


def test_a_fresh_demo_shows_nothing_overdue_and_its_branches_wait_on_the_right_party(runner):
    from coordinator.models import CaseTask
    from coordinator.services.inbox import all_pending

    assert runner.invoke(args=["demo"]).exit_code == 0
    overdue = [(i.claim_number, str(i.action.kind), i.action.due) for i in all_pending(select(Case)) if i.overdue]
    assert overdue == []                                     # dates relative to today; the tasks opened at load
    tasks = {(claim, kind): role for claim, kind, role in db.session.execute(
        select(Case.claim_number, CaseTask.kind, CaseTask.role).join(Case, Case.id == CaseTask.case_id)
        .where(CaseTask.closed_at.is_(None)))}
    assert tasks[("WC-1010", "authorization_denied")] == "case_manager"
    assert tasks[("WC-1011", "information_requested")] == "case_manager"
    assert tasks[("WC-1012", "clearance_blocked")] == "case_manager"


def test_make_run_says_where_to_sign_in_and_with_which_accounts(runner):
    from coordinator.demo import DEMO_PASSWORD, USERS

    said = runner.invoke(args=["demo", "--accounts", "http://127.0.0.1:5000"])
    assert said.exit_code == 0 and "http://127.0.0.1:5000" in said.output and DEMO_PASSWORD in said.output
    assert all(email in said.output for _org, _role, email, _name in USERS)
    assert "Loaded" not in said.output and "{" not in said.output   # nothing loaded, nothing as JSON
