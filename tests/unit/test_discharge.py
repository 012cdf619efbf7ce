"""Discharge outcomes, follow-ups at 3 and 6 months, and when the case may close."""

from datetime import date

import pytest

from coordinator.domain.discharge import (
    DEFAULT_FOLLOW_UP_POLICY as POLICY,
    DISCHARGE_RULES,
    DischargeOutcome,
    FollowUp,
    FollowUpPolicy,
    WorkStatus,
    assess_discharge,
    case_can_close,
    follow_up_schedule,
    record_follow_up,
)
from coordinator.domain.errors import InvalidValue, RuleViolation

DISCHARGED = date(2026, 5, 29)


def recorded(follow_up, on=None):
    return record_follow_up(follow_up, on or follow_up.due_on, WorkStatus.FULL_DUTY, recurrence=False)


# -- discharge ---------------------------------------------------------------------------------------------


def test_full_duty_confirmed_is_ready_for_a_full_duty_discharge():
    result = assess_discharge(True, True, False)
    assert (result.ready, result.outcome, result.policy) == (True, DischargeOutcome.FULL_DUTY, DISCHARGE_RULES)


def test_no_discharge_while_the_program_runs_without_full_duty():
    result = assess_discharge(False, True, False)
    assert not result.ready and result.outcome is None and result.reasons[0].code == "program_running"


def test_program_ended_on_modified_duty_is_a_modified_duty_discharge():
    assert assess_discharge(False, True, True).outcome is DischargeOutcome.MODIFIED_DUTY


def test_program_ended_without_a_milestone_is_not_returned():
    result = assess_discharge(False, False, True)
    assert result.ready and result.outcome is DischargeOutcome.NOT_RETURNED


def test_full_duty_discharge_requires_the_full_duty_milestone_confirmed():
    with pytest.raises(RuleViolation) as err:
        assess_discharge(False, True, True, outcome=DischargeOutcome.FULL_DUTY)
    assert err.value.field == "outcome"


def test_a_stated_outcome_matching_the_milestones_is_accepted():
    assert assess_discharge(True, True, False, outcome="full_duty").outcome is DischargeOutcome.FULL_DUTY
    assert assess_discharge(False, False, True, outcome="not_returned").ready


def test_a_modified_duty_discharge_cannot_be_stated_while_the_program_runs():
    with pytest.raises(RuleViolation):
        assess_discharge(False, True, False, outcome=DischargeOutcome.MODIFIED_DUTY)


def test_a_stated_outcome_contradicting_confirmed_full_duty_is_refused():
    with pytest.raises(RuleViolation):
        assess_discharge(True, True, True, outcome=DischargeOutcome.NOT_RETURNED)


def test_an_unknown_outcome_is_invalid():
    with pytest.raises(InvalidValue):
        assess_discharge(True, True, True, outcome="retired")


# -- follow-ups --------------------------------------------------------------------------------------------


def test_follow_ups_are_scheduled_at_3_and_6_months():
    schedule = follow_up_schedule(DISCHARGED)
    assert [(f.months_after, f.due_on) for f in schedule] == [(3, date(2026, 8, 29)), (6, date(2026, 11, 29))]
    assert not any(f.recorded for f in schedule)


def test_follow_up_due_dates_clamp_to_the_end_of_a_short_month():
    assert [f.due_on for f in follow_up_schedule(date(2026, 8, 31))] == [date(2026, 11, 30), date(2027, 2, 28)]


def test_a_payer_may_set_its_own_follow_ups():
    policy = FollowUpPolicy(months_after_discharge=(1, 12))
    assert [f.months_after for f in follow_up_schedule(DISCHARGED, policy)] == [1, 12]


@pytest.mark.parametrize("months", [(), (0, 3), (6, 3), (3, 3), (1.5,)])
def test_follow_up_months_must_be_rising_whole_months(months):
    with pytest.raises(InvalidValue):
        FollowUpPolicy(months_after_discharge=months)


def test_follow_up_policy_is_named_versioned_and_sourced():
    assert POLICY.ref.version == "2026.1" and "[seed]" in POLICY.ref.source


def test_recording_a_follow_up_keeps_work_status_and_recurrence():
    first = follow_up_schedule(DISCHARGED)[0]
    done = record_follow_up(first, date(2026, 8, 31), "modified_duty", recurrence=True, notes="back pain flare")
    assert (done.work_status, done.recurrence, done.notes) == (WorkStatus.MODIFIED_DUTY, True, "back pain flare")
    assert done.recorded


def test_a_follow_up_may_be_recorded_on_the_discharge_date():
    assert recorded(follow_up_schedule(DISCHARGED)[0], on=DISCHARGED).recorded


def test_a_follow_up_cannot_be_recorded_before_its_discharge_date():
    with pytest.raises(InvalidValue) as err:
        recorded(follow_up_schedule(DISCHARGED)[0], on=date(2026, 5, 28))
    assert err.value.field == "recorded_on"


def test_a_follow_up_is_recorded_only_once():
    done = recorded(follow_up_schedule(DISCHARGED)[0])
    with pytest.raises(RuleViolation):
        recorded(done)


def test_an_unknown_work_status_is_invalid():
    with pytest.raises(InvalidValue) as err:
        record_follow_up(follow_up_schedule(DISCHARGED)[0], DISCHARGED, "retired", recurrence=False)
    assert err.value.field == "work_status"


def test_recurrence_is_yes_or_no():
    with pytest.raises(InvalidValue):
        record_follow_up(follow_up_schedule(DISCHARGED)[0], DISCHARGED, "off_work", recurrence="maybe")


def test_a_recorded_follow_up_states_the_work_status():
    with pytest.raises(InvalidValue):
        FollowUp(DISCHARGED, 3, date(2026, 8, 29), recorded_on=date(2026, 8, 29))


def test_a_follow_up_falls_due_after_the_discharge():
    with pytest.raises(InvalidValue):
        FollowUp(DISCHARGED, 3, DISCHARGED)


# -- closing ------------------------------------------------------------------------------------------------


def test_case_can_close_when_every_scheduled_follow_up_is_recorded():
    result = case_can_close([recorded(f) for f in follow_up_schedule(DISCHARGED)])
    assert result.can_close and result.outstanding == () and result.policy == POLICY.ref


def test_case_cannot_close_with_a_follow_up_outstanding():
    three, six = follow_up_schedule(DISCHARGED)
    result = case_can_close([recorded(three), six])
    assert not result.can_close and result.outstanding == (six,)
    assert [r.code for r in result.reasons] == ["follow_up_outstanding"]


def test_case_cannot_close_before_follow_ups_are_scheduled():
    result = case_can_close([])
    assert not result.can_close and result.reasons[0].code == "no_follow_up_scheduled"
