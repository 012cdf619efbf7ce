"""Utilization review as payers run it: what a request's packet must hold (and how fresh), the reviewer's clock
(standard or expedited, never past the cap), and the window to appeal a denial or a modification."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .calendar import add_business_days
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
