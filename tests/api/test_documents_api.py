"""Documents over the API: a multipart upload checked by its content, a list through the caller's view, a file
read back as a stream with its read audited, and the employer kept to functional documents."""

import io
from pathlib import Path
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import AuditEntry, Case, Document
from tests.services.journey import opened

PDF = b"%PDF-1.4\n" + b"job description: lifting 20 kg occasionally\n" * 50 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SCOPES = "cases:read documents:write"


def tag(case_id: int) -> str:
    db.session.expire_all()
    return f'"{db.session.get(Case, case_id).version}"'


def upload(client, headers, case_id, *, kind="job_description", content=PDF, name="job.pdf", mimetype=None,
           dated_on=None, title="Warehouse associate job description"):
    data = {"kind": kind, "title": title, "dated_on": (dated_on or date.today()).isoformat(),
            "file": (io.BytesIO(content), name, mimetype or "application/pdf")}
    return client.post(f"/api/v1/cases/{case_id}/documents", data=data, content_type="multipart/form-data",
                       headers={**headers, "If-Match": tag(case_id)})


def stored_files(app) -> set:
    """Every file in the document store (other tests' files included: the store outlives a test's rows)."""
    return {p for p in Path(app.config["DOCUMENTS_DIR"]).rglob("*") if p.is_file()}


@pytest.fixture
def case_id(parties, referral):
    return opened(parties, referral)


def test_a_document_is_added_listed_and_read_back_whole(client, parties, bearer, case_id):
    headers = bearer(parties.case_manager, SCOPES)
    added = upload(client, headers, case_id)
    assert added.status_code == 201, added.json
    body = added.json
    assert body["kind"] == "job_description" and body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF) and body["visibility"] == "functional" and added.headers["ETag"] == tag(case_id)
    listed = client.get(f"/api/v1/cases/{case_id}/documents", headers=headers)
    assert [d["id"] for d in listed.json["items"]] == [body["id"]]
    read = client.get(body["content_url"], headers=headers)
    assert read.status_code == 200 and read.data == PDF and read.mimetype == "application/pdf"
    assert "no-store" in read.headers["Cache-Control"]
    assert 'filename="Warehouse associate job description.pdf"' in read.headers["Content-Disposition"]


def test_each_read_of_a_document_is_audited(client, parties, bearer, case_id):
    headers = bearer(parties.insurer_user, "cases:read")
    row = _added(client, parties, bearer, case_id, kind="physician_order")
    for _ in range(2):
        assert client.get(f"/api/v1/cases/{case_id}/documents/{row}/content", headers=headers).status_code == 200
    reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "read_document",
                                                        AuditEntry.subject == f"document:{row}")).all()
    assert len(reads) == 2 and {r.category for r in reads} == {"clinical"}
    assert {(r.actor_org_id, r.actor_role) for r in reads} == {(parties.insurer.id, "insurer")}


def _added(client, parties, bearer, case_id, **extra) -> int:
    answer = upload(client, bearer(parties.case_manager, SCOPES), case_id, **extra)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def test_the_employer_never_learns_of_a_clinical_document(client, parties, bearer, case_id):
    order = _added(client, parties, bearer, case_id, kind="physician_order", title="Order for work hardening")
    job = _added(client, parties, bearer, case_id, content=PDF + b" ", title="Job")
    employer = bearer(parties.employer_user, SCOPES)
    listed = client.get(f"/api/v1/cases/{case_id}/documents", headers=employer)
    assert [d["id"] for d in listed.json["items"]] == [job]
    refused = client.get(f"/api/v1/cases/{case_id}/documents/{order}/content", headers=employer)
    assert refused.status_code == 404 and "Order" not in refused.get_data(as_text=True)
    denied = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "read_document",
                                                        AuditEntry.outcome == "not_found"))
    assert denied.actor_org_id == parties.employer.id
    # and may add its own functional papers only
    assert upload(client, employer, case_id, content=PDF + b"  ").status_code == 201
    clinical = upload(client, employer, case_id, kind="imaging_report", content=PDF + b"   ")
    assert clinical.status_code == 422 and "may not add a imaging report" not in clinical.json["detail"]
    assert "employer may not add an imaging report" in clinical.json["detail"]


def test_a_stranger_gets_404_for_the_case_and_its_documents(client, parties, bearer, case_id):
    row = _added(client, parties, bearer, case_id)
    stranger = bearer(parties.other_insurer_user, "cases:read")
    assert client.get(f"/api/v1/cases/{case_id}/documents", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/cases/{case_id}/documents/{row}/content", headers=stranger).status_code == 404
    other = bearer(parties.other_case_manager, SCOPES)
    assert upload(client, other, case_id, content=PDF + b"x").status_code == 404


@pytest.mark.parametrize("content, mimetype, words", [
    (b"MZ\x90\x00 not a pdf at all", "application/pdf", "not a PDF, PNG or JPEG"),
    (PNG, "application/pdf", "says it is application/pdf but its content is image/png"),
    (b"", "application/pdf", "the file is empty"),
])
def test_an_upload_lying_about_its_type_is_refused_and_nothing_is_kept(client, parties, bearer, case_id, app,
                                                                       content, mimetype, words):
    headers = bearer(parties.case_manager, SCOPES)
    before, files = tag(case_id), stored_files(app)
    refused = upload(client, headers, case_id, content=content, mimetype=mimetype, name="scan.pdf")
    assert refused.status_code == 422 and words in refused.json["detail"]
    assert db.session.scalar(select(Document.id)) is None and tag(case_id) == before
    assert stored_files(app) == files


def test_bad_forms_get_plain_words(client, parties, bearer, case_id):
    headers = bearer(parties.case_manager, SCOPES)
    no_file = client.post(f"/api/v1/cases/{case_id}/documents", data={"kind": "job_description",
                          "dated_on": date.today().isoformat(), "file": "text"}, content_type="multipart/form-data",
                          headers={**headers, "If-Match": tag(case_id)})
    assert no_file.status_code == 422 and "send the file as a file part" in str(no_file.json)
    missing = client.post(f"/api/v1/cases/{case_id}/documents", data={"kind": "job_description",
                          "dated_on": date.today().isoformat()}, content_type="multipart/form-data",
                          headers={**headers, "If-Match": tag(case_id)})
    assert missing.status_code == 422 and "choose a file" in str(missing.json)
    future = upload(client, headers, case_id, dated_on=date.today() + timedelta(days=1))
    assert future.status_code == 422 and "cannot be dated after today" in future.json["detail"]
    letter = upload(client, headers, case_id, kind="decision_letter")
    assert letter.status_code == 422 and "kind" in str(letter.json)
    assert upload(client, headers, case_id).status_code == 201
    twice = upload(client, headers, case_id)
    assert twice.status_code == 422 and "already on the case as document" in twice.json["detail"]


def test_a_body_larger_than_a_document_may_be_is_refused(client, parties, bearer, case_id, app):
    headers = bearer(parties.case_manager, SCOPES)
    files = stored_files(app)
    big = PDF + b"\x00" * (26 * 1024 * 1024)
    refused = upload(client, headers, case_id, content=big)
    assert refused.status_code == 413 and refused.mimetype == "application/problem+json"
    assert db.session.scalar(select(Document.id)) is None and stored_files(app) == files
    # a file just under the limit is the store's to refuse, in words
    near = upload(client, headers, case_id, content=PDF + b"\x00" * (25 * 1024 * 1024 - len(PDF) + 1))
    assert near.status_code == 422 and "larger than the limit of 25 MB" in near.json["detail"]
    assert stored_files(app) == files
