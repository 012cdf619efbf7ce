"""The notification centre: newest first, a repeated message once, a date and a link to the case, the unread
counted and marked read by the person (and only what their organisation and role were sent)."""

from coordinator.extensions import db
from coordinator.models import Notification
from tests.factories import csrf_token
from tests.services.journey import opened


def _sent(case_id: int, org_id: int, role: str, subject: str) -> None:
    db.session.add(Notification(case_id=case_id, org_id=org_id, role=role, kind="task", subject=subject, body=subject))
    db.session.commit()


def test_the_centre_folds_repeats_links_the_case_and_marks_read(parties, referral, browser_of):
    case_id = opened(parties, referral)
    for subject in ("Confirm milestone 1 (claim CLM-1)", "Confirm milestone 1 (claim CLM-1)", "Send an offer (claim CLM-1)"):
        _sent(case_id, parties.employer.id, "employer", subject)
    _sent(case_id, parties.insurer.id, "insurer", "Decide the request (claim CLM-1)")   # another party's
    employer = browser_of(parties.employer_user)
    home = employer.get("/employer/").get_data(as_text=True)
    assert home.count("Confirm milestone 1 (claim CLM-1)") == 1 and "Send an offer" in home
    assert "2 new" in home and home.count("<strong>New:</strong>") == 2
    assert f'href="/employer/cases/{case_id}">Confirm milestone 1' in home and "Decide the request" not in home
    marked = employer.post("/employer/notifications/read", data={"csrf_token": csrf_token(home)})
    assert marked.status_code == 302
    after = employer.get("/employer/").get_data(as_text=True)
    assert "2 notifications marked as read." in after and " new</span>" not in after and "New:" not in after
    assert "Confirm milestone 1 (claim CLM-1)" in after   # still listed, now read
    _sent(case_id, parties.employer.id, "employer", "Send an offer again (claim CLM-1)")
    assert "1 new" in employer.get("/employer/").get_data(as_text=True)

