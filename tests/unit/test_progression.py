"""Load progression: the 10 % step, the 20 % hard ceiling, deloads, caps, resuming after a pause."""

import pytest

from coordinator.domain.demands import JobDemand, TaskKind
from coordinator.domain.errors import InvalidValue, RuleViolation
from coordinator.domain.progression import (ProgressionPolicy, ProgressSignals, StepOverride,
                                            check_target_step, deload_check, next_week_targets,
                                            resume_after_pause, week_one_targets)

LIFT, STAND = TaskKind.LIFT_FLOOR_TO_WAIST, TaskKind.STAND
LIFT_DEMAND = JobDemand(LIFT, 40, "occasional")
STAND_DEMAND = JobDemand(STAND, 240, "constant")
QUIET = ProgressSignals()


def only(decisions):
    (decision,) = decisions
    return decision


# a therapist's proposed target

def test_progression_step_of_exactly_10_percent_needs_no_override():
    decision = check_target_step(LIFT_DEMAND, 20, 22)
    assert decision.next == 22 and decision.change_pct == 10
    assert decision.override_reason is None


def test_step_just_above_10_percent_needs_override_reason():
    with pytest.raises(RuleViolation) as error:
        check_target_step(LIFT_DEMAND, 20, 22.002)
    assert error.value.field == "override_reason"
    decision = check_target_step(LIFT_DEMAND, 20, 22.002, override_reason="tolerating well")
    assert decision.override_reason == "tolerating well"


def test_blank_override_reason_is_no_reason():
    with pytest.raises(RuleViolation):
        check_target_step(LIFT_DEMAND, 20, 23, override_reason="   ")


def test_step_of_exactly_20_percent_is_allowed_with_override():
    assert check_target_step(LIFT_DEMAND, 20, 24, override_reason="ahead of plan").change_pct == 20


def test_step_above_20_percent_is_forbidden_even_with_override():
    with pytest.raises(RuleViolation) as error:
        check_target_step(LIFT_DEMAND, 20, 24.002, override_reason="ahead of plan")
    assert "hard ceiling" in error.value.message


def test_lowering_a_target_needs_no_override():
    assert check_target_step(LIFT_DEMAND, 20, 15).change_pct == -25


def test_proposed_target_above_the_job_demand_is_forbidden():
    with pytest.raises(RuleViolation):
        check_target_step(JobDemand(LIFT, 21, "occasional"), 20, 21.5)


def test_proposed_target_above_a_ceiling_is_forbidden():
    with pytest.raises(RuleViolation):
        check_target_step(LIFT_DEMAND, 10, 11, ceiling=10.5)


def test_proposed_rise_from_zero_is_forbidden():
    with pytest.raises(RuleViolation):
        check_target_step(LIFT_DEMAND, 0, 5)


def test_negative_proposed_target_is_invalid():
    with pytest.raises(InvalidValue):
        check_target_step(LIFT_DEMAND, 20, -1)


# the computed weekly targets

def test_targets_rise_by_10_percent_a_week():
    decisions = next_week_targets([LIFT_DEMAND, STAND_DEMAND], {LIFT: 20, STAND: 60}, QUIET)
    assert [(d.task, d.next, d.change_pct) for d in decisions] == [(LIFT, 22, 10), (STAND, 66, 10)]
    assert decisions[0].policy.version == "2026.1"


def test_targets_are_rounded_down_so_a_step_never_exceeds_10_percent():
    decision = only(next_week_targets([LIFT_DEMAND], {LIFT: 13.7}, QUIET))
    assert decision.next == 15.0 and decision.change_pct <= 10


def test_target_never_exceeds_the_job_demand():
    decision = only(next_week_targets([LIFT_DEMAND], {LIFT: 38}, QUIET))
    assert decision.next == 40
    assert decision.reasons[-1].code == "capped_at_job_demand"


def test_target_never_exceeds_a_pregnancy_or_restriction_ceiling():
    decision = only(next_week_targets([LIFT_DEMAND], {LIFT: 10}, QUIET, ceilings={LIFT: 10.5}))
    assert decision.next == 10.5
    assert decision.reasons[-1].code == "capped_at_ceiling"


def test_target_above_a_new_ceiling_drops_to_it():
    assert only(next_week_targets([LIFT_DEMAND], {LIFT: 14}, QUIET, ceilings={LIFT: 11.8})).next == 11.8


def test_override_of_20_percent_is_applied_and_logged():
    override = StepOverride(20, "ahead of plan", logged_by="therapist-7")
    decision = only(next_week_targets([LIFT_DEMAND], {LIFT: 20}, QUIET, override=override))
    assert decision.next == 24 and decision.override_reason == "ahead of plan"


def test_override_above_20_percent_is_forbidden():
    with pytest.raises(RuleViolation):
        next_week_targets([LIFT_DEMAND], {LIFT: 20}, QUIET, override=StepOverride(20.01, "keen"))


def test_override_needs_a_reason():
    with pytest.raises(InvalidValue) as error:
        StepOverride(15, " ")
    assert error.value.field == "reason"


def test_override_step_must_be_positive():
    with pytest.raises(InvalidValue):
        StepOverride(0, "why not")


# deload

def test_soreness_of_exactly_48_hours_does_not_deload_49_does():
    assert not deload_check(ProgressSignals(soreness_hours=48)).deload
    assert deload_check(ProgressSignals(soreness_hours=48.5)).deload


def test_fatigue_6_does_not_deload_7_does():
    assert not deload_check(ProgressSignals(fatigue=6)).deload
    assert [r.code for r in deload_check(ProgressSignals(fatigue=7)).reasons] == ["fatigue_high"]


def test_rpe_16_at_target_does_not_deload_17_does():
    assert not deload_check(ProgressSignals(rpe_at_target=16)).deload
    assert deload_check(ProgressSignals(rpe_at_target=17)).deload


def test_every_deload_signal_is_a_reason():
    check = deload_check(ProgressSignals(soreness_hours=72, fatigue=8, rpe_at_target=18))
    assert [r.code for r in check.reasons] == ["soreness_persists", "fatigue_high",
                                               "rpe_at_target_high"]


def test_deload_drops_next_weeks_target_by_10_percent():
    decision = only(next_week_targets([LIFT_DEMAND], {LIFT: 20}, ProgressSignals(fatigue=8)))
    assert decision.next == 18 and decision.change_pct == -10
    assert {"fatigue_high", "deload"} <= {r.code for r in decision.reasons}


def test_deload_wins_over_an_override():
    decision = only(next_week_targets([LIFT_DEMAND], {LIFT: 20}, ProgressSignals(rpe_at_target=18),
                                      override=StepOverride(20, "keen")))
    assert decision.next == 18 and decision.override_reason is None


def test_deload_percentage_comes_from_the_policy():
    policy = ProgressionPolicy(deload_pct=20)
    assert only(next_week_targets([LIFT_DEMAND], {LIFT: 20}, ProgressSignals(fatigue=9),
                                  policy)).next == 16


@pytest.mark.parametrize("field, value", [("soreness_hours", -1), ("fatigue", 11),
                                          ("fatigue", -1), ("rpe_at_target", 5),
                                          ("rpe_at_target", 21)])
def test_impossible_signals_are_invalid(field, value):
    with pytest.raises(InvalidValue) as error:
        ProgressSignals(**{field: value})
    assert error.value.field == field


# week 1 and resuming

def test_week_one_is_light_at_80_percent_of_baseline():
    decision = only(week_one_targets([LIFT_DEMAND], {LIFT: 25}))
    assert decision.previous == 25 and decision.next == 20
    assert decision.reasons[0].code == "week_one_light"


def test_week_one_target_never_exceeds_the_job_or_a_ceiling():
    assert only(week_one_targets([JobDemand(LIFT, 15, "occasional")], {LIFT: 30})).next == 15
    assert only(week_one_targets([LIFT_DEMAND], {LIFT: 30}, ceilings={LIFT: 8.2})).next == 8.2


def test_missing_baseline_is_invalid():
    with pytest.raises(InvalidValue) as error:
        week_one_targets([LIFT_DEMAND], {STAND: 60})
    assert error.value.field == "baseline"


def test_missing_current_target_is_invalid():
    with pytest.raises(InvalidValue):
        next_week_targets([LIFT_DEMAND, STAND_DEMAND], {LIFT: 20}, QUIET)


def test_two_demands_with_the_same_task_are_invalid():
    with pytest.raises(InvalidValue):
        next_week_targets([LIFT_DEMAND, JobDemand(LIFT, 10, "frequent")], {LIFT: 5}, QUIET)


def test_resume_after_pause_goes_one_phase_back():
    history = [{LIFT: 20}, {LIFT: 22}, {LIFT: 24.2}]
    assert resume_after_pause(history).targets == {LIFT: 22}


def test_resume_after_a_pause_in_week_one_keeps_week_one():
    assert resume_after_pause([{LIFT: 20}]).targets == {LIFT: 20}


def test_resume_without_history_is_invalid():
    with pytest.raises(InvalidValue):
        resume_after_pause([])
