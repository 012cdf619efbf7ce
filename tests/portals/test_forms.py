"""Portal forms: the API's schemas and services behind server-rendered forms, with clear messages."""

import re

import pytest
from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Authorization, Case, Clearance
from coordinator.services.cases import request_clearance
from tests.factories import csrf_token, sign_in
from tests.services.journey import TODAY, opened


@pytest.fixture
def browser_of(app, ctx):
    def make(actor):
        client = app.test_client()
        sign_in(client, actor)
        return client
    return make


def version(case_id) -> str:
    db.session.rollback()
    return str(db.session.get(Case, case_id).version)


def submit(client, url, case_id, **fields):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "version": version(case_id), **fields})


def test_the_physician_clears_from_the_case_page_and_the_insurer_decides(parties, referral, browser_of):
    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    physician = browser_of(parties.physician)
    page = physician.get(f"/physician/cases/{case_id}").get_data(as_text=True)
    url = f"/physician/cases/{case_id}/act/clearance"
    assert url in page                                   # one click from the case page
    form = physician.get(url).get_data(as_text=True)
    assert 'for="f-decided_on"' in form and "Contraindications" in form
    done = submit(physician, url, case_id, decided_on=TODAY.isoformat(), restrictions="No overhead lifting")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/physician/cases/{case_id}")
    clearance = db.session.scalar(select(Clearance).where(Clearance.case_id == case_id))
    assert clearance.outcome == "cleared" and "overhead" in clearance.restrictions_note
    assert "Clearance recorded." in physician.get(f"/physician/cases/{case_id}").get_data(as_text=True)


def test_bad_input_rerenders_with_field_messages_and_changes_nothing(parties, referral, browser_of):
    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    physician = browser_of(parties.physician)
    url = f"/physician/cases/{case_id}/act/clearance"
    before = version(case_id)
    bad = submit(physician, url, case_id, decided_on="31/02/2026", contraindications="juggling")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Please correct the fields" in page
    assert 'id="e-decided_on"' in page and 'id="e-contraindications"' in page
    future = submit(physician, url, case_id, decided_on="2999-01-01")
    assert future.status_code in (409, 422) and 'role="alert"' in future.get_data(as_text=True)
    assert version(case_id) == before and db.session.scalar(select(Clearance.id)) is None


def test_a_stale_form_is_refused_and_nothing_is_overwritten(parties, referral, browser_of):
    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    physician = browser_of(parties.physician)
    url = f"/physician/cases/{case_id}/act/clearance"
    token = csrf_token(physician.get(url).get_data(as_text=True))
    stale = str(int(version(case_id)) - 1)
    answer = physician.post(url, data={"csrf_token": token, "version": stale, "decided_on": TODAY.isoformat()})
    assert answer.status_code == 409 and "Someone else changed this case" in answer.get_data(as_text=True)
    assert db.session.scalar(select(Clearance.id)) is None


def test_the_insurer_decides_the_request_named_in_its_inbox(parties, referral, browser_of):
    from coordinator.services.authorizations import request_authorization
    from coordinator.services.clearances import record_clearance

    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    record_clearance(parties.physician, case_id, decided_on=TODAY)
    auth = request_authorization(parties.case_manager, case_id, submitted_on=TODAY, start_date=TODAY)
    insurer = browser_of(parties.insurer_user)
    page = insurer.get(f"/insurer/cases/{case_id}").get_data(as_text=True)
    url = f"/insurer/cases/{case_id}/act/decision/{auth.id}"
    assert url in page
    assert submit(insurer, url, case_id, decision="approve", reason="Meets the criteria",
                  decided_on=TODAY.isoformat()).status_code == 302
    db.session.rollback()
    assert db.session.get(Authorization, auth.id).decision == "approve"
    # another party's request through this case's URL is not found; an employer may not decide at all
    assert insurer.get(f"/insurer/cases/{case_id}/act/decision/{auth.id + 999}").status_code == 404
    assert browser_of(parties.employer_user).get(f"/employer/cases/{case_id}/act/decision/{auth.id}").status_code in (403, 404)


def test_no_form_field_produces_a_server_error(parties, referral, browser_of):
    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    physician = browser_of(parties.physician)
    url = f"/physician/cases/{case_id}/act/clearance"
    for junk in ("", "x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE case; --", "9" * 40, "\x00"):
        answer = submit(physician, url, case_id, decided_on=junk, restrictions=junk, note=junk)
        assert answer.status_code in (302, 409, 422), (junk[:10], answer.status_code)
        assert "<script>alert(1)</script>" not in answer.get_data(as_text=True)
        if answer.status_code == 302:
            break
    assert re.search(r"\d", version(case_id))
