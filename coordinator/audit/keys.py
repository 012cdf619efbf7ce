"""The audit log's signing key (Ed25519), kept outside the database: a PEM file named by AUDIT_SIGNING_KEY_FILE,
by default `audit-signing-key.pem` in the instance folder (created on first use, readable by its owner only).
Retired public keys stay in AUDIT_PUBLIC_KEYS_DIR (default `audit-public-keys/` in the instance folder), so
checkpoints signed before a rotation still verify (runbook: "The audit log's key")."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from ..config import INSTANCE_DIR
from .verifier import key_id_of, load_public_keys


def _key_path() -> Path:
    configured = current_app.config.get("AUDIT_SIGNING_KEY_FILE") or os.environ.get("AUDIT_SIGNING_KEY_FILE")
    return Path(configured) if configured else INSTANCE_DIR / "audit-signing-key.pem"


def _retired_dir() -> Path:
    configured = current_app.config.get("AUDIT_PUBLIC_KEYS_DIR") or os.environ.get("AUDIT_PUBLIC_KEYS_DIR")
    return Path(configured) if configured else INSTANCE_DIR / "audit-public-keys"


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # created readable by its owner only, never world-readable even for a moment
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def signing_key() -> Ed25519PrivateKey:
    """The current private key; a new one is made when none exists yet (a fresh development instance)."""
    path = _key_path()
    if not path.exists():
        try:
            _write_private(path, Ed25519PrivateKey.generate())
        except FileExistsError:   # another process made it first: use theirs
            pass
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key")
    return key


def public_pem(key: Ed25519PrivateKey | None = None) -> bytes:
    """The public half of the (current) signing key, as PEM: what a verifier needs."""
    return (key or signing_key()).public_key().public_bytes(serialization.Encoding.PEM,
                                                            serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: Ed25519PrivateKey) -> str:
    """The key id a checkpoint names its signer by."""
    return key_id_of(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def public_keys() -> dict:
    """Every public key a checkpoint may have been signed with: the current one and the retired ones."""
    pems = [public_pem()]
    folder = _retired_dir()
    if folder.is_dir():
        pems += [p.read_bytes() for p in sorted(folder.glob("*.pem"))]
    return load_public_keys(pems)


def rotate() -> tuple[str, str]:
    """Retire the current key (its public half kept for verification) and start a new one; (old id, new id)."""
    old = signing_key()
    folder = _retired_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key_id(old)}.pem").write_bytes(public_pem(old))
    path = _key_path()
    path.replace(path.with_suffix(".retired"))   # kept aside for the operator to destroy once checked
    new = signing_key()
    return key_id(old), key_id(new)
