"""The document store keeps a file from a stream in chunks (never whole in memory), only when its content is an
accepted type within the size limit, and gives it back as a stream."""

import hashlib
import io
import tracemalloc

import pytest

from coordinator.domain.documents import FilePolicy
from coordinator.domain.errors import InvalidValue
from coordinator.services.document_store import DiskStore


class Pdf(io.RawIOBase):
    """A PDF-looking stream of `size` bytes made as it is read (the test holds no copy of it either)."""

    def __init__(self, size: int):
        self.left, self.first = size, True

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        if n == 0:
            return 0
        chunk = (b"%PDF-1.7\n" if self.first else b"") + b"x" * n
        buffer[:n] = chunk[:n]
        self.left, self.first = self.left - n, False
        return n


def digest_of(stream) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(65536):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def leftovers(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_large_file_is_kept_and_read_back_in_chunks(tmp_path):
    store, size = DiskStore(tmp_path), 20 * 1024 * 1024
    tracemalloc.start()
    kept = store.put(io.BufferedReader(Pdf(size), buffer_size=65536), declared="application/pdf")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes: the file was held in memory"   # 20 MB streamed
    assert (kept.size, kept.content_type) == (size, "application/pdf")
    with store.open(kept.key) as stream:
        assert digest_of(stream) == (size, kept.sha256)
    assert digest_of(io.BufferedReader(Pdf(size)))[1] == kept.sha256


def test_a_file_lying_about_its_type_is_refused_and_nothing_is_kept(tmp_path):
    store = DiskStore(tmp_path)
    with pytest.raises(InvalidValue, match="says it is application/pdf but its content is image/png"):
        store.put(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100), declared="application/pdf")
    with pytest.raises(InvalidValue, match="not a PDF, PNG or JPEG"):
        store.put(io.BytesIO(b"#!/bin/sh\nrm -rf /\n"), declared="application/pdf")
    assert leftovers(tmp_path) == []


def test_a_file_past_the_limit_is_stopped_there_and_nothing_is_kept(tmp_path):
    store, stream = DiskStore(tmp_path), io.BufferedReader(Pdf(5 * 1024 * 1024))
    with pytest.raises(InvalidValue, match="larger than the limit of 1 MB"):
        store.put(stream, policy=FilePolicy(max_bytes=1024 * 1024))
    assert stream.read(1)   # the rest of the stream was never read
    assert leftovers(tmp_path) == []


def test_a_key_the_store_never_gave_is_refused(tmp_path):
    store = DiskStore(tmp_path)
    for key in ("../../etc/passwd", "", "A" * 32, None):
        with pytest.raises(InvalidValue):
            store.open(key)
