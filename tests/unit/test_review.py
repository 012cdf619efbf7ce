"""Weekly review: readiness, attendance, gains against MCIDs, plateau and the recommendation."""

import json
from datetime import date

import pytest

from coordinator.domain.demands import JobDemand, TaskKind
from coordinator.domain.errors import InvalidValue
from coordinator.domain.policies import reason
from coordinator.domain.review import (Measure, Measures, Recommendation, ReviewPolicy, WeekRecord,
                                       progress_report, review_week)

LIFT, STAND = TaskKind.LIFT_FLOOR_TO_WAIST, TaskKind.STAND
DEMANDS = [JobDemand(LIFT, 20, "occasional"), JobDemand(STAND, 120, "constant", critical=False)]
BASELINE = Measures(capacities={LIFT: 10, STAND: 60}, grip_strength_kg=30, pain=6,
                    six_minute_walk_m=400, fear_of_reinjury=7)


def week(lift=12, stand=70, attended=5, scheduled=5, soreness=0, red_flags=(), **measures):
    values = dict(capacities={LIFT: lift, STAND: stand}, fatigue=3, rpe=13)
    values.update(measures)
    return WeekRecord(measures=Measures(**values), sessions_attended=attended,
                      sessions_scheduled=scheduled, soreness_hours=soreness,
                      red_flags=red_flags, week_ending=date(2026, 2, 6))


def review(this_week, previous=(), **kw):
    return review_week(DEMANDS, BASELINE, previous, this_week, **kw)


def caps(lift):
    return Measures(capacities={LIFT: lift, STAND: 60})


def test_steady_progress_recommends_progress():
    result = review(week())
    assert result.recommendation is Recommendation.PROGRESS
    assert result.policy.name == "weekly-review"
    assert result.progression_policy.name == "graded-load-progression"


def test_readiness_is_capacity_over_job_demand():
    lift = review(week(lift=15)).demands[0]
    assert lift.readiness == 0.75 and not lift.ready


def test_readiness_of_exactly_1_is_ready_and_discharges():
    result = review(week(lift=20))
    assert result.demands[0].readiness == 1.0 and result.ready_for_job
    assert result.recommendation is Recommendation.DISCHARGE
    assert "ready_for_job" in {r.code for r in result.reasons}


def test_readiness_just_below_1_is_not_ready():
    assert not review(week(lift=19.9)).ready_for_job


def test_non_critical_demand_does_not_hold_back_discharge():
    result = review(week(lift=20, stand=30))
    assert result.ready_for_job and not result.demands[1].ready


def test_red_flag_this_week_pauses_even_when_ready():
    flag = reason("chest_pain", "red flag: chest pain")
    result = review(week(lift=20, red_flags=(flag,)))
    assert result.recommendation is Recommendation.PAUSE
    assert flag in result.reasons and result.red_flags == (flag,)


def test_attendance_of_80_percent_is_enough_below_holds():
    assert review(week(attended=4, scheduled=5)).recommendation is Recommendation.PROGRESS
    low = review(week(attended=7, scheduled=9))
    assert low.attendance == pytest.approx(0.778)
    assert low.recommendation is Recommendation.HOLD


def test_no_scheduled_sessions_is_not_low_attendance():
    result = review(week(attended=0, scheduled=0))
    assert result.attendance is None and result.recommendation is Recommendation.PROGRESS


def test_deload_signal_recommends_deload_before_hold():
    result = review(week(soreness=49, attended=1, scheduled=5))
    assert result.recommendation is Recommendation.DELOAD
    assert {"soreness_persists", "attendance_low"} <= {r.code for r in result.reasons}


@pytest.mark.parametrize("measures, deload", [(dict(fatigue=6), False), (dict(fatigue=7), True),
                                              (dict(rpe=16), False), (dict(rpe=17), True)])
def test_review_reuses_the_progression_deload_signals(measures, deload):
    assert review(week(**measures)).deload.deload is deload


def test_gain_since_baseline_and_last_week_per_demand():
    lift = review(week(lift=13.2), previous=[caps(12)]).demands[0]
    assert lift.gain_since_baseline_pct == 32 and lift.gain_since_last_pct == 10


def test_one_review_below_the_mcid_is_not_a_plateau():
    result = review(week(lift=12.1), previous=[caps(12)])
    assert not result.demands[0].plateau and not result.plateau


def test_two_consecutive_reviews_below_the_mcid_is_a_plateau_and_discharges():
    result = review(week(lift=10.4), previous=[caps(10.2)])
    assert result.demands[0].plateau and result.plateau
    assert result.recommendation is Recommendation.DISCHARGE
    assert "plateau" in {r.code for r in result.reasons}


def test_gain_of_exactly_the_capacity_mcid_is_not_a_plateau():
    # 10 -> 10.5 -> 11.025 are gains of exactly 5 %
    assert not review(week(lift=11.025), previous=[caps(10.5)]).plateau


def test_plateau_needs_every_unready_critical_demand_to_stall():
    both = [JobDemand(LIFT, 20, "occasional"), JobDemand(STAND, 120, "constant")]
    previous = [Measures(capacities={LIFT: 10.2, STAND: 80})]
    moving = week(lift=10.4, stand=90)
    assert not review_week(both, BASELINE, previous, moving).plateau
    ready_stand = week(lift=10.4, stand=120)
    assert review_week(both, BASELINE, previous, ready_stand).plateau


def test_plateau_length_comes_from_the_policy():
    policy = ReviewPolicy(plateau_reviews=3)
    result = review(week(lift=10.4), previous=[caps(10.1), caps(10.2)], policy=policy)
    assert result.plateau
    assert not review(week(lift=10.4), previous=[caps(10.2)], policy=policy).plateau


def test_pain_drop_of_2_points_is_clinically_important_1_is_not():
    pain = {g.measure: g for g in review(week(pain=4)).gains}[Measure.PAIN]
    assert pain.since_baseline == 2 and pain.meaningful_since_baseline
    pain = {g.measure: g for g in review(week(pain=5)).gains}[Measure.PAIN]
    assert not pain.meaningful_since_baseline


def test_grip_gain_of_6_5_kg_is_clinically_important_6_4_is_not():
    gains = {g.measure: g for g in review(week(grip_strength_kg=36.5)).gains}
    assert gains[Measure.GRIP_STRENGTH].meaningful_since_baseline
    gains = {g.measure: g for g in review(week(grip_strength_kg=36.4)).gains}
    assert not gains[Measure.GRIP_STRENGTH].meaningful_since_baseline


def test_measure_not_taken_has_no_gain():
    gains = {g.measure: g for g in review(week()).gains}
    assert gains[Measure.SIX_MINUTE_WALK].since_baseline is None
    assert gains[Measure.SIX_MINUTE_WALK].meaningful_since_baseline is None


def test_mcids_carry_their_sources():
    source = ReviewPolicy().ref.source
    assert "Farrar" in source and "Bohannon" in source


def test_pregnancy_plan_is_rechecked_at_the_review():
    result = review(week(), gestation_weeks=20)
    assert result.pregnancy_plan.lift_limits_kg["occasional"] == 11.8


def test_progress_report_is_plain_data_for_insurer_and_physician():
    report = progress_report(review(week(lift=20)))
    assert json.loads(json.dumps(report)) == report
    assert report["recommendation"] == "discharge" and report["ready_for_job"]
    assert report["demands"][0]["readiness"] == 1.0
    assert report["policies"] == ["weekly-review@2026.1", "graded-load-progression@2026.1"]


def test_missing_capacity_for_a_critical_demand_is_invalid():
    with pytest.raises(InvalidValue) as error:
        review(WeekRecord(measures=Measures(capacities={STAND: 60}), sessions_attended=1,
                          sessions_scheduled=1))
    assert error.value.field == "capacities"


def test_more_sessions_attended_than_scheduled_is_invalid():
    with pytest.raises(InvalidValue) as error:
        week(attended=6, scheduled=5)
    assert error.value.field == "sessions_attended"


@pytest.mark.parametrize("field, value", [("pain", 11), ("pain", -1), ("fatigue", 10.5),
                                          ("fear_of_reinjury", -0.5), ("rpe", 5), ("rpe", 21),
                                          ("grip_strength_kg", -1)])
def test_measure_out_of_its_scale_is_invalid(field, value):
    with pytest.raises(InvalidValue) as error:
        Measures(capacities={}, **{field: value})
    assert error.value.field == field


def test_negative_capacity_is_invalid():
    with pytest.raises(InvalidValue):
        Measures(capacities={LIFT: -1})
