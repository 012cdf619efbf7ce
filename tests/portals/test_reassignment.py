"""Reassigning a case to another therapist or case manager: the service, and the case manager's portal form."""

import pytest
from sqlalchemy import select

from coordinator.domain.actors import Role
from coordinator.domain.errors import InvalidValue
from coordinator.domain.permissions import NotPermitted
from coordinator.extensions import db
from coordinator.models import Case, CaseEvent, Notification, User
from coordinator.services.assignments import reassign_case
from coordinator.services.authorizations import decide_authorization, request_authorization
from coordinator.services.cases import request_clearance
from coordinator.services.automation import sync_tasks
from coordinator.services.clearances import record_clearance
from coordinator.services.unit_of_work import Options, StaleVersion
from tests.factories import csrf_token
from tests.services.journey import TODAY, opened


def staff(parties, name, role=Role.THERAPIST, org=None, active=True) -> int:
    """A user of the clinic (or `org`), by name; returns the id."""
    user = User(org_id=(org or parties.clinic).id, role=role, email=f"{name.lower().replace(' ', '.')}@x.test",
                name=name, active=active)
    db.session.add(user)
    db.session.commit()
    return user.id


def state(case_id) -> tuple:
    """What a reassignment changes: the version, the two assignees and the timeline."""
    db.session.rollback()
    case = db.session.get(Case, case_id)
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)).all()
    return case.version, case.therapist_id, case.case_manager_id, kinds


def test_the_case_manager_hands_the_case_to_another_therapist(parties, referral):
    case_id = opened(parties, referral)
    sam = staff(parties, "Sam Cover")
    version = state(case_id)[0]
    reassign_case(parties.case_manager, case_id, therapist_id=sam, reason="t is on leave")
    after = state(case_id)
    assert after[0] == version + 1 and after[1] == sam and after[3][-1] == "case_reassigned"
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "case_reassigned"))
    assert event.summary == "Therapist changed from t to Sam Cover" and not event.clinical
    assert "leave" not in event.summary and event.data["reason"] == "t is on leave"   # free text stays off the timeline


def test_both_assignees_change_at_once(parties, referral):
    case_id = opened(parties, referral)
    sam, kim = staff(parties, "Sam Cover"), staff(parties, "Kim Lead", Role.CASE_MANAGER)
    reassign_case(parties.case_manager, case_id, therapist_id=sam, case_manager_id=kim, reason="new team")
    assert state(case_id)[1:3] == (sam, kim)
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "case_reassigned"))
    assert event.summary == "Therapist changed from t to Sam Cover; Case manager changed from nobody to Kim Lead"


def test_unsent_notifications_to_the_old_therapist_go_to_the_new_one(parties, referral):
    case_id = opened(parties, referral)
    request_clearance(parties.therapist, case_id)
    record_clearance(parties.physician, case_id, decided_on=TODAY)
    auth = request_authorization(parties.case_manager, case_id, submitted_on=TODAY, start_date=TODAY)
    decide_authorization(parties.insurer_user, auth.id, decision="approve", reason="ok", decided_on=TODAY)
    sync_tasks(case_id)   # the baseline is the therapist's: its notification names the case's therapist
    mine = select(Notification).where(Notification.case_id == case_id, Notification.role == "therapist")
    assert {n.user_id for n in db.session.scalars(mine)} == {parties.therapist.user_id}
    sam = staff(parties, "Sam Cover")
    reassign_case(parties.case_manager, case_id, therapist_id=sam, reason="cover")
    db.session.rollback()
    assert {n.user_id for n in db.session.scalars(mine)} == {sam}


@pytest.mark.parametrize("case, field, message", [
    ("wrong_role", "therapist_id", "cm is not a therapist"),
    ("foreign", "therapist_id", "choose a therapist of the case's clinic"),
    ("missing", "therapist_id", "choose a therapist of the case's clinic"),
    ("inactive", "therapist_id", "Old Hand is no longer active"),
    ("same", "therapist_id", "t is already assigned as the therapist"),
    ("nobody", "therapist_id", "name a new therapist or a new case manager"),
    ("blank", "reason", "say why the case is reassigned"),
    ("long", "reason", "longer than 500"),
    ("manager_role", "case_manager_id", "t is not a case manager"),
])
def test_bad_input_names_the_field_and_changes_nothing(parties, referral, case, field, message):
    case_id = opened(parties, referral)
    before = state(case_id)
    args = {"therapist_id": staff(parties, "Sam Cover"), "reason": "cover"}
    args.update({
        "wrong_role": {"therapist_id": parties.case_manager.user_id},
        "foreign": {"therapist_id": parties.other_therapist.user_id},
        "missing": {"therapist_id": 999_999},
        "inactive": {"therapist_id": staff(parties, "Old Hand", active=False)},
        "same": {"therapist_id": parties.therapist.user_id},
        "nobody": {"therapist_id": None},
        "blank": {"reason": "   "},
        "long": {"reason": "x" * 501},
        "manager_role": {"case_manager_id": parties.therapist.user_id},
    }[case])
    with pytest.raises(InvalidValue, match=message) as refused:
        reassign_case(parties.case_manager, case_id, **args)
    assert refused.value.field == field
    assert state(case_id) == before


def test_only_the_clinics_case_manager_may_reassign(parties, referral):
    from coordinator.services.unit_of_work import NotFound

    case_id = opened(parties, referral)
    sam = staff(parties, "Sam Cover")
    for actor in (parties.therapist, parties.employer_user, parties.physician, parties.insurer_user):
        with pytest.raises(NotPermitted):
            reassign_case(actor, case_id, therapist_id=sam, reason="cover")
    with pytest.raises(NotFound):
        reassign_case(parties.other_case_manager, case_id, therapist_id=sam, reason="cover")
    with pytest.raises(StaleVersion):
        reassign_case(parties.case_manager, case_id, therapist_id=sam, reason="cover",
                      options=Options(expected_version=state(case_id)[0] - 1))
    assert state(case_id)[1] == parties.therapist.user_id


# -- the portal form -------------------------------------------------------------------------------

def url(case_id) -> str:
    return f"/case-manager/cases/{case_id}/act/reassign"


def submit(client, case_id, version=None, **fields):
    token = csrf_token(client.get(url(case_id)).get_data(as_text=True))
    version = state(case_id)[0] if version is None else version
    return client.post(url(case_id), data={"csrf_token": token, "version": str(version), **fields})


def test_the_form_offers_the_clinics_active_staff_and_reassigns(parties, referral, browser_of):
    case_id = opened(parties, referral)
    sam = staff(parties, "Sam Cover")
    staff(parties, "Old Hand", active=False)
    client = browser_of(parties.case_manager)
    assert url(case_id) in client.get(f"/case-manager/cases/{case_id}").get_data(as_text=True)
    form = client.get(url(case_id)).get_data(as_text=True)
    assert f'<option value="{sam}">Sam Cover</option>' in form and 'id="f-case_manager_id"' in form
    assert "Old Hand" not in form and "t@other" not in form and 'id="f-reason"' in form
    done = submit(client, case_id, therapist_id=str(sam), reason="t is on leave")
    assert done.status_code == 302 and done.headers["Location"].endswith("/case-manager/")
    assert "Case reassigned." in client.get("/case-manager/").get_data(as_text=True)
    page = client.get(f"/case-manager/cases/{case_id}").get_data(as_text=True)
    assert "Therapist changed from t to Sam Cover" in page
    assert state(case_id)[1] == sam


@pytest.mark.parametrize("fields, field, message", [
    ({"therapist_id": "CM"}, "therapist_id", "Cm is not a therapist"),
    ({"therapist_id": "FOREIGN"}, "therapist_id", "Choose a therapist of the case&#39;s clinic"),
    ({"therapist_id": "INACTIVE"}, "therapist_id", "no longer active"),
    ({"therapist_id": "SELF"}, "therapist_id", "already assigned"),
    ({"therapist_id": "SAM", "reason": ""}, "reason", "This is required."),
    ({"therapist_id": "SAM", "reason": "x" * 501}, "reason", "Enter 1 to 500 characters."),
    ({}, "therapist_id", "Choose a new therapist or a new case manager"),
])
def test_bad_input_rerenders_the_form_with_the_field_message(parties, referral, browser_of, fields, field, message):
    case_id = opened(parties, referral)
    ids = {"CM": parties.case_manager.user_id, "FOREIGN": parties.other_therapist.user_id,
           "INACTIVE": staff(parties, "Old Hand", active=False), "SELF": parties.therapist.user_id,
           "SAM": staff(parties, "Sam Cover")}
    body = {"reason": "cover", **fields}
    body["therapist_id"] = str(ids[body["therapist_id"]]) if "therapist_id" in body else ""
    before = state(case_id)
    answer = submit(browser_of(parties.case_manager), case_id, **body)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and f'id="e-{field}"' in page and message in page, page
    assert state(case_id) == before


def test_other_parties_cannot_open_the_form(parties, referral, browser_of):
    case_id = opened(parties, referral)
    assert browser_of(parties.therapist).get(f"/therapist/cases/{case_id}/act/reassign").status_code == 403
    assert browser_of(parties.employer_user).get(f"/employer/cases/{case_id}/act/reassign").status_code == 403
    assert browser_of(parties.other_case_manager).get(url(case_id)).status_code == 404
    therapist_page = browser_of(parties.therapist).get(f"/therapist/cases/{case_id}").get_data(as_text=True)
    assert "/act/reassign" not in therapist_page


def test_a_stale_form_is_refused(parties, referral, browser_of):
    case_id = opened(parties, referral)
    sam = staff(parties, "Sam Cover")
    before = state(case_id)
    answer = submit(browser_of(parties.case_manager), case_id, version=before[0] - 1, therapist_id=str(sam),
                    reason="cover")
    assert answer.status_code == 409 and "Someone else changed this case" in answer.get_data(as_text=True)
    assert state(case_id) == before
