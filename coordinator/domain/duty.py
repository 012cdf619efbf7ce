"""Modified-duty offers: the bona fide elements, the check against restrictions, the negotiation."""

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from .calendar import add_business_days
from .demands import FORCE_TASKS, Frequency, TaskKind, Unit, unit_of
from .errors import IllegalTransition, InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason
from .restrictions import ADVERB, RestrictionSet


@dataclass(frozen=True)
class DutyPolicy:
    """How long the worker's side has to answer an offer."""

    ref: PolicyRef = PolicyRef(
        "duty-offer", "2026.1",
        "[src] Texas and Washington bona fide offer rules (written tasks with physical and time "
        "requirements, hours, schedule, location, wage, start date); response window 10 business days",
    )
    response_business_days: int = 10   # [src]
    check_business_days: int = 3       # [design] the clinician's check, within the window, leaving the worker time

    def __post_init__(self):
        days = self.response_business_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise InvalidValue("the response window is at least 1 business day", field="response_business_days")


DEFAULT_DUTY_POLICY = DutyPolicy()


def _enum(kind, value, field: str):
    """Coerce `value` to the StrEnum `kind`, raising InvalidValue for unknown values."""
    try:
        return kind(value)
    except ValueError:
        raise InvalidValue(f"unknown {field} '{value}'", field=field) from None


def _check_hours(value, field: str) -> None:
    """Hours are a number above 0 and at most 24."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 24:
        raise InvalidValue(f"{field} must be above 0 and at most 24 (got {value!r})", field=field)


def _fmt(value: float) -> str:
    """15.0 -> '15'."""
    return f"{value:g}"


class WagePeriod(StrEnum):
    """What a wage amount is paid per."""

    HOURLY = "hourly"
    WEEKLY = "weekly"


@dataclass(frozen=True)
class Wage:
    """The wage offered: an amount above zero per hour or per week."""

    amount: float
    period: WagePeriod

    def __post_init__(self):
        object.__setattr__(self, "period", _enum(WagePeriod, self.period, "wage.period"))
        if isinstance(self.amount, bool) or not isinstance(self.amount, (int, float)) or self.amount <= 0:
            raise InvalidValue(f"a wage must be above zero (got {self.amount!r})", field="wage")


@dataclass(frozen=True)
class OfferedTask:
    """One task of an offer with its physical (load or duration) and time (frequency) requirements."""

    description: str
    task: TaskKind
    amount: float            # kg for force tasks, minutes for postures and locomotion
    frequency: Frequency
    hours: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "task", _enum(TaskKind, self.task, "task"))
        object.__setattr__(self, "frequency", _enum(Frequency, self.frequency, "frequency"))
        if isinstance(self.amount, bool) or not isinstance(self.amount, (int, float)) or self.amount < 0:
            raise InvalidValue(f"the amount of '{self.task}' must be zero or more", field="amount")
        if self.hours is not None:
            _check_hours(self.hours, "hours")

    @property
    def unit(self) -> Unit:
        """kg or minutes, following the task kind."""
        return unit_of(self.task)

    def __str__(self) -> str:
        return f"{self.task} {_fmt(self.amount)} {self.unit} {ADVERB[self.frequency]}"


@dataclass(frozen=True)
class DutyOffer:
    """An employer's written offer of modified duty; drafts may lack elements until validated."""

    tasks: tuple[OfferedTask, ...] = ()
    hours_per_day: float | None = None
    schedule: str = ""
    location: str = ""
    wage: Wage | None = None
    start_date: date | None = None
    round_number: int = 1
    restriction_version: int | None = None   # the version this round was checked against

    def __post_init__(self):
        object.__setattr__(self, "tasks", tuple(self.tasks))
        if self.hours_per_day is not None:
            _check_hours(self.hours_per_day, "hours_per_day")
        if isinstance(self.round_number, bool) or not isinstance(self.round_number, int) or self.round_number < 1:
            raise InvalidValue("offer rounds are numbered from 1", field="round_number")
        if self.restriction_version is not None and self.restriction_version < 1:
            raise InvalidValue("restriction versions are numbered from 1", field="restriction_version")


def missing_elements(offer: DutyOffer) -> tuple[str, ...]:
    """The bona fide elements the offer lacks, by field name."""
    missing = [] if offer.tasks else ["tasks"]
    missing += [f"tasks[{i}].description" for i, t in enumerate(offer.tasks) if not t.description.strip()]
    missing += [name for name in ("hours_per_day", "wage", "start_date") if getattr(offer, name) is None]
    missing += [name for name in ("schedule", "location") if not getattr(offer, name).strip()]
    return tuple(missing)


def validate_offer(offer: DutyOffer) -> DutyOffer:
    """Return the offer if it has every bona fide element; InvalidValue naming what is missing."""
    missing = missing_elements(offer)
    if missing:
        raise InvalidValue(f"a bona fide offer needs every element; missing: {', '.join(missing)}",
                           field=missing[0])
    return offer


# -- the check against restrictions ----------------------------------------------------------


class ConflictKind(StrEnum):
    """What part of the restrictions an offer breaks."""

    LOAD = "load"
    AVOIDED_TASK = "avoided_task"
    HOURS = "hours"


@dataclass(frozen=True)
class Conflict:
    """One way an offer exceeds the restrictions: what is offered against what is allowed."""

    kind: ConflictKind
    task: TaskKind | None
    offered: str
    allowed: str
    restriction_version: int
    text: str


def _conflict(kind: ConflictKind, task: TaskKind | None, offered: str, allowed: str, version: int) -> Conflict:
    """A conflict with its sentence for people."""
    if kind is ConflictKind.AVOIDED_TASK:
        text = f"{offered} is a task the restriction says to avoid (restriction v{version})"
    else:
        text = f"{offered} exceeds the restriction of {allowed} (restriction v{version})"
    return Conflict(kind, task, offered, allowed, version, text)


def _task_conflicts(task: OfferedTask, r: RestrictionSet) -> list[Conflict]:
    """Conflicts of one offered task: avoided, too heavy, or too many hours."""
    conflicts = []
    if task.task in r.avoid:
        conflicts.append(_conflict(ConflictKind.AVOIDED_TASK, task.task, str(task), f"no {task.task}", r.version))
    limit = r.limit_for(task.task, task.frequency) if task.task in FORCE_TASKS else None
    if limit is not None and task.amount > limit.max_kg:
        allowed = limit.describe(at=task.frequency)
        conflicts.append(_conflict(ConflictKind.LOAD, task.task, str(task), allowed, r.version))
    if task.hours is not None and r.max_hours_per_day is not None and task.hours > r.max_hours_per_day:
        conflicts.append(_conflict(ConflictKind.HOURS, task.task, f"{task.task} {_fmt(task.hours)} h per day",
                                   f"{_fmt(r.max_hours_per_day)} h per day", r.version))
    return conflicts


def _hours_conflict(offer: DutyOffer, r: RestrictionSet) -> list[Conflict]:
    """The offer's hours per day against the restriction's limit."""
    if offer.hours_per_day is None or r.max_hours_per_day is None or offer.hours_per_day <= r.max_hours_per_day:
        return []
    return [_conflict(ConflictKind.HOURS, None, f"{_fmt(offer.hours_per_day)} hours per day",
                      f"{_fmt(r.max_hours_per_day)} hours per day", r.version)]


@dataclass(frozen=True)
class OfferCheck:
    """Every conflict of an offer with one restriction version."""

    conflicts: tuple[Conflict, ...]
    restriction_version: int
    reasons: tuple[Reason, ...]
    policy: PolicyRef

    @property
    def ok(self) -> bool:
        """True when the offer fits the restrictions."""
        return not self.conflicts


def check_offer(
    offer: DutyOffer, restrictions: RestrictionSet | None, policy: DutyPolicy = DEFAULT_DUTY_POLICY
) -> OfferCheck:
    """Check every task and the hours of an offer against the restriction version in force."""
    if restrictions is None:
        raise RuleViolation("an offer is checked against the restrictions in force; none are issued",
                            field="restrictions")
    conflicts = tuple(c for t in offer.tasks for c in _task_conflicts(t, restrictions))
    conflicts += tuple(_hours_conflict(offer, restrictions))
    reasons = tuple(reason(f"conflict_{c.kind}", c.text) for c in conflicts) or (
        reason("fits_restrictions", f"every task fits restriction v{restrictions.version}"),)
    return OfferCheck(conflicts, restrictions.version, reasons, policy.ref)


# -- negotiation ----------------------------------------------------------------------------------


class OfferStatus(StrEnum):
    """Where an offer negotiation stands."""

    PROPOSED = "proposed"
    CHECKED = "checked"       # a clinician found it fits the restrictions: the worker answers it
    COUNTERED = "countered"   # a clinician asked the employer for changes
    REVISED = "revised"       # the employer sent a new round
    ACCEPTED = "accepted"     # by the worker
    DECLINED = "declined"     # by the worker, with their reason
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


# a bona fide offer is made to the worker, who accepts or declines it [src: Texas and Washington bona fide offer
# rules]; whether it fits the restrictions in force is the treating clinicians' call, made before the worker answers
AWAITING_CHECK = frozenset({OfferStatus.PROPOSED, OfferStatus.REVISED})    # the therapist's or physician's move
AWAITING_ANSWER = frozenset({OfferStatus.CHECKED})                         # the worker's move
AWAITING_REVISION = frozenset({OfferStatus.COUNTERED})                     # the employer's move
STILL_OPEN = AWAITING_CHECK | AWAITING_ANSWER | AWAITING_REVISION   # a new round supersedes it


def newest_round(statuses: list[str], wanted: frozenset[OfferStatus]) -> int | None:
    """The index of the newest round if it is in one of the `wanted` statuses: only the newest round can be
    open, an older one was superseded by it whatever its own status says."""
    return len(statuses) - 1 if statuses and statuses[-1] in wanted else None


_ENDINGS = frozenset({OfferStatus.REVISED, OfferStatus.WITHDRAWN, OfferStatus.EXPIRED})
OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OfferStatus.PROPOSED: _ENDINGS | {OfferStatus.CHECKED, OfferStatus.COUNTERED},
    OfferStatus.REVISED: _ENDINGS | {OfferStatus.CHECKED, OfferStatus.COUNTERED},
    OfferStatus.CHECKED: _ENDINGS | {OfferStatus.ACCEPTED, OfferStatus.DECLINED},
    # after a counter the employer revises or withdraws; nobody has anything left to answer
    OfferStatus.COUNTERED: _ENDINGS,
    OfferStatus.ACCEPTED: frozenset(),
    OfferStatus.DECLINED: frozenset(),
    OfferStatus.WITHDRAWN: frozenset(),
    OfferStatus.EXPIRED: frozenset(),
}


def transition_offer(current: OfferStatus, target: OfferStatus) -> OfferStatus:
    """Return `target` if the negotiation allows `current` -> `target`; IllegalTransition otherwise."""
    current = _enum(OfferStatus, current, "status")
    target = _enum(OfferStatus, target, "status")
    if target not in OFFER_TRANSITIONS[current]:
        allowed = ", ".join(sorted(OFFER_TRANSITIONS[current])) or "none"
        raise IllegalTransition(f"an offer that is '{current}' cannot become '{target}' (allowed: {allowed})",
                                field="status")
    return target


@dataclass(frozen=True)
class OfferRound:
    """One round of an offer, stamped with the restriction version it was checked against."""

    offer: DutyOffer
    status: OfferStatus
    check: OfferCheck


def propose(offer: DutyOffer, restrictions: RestrictionSet | None,
            policy: DutyPolicy = DEFAULT_DUTY_POLICY) -> OfferRound:
    """The first round: a bona fide offer, checked and stamped (conflicts are listed, not blocked)."""
    check = check_offer(validate_offer(offer), restrictions, policy)
    stamped = replace(offer, round_number=1, restriction_version=check.restriction_version)
    return OfferRound(stamped, OfferStatus.PROPOSED, check)


def revise(previous: DutyOffer, status: OfferStatus, revised: DutyOffer, restrictions: RestrictionSet | None,
           policy: DutyPolicy = DEFAULT_DUTY_POLICY) -> OfferRound:
    """The employer's next round: numbered previous + 1, checked against the restrictions in force."""
    new_status = transition_offer(status, OfferStatus.REVISED)
    check = check_offer(validate_offer(revised), restrictions, policy)
    stamped = replace(revised, round_number=previous.round_number + 1,
                      restriction_version=check.restriction_version)
    return OfferRound(stamped, new_status, check)


class Verdict(StrEnum):
    """A clinician's check of a round against the restrictions in force."""

    FITS = "fits"          # it goes to the worker to answer
    COUNTER = "counter"    # the employer is asked for changes


class Answer(StrEnum):
    """The worker's answer to a checked round."""

    ACCEPT = "accept"
    DECLINE = "decline"


_STATUS_AFTER = {Answer.ACCEPT: OfferStatus.ACCEPTED, Answer.DECLINE: OfferStatus.DECLINED,
                 Verdict.FITS: OfferStatus.CHECKED, Verdict.COUNTER: OfferStatus.COUNTERED}


@dataclass(frozen=True)
class OfferResponse:
    """The recorded check, or answer, of one round of an offer."""

    answer: Answer | Verdict
    status: OfferStatus
    round_number: int
    restriction_version: int
    conflicts: tuple[Conflict, ...]
    reason: str
    requested_changes: str
    reasons: tuple[Reason, ...]
    policy: PolicyRef


def _refuse_conflicts(check: OfferCheck, what: str) -> None:
    """An offer that breaks the restrictions in force cannot be passed to the worker, nor accepted."""
    if check.conflicts:
        listed = "; ".join(c.text for c in check.conflicts)
        raise RuleViolation(f"the offer cannot be {what} while it conflicts with restriction "
                            f"v{check.restriction_version}: {listed}", field="offer")


def _answer_reasons(answer: Answer | Verdict, offer: DutyOffer, check: OfferCheck, note: str) -> tuple[Reason, ...]:
    """The answer, plus a warning when the restrictions changed since the round was checked."""
    reasons = [reason(f"offer_{_STATUS_AFTER[answer]}", f"round {offer.round_number} {_STATUS_AFTER[answer]}"
                      + (f": {note}" if note else ""))]
    if offer.restriction_version not in (None, check.restriction_version):
        reasons.append(reason("restrictions_changed", f"round {offer.round_number} was checked against "
                              f"v{offer.restriction_version}; v{check.restriction_version} is now in force"))
    return tuple(reasons) + check.reasons


def check_round(
    offer: DutyOffer,
    status: OfferStatus,
    verdict: Verdict | str,
    restrictions: RestrictionSet | None,
    *,
    reason: str = "",             # the clinician's own words (clinical)
    requested_changes: str = "",  # required for a counter: what the employer is asked to change
    policy: DutyPolicy = DEFAULT_DUTY_POLICY,
) -> OfferResponse:
    """The therapist's or physician's check of a round: it fits the restrictions in force (it goes to the worker;
    only without a conflict) or the employer is asked for changes."""
    verdict = _enum(Verdict, verdict, "verdict")
    new_status = transition_offer(status, _STATUS_AFTER[verdict])
    check = check_offer(validate_offer(offer), restrictions, policy)
    reason_text, changes = (reason or "").strip(), (requested_changes or "").strip()
    if verdict is Verdict.FITS:
        _refuse_conflicts(check, "passed to the worker")
    elif not changes:
        raise InvalidValue("a counter-offer states the changes requested", field="requested_changes")
    return OfferResponse(verdict, new_status, offer.round_number, check.restriction_version, check.conflicts,
                         reason_text, changes, _answer_reasons(verdict, offer, check, changes), policy.ref)


def respond(
    offer: DutyOffer,
    status: OfferStatus,
    answer: Answer | str,
    restrictions: RestrictionSet | None,
    *,
    reason: str = "",             # required for a decline: the worker's own words
    policy: DutyPolicy = DEFAULT_DUTY_POLICY,
) -> OfferResponse:
    """The worker's answer to a checked round: accept (only while it still fits the restrictions in force) or
    decline with their reason."""
    answer = _enum(Answer, answer, "answer")
    if status in AWAITING_CHECK:
        raise RuleViolation("the offer is being checked against your restrictions first: you can answer it once "
                            "your therapist or physician has checked it", field="offer")
    new_status = transition_offer(status, _STATUS_AFTER[answer])
    check = check_offer(validate_offer(offer), restrictions, policy)
    reason_text = (reason or "").strip()
    if answer is Answer.ACCEPT:
        _refuse_conflicts(check, "accepted")
    elif not reason_text:
        raise InvalidValue("a decline records its reason", field="reason")
    return OfferResponse(answer, new_status, offer.round_number, check.restriction_version, check.conflicts,
                         reason_text, "", _answer_reasons(answer, offer, check, reason_text), policy.ref)


def response_due(sent_on: date, policy: DutyPolicy = DEFAULT_DUTY_POLICY, holidays: Collection[date] = ()) -> date:
    """The last day of the response window: N business days after the offer was sent."""
    return add_business_days(sent_on, policy.response_business_days, holidays)


def check_due(sent_on: date, policy: DutyPolicy = DEFAULT_DUTY_POLICY, holidays: Collection[date] = ()) -> date:
    """The day a clinician's check of a round is due: a few business days after it was sent, never after the
    response window closes."""
    return min(add_business_days(sent_on, policy.check_business_days, holidays),
               response_due(sent_on, policy, holidays))


def is_response_overdue(due: date, today: date) -> bool:
    """True from the day after the window's last day (that day itself is on time)."""
    return today > due
