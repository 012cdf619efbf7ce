"""Admission screening: program type by job level and every MTUS-style flag at its boundary."""

from datetime import date

import pytest

from coordinator.domain.demands import DemandLevel, JobDemand
from coordinator.domain.errors import InvalidValue
from coordinator.domain.screening import (AdmissionFacts, ProgramType, ScreeningPolicy,
                                          program_type, screen_admission)

INJURY = date(2025, 3, 10)


def facts(**changes) -> AdmissionFacts:
    values = dict(date_of_injury=INJURY, referral_date=date(2025, 9, 1), therapy_plateaued=True,
                  hours_per_day_available=4, days_per_week_available=3,
                  rtw_goal_agreed_by_employer=True, rtw_goal_agreed_by_worker=True,
                  job_level=DemandLevel.MEDIUM)
    values.update(changes)
    return AdmissionFacts(**values)


def codes(result) -> set[str]:
    return {flag.code for flag in result.flags}


@pytest.mark.parametrize("level, expected", [
    (DemandLevel.SEDENTARY, ProgramType.WORK_CONDITIONING),
    (DemandLevel.LIGHT, ProgramType.WORK_CONDITIONING),
    (DemandLevel.MEDIUM, ProgramType.WORK_HARDENING),
    (DemandLevel.HEAVY, ProgramType.WORK_HARDENING),
    (DemandLevel.VERY_HEAVY, ProgramType.WORK_HARDENING),
])
def test_work_hardening_from_medium_jobs_conditioning_below(level, expected):
    assert program_type(level) is expected


def test_program_type_follows_the_policy_floor():
    heavy_only = ScreeningPolicy(hardening_from_level=DemandLevel.HEAVY)
    assert program_type(DemandLevel.MEDIUM, heavy_only) is ProgramType.WORK_CONDITIONING


def test_referral_meeting_every_criterion_is_eligible_without_flags():
    result = screen_admission(facts())
    assert result.eligible and result.flags == ()
    assert result.program_type is ProgramType.WORK_HARDENING
    assert result.policy.version == "2026.1"
    assert result.reasons[0].code == "program_type"


def test_job_level_is_derived_from_demands_when_not_stated():
    demands = (JobDemand("lift_floor_to_waist", 30, "occasional"),)
    result = screen_admission(facts(job_level=None, job_demands=demands))
    assert result.job_level is DemandLevel.HEAVY
    assert result.program_type is ProgramType.WORK_HARDENING


def test_light_job_demands_lead_to_conditioning():
    demands = (JobDemand("lift_floor_to_waist", 9, "occasional"),)
    result = screen_admission(facts(job_level=None, job_demands=demands, hours_per_day_available=2))
    assert result.program_type is ProgramType.WORK_CONDITIONING
    assert result.eligible


def test_therapy_not_plateaued_is_flagged():
    result = screen_admission(facts(therapy_plateaued=False))
    assert not result.eligible and codes(result) == {"therapy_not_plateaued"}


def test_hardening_needs_4_hours_a_day_3_59_is_flagged():
    assert screen_admission(facts(hours_per_day_available=4)).eligible
    assert codes(screen_admission(facts(hours_per_day_available=3.99))) == {"hours_per_day_too_few"}


def test_conditioning_needs_2_hours_a_day():
    light = dict(job_level=DemandLevel.LIGHT)
    assert screen_admission(facts(hours_per_day_available=2, **light)).eligible
    assert codes(screen_admission(facts(hours_per_day_available=1.5, **light))) == {
        "hours_per_day_too_few"}


def test_3_days_a_week_is_enough_2_is_flagged():
    assert screen_admission(facts(days_per_week_available=3)).eligible
    assert codes(screen_admission(facts(days_per_week_available=2))) == {"days_per_week_too_few"}


def test_rtw_goal_must_be_agreed_by_employer_and_worker():
    result = screen_admission(facts(rtw_goal_agreed_by_employer=False,
                                    rtw_goal_agreed_by_worker=False))
    assert codes(result) == {"rtw_goal_not_agreed_by_employer", "rtw_goal_not_agreed_by_worker"}


def test_injury_exactly_2_years_before_referral_is_not_flagged_a_day_more_is():
    assert screen_admission(facts(referral_date=date(2027, 3, 10))).eligible
    assert codes(screen_admission(facts(referral_date=date(2027, 3, 11)))) == {"injury_too_old"}


def test_prior_completed_program_for_same_injury_is_flagged_no_re_enrollment():
    result = screen_admission(facts(prior_completed_program_same_injury=True))
    assert codes(result) == {"re_enrollment"}


def test_every_unmet_criterion_is_listed_never_a_silent_refusal():
    result = screen_admission(facts(therapy_plateaued=False, days_per_week_available=1,
                                    prior_completed_program_same_injury=True))
    assert not result.eligible
    assert len(result.flags) == 3
    assert set(result.flags) <= set(result.reasons)


def test_referral_before_injury_is_invalid():
    with pytest.raises(InvalidValue) as error:
        facts(referral_date=date(2025, 3, 9))
    assert error.value.field == "referral_date"


def test_referral_on_injury_day_is_valid():
    assert screen_admission(facts(referral_date=INJURY)).eligible


@pytest.mark.parametrize("field, value", [
    ("hours_per_day_available", -1), ("hours_per_day_available", 25),
    ("days_per_week_available", 8), ("days_per_week_available", -1),
])
def test_impossible_availability_is_invalid(field, value):
    with pytest.raises(InvalidValue) as error:
        facts(**{field: value})
    assert error.value.field == field


def test_job_level_or_demands_are_required():
    with pytest.raises(InvalidValue) as error:
        facts(job_level=None)
    assert error.value.field == "job_level"


def test_a_worker_s_age_on_the_day_of_injury_must_be_a_working_age():
    from datetime import date

    from coordinator.domain.screening import age_at, working_age_at

    assert age_at(date(1990, 6, 15), date(2026, 6, 14)) == 35 and age_at(date(1990, 6, 15), date(2026, 6, 15)) == 36
    assert working_age_at(date(1990, 1, 1), date(2026, 1, 1))
    assert not working_age_at(date(2020, 1, 1), date(2026, 1, 1)) and not working_age_at(date(1900, 1, 1), date(2026, 1, 1))
