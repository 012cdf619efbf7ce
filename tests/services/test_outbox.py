"""The outbox as the dispatchers' queue: exclusive claims, leases, back-off, and the sweep's enqueue."""

from datetime import date, timedelta

from sqlalchemy import event, func, select

from coordinator.extensions import db
from coordinator.models import CaseSchedule, OutboxRow
from coordinator.models.base import utcnow
from coordinator.services import outbox
from coordinator.services.cases import open_case

TODAY = date.today()


def opened(parties, referral, n):
    return [open_case(parties.therapist, referral(claim_number=f"CLM-{i}", date_of_injury=TODAY - timedelta(days=150),
                                                 referral_date=TODAY - timedelta(days=10))).id for i in range(n)]


def test_a_claim_is_exclusive_until_its_lease_runs_out(ctx, parties, referral):
    case_ids = opened(parties, referral, 3)
    first = outbox.claim(batch=2)
    assert len(first.cases) == 2
    second = outbox.claim(batch=10)
    assert set(second.cases) == set(case_ids) - set(first.cases)          # never the same row twice
    assert not outbox.claim(batch=10)
    later = utcnow() + outbox.LEASE + timedelta(seconds=1)              # the first dispatcher died
    taken_over = outbox.claim(batch=10, now=later)
    assert set(taken_over.cases) == set(case_ids)


def test_complete_marks_only_the_claimed_rows_of_the_case(ctx, parties, referral):
    [case_id] = opened(parties, referral, 1)
    claim = outbox.claim()
    db.session.add(OutboxRow(case_id=case_id, kind="later", payload={}))   # arrives during the run
    db.session.commit()
    assert outbox.complete(claim.token, case_id) == 1
    assert outbox.backlog() == 1


def test_a_failure_backs_off_then_the_row_is_claimable_again(ctx, parties, referral):
    [case_id] = opened(parties, referral, 1)
    claim = outbox.claim()
    outbox.fail(claim.token, case_id, "RuntimeError: boom")
    row = db.session.scalar(select(OutboxRow))
    assert row.claim_token is None and row.last_error == "RuntimeError: boom" and row.next_attempt_at > utcnow()
    assert not outbox.claim()
    assert outbox.claim(now=row.next_attempt_at + timedelta(seconds=1))


def test_release_gives_rows_back_without_counting_an_attempt(ctx, parties, referral):
    opened(parties, referral, 1)
    claim = outbox.claim()
    outbox.release(claim.token)
    row = db.session.scalar(select(OutboxRow))
    assert row.claim_token is None and row.attempts == 0 and outbox.claim()


def _statements(fn):
    seen = []
    listener = lambda *args, **kw: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return result, len(seen)


def test_the_sweep_queues_only_due_cases_in_a_fixed_number_of_statements(ctx, parties, referral):
    case_ids = opened(parties, referral, 6)
    for row in db.session.scalars(select(OutboxRow)):
        row.processed_at = utcnow()
    schedules = {s.case_id: s for s in db.session.scalars(select(CaseSchedule))}
    due, later, idle = case_ids[:2], case_ids[2:4], case_ids[4:]
    for case_id in due:
        schedules[case_id].next_check_on = TODAY
    for case_id in later:
        schedules[case_id].next_check_on = TODAY + timedelta(days=3)
    for case_id in idle:
        schedules[case_id].next_check_on = None
    db.session.commit()
    queued, statements = _statements(lambda: outbox.enqueue_due(TODAY))
    assert queued == 2
    assert set(db.session.scalars(select(OutboxRow.case_id).where(OutboxRow.processed_at.is_(None)))) == set(due)
    assert outbox.enqueue_due(TODAY) == 0                              # already waiting: not queued twice
    # three times the due cases, the same statements
    for case_id in later + idle:
        schedules[case_id].next_check_on = TODAY
    db.session.execute(OutboxRow.__table__.update().values(processed_at=utcnow()))
    db.session.commit()
    queued, more = _statements(lambda: outbox.enqueue_due(TODAY))
    assert queued == 6 and more == statements
    assert db.session.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.processed_at.is_(None))) == 6
