"""Business days and months for due dates."""

from datetime import date

import pytest

from coordinator.domain.calendar import add_business_days, add_months, business_days_between, is_business_day

MON, FRI, SAT, SUN = date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8)


@pytest.mark.parametrize("day, expected", [(MON, True), (FRI, True), (SAT, False), (SUN, False)])
def test_business_days_are_monday_to_friday(day, expected):
    assert is_business_day(day) is expected


def test_a_holiday_is_not_a_business_day():
    assert not is_business_day(MON, holidays={MON})


def test_adding_zero_business_days_is_the_start_itself():
    assert add_business_days(SAT, 0) == SAT


def test_adding_business_days_skips_the_weekend():
    assert add_business_days(FRI, 1) == date(2026, 3, 9)


def test_five_business_days_from_monday_is_next_monday():
    assert add_business_days(MON, 5) == date(2026, 3, 9)


def test_adding_business_days_skips_holidays():
    assert add_business_days(FRI, 1, holidays={date(2026, 3, 9)}) == date(2026, 3, 10)


def test_adding_business_days_from_a_weekend_counts_from_monday():
    assert add_business_days(SAT, 1) == date(2026, 3, 9)


def test_negative_business_days_are_refused():
    with pytest.raises(ValueError):
        add_business_days(MON, -1)


def test_business_days_between_counts_after_start_up_to_end():
    assert business_days_between(MON, FRI) == 4
    assert business_days_between(FRI, date(2026, 3, 9)) == 1


def test_business_days_between_the_same_day_is_zero():
    assert business_days_between(MON, MON) == 0


def test_business_days_between_is_negative_when_end_is_earlier():
    assert business_days_between(FRI, MON) == -4


def test_business_days_between_inverts_add_business_days():
    assert business_days_between(MON, add_business_days(MON, 10)) == 10


def test_business_days_between_skips_holidays():
    assert business_days_between(MON, FRI, holidays={date(2026, 3, 4)}) == 3


def test_add_months_keeps_the_day():
    assert add_months(date(2026, 3, 15), 3) == date(2026, 6, 15)


def test_add_months_crosses_the_year():
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_add_months_clamps_to_the_last_day_of_february():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_add_months_clamps_to_a_30_day_month():
    assert add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)


def test_add_zero_months_is_the_same_day():
    assert add_months(date(2026, 1, 31), 0) == date(2026, 1, 31)
