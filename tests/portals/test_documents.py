"""Documents in the portals: the form that adds one (a file input, the kinds the role may add), the case page that
lists them through the reader's view, and the link that streams one."""

import io

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Document
from tests.factories import csrf_token
from tests.portals.test_forms import version
from tests.services.journey import TODAY, opened

PDF = b"%PDF-1.4\nwork hardening order\n%%EOF\n"


def send(client, url, case_id, content=PDF, name="order.pdf", **fields):
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "version": version(case_id), **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content), name, "application/pdf")
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_case_manager_adds_a_document_and_each_reader_sees_what_it_may(parties, referral, browser_of):
    case_id = opened(parties, referral)
    manager = browser_of(parties.case_manager)
    page = manager.get(f"/case-manager/cases/{case_id}").get_data(as_text=True)
    url = f"/case-manager/cases/{case_id}/act/document"
    assert url in page and "No document yet." in page
    form = manager.get(url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    assert 'accept="application/pdf,image/png,image/jpeg"' in form and '<option value="imaging_report">' in form
    done = send(manager, url, case_id, kind="physician_order", title="Order for work hardening",
                dated_on=TODAY.isoformat())
    assert done.status_code == 302, done.get_data(as_text=True)
    row = db.session.scalar(select(Document))
    page = manager.get(f"/case-manager/cases/{case_id}").get_data(as_text=True)
    link = f"/case-manager/cases/{case_id}/documents/{row.id}"
    assert link in page and "Order for work hardening" in page and "PDF, 1 KB" in page
    assert manager.get(link).data == PDF
    employer = browser_of(parties.employer_user)
    seen = employer.get(f"/employer/cases/{case_id}").get_data(as_text=True)
    assert "Order for work hardening" not in seen and "No document yet." in seen
    assert employer.get(f"/employer/cases/{case_id}/documents/{row.id}").status_code == 404


def test_the_employer_form_offers_its_own_kinds_and_bad_files_are_named(parties, referral, browser_of):
    case_id = opened(parties, referral)
    employer = browser_of(parties.employer_user)
    url = f"/employer/cases/{case_id}/act/document"
    form = employer.get(url).get_data(as_text=True)
    assert '<option value="job_description">' in form and "imaging_report" not in form
    before = version(case_id)
    missing = send(employer, url, case_id, content=None, kind="job_description", dated_on=TODAY.isoformat())
    assert missing.status_code == 422 and "Choose a file to send" in missing.get_data(as_text=True)
    lying = send(employer, url, case_id, content=b"<html>hi</html>", name="job.pdf", kind="job_description",
                 dated_on=TODAY.isoformat())
    text = lying.get_data(as_text=True)
    assert lying.status_code == 422 and "not a PDF, PNG or JPEG image" in text and 'href="#f-file"' in text
    refused = send(employer, url, case_id, kind="imaging_report", dated_on=TODAY.isoformat())
    assert refused.status_code == 422
    assert version(case_id) == before and db.session.scalar(select(Document.id)) is None
    done = send(employer, url, case_id, kind="job_description", dated_on=TODAY.isoformat())
    assert done.status_code == 302
    assert "Job description" in employer.get(f"/employer/cases/{case_id}").get_data(as_text=True)
