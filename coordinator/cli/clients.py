"""Flask commands for OAuth 2.0 API clients: create (the secret is shown once), list, revoke."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.clients import GRANTS, ClientError, create_client, describe_client, revoke_client
from ..domain.actors import Role
from ..extensions import db
from ..models import Organisation
from ..models.oauth import OAuth2Client

clients = AppGroup("clients", help="Manage OAuth 2.0 API clients.")


def _emit(payload: dict) -> None:
    """Print one JSON object on stdout, like every other command."""
    click.echo(json.dumps(payload, default=str))


@clients.command("create")
@click.option("--org", "org_slug", default=None,
              help="Slug of the organisation the client acts for (none for a workers' app, --role worker).")
@click.option("--role", type=click.Choice([r.value for r in Role if r is not Role.SYSTEM]), required=True)
@click.option("--scope", "scopes", multiple=True, help="Scope(s) to hold; default: all the role may hold.")
@click.option("--redirect-uri", "redirect_uris", multiple=True, help="For authorization_code (repeatable).")
@click.option("--grant", "grant_types", multiple=True, type=click.Choice(GRANTS),
              help="client_credentials (default) and/or authorization_code.")
@click.option("--public", is_flag=True, help="A public client without secret (authorization_code with PKCE).")
@click.option("--name", default=None)
def create(org_slug, role, scopes, redirect_uris, grant_types, public, name) -> None:
    """Register a client; prints client_id and client_secret (shown only this once)."""
    try:
        row, secret = create_client(org_slug, role, name=name, scopes=scopes, grant_types=grant_types,
                                    redirect_uris=redirect_uris, public=public)
    except ClientError as exc:
        raise click.UsageError(str(exc)) from None
    _emit({**describe_client(row), "client_secret": secret})


@clients.command("list")
@click.option("--org", "org_slug", default=None, help="Only the clients of this organisation.")
def list_clients(org_slug: str | None) -> None:
    """Print every client's registration (never a secret)."""
    query = select(OAuth2Client).order_by(OAuth2Client.id)
    if org_slug:
        query = query.join(Organisation, Organisation.id == OAuth2Client.org_id).where(Organisation.slug == org_slug)
    _emit({"clients": [describe_client(row) for row in db.session.scalars(query)]})


@clients.command("revoke")
@click.option("--client-id", required=True)
def revoke(client_id: str) -> None:
    """Withdraw a client and revoke every token it holds."""
    try:
        count = revoke_client(client_id)
    except ClientError as exc:
        raise click.UsageError(str(exc)) from None
    _emit({"client_id": client_id, "revoked": True, "revoked_tokens": count})
