"""Documents and the approvals board under load: a 20 MB document uploaded and read back through gunicorn with the
worker's peak memory, against the file's own size and a plain copy on disk; the board of an insurer at the
bench's caseload against the one indexed scan it is built on."""

import hashlib
import os
import shutil
import statistics
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta

import psutil

from bench.throughput import _serve

MB = 1024 * 1024
SIZE = 20 * MB


class PeakMemory:
    """Samples the resident memory of a process and its children every 5 ms; the peak above where it started."""

    def __init__(self, pid: int):
        self.process, self.start, self.peak, self._stop = psutil.Process(pid), 0, 0, threading.Event()

    def _rss(self) -> int:
        procs = [self.process, *self.process.children(recursive=True)]
        return max(p.memory_info().rss for p in procs if p.is_running())

    def __enter__(self):
        self.start = self.peak = self._rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.005)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def grew(self) -> int:
        """How far the largest process rose above its resting size."""
        return self.peak - self.start


def _file(folder: str) -> str:
    """A 20 MB PDF-headed file on disk (random bytes after the header: nothing compresses it)."""
    path = os.path.join(folder, "large.pdf")
    with open(path, "wb") as out:
        out.write(b"%PDF-1.4\n")
        for _ in range(SIZE // MB):
            out.write(os.urandom(MB))
    return path


def _multipart(path: str, folder: str) -> tuple[str, str]:
    """The upload's multipart body written to disk (the form's fields, then the file), and its content type."""
    boundary = "bench-" + os.urandom(8).hex()
    fields = {"kind": "other", "dated_on": date.today().isoformat(), "title": "Bench 20 MB"}
    form = os.path.join(folder, "form.bin")
    with open(form, "wb") as out, open(path, "rb") as source:
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="large.pdf"\r\n'
                  f"Content-Type: application/pdf\r\n\r\n".encode())
        shutil.copyfileobj(source, out)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return form, f"multipart/form-data; boundary={boundary}"


def _token(base: str) -> dict:
    import requests

    from sqlalchemy import select

    from coordinator.auth.clients import create_client
    from coordinator.extensions import db
    from coordinator.models import Organisation, User

    user = db.session.scalar(select(User).where(User.email == "casemanager@demo.test"))
    org = db.session.get(Organisation, user.org_id)
    row, secret = create_client(org.slug, "case_manager", name="bench-documents",
                                scopes=["cases:read", "documents:write"])
    db.session.commit()
    token = requests.post(f"{base}/oauth/token", data={"grant_type": "client_credentials",
                                                       "scope": "cases:read documents:write"},
                          auth=(row.client_id, secret)).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def bench_documents(database_url: str, row) -> None:
    """Upload and download a 20 MB document through gunicorn, with the largest process's peak memory."""
    import requests
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.models import Case

    case_id = db.session.scalar(select(Case.id).where(Case.stage == "program").order_by(Case.id))
    with tempfile.TemporaryDirectory() as folder:
        path = _file(folder)
        copied = os.path.join(folder, "copy.pdf")
        started = time.perf_counter()
        shutil.copyfile(path, copied)
        copy_seconds = time.perf_counter() - started
        env = {**os.environ, "DATABASE_URL": database_url, "DOCUMENTS_DIR": os.path.join(folder, "store"),
               "COORDINATOR_ENV": "development"}
        proc, base = _serve("wsgi:app", env)
        try:
            headers = _token(base)
            version = requests.get(f"{base}/api/v1/cases/{case_id}", headers=headers).headers["ETag"]
            form, content_type = _multipart(path, folder)
            with open(form, "rb") as body, PeakMemory(proc.pid) as up:
                # streamed from disk by the client too, so only the server's memory moves
                started = time.perf_counter()
                answer = requests.post(f"{base}/api/v1/cases/{case_id}/documents", data=body,
                                       headers={**headers, "If-Match": version, "Content-Type": content_type,
                                                "Content-Length": str(os.path.getsize(form))})
                up_seconds = time.perf_counter() - started
            answer.raise_for_status()
            digest = hashlib.sha256()
            with PeakMemory(proc.pid) as down:
                started = time.perf_counter()
                with requests.get(base + answer.json()["content_url"], headers=headers, stream=True) as read:
                    for chunk in read.iter_content(256 * 1024):
                        digest.update(chunk)
                down_seconds = time.perf_counter() - started
            assert digest.hexdigest() == answer.json()["sha256"], "the file read back is not the one sent"
        finally:
            proc.terminate()
            proc.wait()
    # the upload changed a demo case (its version): sync it as the dispatcher would, or the bulk copies made from
    # it later would all be cases whose stored actions no longer hold, and every inbox would work them out again
    from coordinator.services.automation import sync_tasks

    sync_tasks(case_id)
    db.session.commit()
    row("Upload of a 20 MB document (API, multipart, under gunicorn)",
        f"{up_seconds * 1000:.0f} ms, worker memory +{up.grew / MB:.1f} MB",
        f"copy on disk {copy_seconds * 1000:.0f} ms; the file 20 MB", up.grew / SIZE)
    row("Download of a 20 MB document (API, streamed)",
        f"{down_seconds * 1000:.0f} ms, worker memory +{down.grew / MB:.1f} MB",
        f"copy on disk {copy_seconds * 1000:.0f} ms; the file 20 MB", down.grew / SIZE)


def bench_board(row, caseload: str) -> None:
    """The insurer's approvals board (a page, its count, the audit entry) and its turnaround record, against the
    one indexed scan of its open requests the board is built on."""
    from sqlalchemy import select, text

    from coordinator.domain.actors import Actor
    from coordinator.extensions import db
    from coordinator.models import Authorization, User
    from coordinator.services.queries.approvals import BoardFilters, approvals_board, insurer_records

    user = db.session.scalar(select(User).where(User.email == "insurer@demo.test"))
    actor = Actor(user.id, user.role, user.org_id)
    now = datetime.now(UTC)
    scan = (select(Authorization.id, Authorization.due_at).where(
        Authorization.insurer_id == user.org_id, Authorization.status.in_(("pending", "pended")))
        .order_by(Authorization.due_at).limit(50))

    def median_ms(fn, times: int = 15) -> float:
        fn()
        runs = []
        for _ in range(times):
            started = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - started)
            db.session.rollback()
        return statistics.median(runs) * 1000

    baseline = median_ms(lambda: db.session.execute(scan).all())
    board = median_ms(lambda: approvals_board(actor, BoardFilters(), 50, now=now))
    late = median_ms(lambda: approvals_board(actor, BoardFilters(lateness="late"), 50, now=now))
    record = median_ms(lambda: insurer_records(actor, date.today() - timedelta(days=89), date.today()))
    plan = ""
    if db.engine.dialect.name == "postgresql":
        compiled = scan.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = " ".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
        plan = "index scan" if "ix_authorization_insurer_id_open" in plan else "NOT the party's index"
    total = approvals_board(actor, BoardFilters(), 50, now=now).total
    row(f"Approvals board of an insurer{caseload} ({total:,} open requests), in process",
        f"{board:.1f} ms (late only: {late:.1f} ms)", f"its indexed scan alone: {baseline:.1f} ms {plan}".strip(),
        board / baseline)
    row(f"Insurer turnaround over 90 days{caseload}, in process", f"{record:.1f} ms",
        f"the board's indexed scan: {baseline:.1f} ms", record / baseline)
