"""The stored pending actions (written by the flows' sync) give the inbox exactly what working them out gives."""

from datetime import date, timedelta

from sqlalchemy import select

from coordinator.demo import load_demo
from coordinator.domain.actions import pending_actions
from coordinator.domain.stages import Stage
from coordinator.extensions import db
from coordinator.models import Case, CaseSchedule, PendingRow
from coordinator.services.automation import sync_tasks
from coordinator.services.inbox import all_pending, facts_of

TODAY = date.today()


def key(case_id, action, overdue):
    return (case_id, str(action.kind), str(action.role), action.due, action.subject_id, action.reason.code, overdue)


def live(day: date) -> set:
    """Every pending action worked out from the facts, as the inbox did before anything was stored."""
    cases = db.session.scalars(select(Case).where(Case.stage != Stage.CLOSED)).all()
    facts = facts_of(cases, day)
    return {key(c.id, a, a.overdue(day)) for c in cases for a in pending_actions(facts[c.id], day)}


def served(day: date) -> set:
    return {key(i.case_id, i.action, i.overdue) for i in all_pending(select(Case), day)}


def test_stored_actions_match_the_facts_on_every_day_until_they_expire(ctx):
    load_demo()
    db.session.commit()
    for case_id in db.session.scalars(select(Case.id)).all():
        sync_tasks(case_id, TODAY)
    assert db.session.scalar(select(db.func.count(PendingRow.id))) > 0
    for offset in range(0, 120, 3):   # stored rows serve the days they hold; the rest are worked out again
        day = TODAY + timedelta(days=offset)
        assert served(day) == live(day), day


def test_a_case_changed_after_the_sync_is_worked_out_again(ctx, parties, referral):
    from coordinator.services.cases import open_case, request_clearance

    case = open_case(parties.therapist, referral())
    sync_tasks(case.id, TODAY)
    assert db.session.get(CaseSchedule, case.id).pending_version == db.session.get(Case, case.id).version
    request_clearance(parties.therapist, case.id)            # a new version: the stored rows no longer hold
    schedule = db.session.get(CaseSchedule, case.id)
    assert schedule.pending_version != db.session.get(Case, case.id).version
    assert served(TODAY) == live(TODAY)
    assert "physician_clearance" in {k[1] for k in served(TODAY) if k[0] == case.id}


def test_the_inbox_reads_stored_rows_without_working_the_facts_out(ctx, monkeypatch):
    load_demo()
    db.session.commit()
    for case_id in db.session.scalars(select(Case.id)).all():
        sync_tasks(case_id, TODAY)
    expected = live(TODAY)
    import coordinator.services.inbox as inbox_module

    worked_out = []
    real = inbox_module.facts_of
    monkeypatch.setattr(inbox_module, "facts_of", lambda cases, day=None: worked_out.extend(cases) or real(cases, day))
    assert served(TODAY) == expected
    assert worked_out == []                                  # every case came from the stored rows
