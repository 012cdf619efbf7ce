"""Where documents' bytes are kept: files under the instance folder (DOCUMENTS_DIR), written from a stream and
read back as one, in chunks, so a document is never held whole in memory. The database keeps what each document
is (its kind, date, type, size and digest) and its key here."""

import hashlib
import os
import re
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..domain.documents import DEFAULT_FILE_POLICY, HEAD_BYTES, FilePolicy, check_file
from ..domain.errors import InvalidValue

CHUNK = 64 * 1024
KEY = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Stored:
    """A file as kept: its key, its size, its SHA-256 digest and its type as its content shows."""

    key: str
    size: int
    sha256: str
    content_type: str


class DiskStore:
    """Documents as files under one folder, each under a key the store chose (never a name from the client)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def put(self, stream: BinaryIO, declared: str | None = None, policy: FilePolicy = DEFAULT_FILE_POLICY) -> Stored:
        """Copy a stream into the store in chunks, hashing and counting as it goes, and stopping as soon as it passes
        the size limit; keep it only if its content is an accepted type (InvalidValue otherwise, nothing kept)."""
        (self.root / "incoming").mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        handle, temporary = tempfile.mkstemp(dir=self.root / "incoming")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > policy.max_bytes:
                        break   # the rest is never read: the limit is refused below
                    if len(head) < HEAD_BYTES:
                        head += chunk[:HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            found = check_file(head, size, declared, policy)
            key = uuid.uuid4().hex
            self._path(key).parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, self._path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return Stored(key, size, digest.hexdigest(), found)

    def open(self, key: str) -> BinaryIO:
        """The document's bytes as a file to stream from (InvalidValue for a key the store never gave)."""
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        """Remove a document's bytes (gone already is fine)."""
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise InvalidValue("no such document", field="key")
        return self.root / key[:2] / key


def document_store() -> DiskStore:
    """The app's document store (its folder from the DOCUMENTS_DIR setting)."""
    from flask import current_app

    return DiskStore(current_app.config["DOCUMENTS_DIR"])
