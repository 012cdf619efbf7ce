"""The sweep flow: it queues only the cases with time-due work, and the dispatcher drives only those."""

import asyncio
from datetime import timedelta

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import CaseSchedule, OutboxRow
from flows.sweep import sweep

from .test_drive_case import TODAY, opened, runs_of


def test_the_sweep_drives_only_the_cases_whose_next_check_has_come(parties, referral, drain):
    case_ids = [opened(parties, referral, claim_number=f"CLM-S{i}") for i in range(4)]
    drain()                                               # each case asked for clearance; tasks open
    db.session.rollback()
    schedules = {s.case_id: s for s in db.session.scalars(select(CaseSchedule).where(CaseSchedule.case_id.in_(case_ids)))}
    due_on = schedules[case_ids[0]].next_check_on         # the clearance task turns overdue the day after
    assert due_on > TODAY and all(s.next_check_on == due_on for s in schedules.values())
    schedules[case_ids[1]].next_check_on = due_on + timedelta(days=30)   # e.g. cleared meanwhile
    db.session.commit()
    runs_before = {c: len(asyncio.run(runs_of(c))) for c in case_ids}

    assert asyncio.run(sweep(TODAY)) == 0                 # nothing is due today
    assert asyncio.run(sweep(due_on)) == 3                # three cases due that day, one later
    queued = set(db.session.scalars(select(OutboxRow.case_id).where(OutboxRow.processed_at.is_(None))))
    assert queued == set(case_ids) - {case_ids[1]}
    drain()
    runs_after = {c: len(asyncio.run(runs_of(c))) for c in case_ids}
    assert {c for c in case_ids if runs_after[c] > runs_before[c]} == queued    # no run for the idle case
    assert runs_after[case_ids[1]] == runs_before[case_ids[1]]
