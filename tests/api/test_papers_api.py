"""The papers of a case over the API: each party reads those it may (the employer the return-to-work plan), and
signs through the API as in the portal."""

from tests.services.journey import to_program
from tests.services.test_signatures import on_ladder_terms


def test_the_employer_reads_the_return_to_work_plan_and_not_the_program_plan(client, parties, referral, bearer):
    case_id = to_program(parties, referral)
    on_ladder_terms(parties, case_id)
    employer = client.get(f"/api/v1/cases/{case_id}/papers", headers=bearer(parties.employer_user, "cases:read"))
    assert [p["paper"] for p in employer.json] == ["rtw_plan"]
    clinic = client.get(f"/api/v1/cases/{case_id}/papers", headers=bearer(parties.case_manager, "cases:read"))
    assert [p["paper"] for p in clinic.json] == ["program_plan", "rtw_plan"]



def test_the_physician_signs_through_the_api_with_if_match(client, parties, referral, user_bearer):
    case_id = to_program(parties, referral)
    on_ladder_terms(parties, case_id)
    headers = user_bearer(parties.physician, "cases:read signatures:write")
    path = f"/api/v1/cases/{case_id}/papers/rtw_plan/signatures"
    etag = client.get(f"/api/v1/cases/{case_id}", headers=headers).headers["ETag"]
    refused = client.post(path, json={"typed_name": "Dr Patel", "agree": False}, headers={**headers, "If-Match": etag})
    assert refused.status_code == 422 and "agree" in refused.json["errors"]
    signed = client.post(path, json={"typed_name": "Dr Patel", "agree": True}, headers={**headers, "If-Match": etag})
    assert signed.status_code == 201 and signed.json["signer_role"] == "physician"
    assert len(signed.json["content_hash"]) == 64
    again = client.post(path, json={"typed_name": "Dr Patel", "agree": True},
                        headers={**headers, "If-Match": signed.headers["ETag"]})
    assert again.status_code == 409 and "as it stands" in again.json["detail"]
