"""A case's facts kept at its version (services/facts_store.py): the copy read on any day is what the
collections say that day, a command makes it stale, and a copy made under other rules is never used."""

from datetime import date, timedelta

from sqlalchemy import select

from coordinator.demo import load_demo
from coordinator.extensions import db
from coordinator.models import Case, CaseSchedule
from coordinator.services.automation import sync_tasks
from coordinator.services.facts import LIVE, case_facts, read_facts
from coordinator.services.facts_store import decode, encode

TODAY = date.today()


def test_a_kept_copy_read_on_any_day_is_the_facts_worked_out_that_day(app, ctx):
    load_demo()
    db.session.commit()
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    for case in cases:
        sync_tasks(case.id, TODAY)   # the flows' open tasks: live facts, never kept
    app.config["FACTS_VERIFY"] = False   # read the copy alone, then compare here
    try:
        for case in db.session.scalars(select(Case).order_by(Case.id)).all():
            schedule = db.session.get(CaseSchedule, case.id)
            read_facts(case, schedule, TODAY)   # the first read keeps the copy
            assert decode(schedule.facts, case.version) is not None, case.claim_number
            # the day decides what is in force and which weeks have begun: across a year, never kept
            for day in (TODAY - timedelta(days=400), TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=9),
                        TODAY + timedelta(days=40), TODAY + timedelta(days=400)):
                assert read_facts(case, schedule, day) == case_facts(case, day), (case.claim_number, day)
    finally:
        app.config["FACTS_VERIFY"] = True


def test_a_copy_holds_for_its_case_version_and_its_rules_only(ctx):
    load_demo()
    db.session.commit()
    case = db.session.scalars(select(Case).order_by(Case.id)).first()
    facts = case_facts(case, TODAY)
    copy = encode(facts, case.version, None, LIVE)
    assert decode(copy, case.version) is not None
    assert decode(copy, case.version + 1) is None                     # the case has changed since
    assert decode({**copy, "rules": "an earlier rule"}, case.version) is None   # a deployment changed a rule
    assert decode(None, case.version) is None
