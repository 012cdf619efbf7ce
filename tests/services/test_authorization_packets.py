"""A request's packet under the insurer's review policy: the papers it must carry and their freshness, the
progress report the product attaches, an expedited request's reason and clock, and the clock restarting when a
pended request is completed with a document."""

import io
from datetime import UTC, date, datetime, time, timedelta

import pytest

from coordinator.domain.errors import InvalidValue, RuleViolation
from coordinator.extensions import db
from coordinator.services.authorizations import decide_authorization, request_authorization, supply_information
from coordinator.services.cases import request_clearance
from coordinator.services.clearances import record_clearance
from coordinator.services.documents import add_document
from tests.services.journey import TODAY, opened

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def strict(parties):
    """The case's insurer applies the California packet."""
    parties.insurer.review_policy = "utilization-review-ca"
    db.session.commit()
    return parties


def cleared(parties, referral) -> int:
    case_id = opened(parties, referral, referral_date=TODAY - timedelta(days=45))
    request_clearance(parties.therapist, case_id)
    record_clearance(parties.physician, case_id, decided_on=TODAY - timedelta(days=40))
    return case_id


def paper(parties, case_id, kind, days_ago, n=0):
    return add_document(parties.case_manager, case_id, kind=kind, dated_on=TODAY - timedelta(days=days_ago),
                        file=io.BytesIO(PDF + str((kind, days_ago, n)).encode()), title=kind.replace("_", " "))


def ask(parties, case_id, **extra):
    return request_authorization(parties.case_manager, case_id, submitted_on=TODAY,
                                 start_date=TODAY + timedelta(days=3), **extra)


def test_a_request_missing_its_papers_is_refused_naming_each(strict, referral):
    case_id = cleared(strict, referral)
    with pytest.raises(RuleViolation) as refused:
        ask(strict, case_id)
    assert "the treating physician's order is missing; a job description is missing" in str(refused.value)
    paper(strict, case_id, "physician_order", 2)
    with pytest.raises(RuleViolation, match="a job description is missing"):
        ask(strict, case_id)
    paper(strict, case_id, "job_description", 10)
    row = ask(strict, case_id)
    assert [d["kind"] for d in row.packet["documents"]] == ["physician_order", "job_description"]
    assert row.review_policy == "utilization-review-ca@2026.1" and not row.expedited


def test_a_paper_of_30_days_counts_and_one_of_31_does_not(strict, referral):
    case_id = cleared(strict, referral)
    paper(strict, case_id, "physician_order", 30)
    paper(strict, case_id, "job_description", 31)
    with pytest.raises(RuleViolation) as refused:
        ask(strict, case_id)
    assert f"a job description is dated {TODAY - timedelta(days=31)}, more than 30 days before" in str(refused.value)
    assert "physician" not in str(refused.value)
    newer = paper(strict, case_id, "job_description", 1)
    assert [d["id"] for d in ask(strict, case_id).packet["documents"]][-1] == newer.id   # the newest is sent


def test_other_papers_are_sent_when_named_and_only_the_case_own(strict, referral, parties):
    case_id = cleared(strict, referral)
    paper(strict, case_id, "physician_order", 2)
    paper(strict, case_id, "job_description", 2)
    imaging = paper(strict, case_id, "imaging_report", 5)
    with pytest.raises(InvalidValue, match="is not a document of this case"):
        ask(strict, case_id, documents=[imaging.id + 1000])
    row = ask(strict, case_id, documents=[imaging.id])
    assert "imaging_report" in [d["kind"] for d in row.packet["documents"]]


def test_an_expedited_request_needs_its_reason_and_counts_72_hours(parties, referral):
    case_id = cleared(parties, referral)
    with pytest.raises(InvalidValue, match="say why the request is urgent"):
        ask(parties, case_id, expedited=True, expedited_reason="  ")
    before = datetime.now(UTC)
    row = ask(parties, case_id, expedited=True, expedited_reason="Worker loses the job offer on Friday")
    assert row.expedited and row.expedited_reason == "Worker loses the job offer on Friday"
    assert row.received_at >= before and row.due_at == row.received_at + timedelta(hours=72)
    assert row.due_on == row.due_at.date()


def test_a_standard_request_is_due_at_the_end_of_its_fifth_business_day(parties, referral):
    case_id = cleared(parties, referral)
    submitted = TODAY - timedelta(days=3)
    row = request_authorization(parties.case_manager, case_id, submitted_on=submitted, start_date=TODAY)
    assert row.received_at == datetime.combine(submitted, time(0), tzinfo=UTC)   # recorded late: its day's start
    assert row.due_at.time() == time(23, 59, 59) and row.due_at.weekday() < 5
    assert (row.due_at.date() - submitted).days in (5, 6, 7)


def test_supplying_a_document_on_a_pended_request_attaches_it_and_restarts_the_clock(strict, referral):
    case_id = cleared(strict, referral)
    paper(strict, case_id, "physician_order", 2)
    paper(strict, case_id, "job_description", 3)
    row = request_authorization(strict.case_manager, case_id, submitted_on=TODAY - timedelta(days=2),
                                start_date=TODAY + timedelta(days=3))
    decide_authorization(strict.insurer_user, row.id, decision="pend", reason="Send the signed job description",
                         decided_on=TODAY - timedelta(days=1))
    signed = paper(strict, case_id, "job_description", 0, 2)
    supplied = supply_information(strict.case_manager, row.id, information="Signed job description attached",
                                  supplied_on=TODAY, documents=[signed.id])
    assert supplied.status == "pending" and signed.id in [d["id"] for d in supplied.packet["documents"]]
    assert supplied.information[-1]["documents"] == [signed.id]
    assert supplied.complete_at > supplied.received_at and supplied.due_at.date() > TODAY


def test_a_late_decision_is_recorded_as_late(parties, referral):
    case_id = cleared(parties, referral)
    row = request_authorization(parties.case_manager, case_id, submitted_on=TODAY - timedelta(days=20),
                                start_date=TODAY)
    decided = decide_authorization(parties.insurer_user, row.id, decision="approve", reason="ok",
                                   decided_on=TODAY)
    assert decided.decided_at > decided.due_at
    from coordinator.services.authorizations import is_late

    assert is_late(decided, decided.decided_at)


def test_the_packet_date_may_not_follow_the_request(strict, referral):
    case_id = cleared(strict, referral)
    paper(strict, case_id, "physician_order", 0)
    paper(strict, case_id, "job_description", 0)
    with pytest.raises(RuleViolation, match="missing"):   # the papers dated today were not there on that day
        request_authorization(strict.case_manager, case_id, submitted_on=TODAY - timedelta(days=1),
                              start_date=TODAY)
    assert date.today() == TODAY
