"""Keep a test run inside one calendar day: the suite's dates are relative to today."""

import os
import sys
import time
from datetime import datetime, timedelta

# a full run takes ~8 minutes on SQLite and ~10 on PostgreSQL (2 cores); the margin covers both
DEFAULT_MINUTES = 15


def wait_if_the_day_would_end(now: datetime | None = None, sleep=time.sleep) -> float:
    """Sleep past local midnight when a run started now could cross it; return the seconds waited.

    Why: tests build dates from `date.today()` at import (a referral "today", a reassessment "tomorrow")
    while the service checks them against its own `date.today()` at request time; a run that crosses
    midnight sees yesterday's "today" refused as a past or future date. Waiting is cheaper than a clock
    shared by the suite, the flows' subprocesses and the browser's server.
    """
    minutes = float(os.environ.get("MIDNIGHT_GUARD_MINUTES", DEFAULT_MINUTES))
    now = now or datetime.now()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    left = (midnight - now).total_seconds()
    if left > minutes * 60:
        return 0.0
    wait = left + 5
    print(f"the day ends in {left:.0f} s, before this run would: waiting {wait:.0f} s for the new day",
          file=sys.stderr, flush=True)
    sleep(wait)
    return wait
