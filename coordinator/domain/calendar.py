"""Business-day and month arithmetic for due dates (review clocks, response windows, follow-ups)."""

import calendar as _stdcal
from collections.abc import Collection
from datetime import date, timedelta


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    """True on Monday to Friday unless the day is a listed holiday."""
    return day.weekday() < 5 and day not in holidays


def add_business_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The date `days` business days after `start` (start itself is day 0)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            remaining -= 1
    return current


def business_days_between(start: date, end: date, holidays: Collection[date] = ()) -> int:
    """Business days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -business_days_between(end, start, holidays)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            count += 1
    return count


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = _stdcal.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))
