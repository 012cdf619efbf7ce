"""Utilization review: the packet's papers and their freshness, the reviewer's clock (standard, expedited,
capped), the appeal window and the second reviewer."""

from datetime import date, datetime, timedelta, timezone

import pytest

from coordinator.domain.documents import DocumentKind as K
from coordinator.domain.errors import InvalidValue
from coordinator.domain.utilization_review import (
    DEFAULT_REVIEW_POLICY as POLICY,
    Supporting,
    appeal_deadline,
    decision_deadline,
    is_late,
    may_appeal,
    packet_gaps,
    second_reviewer_required,
)

SUBMITTED = date(2026, 3, 31)
UTC = timezone.utc


def codes(gaps) -> set[str]:
    return {g.code for g in gaps}


def test_a_complete_initial_packet_has_no_gaps():
    docs = [Supporting(K.PHYSICIAN_ORDER, SUBMITTED), Supporting(K.JOB_DESCRIPTION, SUBMITTED - timedelta(days=3))]
    assert packet_gaps("initial", docs, SUBMITTED) == ()


def test_a_document_exactly_30_days_old_is_fresh_and_31_days_is_stale():
    fresh = [Supporting(K.PHYSICIAN_ORDER, SUBMITTED - timedelta(days=30)), Supporting(K.JOB_DESCRIPTION, SUBMITTED)]
    stale = [Supporting(K.PHYSICIAN_ORDER, SUBMITTED - timedelta(days=31)), Supporting(K.JOB_DESCRIPTION, SUBMITTED)]
    assert packet_gaps("initial", fresh, SUBMITTED) == ()
    gaps = packet_gaps("initial", stale, SUBMITTED)
    assert codes(gaps) == {"stale_physician_order"} and "more than 30 days before the request" in gaps[0].text


def test_the_newest_document_of_a_kind_is_the_one_that_counts():
    docs = [Supporting(K.PHYSICIAN_ORDER, SUBMITTED - timedelta(days=90)), Supporting(K.PHYSICIAN_ORDER, SUBMITTED),
            Supporting(K.JOB_DESCRIPTION, SUBMITTED)]
    assert packet_gaps("initial", docs, SUBMITTED) == ()


def test_a_continuation_needs_the_progress_report_and_says_each_missing_paper():
    gaps = packet_gaps("continuation", [Supporting(K.JOB_DESCRIPTION, SUBMITTED)], SUBMITTED)
    assert codes(gaps) == {"missing_progress_report", "missing_physician_order"}
    assert "a progress report is missing" in [g.text for g in gaps]


def test_a_document_dated_after_the_request_is_refused():
    with pytest.raises(InvalidValue):
        packet_gaps("initial", [Supporting(K.JOB_DESCRIPTION, SUBMITTED + timedelta(days=1))], SUBMITTED)


def test_the_standard_clock_is_the_end_of_the_fifth_business_day():
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    assert decision_deadline(friday, friday, expedited=False) == datetime(2026, 3, 13, 23, 59, 59, tzinfo=UTC)


def test_the_expedited_clock_counts_72_calendar_hours_across_a_weekend():
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    due = decision_deadline(friday, friday, expedited=True)
    assert due == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)   # Monday, same hour: Saturday and Sunday count
    assert not is_late(due, due) and is_late(due, due + timedelta(seconds=1))


def test_the_clock_never_runs_past_14_days_from_the_request():
    received = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)             # a Monday
    completed = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)           # pended, the papers came ten days later
    assert decision_deadline(received, completed, expedited=False) == datetime(2026, 3, 16, 23, 59, 59, tzinfo=UTC)


def test_a_request_cannot_be_complete_before_it_was_received():
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with pytest.raises(InvalidValue):
        decision_deadline(at, at - timedelta(hours=1), expedited=False)


def test_an_appeal_on_the_windows_last_day_is_taken_and_the_day_after_refused():
    decided = date(2026, 3, 2)
    last = appeal_deadline(decided)
    assert last == decided + timedelta(days=POLICY.appeal_days)
    assert may_appeal("deny", decided, last) is None
    late = may_appeal("deny", decided, last + timedelta(days=1))
    assert late.code == "appeal_window_closed" and str(last) in late.text


def test_only_a_denial_or_a_modification_is_appealed():
    decided = date(2026, 3, 2)
    assert may_appeal("modify", decided, decided) is None
    assert may_appeal("approve", decided, decided).code == "not_appealable"
    assert may_appeal("deny", decided, decided - timedelta(days=1)).code == "before_decision"


def test_an_appeal_is_decided_by_another_reviewer():
    assert second_reviewer_required(7, 7).code == "same_reviewer"
    assert second_reviewer_required(7, 8) is None


def test_an_open_request_s_clock_in_its_reviewer_s_words():
    from coordinator.domain.utilization_review import clock_of

    friday_noon = datetime(2026, 3, 6, 12, tzinfo=UTC)
    due = datetime(2026, 3, 13, 23, 59, 59, tzinfo=UTC)
    assert clock_of(due, friday_noon, expedited=False).words == "5 business days left"
    assert clock_of(due, datetime(2026, 3, 13, 9, tzinfo=UTC), expedited=False).words == "due today"
    late = clock_of(due, datetime(2026, 3, 17, 9, tzinfo=UTC), expedited=False)
    assert late.late and late.words == "late by 2 business days"
    urgent = friday_noon + timedelta(hours=72)
    assert clock_of(urgent, friday_noon + timedelta(hours=1, minutes=30), expedited=True).words == "70 hours left"
    assert clock_of(urgent, urgent + timedelta(hours=1), expedited=True).words == "late by 1 hour"
    waiting = clock_of(due, datetime(2026, 4, 1, tzinfo=UTC), expedited=False, pended=True)
    assert not waiting.late and "waiting for the clinic" in waiting.words
