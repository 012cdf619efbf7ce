"""drive-case through real Prefect flow runs: each automatic step, idempotence, and runs visible in Prefect."""

import asyncio
from datetime import date

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Authorization, Case, CaseEvent, CaseTask, OutboxRow
from coordinator.services.authorizations import decide_authorization
from coordinator.services.clearances import record_clearance
from coordinator.services.program import record_baseline
from flows.drive_case import drive_case
from tests.services.journey import events, opened

TODAY = date.today()


def fresh(case_id):
    db.session.rollback()
    return db.session.get(Case, case_id)


def open_tasks(case_id):
    db.session.rollback()
    return {t.kind for t in db.session.scalars(select(CaseTask).where(CaseTask.case_id == case_id,
                                                                       CaseTask.closed_at.is_(None)))}


async def runs_of(case_id):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterName

    async with get_client() as client:
        return await client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=["drive-case"])),
            flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"drive-case-{case_id}"])))


def test_a_case_reaches_the_program_with_only_human_decisions_recorded(parties, referral, drain):
    case_id = opened(parties, referral)
    assert drain() >= 1
    assert fresh(case_id).stage == "clearance" and open_tasks(case_id) == {"physician_clearance"}

    record_clearance(parties.physician, case_id, decided_on=TODAY)          # human
    drain()
    assert fresh(case_id).stage == "authorization" and open_tasks(case_id) == {"authorization_decision"}
    auth = db.session.scalar(select(Authorization).where(Authorization.case_id == case_id))
    assert auth.kind == "initial" and auth.start_date == TODAY and auth.packet

    decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="meets criteria",
                         decided_on=TODAY)                                  # human
    drain()
    assert open_tasks(case_id) == {"start_program"}                         # the therapist's baseline
    record_baseline(parties.therapist, case_id, measured_on=TODAY,
                    capacities={"lift_floor_to_waist": 12.0, "carry": 6.0, "stand": 120.0})   # human
    drain()
    case = fresh(case_id)
    assert case.stage == "program" and case.program_started_on == TODAY
    assert open_tasks(case_id) == set()

    kinds = events(case_id)
    automatic = [e for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                                       CaseEvent.actor_role == "system"))]
    assert {e.kind for e in automatic} >= {"clearance_requested", "authorization_requested", "program_started"}
    assert kinds.index("clearance_recorded") < kinds.index("authorization_requested") < kinds.index("program_started")
    assert db.session.scalar(select(OutboxRow.id).where(OutboxRow.processed_at.is_(None))) is None

    runs = asyncio.run(runs_of(case_id))                                    # seen in Prefect's own API
    assert len(runs) >= 4 and all(r.state_type.value == "COMPLETED" for r in runs)
    assert {r.name for r in runs} == {f"drive-case-{case_id}"}


def test_driving_twice_changes_nothing_the_second_time(parties, referral, flows):
    case_id = opened(parties, referral)
    first = asyncio.run(drive_case(case_id))
    after_first, version = events(case_id), fresh(case_id).version
    second = asyncio.run(drive_case(case_id))
    assert first["steps"] == ["request_clearance"] and first["opened"] == 1
    assert second == {"case_id": case_id, "steps": [], "rounds": 1, "opened": 0, "closed": 0, "escalated": 0,
                      "notified": 0}
    assert events(case_id) == after_first and fresh(case_id).version == version
