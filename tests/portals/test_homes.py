"""The role portals: each home is the role's inbox and caseload; the case page shows only what the role may see."""

from sqlalchemy import select

from coordinator.domain.clearance import HealthFlags
from coordinator.extensions import db
from coordinator.models import AuditEntry
from coordinator.services.cases import request_clearance
from tests.services.journey import opened




def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_each_role_lands_on_its_inbox(parties, referral, browser_of):
    case_id = opened(parties, referral, health=HealthFlags(pregnant=True, gestation_weeks=14,
                                                           cardiovascular_disease=True))
    request_clearance(parties.therapist, case_id)
    physician = text(browser_of(parties.physician).get("/"))
    assert "Physician inbox" in physician and "Medical clearance" in physician and f"/physician/cases/{case_id}" in physician
    assert "Specialist clearance" in physician
    therapist = text(browser_of(parties.therapist).get("/therapist/"))
    assert "Therapist inbox" in therapist and "CLM-1" in therapist
    employer = text(browser_of(parties.employer_user).get("/"))
    assert "Employer inbox" in employer and "Nothing waits for you" in employer and "CLM-1" in employer


def test_the_employer_case_page_shows_no_clinical_detail(parties, referral, browser_of):
    case_id = opened(parties, referral, health=HealthFlags(pregnant=True, gestation_weeks=14,
                                                           cardiovascular_disease=True))
    request_clearance(parties.therapist, case_id)
    clinic = text(browser_of(parties.therapist).get(f"/therapist/cases/{case_id}"))
    assert "S39.012A" in clinic and "Medical clearance" in clinic
    employer = text(browser_of(parties.employer_user).get(f"/employer/cases/{case_id}"))
    assert "Claim CLM-1" in employer and "Timeline" in employer
    for clinical in ("S39", "Strain", "lower back", "Diagnosis", "regnan", "ardi", "bstetric", "Specialist"):
        assert clinical not in employer, clinical
    read = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "read_case",
                                                        AuditEntry.case_id == case_id)).all()
    assert {(a.actor_role, a.category) for a in read} >= {("therapist", "clinical"), ("employer", "functional")}


def test_another_party_gets_a_404_and_another_role_its_own_portal(parties, referral, browser_of):
    case_id = opened(parties, referral)
    assert browser_of(parties.other_employer_user).get(f"/employer/cases/{case_id}").status_code == 404
    assert browser_of(parties.other_therapist).get(f"/therapist/cases/{case_id}").status_code == 404
    wrong = browser_of(parties.physician).get(f"/therapist/cases/{case_id}")
    assert wrong.status_code == 302 and wrong.headers["Location"].endswith("/physician/")
    assert "CLM-1" not in text(browser_of(parties.other_insurer_user).get("/"))
    assert app_signed_out_redirects(browser_of)


def app_signed_out_redirects(browser_of) -> bool:
    from flask import current_app

    return current_app.test_client().get("/insurer/").status_code == 302


def test_caseload_filters_and_search(parties, referral, browser_of):
    first = opened(parties, referral, claim_number="CLM-A", worker_name="Ana Lopez")
    opened(parties, referral, claim_number="CLM-B", worker_name="Ben Smith")
    request_clearance(parties.therapist, first)
    client = browser_of(parties.case_manager)
    searched = text(client.get("/case-manager/?q=lopez"))
    assert "CLM-A" in searched and "CLM-B" not in searched
    staged = text(client.get("/case-manager/?stage=intake"))
    assert "CLM-B" in staged and "Caseload (1)" in staged
    assert "Caseload (0)" in text(client.get("/case-manager/?overdue=1"))
    assert text(client.get("/case-manager/?stage=nonsense&employer=abc&q=" + "x" * 500))   # ignored, not a 500


def test_the_therapist_sees_capacity_against_demand_and_pain_and_rpe_by_week(parties, referral, browser_of):
    from tests.services.journey import review, to_program

    case_id = to_program(parties, referral)
    review(parties, case_id, 1, {"lift_floor_to_waist": 13.0, "carry": 6.5, "stand": 130.0})
    page = text(browser_of(parties.therapist).get(f"/therapist/cases/{case_id}"))
    assert page.count("<svg") == 4                              # three critical demands, then pain and RPE
    assert "Lift floor to waist: capacity by week against the job's demand of 20" in page
    assert "<td>12</td><td>13</td>" in page                  # baseline, then week 1
    employer = text(browser_of(parties.employer_user).get(f"/employer/cases/{case_id}"))
    # capacities are functional (DOMAIN.md section 1): the employer sees them; pain and RPE are clinical
    assert employer.count("<svg") == 3 and "<td>12</td><td>13</td>" in employer and "Pain and RPE" not in employer


def test_the_case_page_names_each_screening_flag_for_clinical_readers_only(parties, referral, browser_of):
    case_id = opened(parties, referral, therapy_plateaued=False)
    manager = browser_of(parties.case_manager).get(f"/case-manager/cases/{case_id}").get_data(as_text=True)
    assert "Admission screening" in manager and "Conventional therapy has not plateaued" in manager
    employer = browser_of(parties.employer_user).get(f"/employer/cases/{case_id}").get_data(as_text=True)
    assert "Admission screening" not in employer and "plateaued" not in employer
