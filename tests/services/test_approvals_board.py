"""The approvals board: a party's open requests with their clocks, its filters, and each insurer's turnaround
(median and 90th percentile by nearest rank), outcome rates and late decisions over a period, by week too."""

from datetime import UTC, datetime, timedelta

import pytest

from coordinator.domain.actors import Actor
from coordinator.domain.calendar import add_business_days
from coordinator.services.authorizations import decide_authorization, request_authorization
from coordinator.services.cases import request_clearance
from coordinator.services.clearances import record_clearance
from coordinator.services.queries.approvals import (BoardFilters, NotOnBoard, approvals_board, insurer_records,
                                                    turnaround_by_week)
from tests.services.journey import TODAY, opened


def cleared(parties, referral, claim, **changes) -> int:
    case_id = opened(parties, referral, claim_number=claim, referral_date=TODAY - timedelta(days=60), **changes)
    request_clearance(parties.therapist, case_id)
    record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=59))
    return case_id


def asked(parties, case_id, days_ago: int, **extra):
    return request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=days_ago),
                                 start_date=TODAY, **extra)


def due_soon(parties, case_id):
    """A standard request whose fifth business day is today or tomorrow: due within 48 hours."""
    days_ago = next(n for n in range(5, 12) if add_business_days(TODAY - timedelta(days=n), 5) in
                    (TODAY, TODAY + timedelta(days=1)))
    return asked(parties, case_id, days_ago)


def test_each_party_sees_the_open_requests_of_its_cases_with_their_clocks(parties, referral):
    late = asked(parties, cleared(parties, referral, "CLM-LATE"), 20)
    urgent = asked(parties, cleared(parties, referral, "CLM-URGENT"), 0, expedited=True, expedited_reason="job ends")
    other = asked(parties, cleared(parties, referral, "CLM-OTHER", insurer_id=parties.other_insurer.id), 1)
    done = asked(parties, cleared(parties, referral, "CLM-DONE"), 3)
    decide_authorization(parties.insurer_user, done.id, decision="approve", reason="ok", decided_on=TODAY)
    for reader in (parties.case_manager, parties.insurer_user):
        board = approvals_board(reader, BoardFilters())
        ids = [r.id for r in board.items]
        assert done.id not in ids and late.id in ids and urgent.id in ids
        assert (other.id in ids) == (reader is parties.case_manager)   # the other insurer's claim: not Keystone's
    rows = {r.id: r for r in approvals_board(parties.insurer_user, BoardFilters()).items}
    assert rows[late.id].clock.late and rows[late.id].clock.words.startswith("late by")
    assert not rows[urgent.id].clock.late and rows[urgent.id].clock.words in ("71 hours left", "72 hours left")
    assert [r.id for r in approvals_board(parties.insurer_user, BoardFilters()).items][0] == late.id   # soonest due
    assert [r.id for r in approvals_board(parties.case_manager, BoardFilters(lateness="late")).items] == [late.id]
    soon = due_soon(parties, cleared(parties, referral, "CLM-SOON"))
    assert [r.id for r in approvals_board(parties.case_manager, BoardFilters(lateness="due_soon")).items] == [soon.id]
    assert urgent.id in [r.id for r in approvals_board(parties.case_manager, BoardFilters(lateness="on_time")).items]
    assert late.id not in [r.id for r in approvals_board(parties.case_manager, BoardFilters(lateness="on_time")).items]
    only = approvals_board(parties.case_manager, BoardFilters(insurer_id=parties.other_insurer.id))   # Summit
    assert [r.id for r in only.items] == [other.id] and only.total == 1
    assert approvals_board(parties.case_manager, BoardFilters(stage="program")).total == 0
    assert approvals_board(parties.other_insurer_user, BoardFilters()).total == 1
    stranger = Actor(parties.other_case_manager.user_id, "case_manager", parties.other_clinic.id)
    assert approvals_board(stranger, BoardFilters()).total == 0


@pytest.mark.parametrize("name", ["employer_user", "therapist", "physician"])
def test_only_case_managers_and_insurers_keep_a_board(parties, name):
    with pytest.raises(NotOnBoard):
        approvals_board(getattr(parties, name), BoardFilters())


def test_an_insurer_s_turnaround_rates_and_late_decisions(parties, referral):
    outcomes = [(1, "approve"), (2, "approve"), (3, "modify"), (10, "deny")]   # days from request to decision
    for n, (days, decision) in enumerate(outcomes):
        row = asked(parties, cleared(parties, referral, f"CLM-{n}"), 12)
        decide_authorization(parties.insurer_user, row.id, decision=decision, reason="as policy",
                             approved_sessions=4 if decision == "modify" else None,
                             decided_on=TODAY - timedelta(days=12 - days))
    [record] = insurer_records(parties.case_manager, TODAY - timedelta(days=30), TODAY)
    assert record.insurer == "Keystone" and record.decisions == 4
    assert record.median_days == pytest.approx(2.0) and record.p90_days == pytest.approx(10.0)   # nearest rank
    assert (record.approved, record.modified, record.denied) == (2, 1, 1) and record.rate(record.approved) == 0.5
    assert record.late == 1   # ten days is past five business days
    assert insurer_records(parties.case_manager, TODAY - timedelta(days=5), TODAY) == [] or \
        insurer_records(parties.case_manager, TODAY - timedelta(days=5), TODAY)[0].decisions == 1
    weeks = turnaround_by_week(parties.insurer_user, TODAY - timedelta(days=30), TODAY)
    assert sum(w.decisions for w in weeks) == 4 and all(w.week_of.weekday() == 0 for w in weeks)
    total_days = sum(w.mean_days * w.decisions for w in weeks)
    assert total_days == pytest.approx(16.0)
    assert insurer_records(parties.other_insurer_user, TODAY - timedelta(days=30), TODAY) == []


def test_the_board_reads_the_same_statements_whatever_the_caseload(parties, referral, app):
    from sqlalchemy import event

    from coordinator.extensions import db

    def statements():
        seen = []
        listener = lambda *args, **kw: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            approvals_board(parties.insurer_user, BoardFilters(lateness="late"), now=datetime.now(UTC))
            insurer_records(parties.insurer_user, TODAY - timedelta(days=30), TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    asked(parties, cleared(parties, referral, "CLM-A"), 20)
    few = statements()
    for n in range(6):
        asked(parties, cleared(parties, referral, f"CLM-B{n}"), 20)
    assert statements() == few <= 4   # the page, its count, the audit entry; the records in one
