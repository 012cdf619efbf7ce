"""Utilization review as payers run it: what a request's packet must hold (and how fresh), the reviewer's clock
(standard or expedited, never past the cap), and the window to appeal a denial or a modification."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .actors import Role
from .calendar import add_business_days, business_days_between
from .documents import DocumentKind
from .errors import InvalidValue
from .policies import PolicyRef, Reason, reason


@dataclass(frozen=True)
class ReviewPolicy:
    """One payer's utilization-review rules; the default follows California's, the strictest of those cited."""

    ref: PolicyRef = PolicyRef(
        "utilization-review-ca",
        "2026.1",
        "[src] California 8 CCR 9792.9.1 (prospective review: 5 business days from the information reasonably "
        "necessary, never past 14 calendar days from the request; expedited: 72 hours), Labor Code 4610.5(h) "
        "(independent medical review asked within 30 days of the decision); Texas 28 TAC 134.600 and Washington "
        "WAC 296-20-01002 ask for the same papers; [design] supporting documents no older than 30 days",
    )
    decision_business_days: int = 5
    expedited_hours: int = 72
    cap_calendar_days: int = 14
    document_max_age_days: int = 30
    appeal_days: int = 30
    # the papers each kind of request must carry
    required: tuple[tuple[str, tuple[DocumentKind, ...]], ...] = (
        ("initial", (DocumentKind.PHYSICIAN_ORDER, DocumentKind.JOB_DESCRIPTION)),
        ("continuation", (DocumentKind.PROGRESS_REPORT, DocumentKind.PHYSICIAN_ORDER, DocumentKind.JOB_DESCRIPTION)),
    )

    def required_for(self, request_kind: str) -> tuple[DocumentKind, ...]:
        """The document kinds a request of this kind must carry."""
        return dict(self.required).get(request_kind, ())


DEFAULT_REVIEW_POLICY = ReviewPolicy()

# who keeps an approvals board of the requests of their cases: the clinic's case manager and the insurer
BOARD_ROLES = frozenset({Role.CASE_MANAGER, Role.INSURER})

# a payer that decides on the product's own intake data and its latest progress report (attached when there is
# one): the same clocks and appeal window, no paper required
BASIC_REVIEW_POLICY = ReviewPolicy(
    ref=PolicyRef("utilization-review-basic", "2026.1", "[design] the clocks and appeal window of "
                  "utilization-review-ca; the packet is the product's intake data and its progress report"),
    required=(),
)

# each payer names the policy it applies (organisation.review_policy); one that names none applies the basic one
REVIEW_POLICIES = {p.ref.name: p for p in (DEFAULT_REVIEW_POLICY, BASIC_REVIEW_POLICY)}


def policy_named(name: str | None) -> ReviewPolicy:
    """The payer's review policy by its name (the basic one for a payer that names none)."""
    if name is None:
        return BASIC_REVIEW_POLICY
    try:
        return REVIEW_POLICIES[name]
    except KeyError:
        raise InvalidValue(f"'{name}' is not a review policy; choose one of {', '.join(REVIEW_POLICIES)}",
                           field="review_policy") from None

WORDS = {DocumentKind.PHYSICIAN_ORDER: "the treating physician's order", DocumentKind.JOB_DESCRIPTION:
         "a job description", DocumentKind.PROGRESS_REPORT: "a progress report"}


@dataclass(frozen=True)
class Supporting:
    """A document offered with a request: its kind and the day it is dated."""

    kind: DocumentKind
    dated_on: date


def packet_gaps(request_kind: str, documents: Iterable[Supporting], submitted_on: date,
                policy: ReviewPolicy = DEFAULT_REVIEW_POLICY) -> tuple[Reason, ...]:
    """Why the packet is not complete (none when it is): each required kind missing, or only older than the
    policy allows on the day the request is submitted (a document dated exactly that many days before counts)."""
    oldest = submitted_on - timedelta(days=policy.document_max_age_days)
    newest: dict[DocumentKind, date] = {}
    for doc in documents:
        if doc.dated_on > submitted_on:
            raise InvalidValue(f"a {doc.kind.value.replace('_', ' ')} cannot be dated after the request",
                               field="documents")
        newest[doc.kind] = max(doc.dated_on, newest.get(doc.kind, doc.dated_on))
    gaps = []
    for kind in policy.required_for(request_kind):
        words = WORDS.get(kind, kind.value.replace("_", " "))
        if kind not in newest:
            gaps.append(reason(f"missing_{kind.value}", f"{words} is missing"))
        elif newest[kind] < oldest:
            gaps.append(reason(f"stale_{kind.value}", f"{words} is dated {newest[kind]}, more than "
                                                     f"{policy.document_max_age_days} days before the request"))
    return tuple(gaps)


def decision_deadline(received_at: datetime, complete_at: datetime, expedited: bool,
                      policy: ReviewPolicy = DEFAULT_REVIEW_POLICY, holidays: Collection[date] = ()) -> datetime:
    """When the reviewer's decision is due: 72 calendar hours from the complete request when expedited, else the
    end of the 5th business day after it; never later than the cap counted from when the request was received."""
    if complete_at < received_at:
        raise InvalidValue("a request cannot be complete before it was received", field="complete_at")
    if expedited:
        due = complete_at + timedelta(hours=policy.expedited_hours)
    else:
        day = add_business_days(complete_at.date(), policy.decision_business_days, holidays)
        due = datetime.combine(day, time(23, 59, 59), tzinfo=complete_at.tzinfo)
    cap = datetime.combine(received_at.date() + timedelta(days=policy.cap_calendar_days), time(23, 59, 59),
                           tzinfo=received_at.tzinfo)
    return min(due, cap)


def is_late(due: datetime, decided_at: datetime) -> bool:
    """A decision after its due moment is late (a finding the clinic can act on)."""
    return decided_at > due


def appeal_deadline(decided_on: date, policy: ReviewPolicy = DEFAULT_REVIEW_POLICY) -> date:
    """The last day to appeal a denial or a modification."""
    return decided_on + timedelta(days=policy.appeal_days)


def may_appeal(decision: str, decided_on: date, on: date, policy: ReviewPolicy = DEFAULT_REVIEW_POLICY) -> Reason | None:
    """Why an appeal made on `on` is refused (None when it may be made): only a denial or a modification, from
    the day of the decision until the window's last day."""
    if decision not in ("deny", "modify"):
        return reason("not_appealable", f"a decision to {decision} is not appealed")
    if on < decided_on:
        return reason("before_decision", "an appeal cannot be dated before the decision")
    last = appeal_deadline(decided_on, policy)
    if on > last:
        return reason("appeal_window_closed", f"the window to appeal closed on {last} "
                                              f"({policy.appeal_days} days after the decision)")
    return None


def second_reviewer_required(first_reviewer_id: int | None, appeal_reviewer_id: int) -> Reason | None:
    """Why the reviewer may not decide the appeal (None when they may): an appeal is decided by someone other
    than the reviewer who made the decision appealed."""
    if first_reviewer_id is not None and first_reviewer_id == appeal_reviewer_id:
        return reason("same_reviewer", "an appeal is decided by a reviewer other than the one who made the decision")
    return None


HEADLINES = {"approve": "Approved", "modify": "Approved in part (modified)", "deny": "Denied",
             "pend": "Pended: information requested"}


@dataclass(frozen=True)
class LetterTerms:
    """What a decision letter must say beside the decision: its headline, and the appeal rights and deadline (a
    denial or a modification) or what follows a pend."""

    headline: str
    next_steps: str
    appeal_deadline: date | None = None


def letter_terms(decision: str, decided_on: date, on_appeal: bool, expedited: bool,
                 policy: ReviewPolicy = DEFAULT_REVIEW_POLICY) -> LetterTerms:
    """The letter's headline and next steps for a decision (on a request, or on an appeal of one)."""
    headline = HEADLINES[decision] + (" on appeal" if on_appeal and decision != "pend" else "")
    clock = (f"{policy.expedited_hours} hours" if expedited else f"{policy.decision_business_days} business days")
    if decision == "pend":
        return LetterTerms(headline, f"The request waits for the information asked for. Once the clinic supplies "
                                     f"it, the reviewer decides within {clock}.")
    if decision == "approve":
        return LetterTerms(headline, "The sessions may be scheduled within the dates approved.")
    last = appeal_deadline(decided_on, policy)
    if on_appeal:
        return LetterTerms(headline, f"This decides the appeal. An independent medical review of it may be "
                                     f"requested until {last} ({policy.appeal_days} days after this decision).", last)
    return LetterTerms(headline, f"The clinic may appeal this decision until {last} ({policy.appeal_days} days "
                                 f"after it), with a statement and any documents. A reviewer other than the one who "
                                 f"made this decision decides the appeal, within {clock}.", last)


@dataclass(frozen=True)
class Clock:
    """Where an open request's clock stands: late or not, and the time left (or past) in the words its reviewer
    counts in: hours for an expedited request, business days for a standard one."""

    late: bool
    words: str


def clock_of(due: datetime, now: datetime, expedited: bool, pended: bool = False,
             holidays: Collection[date] = ()) -> Clock:
    """The clock of an open request due at `due`, read at `now` (a pended request's clock waits for the clinic)."""
    if pended:
        return Clock(False, "stopped: waiting for the clinic's information")
    late = now > due
    if expedited:
        hours = int(abs((due - now).total_seconds()) // 3600)
        return Clock(late, f"late by {hours} hour{'s' * (hours != 1)}" if late
                     else f"{hours} hour{'s' * (hours != 1)} left")
    if late:
        days = business_days_between(due.date(), now.date(), holidays)
        return Clock(True, f"late by {days} business day{'s' * (days != 1)}" if days else "late since today")
    days = business_days_between(now.date(), due.date(), holidays)
    return Clock(False, "due today" if days == 0 else f"{days} business day{'s' * (days != 1)} left")
