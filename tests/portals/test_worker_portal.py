"""The worker as a party: the clinic's invitation (e-mailed through a real SMTP server), its link accepted with a
password of their own, and the worker's portal showing their own case, and only theirs."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.domain.actors import Actor, Role
from coordinator.domain.errors import InvalidValue
from coordinator.extensions import db
from coordinator.models import AuditEntry, Case, CaseEvent, User, WorkerInvitation
from coordinator.models.base import utcnow
from coordinator.services.assignments import reassign_case
from coordinator.services.invitations import accept_invitation, invite_worker
from coordinator.services.restrictions import issue_restrictions
from tests.factories import csrf_token
from tests.services.journey import TODAY, review, to_program

PASSWORD = "my own long password"


def link_in(message: str) -> str:
    """The invitation's path from the e-mail's text."""
    found = re.search(r"http://[^/\s]+(/invitations/[A-Za-z0-9_\-]+)", message)
    assert found, message
    return found.group(1)


def invite_in_portal(browser, case_id: int, email: str):
    """The case manager's invitation form, filled and posted; the answer followed."""
    page = browser.get(f"/case-manager/cases/{case_id}/act/invite-worker")
    assert page.status_code == 200, page.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True)).group(1)
    return browser.post(f"/case-manager/cases/{case_id}/act/invite-worker", follow_redirects=True,
                        data={"email": email, "version": version, "csrf_token": csrf_token(page.get_data(as_text=True))})


def join(app, path: str, password: str = PASSWORD, name: str = "Jordan R."):
    """A fresh browser opens the link and chooses a password; returns it (signed in) and the answer."""
    worker = app.test_client()
    page = worker.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    answer = worker.post(path, data={"name": name, "password": password, "confirm": password,
                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
    return worker, answer


def worker_browser(app, email: str = "w@mail.example"):
    """The worker, signed in through the real form with the password they chose."""
    browser = app.test_client()
    page = browser.get("/login")
    browser.post("/login", data={"email": email, "password": PASSWORD,
                                 "csrf_token": csrf_token(page.get_data(as_text=True))})
    return browser


@pytest.fixture
def program_case(parties, referral):
    """A case six weeks into its program with a weekly review and restrictions in force."""
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, {"lift_floor_to_waist": 15.0, "carry": 8.0, "stand": 150.0})
    issue_restrictions(parties.physician, case_id, issued_on=TODAY - timedelta(days=5), max_lift_kg=15,
                       max_hours_per_day=6, notes="watch the lumbar flexion")
    return case_id


def test_the_clinic_invites_the_worker_who_joins_and_reads_their_own_case(app, parties, program_case,
                                                                          browser_of, smtp_server):
    manager = browser_of(parties.case_manager)
    done = invite_in_portal(manager, program_case, " Jordan.Reyes@Mail.Example ")
    assert "Invitation e-mailed to jordan.reyes@mail.example" in done.get_data(as_text=True)
    [(to, message)] = smtp_server.messages
    assert to == ["jordan.reyes@mail.example"] and "holds until" in message
    for clinical in ("S39", "Strain", "lumbar"):
        assert clinical not in message
    worker, answer = join(app, link_in(message))
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/worker/")
    home = worker.get("/worker/")
    assert home.status_code == 302 and home.headers["Location"].endswith(f"/worker/cases/{program_case}")
    page = worker.get(f"/worker/cases/{program_case}").get_data(as_text=True)
    assert "Your return to work" in page and "Return to warehouse associate, full duty" in page
    assert "the job needs 20 kg" in page and "Your latest test: 15 kg (75% of what the job needs)" in page
    assert "Lifting: at most 15 kg" in page or "15 kg" in page
    assert "What happens next" in page and "Your documents" in page
    db.session.rollback()
    account = db.session.scalar(select(User).where(User.email == "jordan.reyes@mail.example"))
    assert account.role == Role.WORKER and account.org_id is None and account.name == "Jordan R."
    assert db.session.get(Case, program_case).worker_id == account.id
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == program_case)).all()
    assert "worker_invited" in kinds and "worker_joined" in kinds
    # the worker's reading is audited as a clinical read, like every party's
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.actor_user_id == account.id,
                                                         AuditEntry.action == "read_case",
                                                         AuditEntry.category == "clinical"))
    # once joined, the clinic is not offered the invitation again
    manager_page = manager.get(f"/case-manager/cases/{program_case}").get_data(as_text=True)
    assert "act/invite-worker" not in manager_page


def test_without_an_email_server_the_person_inviting_is_given_the_link(app, parties, program_case, browser_of):
    done = invite_in_portal(browser_of(parties.case_manager), program_case, "w@mail.example").get_data(as_text=True)
    assert "No e-mail server is set up here" in done
    path = re.search(r"(/invitations/[A-Za-z0-9_\-]+)", done).group(1)
    worker, answer = join(app, path)
    assert answer.status_code == 302


def test_an_expired_invitation_is_refused_in_plain_words(app, parties, program_case):
    invited = invite_worker(parties.case_manager, program_case, email="w@mail.example")
    row = db.session.get(WorkerInvitation, invited.invitation.id)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = app.test_client().get(f"/invitations/{invited.token}")
    assert page.status_code == 410 and "This invitation has expired" in page.get_data(as_text=True)
    with pytest.raises(Exception, match="expired"):
        accept_invitation(invited.token, password=PASSWORD)
    db.session.rollback()
    assert db.session.get(Case, program_case).worker_id is None
    assert db.session.scalar(select(User.id).where(User.email == "w@mail.example")) is None


def test_a_used_or_replaced_link_is_refused(app, parties, program_case):
    first = invite_worker(parties.case_manager, program_case, email="w@mail.example")
    second = invite_worker(parties.case_manager, program_case, email="w@mail.example")
    page = app.test_client().get(f"/invitations/{first.token}").get_data(as_text=True)
    assert "replaced by a newer one" in page
    accept_invitation(second.token, password=PASSWORD)
    assert "already been used" in app.test_client().get(f"/invitations/{second.token}").get_data(as_text=True)
    assert "not valid" in app.test_client().get("/invitations/made-up-token").get_data(as_text=True)


def test_a_short_password_or_a_mismatch_is_refused_beside_the_input(app, parties, program_case):
    invited = invite_worker(parties.case_manager, program_case, email="w@mail.example")
    browser = app.test_client()
    path = f"/invitations/{invited.token}"
    token = csrf_token(browser.get(path).get_data(as_text=True))
    short = browser.post(path, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)
    other = browser.post(path, data={"password": PASSWORD, "confirm": PASSWORD + "x", "csrf_token": token})
    assert other.status_code == 422 and "The two passwords are not the same." in other.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Case, program_case).worker_id is None


def test_a_staff_address_or_a_malformed_one_is_refused(parties, program_case):
    with pytest.raises(InvalidValue, match="an address of their own"):
        invite_worker(parties.case_manager, program_case, email="hr@acme.test")
    with pytest.raises(InvalidValue, match="like name@example.com"):
        invite_worker(parties.case_manager, program_case, email="jordan at mail")
    assert db.session.scalar(select(WorkerInvitation.id)) is None


def test_a_worker_with_an_account_adds_a_second_case_with_their_password(app, parties, referral, program_case):
    accept_invitation(invite_worker(parties.case_manager, program_case, email="w@mail.example").token,
                      password=PASSWORD)
    second = to_program(parties, referral, claim_number="CLM-2")
    invited = invite_worker(parties.case_manager, second, email="w@mail.example")
    assert invited.existing_account
    browser = app.test_client()
    path = f"/invitations/{invited.token}"
    page = browser.get(path).get_data(as_text=True)
    assert "You already have an account" in page
    wrong = browser.post(path, data={"password": "not the password", "csrf_token": csrf_token(page)})
    assert wrong.status_code == 422 and "not the one of the account" in wrong.get_data(as_text=True)
    assert browser.post(path, data={"password": PASSWORD, "csrf_token": csrf_token(page)}).status_code == 302
    home = browser.get("/worker/").get_data(as_text=True)
    assert "CLM-1" in home and "CLM-2" in home


def test_a_worker_never_reaches_another_workers_case(app, parties, referral, program_case):
    other_case = to_program(parties, referral, claim_number="CLM-9", worker_name="Sam Other")
    accept_invitation(invite_worker(parties.case_manager, program_case, email="w@mail.example").token,
                      password=PASSWORD)
    accept_invitation(invite_worker(parties.case_manager, other_case, email="sam@mail.example").token,
                      password=PASSWORD)
    browser = worker_browser(app)
    assert browser.get(f"/worker/cases/{program_case}").status_code == 200
    for path in (f"/worker/cases/{other_case}", f"/worker/cases/{other_case}/work-status.pdf",
                 f"/worker/cases/{other_case}/progress.pdf", f"/worker/cases/{other_case}/act/document",
                 "/worker/cases/999999"):
        assert browser.get(path).status_code == 404, path
    assert "CLM-9" not in browser.get(f"/worker/cases/{program_case}").get_data(as_text=True)


def test_the_workers_view_leaves_out_other_parties_internal_notes(app, parties, program_case):
    from tests.portals.test_reassignment import staff

    accept_invitation(invite_worker(parties.case_manager, program_case, email="w@mail.example").token,
                      password=PASSWORD)
    reassign_case(parties.case_manager, program_case, therapist_id=staff(parties, "Sam Cover"),
                  reason="t is on leave")
    browser = worker_browser(app)
    shown = browser.get(f"/worker/cases/{program_case}").get_data(as_text=True)
    assert "Therapist changed" not in shown and "leave" not in shown
    assert "Restrictions" in shown or "restrictions" in shown


def test_the_employer_learns_the_worker_was_invited_but_not_their_address(parties, program_case, browser_of):
    invite_worker(parties.case_manager, program_case, email="w@mail.example")
    page = browser_of(parties.employer_user).get(f"/employer/cases/{program_case}").get_data(as_text=True)
    assert "invited to their own portal" in page and "w@mail.example" not in page


def test_only_clinic_staff_invite(parties, program_case):
    from coordinator.domain.permissions import NotPermitted

    for actor in (parties.employer_user, parties.insurer_user, parties.physician,
                  Actor(None, Role.WORKER, None)):
        with pytest.raises(NotPermitted):
            invite_worker(actor, program_case, email="w@mail.example")



def test_the_worker_reads_the_program_plan_and_signs_it_in_their_portal(app, parties, program_case):
    accept_invitation(invite_worker(parties.case_manager, program_case, email="w@mail.example").token,
                      password=PASSWORD)
    browser = worker_browser(app)
    case_page = browser.get(f"/worker/cases/{program_case}").get_data(as_text=True)
    assert "Sign the program plan" in case_page and "your signature is needed" in case_page
    url = f"/worker/cases/{program_case}/act/sign-program-plan"
    form = browser.get(url).get_data(as_text=True)
    assert "Return to warehouse associate, full duty" in form and "Lift floor to waist: 20 kg, occasional" in form
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    unticked = browser.post(url, data={"typed_name": "Jordan Reyes", "version": version,
                                       "csrf_token": csrf_token(form)})
    assert unticked.status_code == 422 and "tick the box" in unticked.get_data(as_text=True).lower()
    signed = browser.post(url, data={"typed_name": "Jordan Reyes", "agree": "1", "version": version,
                                     "csrf_token": csrf_token(form)}, follow_redirects=True)
    shown = signed.get_data(as_text=True)
    assert "You signed the program plan." in shown and "signed “Jordan Reyes”" in shown
    assert "Sign the program plan" not in shown.split("You signed")[1]   # nothing left for them to sign


def test_the_worker_sees_who_read_their_clinical_data_and_when(app, parties, program_case, browser_of):
    accept_invitation(invite_worker(parties.case_manager, program_case, email="w@mail.example").token,
                      password=PASSWORD)
    therapist, employer = browser_of(parties.therapist), browser_of(parties.employer_user)
    for _ in range(2):
        assert therapist.get(f"/therapist/cases/{program_case}").status_code == 200
    assert therapist.get(f"/therapist/cases/{program_case}/progress.pdf").status_code == 200
    assert employer.get(f"/employer/cases/{program_case}").status_code == 200       # functional: not listed
    worker = worker_browser(app)
    worker.get(f"/worker/cases/{program_case}")
    shown = worker.get(f"/worker/cases/{program_case}/who-read")
    text = re.sub(r"\s+", " ", shown.get_data(as_text=True))
    assert shown.status_code == 200 and "Who has read your information" in text
    assert "<strong>t</strong>, therapist at Clinic" in text and "3 times" in text
    assert "your case page" in text and "your progress report" in text
    assert "hr" not in re.findall(r"<strong>(\w+)</strong>", text)            # the employer is not listed
    assert "Jordan Reyes" not in text.split("Who has read your information")[1]   # their own reads are theirs
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "read_accounting"))
    # the accounting is the worker's: no other party's portal has it
    assert therapist.get(f"/therapist/cases/{program_case}/who-read").status_code == 404


def test_a_red_flag_reported_in_the_portal_tells_the_worker_to_stop_and_the_clinic_sees_it(app, parties,
                                                                                           program_case, browser_of):
    accept_invitation(invite_worker(parties.case_manager, program_case, email="w@mail.example").token,
                      password=PASSWORD)
    worker = worker_browser(app)
    url = f"/worker/cases/{program_case}/act/report-symptoms"
    form = worker.get(url).get_data(as_text=True)
    assert "Chest pain" in form and "Soreness" in form
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    sent = worker.post(url, data={"symptoms": ["soreness", "chest_pain"], "pain": "4", "note": "tight chest on stairs",
                                  "reported_on": TODAY.isoformat(), "version": version,
                                  "csrf_token": csrf_token(form)}, follow_redirects=True).get_data(as_text=True)
    assert 'class="notice alert" role="alert"' in sent and "Stop the program&#39;s exercises" in sent
    therapist = browser_of(parties.therapist).get(f"/therapist/cases/{program_case}").get_data(as_text=True)
    assert "tight chest on stairs" in therapist and "Red flag" in therapist and "Review the worker" in therapist
    employer = browser_of(parties.employer_user).get(f"/employer/cases/{program_case}").get_data(as_text=True)
    assert "tight chest" not in employer and "chest pain" not in employer.lower()
