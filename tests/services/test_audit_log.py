"""The audit log as a transparency log: appended without a lock, sealed in order into signed checkpoints, and
checked by `audit verify` and by the standalone verifier on an export with only the public key."""

import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from coordinator.audit import append, export, keys, seal, seal_all, verify_chain, waiting
from coordinator.audit.verifier import Frontier, leaf_hash, node_hash
from coordinator.extensions import db
from coordinator.models import AuditCheckpoint, AuditEntry
from coordinator.services.cases import open_case, request_clearance

VERIFIER = Path(__file__).resolve().parents[2] / "coordinator" / "audit" / "verifier.py"


def as_dba(*statements, **params):
    """Run statements the way a database superuser could, past the append-only triggers."""
    postgres = db.engine.dialect.name == "postgresql"
    tables = ("audit_entry", "audit_checkpoint")
    if postgres:
        for table in tables:
            db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
    for statement in statements:
        db.session.execute(text(statement), params)
    if postgres:
        for table in tables:
            db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))
    db.session.commit()


def ids() -> list[int]:
    return list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


@pytest.fixture
def sealed(parties, referral):
    """A case opened and sent for clearance, its entries sealed in two checkpoints."""
    case = open_case(parties.therapist, referral())
    db.session.commit()
    assert seal() == 1
    request_clearance(parties.therapist, case.id)
    append(parties.therapist, "read", f"case:{case.id}", case_id=case.id, category="clinical")
    db.session.commit()
    assert seal() == 2
    return ids()


def test_the_merkle_tree_is_rfc_9162s():
    leaves = [leaf_hash({"id": i}) for i in range(7)]
    tree = Frontier()
    for leaf in leaves:
        tree.append(leaf)

    def mth(d):   # RFC 9162 section 2.1.1, written out
        if len(d) == 1:
            return d[0]
        k = 1 << (len(d) - 1).bit_length() - 1
        return node_hash(mth(d[:k]), mth(d[k:]))

    assert tree.root() == mth(leaves) and tree.size == 7


def test_sealed_entries_verify_and_the_unsealed_are_counted(sealed, parties):
    append(parties.therapist, "read", "case:1", category="administrative")
    db.session.commit()
    check = verify_chain()
    assert check.ok and check.checked == 3 and check.unsealed == 1
    assert db.session.scalar(select(func.count(AuditCheckpoint.id))) == 2


def test_an_edit_rechained_by_hand_is_found_and_named(sealed, runner):
    import hashlib

    # the attacker edits the second entry and recomputes every unkeyed digest the table holds
    as_dba("UPDATE audit_entry SET purpose = 'tampered' WHERE id = :id", id=sealed[1])
    for row in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        digest = hashlib.sha256(f"{row.id}{row.purpose}".encode()).hexdigest()
        as_dba("UPDATE audit_entry SET hash = :h, prev_hash = :p WHERE id = :id", h=digest, p=digest, id=row.id)
    check = verify_chain()
    assert not check.ok and check.broken_at == sealed[1] and "was changed" in check.reason
    answer = runner.invoke(args=["audit", "verify"])
    assert answer.exit_code == 1 and json.loads(answer.output)["broken_at"] == sealed[1]


def test_deleting_the_newest_entries_is_found(sealed):
    as_dba("DELETE FROM audit_entry WHERE id >= :id", id=sealed[1])
    check = verify_chain()
    assert not check.ok and check.broken_at == sealed[1] and "was removed" in check.reason


def test_reordering_entries_is_found(sealed):
    first, second = (db.session.get(AuditEntry, i) for i in sealed[:2])
    swap = "UPDATE audit_entry SET action = :a, subject = :s WHERE id = :id"
    a, b = (first.action, first.subject), (second.action, second.subject)
    db.session.rollback()
    as_dba(swap, a=b[0], s=b[1], id=sealed[0])
    as_dba(swap, a=a[0], s=a[1], id=sealed[1])
    assert verify_chain().broken_at == sealed[0]


def test_a_forged_checkpoint_without_the_key_is_refused(sealed):
    as_dba("UPDATE audit_checkpoint SET root = :r WHERE id = (SELECT max(id) FROM audit_checkpoint)", r="0" * 64)
    check = verify_chain()
    assert not check.ok and "signature does not verify" in check.reason


def test_a_transaction_still_open_when_the_sealer_runs_is_sealed_next_time(app, parties):
    """A writer appends and holds its transaction open while the sealer runs: it is not skipped."""
    from coordinator.domain.actors import Actor

    actor = Actor(parties.therapist.user_id, "therapist", parties.clinic.id)
    db.session.commit()
    appended, release = threading.Event(), threading.Event()

    def slow_writer():
        with app.app_context():
            append(actor, "read", "case:slow", category="administrative")
            db.session.flush()
            appended.set()
            release.wait(10)
            db.session.commit()
            db.session.remove()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    appended.wait(10)
    if db.engine.dialect.name == "sqlite":
        # one writer at a time: the sealer waits for the open transaction, then seals its entry with the rest
        sealed = []
        sealer = threading.Thread(target=lambda: _seal_in(app, sealed))
        sealer.start()
        sealer.join(0.5)
        assert sealer.is_alive() and sealed == []   # still waiting: nothing sealed past an open transaction
        release.set()
        writer.join()
        sealer.join(10)
        assert sealed == [1] and waiting() == 0
    else:
        append(actor, "read", "case:quick", category="administrative")
        db.session.commit()
        assert seal() == 1                      # only the committed one
        release.set()
        writer.join()
        assert seal() == 1 and waiting() == 0   # the late committer, sealed next, not lost
    check = verify_chain()
    assert check.ok and check.checked == db.session.scalar(select(func.count(AuditEntry.id)))


def _seal_in(app, sealed: list) -> None:
    """Seal from a connection of its own (the sealer's), recording how many it sealed."""
    with app.app_context():
        try:
            sealed.append(seal())
        finally:
            db.session.remove()


def test_concurrent_appends_take_no_global_lock_and_all_seal(app, parties):
    from coordinator.domain.actors import Actor

    actor = Actor(parties.therapist.user_id, "therapist", parties.clinic.id)
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
    assert seal_all() == 40 and verify_chain().checked == 40


def test_the_standalone_verifier_checks_an_export_with_only_the_public_key(sealed, tmp_path):
    out = io.StringIO()
    export(out)
    (tmp_path / "export.jsonl").write_text(out.getvalue())
    (tmp_path / "public.pem").write_bytes(keys.public_pem())
    run = subprocess.run([sys.executable, "-I", str(VERIFIER), str(tmp_path / "export.jsonl"),
                          str(tmp_path / "public.pem")], capture_output=True, text=True, check=False)
    assert run.returncode == 0 and json.loads(run.stdout)["ok"] is True, run.stderr
    lines = out.getvalue().splitlines()
    edited = [json.loads(line) for line in lines]
    edited[1]["purpose"] = "tampered"
    (tmp_path / "export.jsonl").write_text("\n".join(json.dumps(e) for e in edited))
    run = subprocess.run([sys.executable, "-I", str(VERIFIER), str(tmp_path / "export.jsonl"),
                          str(tmp_path / "public.pem")], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and json.loads(run.stdout)["broken_at"] == sealed[1]


def test_a_rotated_key_still_verifies_the_checkpoints_it_signed(sealed, parties):
    old, new = keys.rotate()
    append(parties.therapist, "read", "case:1", category="administrative")
    db.session.commit()
    seal()
    signers = [c.key_id for c in db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id))]
    assert signers == [old, old, new] and verify_chain().ok
