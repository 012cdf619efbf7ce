"""Flask commands linking a user to an account at an OpenID Connect provider, by issuer and subject."""

import json
from urllib.parse import urlsplit

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit import append as audit_append
from ..auth.sso import normalize_issuer
from ..domain.actors import SYSTEM
from ..extensions import db
from ..models import ExternalIdentity, User


def _emit(payload: dict) -> None:
    """Print one JSON object on stdout, like every other command."""
    click.echo(json.dumps(payload, default=str))


def _issuer(value: str) -> str:
    """The issuer URL, normalized as single sign-on compares it; refuse anything but http(s)."""
    issuer = normalize_issuer(value)
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.netloc or len(issuer) > 300:
        raise click.UsageError(f"'{value}' is not an issuer URL (https://…)")
    return issuer


def _subject(value: str) -> str:
    """The subject exactly as the provider sends it (case matters), within the column's size."""
    if not value or len(value) > 255 or value != value.strip():
        raise click.UsageError("the subject must be 1–255 characters without surrounding spaces")
    return value


def _find(issuer: str, subject: str) -> ExternalIdentity | None:
    """The link for (issuer, subject), if any."""
    return db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))


def _audit(action: str, identity: ExternalIdentity) -> None:
    """Record an administrator's link or unlink; ids only."""
    audit_append(SYSTEM, action, f"user:{identity.user_id}", category="identity",
                 detail={"identity_id": identity.id})


@click.command("link-identity")
@click.option("--email", required=True, help="The Coordinator user's e-mail.")
@click.option("--issuer", required=True, help="The provider's issuer URL (as OIDC_ISSUER).")
@click.option("--subject", required=True, help="The user's subject (sub) at that provider.")
def link_identity(email: str, issuer: str, subject: str) -> None:
    """Let a user sign in with an account at an OpenID Connect provider (issuer and subject)."""
    issuer, subject = _issuer(issuer), _subject(subject)
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"no user with e-mail '{email}'")
    identity = _find(issuer, subject)
    if identity is not None and identity.user_id != user.id:
        raise click.UsageError("this issuer and subject are already linked to another user")
    created = identity is None
    if created:
        identity = _create(user, issuer, subject)
    _emit({"id": identity.id, "user_id": user.id, "email": user.email, "issuer": issuer,
           "subject": subject, "created": created})


def _create(user: User, issuer: str, subject: str) -> ExternalIdentity:
    """Store the link; a concurrent link of the same pair loses on the unique constraint."""
    identity = ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject)
    db.session.add(identity)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise click.UsageError("this issuer and subject were just linked by someone else") from None
    _audit("link_identity", identity)
    db.session.commit()
    return identity


@click.command("unlink-identity")
@click.option("--issuer", required=True, help="The provider's issuer URL.")
@click.option("--subject", required=True, help="The subject (sub) at that provider.")
def unlink_identity(issuer: str, subject: str) -> None:
    """Remove a link so that account at the provider can no longer sign in."""
    issuer, subject = _issuer(issuer), _subject(subject)
    identity = _find(issuer, subject)
    if identity is None:
        raise click.UsageError("this issuer and subject are not linked to any user")
    _audit("unlink_identity", identity)
    payload = {"id": identity.id, "user_id": identity.user_id, "issuer": issuer,
               "subject": subject, "unlinked": True}
    db.session.delete(identity)
    db.session.commit()
    _emit(payload)


def add_identity_commands(group: AppGroup) -> None:
    """Attach link-identity and unlink-identity to the `users` command group."""
    group.add_command(link_identity)
    group.add_command(unlink_identity)
