"""Insurer authorization: the initial trial, continuation review, the decision clock and session cover."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .calendar import add_business_days, is_business_day
from .errors import InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason


def _check_int(value, field: str, *, low: int, high: int | None = None) -> int:
    """Raise InvalidValue unless `value` is a whole number within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{field} must be a whole number", field=field)
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise InvalidValue(f"{field} must be {bounds} (got {value})", field=field)
    return value


@dataclass(frozen=True)
class AuthorizationPolicy:
    """A payer's concurrent-review rules; replace the default per insurer or jurisdiction."""

    ref: PolicyRef = PolicyRef(
        "authorization-mtus",
        "2026.1",
        "[src] California MTUS work hardening criteria (1-2 week trial; continue only with "
        "compliance and significant measurable gains; 4 consecutive weeks at most); "
        "California UR timelines (Labor Code 4610: 5 business days); [design] 80 % compliance, "
        "5 sessions a week, 5-business-day notice",
    )
    trial_weeks: int = 2                 # [src] initial trial of 1-2 weeks
    min_trial_weeks: int = 1             # [src]
    max_trial_weeks: int = 2             # [src]
    sessions_per_week: int = 5           # [design] the most of the 3-5 days a week
    compliance_threshold: float = 0.80   # [design] documented attendance needed to continue
    max_consecutive_weeks: int = 4       # [src] a payer may set 6 or 8
    decision_business_days: int = 5      # [src] from a complete request
    notice_business_days: int = 5        # [design] prepare the continuation this early

    def __post_init__(self):
        _check_int(self.min_trial_weeks, "min_trial_weeks", low=1)
        _check_int(self.max_trial_weeks, "max_trial_weeks", low=self.min_trial_weeks)
        _check_int(self.trial_weeks, "trial_weeks", low=self.min_trial_weeks, high=self.max_trial_weeks)
        _check_int(self.sessions_per_week, "sessions_per_week", low=1, high=7)
        if not 0 <= self.compliance_threshold <= 1:
            raise InvalidValue("the compliance threshold is a fraction from 0 to 1", field="compliance_threshold")
        _check_int(self.max_consecutive_weeks, "max_consecutive_weeks", low=self.max_trial_weeks)
        _check_int(self.decision_business_days, "decision_business_days", low=0)
        _check_int(self.notice_business_days, "notice_business_days", low=0)


DEFAULT_AUTHORIZATION_POLICY = AuthorizationPolicy()


# -- requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationRequest:
    """What to ask the insurer for: a date range and a number of sessions."""

    start_date: date
    end_date: date
    weeks: int
    sessions: int
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def _request(start: date, weeks: int, policy: AuthorizationPolicy, why: Reason) -> AuthorizationRequest:
    """A request for `weeks` whole weeks from `start` at the policy's sessions per week."""
    end = start + timedelta(days=7 * weeks - 1)
    sessions = weeks * policy.sessions_per_week
    return AuthorizationRequest(start, end, weeks, sessions, (why,), policy.ref)


def initial_request(
    start: date, policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY, weeks: int | None = None
) -> AuthorizationRequest:
    """The initial trial to request: the policy's trial weeks (or `weeks`, within its allowed range)."""
    weeks = policy.trial_weeks if weeks is None else weeks
    _check_int(weeks, "weeks", low=policy.min_trial_weeks, high=policy.max_trial_weeks)
    why = reason(
        "initial_trial",
        f"initial trial of {weeks} week(s) x {policy.sessions_per_week} sessions "
        f"(policy allows {policy.min_trial_weeks}-{policy.max_trial_weeks} weeks)",
    )
    return _request(start, weeks, policy, why)


def continuation_request(
    previous: "Authorization", weeks: int, policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY
) -> AuthorizationRequest:
    """A continuation starting the day after `previous` ends."""
    _check_int(weeks, "weeks", low=1)
    why = reason("continuation", f"continuation of {weeks} week(s) after {previous.end_date}")
    return _request(previous.end_date + timedelta(days=1), weeks, policy, why)


# -- continuation review --------------------------------------------------------------------


@dataclass(frozen=True)
class DemandGain:
    """A demand's gain since baseline beside its minimal clinically important difference."""

    demand: str
    gain: float
    mcid: float
    critical: bool = True

    def __post_init__(self):
        if not self.demand:
            raise InvalidValue("a gain must name its demand", field="demand")
        if self.mcid is None or self.mcid <= 0:
            raise InvalidValue(f"the MCID of '{self.demand}' must be above zero", field="mcid")

    @property
    def significant(self) -> bool:
        """True when a critical demand gained at least its MCID."""
        return self.critical and self.gain >= self.mcid


@dataclass(frozen=True)
class ContinuationAssessment:
    """Advice shown beside a continuation request; the insurer may still decide otherwise."""

    meets_criteria: bool
    weeks_remaining: int
    reasons: tuple[Reason, ...]
    policy: PolicyRef
    met: tuple[bool, ...] = ()    # for each reason, whether its criterion is met


def _attendance_check(attendance: float | None, policy: AuthorizationPolicy) -> tuple[bool, Reason]:
    """Compliance: documented attendance at or above the threshold."""
    if attendance is None:
        return False, reason("attendance_undocumented", "attendance is not documented")
    if not 0 <= attendance <= 1:
        raise InvalidValue("attendance is a fraction from 0 to 1", field="attendance")
    needed = f"{policy.compliance_threshold:.0%}"
    if attendance >= policy.compliance_threshold:
        return True, reason("attendance_met", f"attendance {attendance:.0%} meets the {needed} threshold")
    return False, reason("attendance_below_threshold", f"attendance {attendance:.0%} is below {needed}")


def _gain_check(measurable_gain: bool | Iterable[DemandGain]) -> tuple[bool, Reason]:
    """Significant measurable gains: at least one critical demand gained its MCID."""
    if isinstance(measurable_gain, bool):
        significant = ["documented"] if measurable_gain else []
    else:
        significant = [g.demand for g in measurable_gain if g.significant]
    if significant:
        return True, reason("gain_met", f"significant measurable gain ({', '.join(significant)})")
    return False, reason("no_significant_gain", "no critical demand gained at least its MCID")


def _week_cap_check(so_far: int, requested: int, policy: AuthorizationPolicy) -> tuple[bool, Reason]:
    """The payer's cap on consecutive weeks of work hardening."""
    cap = policy.max_consecutive_weeks
    if so_far >= cap:
        return False, reason("week_cap_reached", f"{so_far} of at most {cap} weeks already authorized")
    if so_far + requested > cap:
        text = f"{so_far} + {requested} requested weeks exceed the cap of {cap}; {cap - so_far} remain"
        return False, reason("exceeds_week_cap", text)
    return True, reason("within_week_cap", f"{so_far} + {requested} weeks is within the cap of {cap}")


def continuation_assessment(
    attendance: float | None,
    measurable_gain: bool | Iterable[DemandGain],
    weeks_authorized_so_far: int,
    requested_weeks: int,
    policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
) -> ContinuationAssessment:
    """Whether a continuation meets the policy: compliance, significant gains and the week cap."""
    _check_int(weeks_authorized_so_far, "weeks_authorized_so_far", low=0)
    _check_int(requested_weeks, "requested_weeks", low=1)
    checks = (
        _attendance_check(attendance, policy),
        _gain_check(measurable_gain),
        _week_cap_check(weeks_authorized_so_far, requested_weeks, policy),
    )
    remaining = max(0, policy.max_consecutive_weeks - weeks_authorized_so_far)
    return ContinuationAssessment(all(ok for ok, _ in checks), remaining, tuple(r for _, r in checks), policy.ref,
                                  tuple(ok for ok, _ in checks))


# -- the insurer's decision -------------------------------------------------------------------


class Decision(StrEnum):
    """What the insurer decided on a request."""

    APPROVE = "approve"
    MODIFY = "modify"   # fewer sessions than requested
    DENY = "deny"
    PEND = "pend"       # needs information; the clock restarts once the request is complete


@dataclass(frozen=True)
class AuthorizationDecision:
    """A validated insurer decision."""

    decision: Decision
    requested_sessions: int
    approved_sessions: int
    reason: str
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def _approved_for(decision: Decision, requested: int, approved: int | None) -> int:
    """The sessions a decision grants, or InvalidValue when they contradict the decision."""
    if decision is Decision.APPROVE:
        approved = requested if approved is None else approved
        if approved != requested:
            raise InvalidValue("an approval grants the sessions requested; fewer is a modification",
                               field="approved_sessions")
    elif decision is Decision.MODIFY:
        if approved is None or not 1 <= approved < requested:
            raise InvalidValue(f"a modification must approve 1 to {requested - 1} sessions "
                               f"(fewer than the {requested} requested)", field="approved_sessions")
    elif approved:
        raise InvalidValue(f"a decision to {decision} approves no sessions", field="approved_sessions")
    return approved or 0


def validate_decision(
    decision: Decision | str,
    requested_sessions: int,
    approved_sessions: int | None,
    reason: str,  # the insurer's own words (shadows reason() inside this function only)
    policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
) -> AuthorizationDecision:
    """Check a decision: every decision has a reason; a modification approves fewer sessions."""
    try:
        decision = Decision(decision)
    except ValueError:
        raise InvalidValue(f"unknown decision '{decision}'", field="decision") from None
    _check_int(requested_sessions, "requested_sessions", low=1)
    if approved_sessions is not None:
        _check_int(approved_sessions, "approved_sessions", low=0)
    if not (reason or "").strip():
        raise InvalidValue(f"a decision to {decision} needs a reason", field="reason")
    approved = _approved_for(decision, requested_sessions, approved_sessions)
    why = Reason(f"decision_{decision}", f"{decision}: {approved} of {requested_sessions} sessions")
    return AuthorizationDecision(decision, requested_sessions, approved, reason.strip(), (why,), policy.ref)


def decision_due(
    complete_on: date,
    policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
    holidays: Collection[date] = (),
) -> date:
    """The last day for the insurer's decision: N business days after the request is complete."""
    return add_business_days(complete_on, policy.decision_business_days, holidays)


def is_decision_overdue(due: date, today: date) -> bool:
    """True from the day after the due day (the due day itself is still on time)."""
    return today > due


def must_escalate(decision: Decision | None, due: date, today: date) -> bool:
    """An undecided request past its due day escalates; a pended one waits for a new complete date."""
    return decision is None and is_decision_overdue(due, today)


# -- authorizations and sessions --------------------------------------------------------------


class AuthorizationStatus(StrEnum):
    """Where an authorization stands."""

    ACTIVE = "active"
    EXPIRED = "expired"        # its end date has passed
    EXHAUSTED = "exhausted"    # every authorized session is used
    REVOKED = "revoked"        # withdrawn by the insurer


@dataclass(frozen=True)
class Authorization:
    """Sessions an insurer authorized between two dates (both inclusive)."""

    start_date: date
    end_date: date
    sessions_authorized: int
    status: AuthorizationStatus = AuthorizationStatus.ACTIVE
    reference: str = ""

    def __post_init__(self):
        try:
            object.__setattr__(self, "status", AuthorizationStatus(self.status))
        except ValueError:
            raise InvalidValue(f"unknown authorization status '{self.status}'", field="status") from None
        if self.end_date < self.start_date:
            raise InvalidValue("an authorization cannot end before it starts", field="end_date")
        _check_int(self.sessions_authorized, "sessions_authorized", low=1)

    def covers(self, day: date) -> bool:
        """True when the authorization is active and `day` lies within its dates."""
        return self.status is AuthorizationStatus.ACTIVE and self.start_date <= day <= self.end_date


def sessions_remaining(auth: Authorization, sessions_used: int) -> int:
    """Authorized sessions not yet used (never below zero)."""
    _check_int(sessions_used, "sessions_used", low=0)
    return max(0, auth.sessions_authorized - sessions_used)


def status_on(auth: Authorization, on_date: date, sessions_used: int) -> AuthorizationStatus:
    """The authorization's effective status on a day, given the sessions used under it."""
    if auth.status is not AuthorizationStatus.ACTIVE:
        return auth.status
    if on_date > auth.end_date:
        return AuthorizationStatus.EXPIRED
    if sessions_remaining(auth, sessions_used) == 0:
        return AuthorizationStatus.EXHAUSTED
    return AuthorizationStatus.ACTIVE


def check_session_authorized(
    authorizations: Iterable[Authorization], session_date: date, sessions_used: int
) -> Authorization:
    """The authorization a session counts against; RuleViolation past the authorized date or count.

    `sessions_used` counts the sessions already logged under the covering authorization.
    Where active authorizations overlap, the latest-starting one (the continuation) covers.
    """
    covering = [a for a in authorizations if a.covers(session_date)]
    if not covering:
        raise RuleViolation(
            f"no active authorization covers {session_date}: "
            "no session is accepted past the authorized date", field="session_date")
    auth = max(covering, key=lambda a: a.start_date)
    if sessions_remaining(auth, sessions_used) == 0:
        raise RuleViolation(
            f"all {auth.sessions_authorized} authorized sessions ({auth.start_date} to {auth.end_date}) "
            "are used: no session is accepted past the authorized count", field="sessions_used")
    return auth


@dataclass(frozen=True)
class ContinuationTiming:
    """Whether to prepare the continuation request now, and from which day."""

    prepare_now: bool
    prepare_from: date
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def _business_days_before(day: date, days: int, holidays: Collection[date]) -> date:
    """The business day from which `days` business days still reach `day` (or its last business day)."""
    current = day
    while not is_business_day(current, holidays):
        current -= timedelta(days=1)
    for _ in range(days):
        current -= timedelta(days=1)
        while not is_business_day(current, holidays):
            current -= timedelta(days=1)
    return current


def continuation_due(
    auth: Authorization,
    today: date,
    policy: AuthorizationPolicy = DEFAULT_AUTHORIZATION_POLICY,
    holidays: Collection[date] = (),
) -> ContinuationTiming:
    """Prepare the continuation once the notice period before the authorization's end has begun."""
    # the notice leaves the insurer its whole review clock before the authorization runs out
    start = _business_days_before(auth.end_date, policy.notice_business_days, holidays)
    if auth.status is not AuthorizationStatus.ACTIVE or today > auth.end_date:
        why = reason("authorization_ended", f"the authorization is {auth.status} or ended on {auth.end_date}")
        return ContinuationTiming(False, start, (why,), policy.ref)
    if today < start:
        why = reason("notice_not_started", f"prepare the continuation from {start}")
        return ContinuationTiming(False, start, (why,), policy.ref)
    why = reason("notice_period", f"the authorization ends on {auth.end_date}; prepare the continuation "
                                  f"now (notice of {policy.notice_business_days} business days)")
    return ContinuationTiming(True, start, (why,), policy.ref)


_DECISION_WORDS = {"approve": "Approved", "modify": "Approved with fewer sessions", "deny": "Denied"}


def decision_words(status: str, decision: str | None, appeal: bool = False) -> str:
    """Where a request stands, in the words every party reads on the case page."""
    if status == "pended":
        return "Pended: the insurer is waiting for information"
    if status == "pending":
        return "Waiting for the insurer" + (" (appeal)" if appeal else "")
    if status == "superseded":
        return _DECISION_WORDS.get(decision or "", decision or "") + ", replaced on appeal"
    return _DECISION_WORDS.get(decision or "", decision or "") + (" on appeal" if appeal else "")
