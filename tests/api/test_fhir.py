"""FHIR export: a valid R4-family Bundle, filtered by the caller's view."""

import json

from fhir.resources.R4B.bundle import Bundle

from tests.services.journey import review, to_program


def test_case_exports_as_a_valid_fhir_bundle(client, parties, referral, bearer):
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, {"lift_floor_to_waist": 15, "carry": 8, "stand": 150})
    answer = client.get(f"/api/v1/cases/{case_id}/fhir", headers=bearer(parties.insurer_user, "cases:read"))
    assert answer.status_code == 200 and answer.mimetype == "application/fhir+json"
    bundle = Bundle.model_validate(answer.json)
    kinds = {e.resource.__resource_type__ for e in bundle.entry}
    assert {"Patient", "Coverage", "Condition", "CarePlan", "Goal", "Observation", "Task"} <= kinds
    coverage = next(e.resource for e in bundle.entry if e.resource.__resource_type__ == "Coverage")
    assert coverage.type.coding[0].code == "WCBPOL"


def test_employer_export_has_no_diagnosis_or_clinical_measures(client, parties, referral, bearer):
    case_id = to_program(parties, referral)
    review(parties, case_id, 1, {"lift_floor_to_waist": 15, "carry": 8, "stand": 150}, pain=6)
    answer = client.get(f"/api/v1/cases/{case_id}/fhir", headers=bearer(parties.employer_user, "cases:read"))
    bundle = Bundle.model_validate(answer.json)
    kinds = [e.resource.__resource_type__ for e in bundle.entry]
    assert "Condition" not in kinds and "Observation" in kinds   # capacities are functional
    text = json.dumps(answer.json)
    assert "Strain" not in text and "S39" not in text and '"pain"' not in text and "weekly_review" not in text


def test_another_partys_case_is_not_exported(client, parties, referral, bearer):
    case_id = to_program(parties, referral)
    answer = client.get(f"/api/v1/cases/{case_id}/fhir", headers=bearer(parties.other_insurer_user, "cases:read"))
    assert answer.status_code == 404
