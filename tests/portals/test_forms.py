"""Portal forms: the API's schemas and services behind server-rendered forms, with clear messages."""

import re

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Authorization, Case, Clearance
from coordinator.services.cases import request_clearance
from tests.factories import csrf_token
from tests.services.journey import TODAY, opened




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
    assert done.status_code == 302 and done.headers["Location"].endswith("/physician/")   # back to the inbox
    clearance = db.session.scalar(select(Clearance).where(Clearance.case_id == case_id))
    assert clearance.outcome == "cleared" and "overhead" in clearance.restrictions_note
    inbox = physician.get("/physician/").get_data(as_text=True)
    assert "Claim CLM-1: Clearance recorded." in inbox   # what happened, on the inbox


def test_bad_input_rerenders_with_field_messages_and_changes_nothing(parties, referral, browser_of):
    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    physician = browser_of(parties.physician)
    url = f"/physician/cases/{case_id}/act/clearance"
    before = version(case_id)
    bad = submit(physician, url, case_id, decided_on="31/02/2026", contraindications="juggling")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'class="error-summary"' in page and "Please correct these 2" in page
    assert 'href="#f-decided_on"' in page and "Enter a date as year-month-day" in page
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


def test_the_weekly_review_shows_its_recommendation_and_targets_before_it_is_confirmed(parties, referral,
                                                                                       browser_of):
    from datetime import timedelta

    from coordinator.models import WeeklyReview
    from tests.services.journey import START, session, to_program

    case_id = to_program(parties, referral)
    for day in range(4):
        session(parties, case_id, START + timedelta(days=day))
    therapist = browser_of(parties.therapist)
    page = therapist.get(f"/therapist/cases/{case_id}").get_data(as_text=True)
    url = f"/therapist/cases/{case_id}/act/review/1"
    assert url in page and "Review week 1" in page
    fields = {"week": "1", "reviewed_on": (START + timedelta(days=6)).isoformat(), "sessions_scheduled": "4",
              "capacities.lift_floor_to_waist": "13", "capacities.carry": "6.5", "capacities.stand": "130",
              "pain": "3", "rpe": "13", "fatigue": "3"}
    preview = submit(therapist, url, case_id, **fields)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Recommendation: progress" in text and "Confirm the review" in text
    assert "9.6" in text and "target rises by 10" in text
    assert db.session.scalar(select(WeeklyReview.id)) is None                   # nothing kept yet
    done = submit(therapist, url, case_id, confirm="1", **fields)
    assert done.status_code == 302
    assert db.session.scalar(select(WeeklyReview.recommendation)) == "progress"


def test_the_employer_sees_the_offer_conflicts_before_sending_it(parties, referral, browser_of):
    from coordinator.models import DutyOffer
    from tests.api.test_workflow_api import READY, restricted
    from tests.services.journey import START, review

    case_id = restricted(parties, referral)            # carry at most 5 kg frequently; no climbing
    review(parties, case_id, 1, READY, hours_tolerated=4)
    employer = browser_of(parties.employer_user)
    page = employer.get(f"/employer/cases/{case_id}").get_data(as_text=True)
    url = f"/employer/cases/{case_id}/act/offer"
    assert url in page
    fields = {"hours_per_day": "4", "schedule": "Mon-Fri 8-12", "location": "Dock 2", "wage": "24.5",
              "wage_period": "hourly", "start_date": START.isoformat(), "sent_on": START.isoformat(),
              "tasks-0-description": "Pick orders", "tasks-0-task": "carry", "tasks-0-amount": "9",
              "tasks-0-frequency": "frequent", "tasks-1-description": "Ladder", "tasks-1-task": "climb",
              "tasks-1-amount": "30", "tasks-1-frequency": "occasional"}
    checked = submit(employer, url, case_id, **fields)
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Conflicts with the restrictions in force" in text
    assert text.count("<li>") >= 2 and 'class="conflicts"' in text           # the load and the climbing
    assert db.session.scalar(select(DutyOffer.id)) is None
    fields["tasks-1-description"] = fields["tasks-1-task"] = fields["tasks-1-amount"] = fields["tasks-1-frequency"] = ""
    fields["tasks-0-amount"] = "4"
    assert "No conflict" in submit(employer, url, case_id, **fields).get_data(as_text=True)
    assert submit(employer, url, case_id, confirm="1", **fields).status_code == 302
    assert db.session.scalar(select(DutyOffer.conflicts)) == []


def test_the_insurer_sees_the_criteria_the_report_and_sessions_used_beside_the_request(parties, referral,
                                                                                      browser_of):
    from datetime import timedelta

    from coordinator.services.authorizations import request_authorization
    from tests.services.journey import START, review, session, to_program

    case_id = to_program(parties, referral)
    for day in range(3):
        session(parties, case_id, START + timedelta(days=day))
    review(parties, case_id, 1, {"lift_floor_to_waist": 13.0, "carry": 6.5, "stand": 130.0})
    continuation = request_authorization(parties.case_manager, case_id, submitted_on=START + timedelta(days=8),
                                         start_date=START + timedelta(days=14))
    insurer = browser_of(parties.insurer_user)
    case_page = insurer.get(f"/insurer/cases/{case_id}").get_data(as_text=True)
    assert "Sessions used / authorized" in case_page and "3 / " in case_page
    form = insurer.get(f"/insurer/cases/{case_id}/act/decision/{continuation.id}").get_data(as_text=True)
    assert "The policy" in form and "Progress report" in form and "decision due" in form
    assert "days left" in insurer.get("/").get_data(as_text=True) or "overdue" in insurer.get("/").get_data(as_text=True)


def test_each_form_shows_exactly_the_inputs_its_kind_takes():
    """A form shows the catalogue's inputs of its kind and the schema reads them all: no field it would refuse."""
    from coordinator.domain.catalogue import COMMANDS
    from coordinator.portals.actions import ACTIONS

    for action in ACTIONS.values():
        command = COMMANDS[action.command]
        for kind in ([command.kind(action.kind)] if action.kind else command.kinds):
            fields_ = set(action.schema._declared_fields) - set(action.hidden)
            assert set(kind.inputs) <= fields_, (action.slug, kind.name)
        if action.kind is None and len(command.kinds) == 1:
            assert fields_ == set(command.kinds[0].inputs), action.slug


def test_a_form_not_allowed_now_says_why_instead_of_asking(parties, referral, browser_of):
    from coordinator.services.cases import request_clearance
    from tests.services.journey import opened

    case_id = opened(parties, referral)
    physician = browser_of(parties.physician)
    early = physician.get(f"/physician/cases/{case_id}/act/clearance")
    assert early.status_code == 409 and "<form" not in early.get_data(as_text=True).split("<main", 1)[1]
    assert "Not possible now: the case is still at intake: it has not been sent for clearance." in early.get_data(
        as_text=True)
    request_clearance(parties.case_manager, case_id)
    assert physician.get(f"/physician/cases/{case_id}/act/clearance").status_code == 200
    needless = physician.get(f"/physician/cases/{case_id}/act/obstetric-clearance")
    assert needless.status_code == 409 and "this case needs no obstetric clearance" in needless.get_data(as_text=True)
