"""Object-level authorization: each GET of the OpenAPI document, replayed by a same-role outsider, finds nothing."""

import io
import re
from datetime import timedelta

from sqlalchemy import select

from coordinator.extensions import db
from coordinator.models import Authorization, Case, FollowUp
from coordinator.services.documents import add_document
from coordinator.services.duty import propose_duty_offer
from coordinator.services.restrictions import issue_restrictions
from coordinator.services.rtw import discharge_case, start_milestone
from tests.services.journey import START, TODAY, accept_offer, review, to_program

# owner -> an outsider of the same role (another insurer, employer, clinic, physician)
PAIRS = {"insurer_user": "other_insurer_user", "employer_user": "other_employer_user",
         "therapist": "other_therapist", "case_manager": "other_case_manager", "physician": "other_physician"}
READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
TASK = {"description": "Pick light orders", "task": "carry", "amount": 8, "frequency": "frequent"}
ABSENT = 10**9   # an id no object has: an outsider must not tell it apart from a real one


def one_of_each(parties, referral) -> dict[str, int]:
    """A case carrying an authorization, sessions' review, restrictions, an offer, a milestone and follow-ups."""
    case_id = to_program(parties, referral)
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=8)
    offer = propose_duty_offer(parties.employer_user, case_id, tasks=[TASK], start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), hours_per_day=4, schedule="Mon-Fri 8-12",
                               location="Dock 2", wage=24.5, wage_period="hourly")
    accept_offer(parties, offer.id, START + timedelta(days=2))
    review(parties, case_id, 1, READY, hours_tolerated=4)
    milestone = start_milestone(parties.therapist, case_id, started_on=START + timedelta(days=7))
    discharge_case(parties.case_manager, case_id, discharged_on=TODAY, program_ended=True)
    # a functional document, which every party to the case reads (the employer too)
    job = add_document(parties.case_manager, case_id, kind="job_description", dated_on=TODAY,
                       file=io.BytesIO(b"%PDF-1.4 job description"))
    return {"case_id": case_id, "offer_id": offer.id, "milestone_id": milestone.id, "document_id": job.id,
            "authorization_id": db.session.scalar(select(Authorization.id).where(Authorization.case_id == case_id)),
            "follow_up_id": db.session.scalar(select(FollowUp.id).where(FollowUp.case_id == case_id))}


def tokens(parties, bearer, user_bearer) -> dict[str, dict]:
    """Read-only headers per party: client credentials, or a signed-in physician's own token."""
    names = [*PAIRS, *PAIRS.values()]
    return {name: (user_bearer if "physician" in name else bearer)(getattr(parties, name), "cases:read")
            for name in names}


def test_no_get_operation_shows_an_object_to_a_same_role_outsider(client, parties, referral, bearer, user_bearer):
    ids = one_of_each(parties, referral)
    case = db.session.get(Case, ids["case_id"])
    secrets = (case.worker_name, case.claim_number, case.diagnosis_text)
    headers = tokens(parties, bearer, user_bearer)
    spec = client.get("/api/v1/openapi.json").json
    gets = [path for path, item in spec["paths"].items() if "get" in item]
    by_id = [path for path in gets if re.search(r"{\w+}", path)]
    assert len(by_id) >= 10
    failures = []
    for path in gets:
        names = re.findall(r"{(\w+)}", path)
        assert set(names) <= set(ids), f"{path}: no object to try for {set(names) - set(ids)}"
        url, absent = path.format(**ids), path.format(**{n: ABSENT for n in names})
        readable = 0
        for owner, outsider in PAIRS.items():
            mine, theirs = client.get(url, headers=headers[owner]), client.get(url, headers=headers[outsider])
            leaked = [s for s in secrets if s in theirs.get_data(as_text=True)]
            if leaked or theirs.status_code >= 500 or mine.status_code >= 500:
                failures.append(f"{outsider} GET {path}: {theirs.status_code} (owner {mine.status_code}), "
                                f"leaked {leaked}")
            if not names:
                continue   # a list: the outsider's is simply without the owner's case
            readable += mine.status_code == 200
            if mine.status_code == 200 and theirs.status_code != 404:
                failures.append(f"{outsider} GET {path}: {theirs.status_code}, not 404")
            elif mine.status_code not in (200, 403):
                failures.append(f"{owner} cannot read its own {path}: {mine.status_code}")
            if theirs.status_code != client.get(absent, headers=headers[outsider]).status_code:
                failures.append(f"{outsider} GET {path}: a real id answers unlike an absent one")
        if names and not readable:
            failures.append(f"{path}: no owner could read it, so nothing was compared")
    assert not failures, "\n".join(failures)
