"""`flask clients ...` commands and the scope table: what each kind of client may hold."""

import json

from sqlalchemy import select

from coordinator.auth.clients import secret_matches
from coordinator.auth.scopes import (CLINICAL_WRITE_SCOPES, ROLE_SCOPES, SCOPE_COMMANDS, allowed_subset,
                                     scope_for_command)
from coordinator.domain.actors import Role
from coordinator.domain.permissions import COMMAND_ROLES
from coordinator.extensions import db
from coordinator.models.oauth import OAuth2Client


def _create(runner, *args):
    return runner.invoke(args=["clients", "create", *args])


def test_create_prints_the_secret_once_and_stores_only_its_hash(runner, parties):
    result = _create(runner, "--org", "keystone", "--role", "insurer", "--scope", "cases:read")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["role"] == "insurer" and shown["org_id"] == parties.insurer.id and shown["scope"] == "cases:read"
    assert shown["grant_types"] == ["client_credentials"] and shown["client_secret"]
    row = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == shown["client_id"]))
    assert shown["client_secret"] not in row.client_secret_hash and secret_matches(row.client_secret_hash,
                                                                                 shown["client_secret"])
    listed = runner.invoke(args=["clients", "list", "--org", "keystone"])
    assert shown["client_secret"] not in listed.output and row.client_secret_hash not in listed.output
    assert [c["client_id"] for c in json.loads(listed.output)["clients"]] == [shown["client_id"]]


def test_create_a_public_pkce_client_with_redirect_uris(runner, parties):
    result = _create(runner, "--org", "clinic", "--role", "therapist", "--public",
                     "--scope", "cases:read sessions:write", "--redirect-uri", "http://127.0.0.1:9000/cb",
                     "--redirect-uri", "https://app.clinic.test/cb")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["client_secret"] is None and shown["token_endpoint_auth_method"] == "none"
    assert shown["grant_types"] == ["authorization_code", "refresh_token"]
    assert shown["redirect_uris"] == ["http://127.0.0.1:9000/cb", "https://app.clinic.test/cb"]


def test_create_refuses_what_the_role_or_organisation_does_not_allow(runner, parties):
    cases = {
        "may not hold": ["--org", "acme", "--role", "employer", "--scope", "clearances:write"],
        "does not belong": ["--org", "acme", "--role", "insurer"],
        "no organisation": ["--org", "nowhere", "--role", "insurer"],
        "cannot use client_credentials": ["--org", "clinic", "--role", "therapist", "--public",
                                          "--grant", "client_credentials"],
        "needs at least one --redirect-uri": ["--org", "clinic", "--role", "therapist",
                                              "--grant", "authorization_code"],
        "must be absolute https": ["--org", "clinic", "--role", "therapist", "--grant", "authorization_code",
                                   "--redirect-uri", "http://app.clinic.test/cb"],
        "must act for a signed-in physician": ["--org", "practice", "--role", "physician"],
        "must act for a signed-in worker": ["--role", "worker"],
        "leave out the organisation": ["--org", "clinic", "--role", "worker", "--grant", "authorization_code",
                                       "--redirect-uri", "https://app.example/cb"],
        "no organisation with slug": ["--role", "therapist"],
    }
    for message, args in cases.items():
        result = _create(runner, *args)
        assert result.exit_code != 0 and message in result.output, (message, result.output)
    assert db.session.scalar(select(OAuth2Client)) is None


def test_revoke_withdraws_the_client(runner, parties):
    client_id = json.loads(_create(runner, "--org", "acme", "--role", "employer").output)["client_id"]
    result = runner.invoke(args=["clients", "revoke", "--client-id", client_id])
    assert result.exit_code == 0 and json.loads(result.output) == {"client_id": client_id, "revoked": True,
                                                                   "revoked_tokens": 0}
    assert runner.invoke(args=["clients", "revoke", "--client-id", "nope"]).exit_code != 0


def test_employers_and_insurers_never_hold_clinical_write_scopes():
    assert not ROLE_SCOPES[Role.EMPLOYER] & CLINICAL_WRITE_SCOPES
    assert not ROLE_SCOPES[Role.INSURER] & CLINICAL_WRITE_SCOPES
    assert ROLE_SCOPES[Role.EMPLOYER] == {"cases:read", "duty:write", "milestones:write", "documents:write",
                                         "signatures:write"}   # it signs the return-to-work plan
    assert ROLE_SCOPES[Role.INSURER] == {"cases:read", "authorizations:write"}
    assert allowed_subset(Role.EMPLOYER, ["sessions:write", "duty:write", "duty:write"]) == ["duty:write"]


def test_every_command_has_exactly_one_write_scope_held_by_its_roles():
    covered = [c for commands in SCOPE_COMMANDS.values() for c in commands]
    assert sorted(covered) == sorted(COMMAND_ROLES)
    for command, roles in COMMAND_ROLES.items():
        for role in roles - {Role.SYSTEM}:
            assert scope_for_command(command) in ROLE_SCOPES[role], (command, role)
