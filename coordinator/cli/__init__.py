"""Flask commands: demo data, organisations and users (later issues add more)."""

import json
import re
import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from ..audit import verify_chain
from ..auth.passwords import hash_password
from ..auth.sessions import revoke_user_sessions
from .identity import add_identity_commands
from ..domain.actors import ROLE_ORG_KIND, OrgKind, Role
from ..domain.utilization_review import REVIEW_POLICIES
from ..extensions import db
from ..models import Organisation, User

orgs = AppGroup("orgs", help="Manage organisations.")
users = AppGroup("users", help="Manage users.")


def _emit(payload: dict) -> None:
    """Print one JSON object on stdout, the contract of every command here."""
    click.echo(json.dumps(payload, default=str))


def slugify(name: str) -> str:
    """Lower-case, dash-separated slug for an organisation name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "org"


@orgs.command("create")
@click.option("--kind", type=click.Choice([k.value for k in OrgKind]), required=True)
@click.option("--name", required=True)
def create_org(kind: str, name: str) -> None:
    """Create an organisation and print it with its slug."""
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    org = Organisation(kind=kind, name=name.strip(), slug=slug)
    db.session.add(org)
    db.session.commit()
    _emit({"id": org.id, "kind": org.kind, "name": org.name, "slug": org.slug})


@orgs.command("review-policy")
@click.option("--org", "org_slug", required=True)
@click.option("--policy", type=click.Choice(sorted(REVIEW_POLICIES)), required=True)
def set_review_policy(org_slug: str, policy: str) -> None:
    """Name the utilization-review policy an insurer applies (the papers its requests must carry)."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        raise click.UsageError(f"no organisation with slug '{org_slug}'")
    if org.kind != OrgKind.INSURER:
        raise click.UsageError(f"'{org_slug}' is a {org.kind}, not an insurer: only an insurer reviews requests")
    org.review_policy = policy
    db.session.commit()
    _emit({"id": org.id, "slug": org.slug, "review_policy": org.review_policy})


@users.command("create")
@click.option("--org", "org_slug", required=True)
# a worker's account is made by accepting the clinic's invitation from their case, not here
@click.option("--role", type=click.Choice([r.value for r in Role if r not in (Role.SYSTEM, Role.WORKER)]),
              required=True)
@click.option("--email", required=True)
@click.option("--name", default=None)
def create_user(org_slug: str, role: str, email: str, name: str | None) -> None:
    """Create a user in an organisation whose kind fits the role; the password comes on stdin."""
    org = db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))
    if org is None:
        raise click.UsageError(f"no organisation with slug '{org_slug}'")
    if ROLE_ORG_KIND.get(Role(role)) != org.kind:
        raise click.UsageError(f"role '{role}' does not belong in a {org.kind} organisation")
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.UsageError(f"a user with e-mail '{email}' already exists")
    user = User(org_id=org.id, role=role, email=email, name=name or email.split("@")[0],
                password_hash=_password_from_stdin())
    db.session.add(user)
    db.session.commit()
    _emit({"id": user.id, "org": org.slug, "role": user.role, "email": user.email,
           "password": user.password_hash is not None})


def _password_from_stdin() -> str | None:
    """The hashed password piped on stdin (never an argument: it would show in `ps`), or None."""
    stream = sys.stdin
    if stream.isatty():
        return None
    password = stream.read().rstrip("\r\n")
    if not password:
        return None
    try:
        return hash_password(password)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@users.command("revoke-sessions")
@click.option("--email", required=True)
def revoke_sessions(email: str) -> None:
    """End every signed-in session of a user at once (an administrator's revoke)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"no user with e-mail '{email}'")
    _emit({"email": user.email, "revoked": revoke_user_sessions(user.id, "admin_revoke")})


audit = AppGroup("audit", help="Seal, check and export the audit log.")


@audit.command("verify")
def verify_audit() -> None:
    """Check every checkpoint's signature and every sealed entry; exit 1 and name the first bad entry if any."""
    result = verify_chain()
    _emit({"ok": result.ok, "checked": result.checked, "broken_at": result.broken_at, "reason": result.reason,
           "unsealed": result.unsealed})
    if not result.ok:
        raise SystemExit(1)


@audit.command("seal")
def seal_audit() -> None:
    """Seal every committed entry that waits into signed checkpoints (the flows do it every few seconds)."""
    from ..audit import seal_all

    _emit({"sealed": seal_all()})


@audit.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def export_audit(path: str) -> None:
    """Write every entry and checkpoint to PATH (JSON lines) for coordinator/audit/verifier.py to check."""
    from ..audit import export

    with open(path, "w", encoding="utf-8") as out:
        lines = export(out)
    _emit({"exported": path, "lines": lines})


@audit.command("public-key")
def audit_public_key() -> None:
    """Print the public key (PEM) a third party verifies the checkpoints with."""
    from ..audit.keys import public_pem

    click.echo(public_pem().decode(), nl=False)


@audit.command("rotate-key")
def rotate_audit_key() -> None:
    """Start a new signing key; the old public key is kept so its checkpoints still verify (runbook)."""
    from ..audit import seal_all
    from ..audit.keys import rotate

    sealed = seal_all()   # what the old key can still seal, it seals
    old, new = rotate()
    _emit({"sealed_with_the_old_key": sealed, "retired": old, "current": new})


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database holds no case.")
@click.option("--accounts", "url", default=None, metavar="URL",
              help="Load nothing: say where to sign in (URL) and with which demo accounts.")
def demo(if_empty: bool, url: str | None) -> None:
    """Load the demo organisations, users and cases (idempotent); or, with --accounts, list how to sign in."""
    from ..demo import DEMO_PASSWORD, USERS, WORKER_EMAIL, load_demo

    if url:
        click.echo(f"\nThe coordinator is starting at {url}\nSign in with any demo account "
                   f"(password {DEMO_PASSWORD}):")
        for _org, role, email, name in USERS:
            click.echo(f"  {email:<24} {name} ({role.value.replace('_', ' ')})")
        click.echo(f"  {WORKER_EMAIL:<24} Lee Harjo (worker, claim WC-1006)")
        click.echo("Stop it with Ctrl+C.\n")
        return
    summary = load_demo(only_if_empty=if_empty)
    _emit(summary)


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    app.cli.add_command(orgs)
    add_identity_commands(users)
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(audit)
    from .backup import add_backup_commands; add_backup_commands(app.cli)  # noqa: E702  (backup, restore)
    # `flask flows ...` comes from the flows package's own entry point (pyproject.toml, "flask.commands")
