"""Two parties act on one case at the same moment with the same ETag: one wins, the other gets 412 and
changes nothing; its retry with the new ETag goes through, so nothing is lost and nothing is done twice.
Real HTTP against the app in a thread, a barrier releasing both requests together, several rounds."""

import threading
from datetime import timedelta

import requests
from sqlalchemy import func, select

from coordinator.audit import verify_chain
from coordinator.extensions import db
from coordinator.models import Case, ProgramSession, RestrictionSet
from tests.api.conftest import bearer  # noqa: F401  (fixture)
from tests.api.test_clinical_api import RESTRICTIONS, THERAPIST_SCOPES, session_body, user_bearer  # noqa: F401
from tests.services.journey import START, to_program

ROUNDS = 5


def counts(case_id: int) -> tuple[int, int, int]:
    """The case's version, sessions and restriction sets, read afresh."""
    db.session.rollback()
    return (db.session.scalar(select(Case.version).where(Case.id == case_id)),
            db.session.scalar(select(func.count(ProgramSession.id)).where(ProgramSession.case_id == case_id)),
            db.session.scalar(select(func.count(RestrictionSet.id)).where(RestrictionSet.case_id == case_id)))


def test_two_parties_at_once_one_wins_the_other_gets_412_and_its_retry_loses_nothing(
        app, live_server, parties, referral, bearer, user_bearer):  # noqa: F811
    case_id = to_program(parties, referral)
    therapist = bearer(parties.therapist, THERAPIST_SCOPES)
    physician = user_bearer(parties.physician, "cases:read restrictions:write")
    url = f"{live_server}/api/v1/cases/{case_id}"
    version, sessions, restrictions = counts(case_id)
    db.session.commit()

    for n in range(ROUNDS):
        tag = requests.get(url, headers=therapist, timeout=30).headers["ETag"]
        commands = {"therapist": ("sessions", session_body(START + timedelta(days=n + 1)), therapist),
                    "physician": ("restrictions", {**RESTRICTIONS, "max_hours_per_day": 4 + n}, physician)}
        together, answers = threading.Barrier(len(commands)), {}

        def act(party):
            what, body, headers = commands[party]
            together.wait()
            answers[party] = requests.post(f"{url}/{what}", json=body, timeout=30,
                                           headers={**headers, "If-Match": tag})

        threads = [threading.Thread(target=act, args=(party,)) for party in commands]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(a.status_code for a in answers.values())
        assert statuses == [201, 412], {p: (a.status_code, a.text[:300]) for p, a in answers.items()}
        loser = next(p for p, a in answers.items() if a.status_code == 412)
        assert answers[loser].headers["Content-Type"].startswith("application/problem+json")
        # the refused command changed nothing: one change since the round began, the winner's
        assert counts(case_id)[0] == version + 2 * n + 1
        what, body, headers = commands[loser]
        fresh = requests.get(url, headers=headers, timeout=30).headers["ETag"]
        assert fresh != tag
        retry = requests.post(f"{url}/{what}", json=body, headers={**headers, "If-Match": fresh}, timeout=30)
        assert retry.status_code == 201, retry.text[:300]

    assert counts(case_id) == (version + 2 * ROUNDS, sessions + ROUNDS, restrictions + ROUNDS)
    assert verify_chain().ok
