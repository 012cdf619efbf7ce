"""`flask backup` and `flask restore` on the backend under test: a restored copy holds the same rows and
an intact audit chain; a damaged file, a non-empty target and a broken chain are refused or reported."""

import json
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, text

from coordinator import create_app
from coordinator.audit import seal_all, verify_chain
from coordinator.backup import _libpq
from coordinator.extensions import db
from coordinator.models import AuditEntry
from tests.services.journey import to_program

COUNTED = ("case", "case_event", "audit_entry")


def counts() -> dict:
    """Rows per table of every table in the app's database (read through the current app context)."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.fixture
def scratch(app, tmp_path):
    """A second app on a fresh, empty database of the same backend, dropped afterwards."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        name = f"coord_restore_{uuid.uuid4().hex[:12]}"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        scratch_url = url.set(database=name).render_as_string(hide_password=False)
    else:
        scratch_url = f"sqlite:///{tmp_path / 'restored.db'}"
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "test"})
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        if url.get_backend_name() == "postgresql":
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def in_app(app, *args):
    """Run a flask command in `app`'s own context (the test's context belongs to the main app)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def scratch_counts(scratch) -> dict:
    with scratch.app_context():
        try:
            return counts()
        finally:
            db.session.remove()


def make_backup(runner, path) -> dict:
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_restore_into_a_fresh_database_gives_the_same_rows_and_an_intact_chain(
        runner, scratch, parties, referral, tmp_path):
    to_program(parties, referral)
    to_program(parties, referral, claim_number="CLM-2")
    path = tmp_path / "coordinator.backup"

    made = make_backup(runner, path)
    before = counts()                        # the backup sealed the audit entries first: as the copy holds them
    manifest = json.loads((tmp_path / "coordinator.backup.json").read_text())
    assert manifest == {k: made[k] for k in manifest}
    assert manifest["rows"] == {t: before[t] for t in COUNTED} and before["audit_entry"] > 10
    assert manifest["revision"] and len(manifest["sha256"]) == 64

    result = in_app(scratch, "restore", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["audit"] == f"audit chain intact ({before['audit_entry']} entries)"
    assert scratch_counts(scratch) == before
    with scratch.app_context():
        check = verify_chain()
        db.session.remove()
    assert check.ok and check.checked == before["audit_entry"]


def test_a_damaged_backup_is_refused_by_its_checksum(runner, scratch, parties, referral, tmp_path):
    to_program(parties, referral)
    path = tmp_path / "coordinator.backup"
    make_backup(runner, path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    result = in_app(scratch, "restore", str(path))
    assert result.exit_code == 1
    assert "checksum mismatch" in result.output and "Traceback" not in result.output
    with scratch.app_context():
        assert inspect(db.engine).get_table_names() == []   # untouched: still without a table


def test_missing_file_and_existing_target_are_refused_plainly(runner, ctx, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "absent.backup")])
    assert result.exit_code == 1 and "no backup file at" in result.output
    path = tmp_path / "coordinator.backup"
    make_backup(runner, path)
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 1 and "already exists" in result.output


def test_a_non_empty_target_is_refused_without_force_and_replaced_with_it(
        runner, scratch, parties, referral, tmp_path):
    to_program(parties, referral)
    first, second = tmp_path / "first.backup", tmp_path / "second.backup"
    make_backup(runner, first)
    to_program(parties, referral, claim_number="CLM-2")   # the live database moves on
    db.session.commit()
    seal_all()                                             # as the flows do every few seconds
    live = counts()

    refused = runner.invoke(args=["restore", str(first)])   # into the live, non-empty database
    assert refused.exit_code == 1 and "not empty" in refused.output and "--force" in refused.output
    assert counts() == live

    assert in_app(scratch, "restore", str(first)).exit_code == 0
    restored_first = scratch_counts(scratch)
    assert restored_first["case"] == 1
    make_backup(runner, second)
    refused = in_app(scratch, "restore", str(second))
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert scratch_counts(scratch) == restored_first

    forced = in_app(scratch, "restore", "--force", str(second))
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["audit"] == f"audit chain intact ({live['audit_entry']} entries)"
    assert scratch_counts(scratch) == live


def test_a_restored_broken_chain_names_the_entry_and_exits_1(runner, scratch, parties, referral, tmp_path):
    to_program(parties, referral)
    db.session.commit()
    seal_all()                              # the flows sealed it, signed
    third = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()[2]
    postgres = db.engine.dialect.name == "postgresql"
    # what only a database superuser could do: edit an entry past the append-only trigger
    if postgres:
        db.session.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
    db.session.execute(text("UPDATE audit_entry SET purpose = 'tampered' WHERE id = :id"), {"id": third})
    if postgres:
        db.session.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only"))
    db.session.commit()
    path = tmp_path / "coordinator.backup"
    make_backup(runner, path)

    result = in_app(scratch, "restore", str(path))
    assert result.exit_code == 1
    assert json.loads(result.output)["audit"] == (f"audit chain broken at entry {third} (2 entries before it "
                                                  f"verified): entry {third} (position 2) was changed")


def test_the_password_never_reaches_the_pg_command_line():
    dsn, env = _libpq("postgresql+psycopg://app:s3cr%40t@db.example:5432/coord?sslmode=require")
    assert dsn == "postgresql://app@db.example:5432/coord?sslmode=require"
    assert env["PGPASSWORD"] == "s3cr@t"
