"""The suite waits for the new day instead of crossing midnight mid-run."""

from datetime import datetime

from tests.midnight import wait_if_the_day_would_end


def test_a_run_starting_well_before_midnight_does_not_wait():
    slept = []
    assert wait_if_the_day_would_end(datetime(2026, 12, 1, 23, 40), slept.append) == 0.0
    assert slept == []


def test_a_run_starting_near_midnight_waits_into_the_new_day(monkeypatch):
    monkeypatch.setenv("MIDNIGHT_GUARD_MINUTES", "15")
    slept = []
    waited = wait_if_the_day_would_end(datetime(2026, 12, 1, 23, 50), slept.append)
    assert slept == [waited] and waited == 10 * 60 + 5
