"""Backups and restores of the coordinator's database, SQLite or PostgreSQL.

A backup is one file plus a manifest beside it (`<file>.json`: when, which backend, the Alembic
revision, row counts of the case and audit tables, and the file's SHA-256). A restore checks the
checksum before it touches anything, refuses to overwrite a database that holds data unless forced,
and compares the restored row counts with the manifest. The audit chain is verified afterwards by
the caller (`flask --app wsgi restore`), inside an app bound to the restored database.

- SQLite: Python's online backup API, one step, so the copy is a consistent snapshot even while the
  app writes; `PRAGMA integrity_check` on the copy and on the restored database.
- PostgreSQL: `pg_dump --format=custom` and `pg_restore --single-transaction` (a failed restore
  leaves the target as it was). The password never goes on a command line (`ps` shows those): it
  is taken out of the URL and handed over in PGPASSWORD.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import URL, create_engine, make_url, text

from .config import database_url as normalized_url

# what the manifest counts, and a restore must reproduce
COUNTED_TABLES = ("case", "case_event", "audit_entry")

_LIST_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}


class BackupError(Exception):
    """An expected failure (missing file, checksum mismatch, non-empty target...), told in one sentence."""


def backup(database_url: str, target_path: str | os.PathLike) -> dict:
    """Copy the database at `database_url` to `target_path` and write the manifest beside it; returns
    the manifest. Refuses to overwrite an existing file; safe while the app is writing."""
    url, backend = _url_and_backend(database_url)
    target = Path(target_path)
    manifest_path = _manifest_path(target)
    if target.exists() or manifest_path.exists():
        raise BackupError(f"{target} (or its manifest) already exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    # created owner-only before anything is written into it: the copy holds clinical data
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise BackupError(f"{partial} exists: another backup is running, or one was interrupted "
                          "(then delete it)") from None
    try:
        facts = (_backup_sqlite if backend == "sqlite" else _backup_postgres)(url, partial)
        partial.replace(target)   # a file under the final name is always a complete backup
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "backend": backend,
        "revision": facts["revision"], "rows": facts["rows"], "sha256": _sha256(target), "file": target.name,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def restore(database_url: str, source_path: str | os.PathLike, force: bool = False) -> dict:
    """Restore the backup at `source_path` into the database at `database_url`; returns its manifest.

    Nothing is touched unless the checksum matches the manifest, the backends agree, and the target
    holds no rows (or `force`). Stop the web tier and the dispatchers first."""
    url, backend = _url_and_backend(database_url)
    source = Path(source_path)
    manifest = _verified_manifest(source)
    if manifest.get("backend") != backend:
        raise BackupError(f"{source} is a {manifest.get('backend')} backup; the target database is {backend}")
    facts = (_restore_sqlite if backend == "sqlite" else _restore_postgres)(url, source, force)
    if facts["rows"] != manifest.get("rows"):
        raise BackupError(f"restored, but the row counts {facts['rows']} differ from the manifest's "
                          f"{manifest.get('rows')}: do not use this database")
    return manifest


# --- shared ----------------------------------------------------------------------------------------

def _url_and_backend(database_url: str) -> tuple[str, str]:
    url = normalized_url(database_url)   # plain postgresql:// would pick psycopg2, which we do not install
    backend = make_url(url).get_backend_name()
    if backend not in _LIST_TABLES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    return url, backend


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _verified_manifest(source: Path) -> dict:
    """The manifest of `source`, once the file's checksum has been found equal to the recorded one."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    manifest_path = _manifest_path(source)
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        raise BackupError(f"no manifest {manifest_path} beside the backup: its checksum cannot be verified") from None
    except (ValueError, OSError) as exc:
        raise BackupError(f"unreadable manifest {manifest_path}: {exc}") from None
    if not isinstance(manifest, dict) or _sha256(source) != manifest.get("sha256"):
        raise BackupError(f"checksum mismatch: {source} is not the file its manifest describes "
                          "(damaged or altered); nothing was restored")
    return manifest


# `query(sql)` runs one statement and returns its rows, over sqlite3 or SQLAlchemy alike

def _tables(query, backend: str) -> set[str]:
    return {row[0] for row in query(_LIST_TABLES[backend])}


def _describe(query, backend: str) -> dict:
    """The Alembic revision and the row counts of the counted tables (those that exist)."""
    tables = _tables(query, backend)
    rows = query("SELECT version_num FROM alembic_version") if "alembic_version" in tables else []
    return {"revision": rows[0][0] if rows else None,
            "rows": {t: query(f'SELECT count(*) FROM "{t}"')[0][0] for t in COUNTED_TABLES if t in tables}}


def _refuse_unless_empty(query, backend: str, force: bool) -> None:
    """Never overwrite data silently: a target with any row (but Alembic's) needs `force`."""
    if force:
        return
    for table in sorted(_tables(query, backend) - {"alembic_version"}):
        if query(f'SELECT 1 FROM "{table}" LIMIT 1'):
            raise BackupError(f"the target database is not empty (table {table} has rows): "
                              "restore into an empty database, or pass --force to replace it")


# --- SQLite ----------------------------------------------------------------------------------------

def _sqlite_path(url: str) -> Path:
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        raise BackupError("only a SQLite database file can be backed up or restored")
    return Path(path)


def _check_integrity(conn: sqlite3.Connection, what: str) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        raise BackupError(f"integrity check of {what} failed: {'; '.join(result[:3])}")


def _backup_sqlite(url: str, partial: Path) -> dict:
    path = _sqlite_path(url)
    if not path.is_file():
        raise BackupError(f"no SQLite database at {path}")
    # sqlite3 directly, not SQLAlchemy: the app's connect hook would switch the copy to WAL
    with closing(sqlite3.connect(path, timeout=5)) as source, closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)   # all pages in one step: one consistent snapshot, writers carry on (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")   # one self-contained file, no -wal beside it
        _check_integrity(copy, "the backup copy")
        return _describe(lambda sql: copy.execute(sql).fetchall(), "sqlite")


def _restore_sqlite(url: str, source: Path, force: bool) -> dict:
    path = _sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)) as backup_db, \
            closing(sqlite3.connect(path, timeout=5)) as target:
        query = lambda sql: target.execute(sql).fetchall()  # noqa: E731
        _refuse_unless_empty(query, "sqlite", force)
        backup_db.backup(target)   # replaces every page of the target, in one step
        _check_integrity(target, "the restored database")
        return _describe(query, "sqlite")


# --- PostgreSQL ------------------------------------------------------------------------------------

def _libpq(url: str) -> tuple[str, dict]:
    """A libpq URL without the password, and an environment carrying it in PGPASSWORD."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    # built afresh: URL.set() ignores password=None and would keep the password in the URL
    bare = URL.create("postgresql", username=parsed.username, host=parsed.host, port=parsed.port,
                      database=parsed.database, query=parsed.query)
    return bare.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client tools") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip() or 'no message'}")


def _backup_postgres(url: str, partial: Path) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # pg_dump reads the snapshot this transaction exports: the counts describe exactly the dump
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _describe(lambda sql: conn.execute(text(sql)).all(), "postgresql")
            dsn, env = _libpq(url)
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                  f"--file={partial}", f"--dbname={dsn}"], env)
            return facts
    finally:
        engine.dispose()


def _restore_postgres(url: str, source: Path, force: bool) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            _refuse_unless_empty(lambda sql: conn.execute(text(sql)).all(), "postgresql", force)
        dsn, env = _libpq(url)
        # one transaction: on any error the target stays exactly as it was
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={dsn}", str(source)], env)
        with engine.connect() as conn:
            return _describe(lambda sql: conn.execute(text(sql)).all(), "postgresql")
    finally:
        engine.dispose()
