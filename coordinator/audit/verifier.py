"""Check an audit log against its signed checkpoints, with only the public key: standalone on purpose (the standard
library and `cryptography`, nothing of the coordinator), so a third party can copy this one file and run

    python verifier.py audit-export.jsonl audit-public-key.pem [more-public-keys.pem ...]

The log is a transparency log as RFC 9162 builds one: each entry is a leaf, SHA-256(0x00 || canonical JSON of
the entry, its id included); checkpoints are signed tree heads over the leaves sealed so far, in order, each
listing the entries it added and their leaf hashes. An edited, removed, reordered or truncated entry, or a
checkpoint altered or forged without the private key, is found and named."""

import base64
import hashlib
import json
import sys
from dataclasses import dataclass, field

PREFIX = "coordinator-audit-checkpoint"


def canonical(value) -> bytes:
    """The one byte string an entry (or anything) hashes as: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def leaf_hash(entry: dict) -> bytes:
    """RFC 9162's leaf hash of an entry."""
    return hashlib.sha256(b"\x00" + canonical(entry)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162's interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


@dataclass
class Frontier:
    """The right edge of a Merkle tree (the roots of its perfect subtrees, largest first): enough to append leaves
    and compute the root without the earlier leaves."""

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def append(self, leaf: bytes) -> None:
        """Add one leaf, merging equal-sized subtrees as a binary counter carries."""
        self.hashes.append(leaf)
        size = self.size
        while size & 1:
            right, left = self.hashes.pop(), self.hashes.pop()
            self.hashes.append(node_hash(left, right))
            size >>= 1
        self.size += 1

    def root(self) -> bytes:
        """RFC 9162's Merkle tree hash of all leaves so far (the hash of the empty string for none)."""
        if not self.hashes:
            return hashlib.sha256(b"").digest()
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root


def checkpoint_text(size: int, root_hex: str, sealed_at: str, key_id: str) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    return f"{PREFIX}\n{size}\n{root_hex}\n{sealed_at}\n{key_id}\n".encode()


def key_id_of(public_raw: bytes) -> str:
    """A public key's short name: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass(frozen=True)
class Verdict:
    """What the check found: ok, entries verified, the first bad entry (its id) and why, and how many wait."""

    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""
    unsealed: int = 0


def verify(entries: dict[int, dict], checkpoints: list[dict], public_keys: dict) -> Verdict:
    """Check the checkpoints (signatures, sizes, roots), then every sealed entry against its signed leaf.
    `entries` maps id to the entry as hashed; `public_keys` maps key id to an Ed25519 public key."""
    from cryptography.exceptions import InvalidSignature

    frontier, sealed = Frontier(), []
    for number, cp in enumerate(checkpoints, start=1):
        key = public_keys.get(cp["key_id"])
        if key is None:
            return Verdict(False, 0, None, f"checkpoint {number} is signed by an unknown key {cp['key_id']}")
        try:
            key.verify(base64.b64decode(cp["signature"]),
                       checkpoint_text(cp["size"], cp["root"], cp["sealed_at"], cp["key_id"]))
        except (InvalidSignature, ValueError):
            return Verdict(False, 0, None, f"checkpoint {number}: the signature does not verify")
        if len(cp["leaves"]) != len(cp["entry_ids"]) or cp["size"] != frontier.size + len(cp["leaves"]):
            return Verdict(False, 0, None, f"checkpoint {number}: its size does not follow the one before")
        for entry_id, leaf in zip(cp["entry_ids"], cp["leaves"]):
            frontier.append(bytes.fromhex(leaf))
            sealed.append((entry_id, leaf))
        if frontier.root().hex() != cp["root"]:
            return Verdict(False, 0, None, f"checkpoint {number}: its entries do not give its signed root")
    for position, (entry_id, leaf) in enumerate(sealed):
        entry = entries.get(entry_id)
        if entry is None:
            return Verdict(False, position, entry_id, f"entry {entry_id} (position {position}) was removed")
        if entry.get("id") != entry_id or leaf_hash(entry).hex() != leaf:
            return Verdict(False, position, entry_id, f"entry {entry_id} (position {position}) was changed")
    unsealed = len(set(entries) - {entry_id for entry_id, _ in sealed})
    return Verdict(True, len(sealed), unsealed=unsealed)


def load_public_keys(pems: list[bytes]) -> dict:
    """Ed25519 public keys (PEM) by key id."""
    from cryptography.hazmat.primitives import serialization

    keys = {}
    for pem in pems:
        key = serialization.load_pem_public_key(pem)
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        keys[key_id_of(raw)] = key
    return keys


def read_export(lines) -> tuple[dict[int, dict], list[dict]]:
    """An export's entries (by id) and checkpoints (in order): one JSON object per line, each with its "type"."""
    entries, checkpoints = {}, []
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        kind = record.pop("type")
        if kind == "entry":
            entries[record["id"]] = record
        elif kind == "checkpoint":
            checkpoints.append(record)
    return entries, checkpoints


def main(argv: list[str]) -> int:
    """Verify an export file with one or more public keys; print the verdict; exit 0 only when intact."""
    if len(argv) < 2:
        print("usage: python verifier.py EXPORT.jsonl PUBLIC_KEY.pem [MORE_KEYS.pem ...]", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as export:
        entries, checkpoints = read_export(export)
    keys = []
    for path in argv[1:]:
        with open(path, "rb") as pem:
            keys.append(pem.read())
    verdict = verify(entries, checkpoints, load_public_keys(keys))
    print(json.dumps({"ok": verdict.ok, "checked": verdict.checked, "broken_at": verdict.broken_at,
                      "reason": verdict.reason, "unsealed": verdict.unsealed}))
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
