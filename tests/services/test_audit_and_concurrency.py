"""The audit chain detects tampering; a stale writer of a case fails instead of overwriting."""

import pytest
import os  # noqa: F401  (read by the skipif condition)

from sqlalchemy import select, text, update
from sqlalchemy.orm.exc import StaleDataError

from coordinator.audit import append, verify_chain
from coordinator.extensions import db
from coordinator.models import AuditEntry, Case, OutboxRow
from coordinator.services.cases import open_case, request_clearance


def test_audit_chain_verifies_after_commands(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    check = verify_chain()
    assert check.ok and check.checked == 2


POSTGRES = "postgresql"


def as_dba(statement, **params):
    """Run a statement the way a database superuser could, past the append-only trigger."""
    postgres = db.engine.dialect.name == POSTGRES
    if postgres:
        db.session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
    db.session.execute(text(statement), params)
    if postgres:
        db.session.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    db.session.commit()


def test_editing_an_audit_entry_breaks_the_chain(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    first = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id))
    as_dba("UPDATE audit_entry SET purpose = 'tampered' WHERE id = :id", id=first)
    check = verify_chain()
    assert not check.ok and check.broken_at == first


def test_deleting_an_audit_entry_breaks_the_chain(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    first = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id))
    as_dba("DELETE FROM audit_entry WHERE id = :id", id=first)
    assert not verify_chain().ok


def test_chain_cannot_fork_two_entries_on_one_link(parties):
    append(parties.therapist, "read", "case:1", category="clinical")
    db.session.commit()
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()))
    db.session.add(AuditEntry(at=last.at, actor_role="x", action="forged", subject="s",
                              prev_hash=last.prev_hash, hash="f" * 64))
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.session.commit()
    db.session.rollback()


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


def test_audit_verify_command_names_exactly_the_altered_row(runner, parties, referral):
    import json

    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and json.loads(ok.output) == {"ok": True, "checked": 2, "broken_at": None}
    second = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()[1]
    as_dba("UPDATE audit_entry SET action = 'forged' WHERE id = :id", id=second)
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert json.loads(broken.output) == {"ok": False, "checked": 1, "broken_at": second}


def test_audit_entries_hold_no_clinical_values(parties, referral):
    import json

    case = open_case(parties.therapist, referral())
    dumped = json.dumps([e.detail for e in db.session.scalars(select(AuditEntry))] +
                        [e.subject for e in db.session.scalars(select(AuditEntry))])
    assert case.diagnosis_text not in dumped and case.diagnosis_code not in dumped


def test_concurrent_writers_each_extend_the_chain_without_a_fork(app, parties):
    """Eight threads on their own connections append at once (as gunicorn's threads do): every entry lands,
    the chain verifies. On SQLite the chain lock is the write lock taken before the head is read."""
    import threading

    from coordinator.domain.actors import Actor

    before = db.session.scalar(select(db.func.count(AuditEntry.id)))
    actor = Actor(parties.therapist.user_id, "therapist", parties.clinic.id)   # read here: ORM rows stay in this thread
    db.session.commit()
    start, failures = threading.Barrier(8), []

    def writer(n):
        with app.app_context():
            try:
                start.wait()
                for i in range(5):
                    append(actor, "read", f"case:{n}-{i}", category="administrative")
                    db.session.commit()
            except Exception as exc:   # noqa: BLE001 - the test reports any failure of any writer
                failures.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert db.session.scalar(select(db.func.count(AuditEntry.id))) == before + 40
    assert verify_chain().ok
