"""CSV exports: the caseload as filtered, a case's measures; formulas never reach a spreadsheet as formulas."""

import csv
import io

from coordinator.portals.exports import safe
from tests.factories import sign_in
from tests.services.journey import opened, review, to_program


def rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_caseload_csv_follows_the_filters_and_neutralises_formulas(app, ctx, parties, referral):
    opened(parties, referral, claim_number="=HYPERLINK(\"http://evil\")", worker_name="+Ana")
    opened(parties, referral, claim_number="CLM-2", worker_name="Ben")
    client = app.test_client()
    sign_in(client, parties.case_manager)
    table = rows(client.get("/case-manager/caseload.csv"))
    assert table[0][:2] == ["claim", "worker"] and len(table) == 3
    assert ["'=HYPERLINK(\"http://evil\")", "'+Ana"] in [r[:2] for r in table]
    assert len(rows(client.get("/case-manager/caseload.csv?q=Ben"))) == 2
    other = app.test_client()
    sign_in(other, parties.other_employer_user)
    assert len(rows(other.get("/employer/caseload.csv"))) == 1            # header only: not its workers


def test_measures_csv_for_clinical_views_only(app, ctx, parties, referral):
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, {"lift_floor_to_waist": 13.0, "carry": 6.5, "stand": 130.0})
    client = app.test_client()
    sign_in(client, parties.therapist)
    table = rows(client.get(f"/therapist/cases/{case_id}/measures.csv"))
    assert table[0][:3] == ["week", "reviewed_on", "lift_floor_to_waist"] and table[1][0] == "1"
    employer = app.test_client()
    sign_in(employer, parties.employer_user)
    assert employer.get(f"/employer/cases/{case_id}/measures.csv").status_code == 403


def test_safe_cells():
    assert [safe(v) for v in ("=1+1", "-2", "@x", "ok", None, 3)] == ["'=1+1", "'-2", "'@x", "ok", "", "3"]
