"""The audit log after commands; a stale writer of a case fails instead of overwriting (tampering with the log:
test_audit_log.py)."""

import pytest
import os  # noqa: F401  (read by the skipif condition)

from sqlalchemy import select, text, update
from sqlalchemy.orm.exc import StaleDataError

from coordinator.audit import seal_all, verify_chain
from coordinator.extensions import db
from coordinator.models import AuditEntry, Case, OutboxRow
from coordinator.services.cases import open_case, request_clearance


def test_audit_log_verifies_after_commands(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    db.session.commit()
    assert seal_all() == 2
    check = verify_chain()
    assert check.ok and check.checked == 2


def test_stale_case_version_is_refused_not_overwritten(app, parties, referral):
    case = open_case(parties.therapist, referral())
    case_id, version = case.id, case.version
    # another writer commits first
    request_clearance(parties.therapist, case_id)
    db.session.expire_all()
    stale = db.session.get(Case, case_id)
    db.session.execute(update(Case).where(Case.id == case_id).values(version=version + 5)
                       .execution_options(synchronize_session=False))
    stale.worker_name = "Lost update"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Case, case_id).worker_name == "Jordan Reyes"


def test_each_command_enqueues_one_outbox_row_with_the_new_version(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    rows = db.session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    assert [r.kind for r in rows] == ["case_opened", "clearance_requested"]
    assert [r.payload["version"] for r in rows] == [2, 3]


@pytest.mark.skipif("os.environ.get('TEST_DATABASE_URL') is None", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET purpose = 'x'", "DELETE FROM audit_entry"])
def test_postgres_refuses_update_and_delete_of_audit_entries(parties, referral, statement):
    open_case(parties.therapist, referral())
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()


def test_audit_entries_hold_no_clinical_values(parties, referral):
    import json

    case = open_case(parties.therapist, referral())
    dumped = json.dumps([e.detail for e in db.session.scalars(select(AuditEntry))] +
                        [e.subject for e in db.session.scalars(select(AuditEntry))])
    assert case.diagnosis_text not in dumped and case.diagnosis_code not in dumped
