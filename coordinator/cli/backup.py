"""Flask commands `backup PATH` and `restore PATH [--force]`; coordinator/backup.py does the work."""

import json

import click
from flask import current_app
from flask.cli import AppGroup

from ..audit import seal_all, verify_chain
from ..backup import BackupError, backup, restore
from ..extensions import db


def _emit(payload: dict) -> None:
    """Print one JSON object on stdout, like every other command."""
    click.echo(json.dumps(payload, default=str))


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copy the database to PATH, with its manifest in PATH.json; safe while the app runs. The audit entries
    committed so far are sealed first, so the copy carries the signed checkpoints that verify them."""
    seal_all()
    try:
        manifest = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    _emit({"backup": path, "manifest": f"{path}.json", **manifest})


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path: str, force: bool) -> None:
    """Restore PATH into the configured database (stop the web tier and dispatchers first), then
    verify the audit chain; exit 1 if it is broken."""
    # our own pooled connections would hold locks that block PostgreSQL's DROP TABLE or SQLite's copy
    db.session.remove()
    db.engine.dispose()
    try:
        manifest = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    check = verify_chain()
    audit = (f"audit chain intact ({check.checked} entries)" if check.ok else
             f"audit chain broken at entry {check.broken_at} ({check.checked} entries before it verified): "
             f"{check.reason}")
    _emit({"restored": path, "ok": check.ok, "audit": audit, "backend": manifest["backend"],
           "revision": manifest.get("revision"), "rows": manifest.get("rows"),
           "created_at": manifest.get("created_at")})
    if not check.ok:
        raise SystemExit(1)


def add_backup_commands(group: AppGroup) -> None:
    """Attach `backup` and `restore` to the app's command group."""
    group.add_command(backup_command)
    group.add_command(restore_command)
