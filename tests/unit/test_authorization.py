"""Insurer authorization: trial, continuation, decisions, the review clock and session cover."""

from dataclasses import replace
from datetime import date

import pytest

from coordinator.domain.authorization import (
    DEFAULT_AUTHORIZATION_POLICY as POLICY,
    Authorization,
    AuthorizationPolicy,
    AuthorizationStatus,
    Decision,
    DemandGain,
    check_session_authorized,
    continuation_assessment,
    continuation_due,
    continuation_request,
    decision_due,
    initial_request,
    is_decision_overdue,
    must_escalate,
    sessions_remaining,
    status_on,
    validate_decision,
)
from coordinator.domain.errors import InvalidValue, RuleViolation

MON = date(2026, 3, 2)
FRI = date(2026, 3, 6)
TWO_WEEKS = Authorization(MON, date(2026, 3, 15), 10)


def codes(result):
    return [r.code for r in result.reasons]


# -- policy ------------------------------------------------------------------------------------------


def test_default_policy_is_named_versioned_and_sourced():
    assert POLICY.ref.version == "2026.1"
    assert "[src]" in POLICY.ref.source and "[design]" in POLICY.ref.source


def test_default_policy_values():
    assert (POLICY.trial_weeks, POLICY.sessions_per_week, POLICY.compliance_threshold) == (2, 5, 0.80)
    assert (POLICY.max_consecutive_weeks, POLICY.decision_business_days, POLICY.notice_business_days) == (4, 5, 5)


@pytest.mark.parametrize("cap", [6, 8])
def test_a_payer_may_allow_more_consecutive_weeks(cap):
    assert AuthorizationPolicy(max_consecutive_weeks=cap).max_consecutive_weeks == cap


@pytest.mark.parametrize("changes, field", [
    ({"trial_weeks": 3}, "trial_weeks"),
    ({"trial_weeks": 0}, "trial_weeks"),
    ({"sessions_per_week": 0}, "sessions_per_week"),
    ({"sessions_per_week": 8}, "sessions_per_week"),
    ({"compliance_threshold": 1.2}, "compliance_threshold"),
    ({"compliance_threshold": -0.1}, "compliance_threshold"),
    ({"max_consecutive_weeks": 1}, "max_consecutive_weeks"),
    ({"decision_business_days": -1}, "decision_business_days"),
    ({"notice_business_days": 1.5}, "notice_business_days"),
])
def test_policy_values_out_of_range_are_invalid(changes, field):
    with pytest.raises(InvalidValue) as err:
        AuthorizationPolicy(**changes)
    assert err.value.field == field


# -- requests -----------------------------------------------------------------------------------------


def test_initial_request_is_a_two_week_trial_of_five_sessions_a_week():
    request = initial_request(MON)
    assert (request.weeks, request.sessions) == (2, 10)
    assert (request.start_date, request.end_date) == (MON, date(2026, 3, 15))
    assert request.policy == POLICY.ref and codes(request) == ["initial_trial"]


def test_initial_trial_of_one_week_is_allowed():
    request = initial_request(MON, weeks=1)
    assert (request.sessions, request.end_date) == (5, date(2026, 3, 8))


@pytest.mark.parametrize("weeks", [0, 3])
def test_initial_trial_outside_one_to_two_weeks_is_invalid(weeks):
    with pytest.raises(InvalidValue) as err:
        initial_request(MON, weeks=weeks)
    assert err.value.field == "weeks"


def test_initial_request_follows_the_payers_sessions_per_week():
    assert initial_request(MON, AuthorizationPolicy(sessions_per_week=3)).sessions == 6


def test_continuation_request_starts_the_day_after_the_authorization_ends():
    request = continuation_request(TWO_WEEKS, 2)
    assert (request.start_date, request.end_date, request.sessions) == (date(2026, 3, 16), date(2026, 3, 29), 10)


# -- continuation criteria ------------------------------------------------------------------------------


def test_continuation_meets_criteria_with_attendance_gain_and_weeks_left():
    result = continuation_assessment(0.9, True, 2, 2)
    assert result.meets_criteria and result.weeks_remaining == 2
    assert codes(result) == ["attendance_met", "gain_met", "within_week_cap"]
    assert result.policy == POLICY.ref


def test_attendance_at_the_compliance_threshold_is_enough():
    assert continuation_assessment(0.80, True, 2, 2).meets_criteria


def test_attendance_below_the_compliance_threshold_is_not_enough():
    result = continuation_assessment(0.79, True, 2, 2)
    assert not result.meets_criteria and "attendance_below_threshold" in codes(result)


def test_undocumented_attendance_does_not_meet_criteria():
    result = continuation_assessment(None, True, 2, 2)
    assert not result.meets_criteria and "attendance_undocumented" in codes(result)


@pytest.mark.parametrize("attendance", [-0.01, 1.01])
def test_attendance_outside_zero_to_one_is_invalid(attendance):
    with pytest.raises(InvalidValue) as err:
        continuation_assessment(attendance, True, 2, 2)
    assert err.value.field == "attendance"


def test_continuation_needs_a_measurable_gain():
    result = continuation_assessment(0.9, False, 2, 2)
    assert not result.meets_criteria and "no_significant_gain" in codes(result)


def test_a_critical_demand_gain_equal_to_its_mcid_is_significant():
    gains = [DemandGain("carry", 2.0, 2.0), DemandGain("lift", 0.5, 2.0)]
    result = continuation_assessment(0.9, gains, 2, 2)
    assert result.meets_criteria and "carry" in result.reasons[1].text


def test_gains_below_mcid_are_not_significant():
    assert not continuation_assessment(0.9, [DemandGain("carry", 1.9, 2.0)], 2, 2).meets_criteria


def test_a_gain_on_a_non_critical_demand_does_not_count():
    assert not continuation_assessment(0.9, [DemandGain("grip", 9.0, 2.0, critical=False)], 2, 2).meets_criteria


def test_no_gains_on_record_is_no_significant_gain():
    assert not continuation_assessment(0.9, [], 2, 2).meets_criteria


@pytest.mark.parametrize("mcid", [0, -1, None])
def test_an_mcid_must_be_above_zero(mcid):
    with pytest.raises(InvalidValue) as err:
        DemandGain("carry", 1.0, mcid)
    assert err.value.field == "mcid"


def test_continuation_up_to_the_week_cap_is_within_it():
    assert continuation_assessment(0.9, True, 2, 2).meets_criteria


def test_continuation_past_the_week_cap_does_not_meet_criteria():
    result = continuation_assessment(0.9, True, 2, 3)
    assert not result.meets_criteria and result.weeks_remaining == 2 and "exceeds_week_cap" in codes(result)


def test_no_continuation_once_the_week_cap_is_reached():
    result = continuation_assessment(0.9, True, 4, 1)
    assert not result.meets_criteria and result.weeks_remaining == 0 and "week_cap_reached" in codes(result)


def test_a_payer_allowing_eight_weeks_admits_a_longer_continuation():
    assert continuation_assessment(0.9, True, 4, 4, AuthorizationPolicy(max_consecutive_weeks=8)).meets_criteria


@pytest.mark.parametrize("so_far, requested, field", [(-1, 2, "weeks_authorized_so_far"), (2, 0, "requested_weeks")])
def test_continuation_weeks_out_of_range_are_invalid(so_far, requested, field):
    with pytest.raises(InvalidValue) as err:
        continuation_assessment(0.9, True, so_far, requested)
    assert err.value.field == field


# -- decisions ---------------------------------------------------------------------------------------


def test_approve_grants_the_sessions_requested():
    decision = validate_decision(Decision.APPROVE, 10, None, "criteria met")
    assert (decision.decision, decision.approved_sessions, decision.reason) == (Decision.APPROVE, 10, "criteria met")
    assert decision.policy == POLICY.ref


def test_approve_with_fewer_sessions_is_invalid():
    with pytest.raises(InvalidValue) as err:
        validate_decision("approve", 10, 8, "ok")
    assert err.value.field == "approved_sessions"


def test_modify_must_approve_fewer_sessions_than_requested():
    with pytest.raises(InvalidValue) as err:
        validate_decision(Decision.MODIFY, 10, 10, "same as requested")
    assert err.value.field == "approved_sessions"


def test_modify_approving_one_fewer_session_is_valid():
    assert validate_decision(Decision.MODIFY, 10, 9, "one session less").approved_sessions == 9


@pytest.mark.parametrize("approved", [0, None])
def test_modify_must_approve_at_least_one_session(approved):
    with pytest.raises(InvalidValue):
        validate_decision(Decision.MODIFY, 10, approved, "none")


@pytest.mark.parametrize("decision", [Decision.DENY, Decision.PEND])
def test_deny_and_pend_approve_no_sessions(decision):
    assert validate_decision(decision, 10, None, "needs the progress report").approved_sessions == 0
    with pytest.raises(InvalidValue):
        validate_decision(decision, 10, 5, "contradiction")


@pytest.mark.parametrize("decision", list(Decision))
@pytest.mark.parametrize("text", ["", "   ", None])
def test_every_decision_requires_a_reason(decision, text):
    with pytest.raises(InvalidValue) as err:
        validate_decision(decision, 10, 5 if decision is Decision.MODIFY else None, text)
    assert err.value.field == "reason"


def test_an_unknown_decision_is_invalid():
    with pytest.raises(InvalidValue) as err:
        validate_decision("maybe", 10, None, "hm")
    assert err.value.field == "decision"


def test_requested_sessions_must_be_at_least_one():
    with pytest.raises(InvalidValue):
        validate_decision(Decision.APPROVE, 0, None, "ok")


# -- review clock ---------------------------------------------------------------------------------------


def test_decision_is_due_five_business_days_after_a_complete_request():
    assert decision_due(MON) == date(2026, 3, 9)


def test_decision_due_skips_holidays():
    assert decision_due(MON, holidays={date(2026, 3, 4)}) == date(2026, 3, 10)


def test_decision_on_its_due_day_is_not_overdue():
    assert not is_decision_overdue(date(2026, 3, 9), date(2026, 3, 9))


def test_decision_the_day_after_its_due_day_is_overdue():
    assert is_decision_overdue(date(2026, 3, 9), date(2026, 3, 10))


def test_an_undecided_overdue_request_escalates():
    assert must_escalate(None, date(2026, 3, 9), date(2026, 3, 10))
    assert not must_escalate(None, date(2026, 3, 9), date(2026, 3, 9))


def test_a_decided_request_does_not_escalate():
    assert not must_escalate(Decision.APPROVE, date(2026, 3, 9), date(2026, 3, 20))


# -- authorizations and sessions --------------------------------------------------------------------------


def test_an_authorization_cannot_end_before_it_starts():
    with pytest.raises(InvalidValue) as err:
        Authorization(FRI, MON, 5)
    assert err.value.field == "end_date"


@pytest.mark.parametrize("sessions", [0, -1])
def test_an_authorization_grants_at_least_one_session(sessions):
    with pytest.raises(InvalidValue):
        Authorization(MON, FRI, sessions)


def test_an_unknown_authorization_status_is_invalid():
    with pytest.raises(InvalidValue):
        Authorization(MON, FRI, 5, status="paused")


def test_sessions_remaining_counts_down_and_stops_at_zero():
    assert sessions_remaining(TWO_WEEKS, 0) == 10
    assert sessions_remaining(TWO_WEEKS, 9) == 1
    assert sessions_remaining(TWO_WEEKS, 12) == 0


def test_negative_sessions_used_are_invalid():
    with pytest.raises(InvalidValue):
        sessions_remaining(TWO_WEEKS, -1)


def test_session_on_the_first_and_last_authorized_day_is_accepted():
    assert check_session_authorized([TWO_WEEKS], MON, 0) == TWO_WEEKS
    assert check_session_authorized([TWO_WEEKS], date(2026, 3, 15), 9) == TWO_WEEKS


def test_no_session_past_authorized_date():
    with pytest.raises(RuleViolation) as err:
        check_session_authorized([TWO_WEEKS], date(2026, 3, 16), 0)
    assert err.value.field == "session_date"


def test_no_session_before_the_authorization_starts():
    with pytest.raises(RuleViolation):
        check_session_authorized([TWO_WEEKS], date(2026, 3, 1), 0)


def test_no_session_past_authorized_count():
    with pytest.raises(RuleViolation) as err:
        check_session_authorized([TWO_WEEKS], FRI, 10)
    assert err.value.field == "sessions_used"


def test_no_session_without_any_authorization():
    with pytest.raises(RuleViolation):
        check_session_authorized([], MON, 0)


@pytest.mark.parametrize("status", [s for s in AuthorizationStatus if s is not AuthorizationStatus.ACTIVE])
def test_only_an_active_authorization_covers_a_session(status):
    with pytest.raises(RuleViolation):
        check_session_authorized([replace(TWO_WEEKS, status=status)], MON, 0)


def test_the_continuation_covers_sessions_after_the_trial():
    continuation = Authorization(date(2026, 3, 16), date(2026, 3, 29), 10)
    assert check_session_authorized([TWO_WEEKS, continuation], date(2026, 3, 16), 0) == continuation


def test_effective_status_follows_dates_and_count():
    assert status_on(TWO_WEEKS, FRI, 3) is AuthorizationStatus.ACTIVE
    assert status_on(TWO_WEEKS, date(2026, 3, 16), 3) is AuthorizationStatus.EXPIRED
    assert status_on(TWO_WEEKS, FRI, 10) is AuthorizationStatus.EXHAUSTED
    assert status_on(replace(TWO_WEEKS, status="revoked"), FRI, 0) is AuthorizationStatus.REVOKED


# -- continuation notice ---------------------------------------------------------------------------------


def test_continuation_is_prepared_from_five_business_days_before_the_end():
    auth = Authorization(MON, date(2026, 3, 13), 10)          # ends on a Friday
    timing = continuation_due(auth, FRI)
    assert timing.prepare_now and timing.prepare_from == FRI
    assert timing.policy == POLICY.ref


def test_continuation_is_not_due_the_day_before_the_notice_period():
    auth = Authorization(MON, date(2026, 3, 13), 10)
    timing = continuation_due(auth, date(2026, 3, 5))
    assert not timing.prepare_now and timing.reasons[0].code == "notice_not_started"


def test_notice_leaves_the_insurer_its_whole_review_clock():
    timing = continuation_due(TWO_WEEKS, MON)                 # ends on a Sunday
    assert timing.prepare_from == FRI
    assert decision_due(timing.prepare_from) <= TWO_WEEKS.end_date


def test_continuation_notice_counts_holidays():
    auth = Authorization(MON, date(2026, 3, 13), 10)
    assert continuation_due(auth, FRI, holidays={date(2026, 3, 10)}).prepare_from == date(2026, 3, 5)


def test_continuation_is_still_due_on_the_last_authorized_day():
    assert continuation_due(TWO_WEEKS, date(2026, 3, 15)).prepare_now


def test_no_continuation_notice_after_the_authorization_ended():
    timing = continuation_due(TWO_WEEKS, date(2026, 3, 16))
    assert not timing.prepare_now and timing.reasons[0].code == "authorization_ended"


def test_no_continuation_notice_for_a_revoked_authorization():
    assert not continuation_due(replace(TWO_WEEKS, status="revoked"), date(2026, 3, 12)).prepare_now
