"""Pending actions: who must act on a case next, by when, and when it is overdue (the inboxes)."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from .actors import Role
from .calendar import add_business_days
from .discharge import open_for_answer
from .milestones import DEFAULT_LADDER_POLICY
from .policies import PolicyRef, Reason, reason
from .stages import Stage


class ActionKind(StrEnum):
    """Kinds of work a party owes a case."""

    INTAKE_REVIEW = "intake_review"                 # screening flagged the referral: the case manager decides
    PHYSICIAN_CLEARANCE = "physician_clearance"
    SPECIALIST_CLEARANCE = "specialist_clearance"   # cardiology or obstetric, chased by the physician
    AUTHORIZATION_DECISION = "authorization_decision"
    START_PROGRAM = "start_program"
    WEEKLY_REVIEW = "weekly_review"
    CONTINUATION_REQUEST = "continuation_request"
    REASSESSMENT = "reassessment"
    DUTY_OFFER = "duty_offer"                       # the employer owes a modified-duty offer
    OFFER_CHECK = "offer_check"                     # a clinician checks an offer round against the restrictions
    OFFER_ANSWER = "offer_answer"                   # the worker accepts or declines the checked round
    MILESTONE_START = "milestone_start"             # the next rung's gate passes: the therapist starts it
    MILESTONE_CONFIRMATION = "milestone_confirmation"
    FOLLOW_UP = "follow_up"
    # the branches: after a party's decision, the next party's work
    INFORMATION_REQUESTED = "information_requested"  # the insurer pended a request: the clinic supplies what it asked
    AUTHORIZATION_DENIED = "authorization_denied"    # the case manager appeals, revises the request or discharges
    CLEARANCE_BLOCKED = "clearance_blocked"          # the case manager defers and asks again, or closes
    OFFER_REVISION = "offer_revision"                # the clinic countered: the employer revises or withdraws
    PLAN_SIGNATURE = "plan_signature"                # the program plan waits for this party's signature
    RTW_PLAN_SIGNATURE = "rtw_plan_signature"        # the return-to-work plan waits for this party's signature
    WORKER_RED_FLAG = "worker_red_flag"              # the worker reported a red flag between sessions: at once
    FOLLOW_UP_ANSWER = "follow_up_answer"            # the worker answers a follow-up in their portal


@dataclass(frozen=True)
class ActionPolicy:
    """How long each party has for each kind of action."""

    ref: PolicyRef = PolicyRef(
        "action-deadlines", "2026.1",
        "[design] clearance 5 business days, reassessment 2, review 2 after the week ends, "
        "offer 10 (as the response window) [src: Texas/Washington bona fide offer practice]",
    )
    clearance_business_days: int = 5
    reassessment_business_days: int = 2
    review_business_days: int = 2
    start_business_days: int = 3
    offer_business_days: int = 10
    milestone_start_business_days: int = 3
    information_business_days: int = 5       # [design] the clinic supplies what the insurer asked for
    denial_business_days: int = 5            # [design] appeal, revise or discharge after a denial
    blocked_business_days: int = 5           # [design] defer and ask again, or close, after a refused clearance


DEFAULT_ACTION_POLICY = ActionPolicy()


# actions whose words (shown to every party on the case, sent in the task's notice by e-mail) say what to do in
# the rule's own words: none of them is clinical (the insurer's question goes to the clinic; a decline names only the reason the clinic
# chose to share with the employer); every other notice names only the task and its due date
_SHAREABLE_REASONS = frozenset({ActionKind.INFORMATION_REQUESTED, ActionKind.AUTHORIZATION_DENIED,
                                ActionKind.DUTY_OFFER, ActionKind.OFFER_REVISION, ActionKind.OFFER_CHECK,
                                ActionKind.OFFER_ANSWER})


def shareable_reason(kind: ActionKind | str) -> bool:
    """The rule's words of why the action is due carry nothing clinical: any party on the case may read them,
    and the task's notice may carry them."""
    return kind in _SHAREABLE_REASONS


@dataclass(frozen=True)
class PendingAction:
    """One thing a party must do on a case, with its due date and why."""

    kind: ActionKind
    role: Role
    due: date
    reason: Reason
    subject_id: int | None = None

    def overdue(self, today: date) -> bool:
        """Overdue from the day after the due date."""
        return today > self.due


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    """What the action rules need to know about a case; the services build it from the database."""

    stage: Stage
    stage_since: date
    missing_clearances: tuple[str, ...] = ()
    pending_authorization: tuple[int, date] | None = None        # (id, decision due)
    authorized_until: date | None = None
    continuation_prepare_from: date | None = None
    program_started_on: date | None = None
    weeks_reviewed: frozenset[int] = frozenset()
    reassessment_needed_since: date | None = None
    latest_review_on: date | None = None
    latest_readiness: dict[str, float] = field(default_factory=dict)   # critical demands only
    accepted_offer: bool = False
    open_offer: tuple[int, date] | None = None                   # (id, check due): the clinician's check
    offer_to_answer: tuple[int, date] | None = None              # (id, answer due): the worker's answer
    started_milestone: tuple[int, date] | None = None            # (id, confirmation due)
    follow_ups_due: tuple[tuple[int, date], ...] = ()
    # what the automatic steps (domain/automation.py) also need
    eligible: bool = True
    baseline_recorded: bool = False
    authorized_from: date | None = None
    pregnant: bool = False
    pregnancy_checked_on: date | None = None
    next_milestone_ready: bool = False
    # what the command catalogue (domain/catalogue.py) also needs
    required_clearances: tuple[str, ...] = ("physician",)
    blocked_clearances: tuple[str, ...] = ()                     # refused, and not since granted
    confirmed_rungs: frozenset[int] = frozenset()
    full_duty_confirmed: bool = False
    weeks_started: int = 0                                        # program weeks begun by the facts' day
    weeks_ended: int = 0                                          # program weeks whose last day has come
    # the branches (after a party's decision other than the main line's)
    pended_authorization: tuple[int, date, str] | None = None     # (id, pended on, what the insurer asked for)
    denied_authorization: tuple[int, date] | None = None          # (id, decided on): the newest request, denied
    # (id, decision, decided on): the newest decision that may be appealed (a denial or a modification, not itself
    # an appeal's outcome, not appealed yet); whether its window is still open is the catalogue's to say
    appealable_authorization: tuple[int, str, date] | None = None
    weeks_authorized: int = 0                                     # consecutive weeks approved so far
    max_weeks: int = 4                                            # the payer's cap on consecutive weeks
    discharge_recommended: bool = False                           # by the latest weekly review
    blocked_reasons: tuple[str, ...] = ()                         # why a clearance was refused, in words
    blocked_since: date | None = None                             # the day the (newest) refusal was decided
    clearance_asked_again_on: date | None = None                  # a refused clearance asked for again from then
    paused_since: date | None = None
    reassessed_on: date | None = None                             # the latest reassessment after a red flag
    countered_offer: tuple[int, date] | None = None               # (id, countered on): the employer's move
    declined_offer: tuple[int, date, str] | None = None           # (id, declined on, the reason shared with them)
    restrictions_in_force: bool = False
    setback_on: date | None = None                                # the newest setback on the ladder
    tasks_opened: dict[tuple[str, int], date] = field(default_factory=dict)   # open task (kind, subject) -> opened on
    worker_joined: bool = False                                   # the worker has an account on the case
    signatures_due: tuple[tuple[str, str, date], ...] = ()         # (paper, role, due): signatures still owed
    red_flag_reports: tuple[tuple[int, date], ...] = ()           # (id, reported on): the worker's, not reviewed
    today: date | None = None                                     # the day the facts were read for

    @property
    def reviewed_since_setback(self) -> bool:
        """A setback is new evidence: the ladder climbs again only on a weekly review dated after it."""
        return self.setback_on is None or (self.latest_review_on is not None and self.latest_review_on > self.setback_on)

    @property
    def milestone_may_start(self) -> bool:
        """The next rung's gate passes on the latest review, and that review came after any setback."""
        return self.next_milestone_ready and self.reviewed_since_setback

    @property
    def offer_wanted_since(self) -> date | None:
        """From the review showing capacity for modified duty, until an offer is accepted."""
        ready = self.latest_readiness and all(
            v >= DEFAULT_LADDER_POLICY.modified_readiness for v in self.latest_readiness.values())
        if Stage(self.stage) is Stage.PROGRAM and ready and not self.accepted_offer:
            return self.latest_review_on
        return None


def task_due(action: PendingAction, opened_on: date, holidays=()) -> date:
    """A task's due date: the rule's, but never before the business day after the task opened, so that no task
    is born overdue (a back-dated record still shows its own dates; the person gets a day to act)."""
    return max(action.due, add_business_days(opened_on, 1, holidays))


def pending_actions(f: CaseFacts, today: date, policy: ActionPolicy = DEFAULT_ACTION_POLICY,
                    holidays=()) -> list[PendingAction]:
    """Every action due on the case, most urgent first; one a party was already given as a task is due when
    the task said (the inbox, the case page and the task agree). A closed case owes nothing."""
    if f.stage == Stage.CLOSED:
        return []
    actions = (_clearances(f, today, policy, holidays) + _authorization(f, today, policy, holidays)
               + _program(f, today, policy, holidays) + _duty(f, policy, holidays) + _signatures(f)
               + _red_flags(f) + _after(f, today))
    actions = [_as_given(a, f.tasks_opened.get((str(a.kind), a.subject_id or 0)), holidays) for a in actions]
    return sorted(actions, key=lambda a: (a.due, a.kind))


def _as_given(action: PendingAction, opened_on: date | None, holidays) -> PendingAction:
    return action if opened_on is None else replace(action, due=task_due(action, opened_on, holidays))


def _clearances(f: CaseFacts, today: date, p: ActionPolicy, holidays) -> list[PendingAction]:
    if Stage(f.stage) is Stage.INTAKE and not f.eligible:
        due = add_business_days(f.stage_since, p.clearance_business_days, holidays)
        return [PendingAction(ActionKind.INTAKE_REVIEW, Role.CASE_MANAGER, due,
                              reason("intake_review", "the admission screening raised flags: decide whether "
                                                      "to send the case for clearance"))]
    if Stage(f.stage) is not Stage.CLEARANCE or not f.missing_clearances:
        return []
    actions = []
    if f.blocked_clearances:
        # a refusal is the physician's decision: the case manager decides what follows, nobody asks again unbidden
        due = add_business_days(f.blocked_since or f.stage_since, p.blocked_business_days, holidays)
        actions.append(PendingAction(ActionKind.CLEARANCE_BLOCKED, Role.CASE_MANAGER, due, reason(
            "clearance_blocked", f"not cleared ({'; '.join(f.blocked_reasons) or 'refused'}): defer and ask for "
                                 "the clearance again, or close the case")))
    asked = f.clearance_asked_again_on
    if asked and asked > today:
        return actions                   # deferred: the clearance is asked for again on that day
    since = max(f.stage_since, asked) if asked else f.stage_since
    due = add_business_days(since, p.clearance_business_days, holidays)
    kinds = set(f.missing_clearances) - set(f.blocked_clearances)
    if "physician" in kinds:
        actions.append(PendingAction(ActionKind.PHYSICIAN_CLEARANCE, Role.PHYSICIAN, due,
                                     reason("clearance_due", "no session before the physician clears the worker")))
    for kind in sorted(kinds - {"physician"}):
        actions.append(PendingAction(ActionKind.SPECIALIST_CLEARANCE, Role.PHYSICIAN, due,
                                     reason(f"{kind}_clearance_due", f"{kind} clearance is still missing")))
    return actions


CONTINUING_STAGES = (Stage.PROGRAM, Stage.RETURN_TO_WORK)   # a paused case waits for its reassessment first


def continuation_refusal(f: CaseFacts) -> str:
    """Why no continuation is to be asked for now ("" when one may): the insurer's decisions and the clinic's own
    review stand until a person changes them."""
    if f.authorized_until is None:
        return "no block has been approved yet"
    if f.pending_authorization is not None:
        return "a request is already waiting for the insurer's decision"
    if f.pended_authorization is not None:
        return "the insurer is waiting for information on the last request"
    if f.denied_authorization is not None:
        return "the insurer denied the last request: appeal it or revise it"
    if Stage(f.stage) is Stage.PAUSED:
        return "the case is paused: the physician must reassess it first"
    if f.discharge_recommended:
        return "the latest weekly review recommends discharge"
    if f.weeks_authorized >= f.max_weeks:
        return f"all {f.max_weeks} consecutive weeks the payer allows are authorized"
    return ""


def continuation_due_now(f: CaseFacts, today: date) -> bool:
    """The notice period before the authorization's end has begun and nothing stands in the way."""
    return (Stage(f.stage) in CONTINUING_STAGES and f.continuation_prepare_from is not None
            and today >= f.continuation_prepare_from and not continuation_refusal(f))


def _authorization(f: CaseFacts, today: date, p: ActionPolicy, holidays) -> list[PendingAction]:
    actions = []
    if f.pending_authorization:
        auth_id, due = f.pending_authorization
        actions.append(PendingAction(ActionKind.AUTHORIZATION_DECISION, Role.INSURER, due,
                                     reason("decision_due", "authorization request waiting for a decision"),
                                     auth_id))
    elif f.pended_authorization:
        auth_id, since, missing = f.pended_authorization
        actions.append(PendingAction(
            ActionKind.INFORMATION_REQUESTED, Role.CASE_MANAGER,
            add_business_days(since, p.information_business_days, holidays),
            reason("information_requested", f"the insurer needs more information before deciding: {missing}"),
            auth_id))
    elif f.denied_authorization and Stage(f.stage) in (Stage.AUTHORIZATION, *CONTINUING_STAGES):
        auth_id, since = f.denied_authorization
        actions.append(PendingAction(
            ActionKind.AUTHORIZATION_DENIED, Role.CASE_MANAGER,
            add_business_days(since, p.denial_business_days, holidays),
            reason("authorization_denied", "the insurer denied the request: appeal the decision, revise the "
                                           "request or discharge the worker"), auth_id))
    elif continuation_due_now(f, today):
        actions.append(PendingAction(ActionKind.CONTINUATION_REQUEST, Role.CASE_MANAGER, f.continuation_prepare_from,
                                     reason("continuation_due", f"authorization ends {f.authorized_until}")))
    if Stage(f.stage) is Stage.AUTHORIZATION and not f.pending_authorization and f.authorized_until:
        due = add_business_days(f.stage_since, p.start_business_days, holidays)
        text = ("authorized: record the baseline so week 1 can start" if not f.baseline_recorded
                else "authorized and baselined: start week 1")
        code = "start_due" if f.baseline_recorded else "baseline_due"
        actions.append(PendingAction(ActionKind.START_PROGRAM, Role.THERAPIST, due, reason(code, text)))
    return actions


def _program(f: CaseFacts, today: date, p: ActionPolicy, holidays) -> list[PendingAction]:
    actions = []
    if Stage(f.stage) is Stage.PAUSED and f.reassessment_needed_since:
        due = add_business_days(f.reassessment_needed_since, p.reassessment_business_days, holidays)
        actions.append(PendingAction(ActionKind.REASSESSMENT, Role.PHYSICIAN, due,
                                     reason("reassessment_due", "paused after a red flag: reassess before resuming")))
    if Stage(f.stage) in (Stage.PROGRAM, Stage.RETURN_TO_WORK, Stage.PAUSED) and f.program_started_on:
        ended = (today - f.program_started_on).days // 7   # weeks whose last day has passed
        for week in range(1, ended + 1):
            if week not in f.weeks_reviewed:
                week_end = f.program_started_on + timedelta(days=7 * week - 1)
                actions.append(PendingAction(ActionKind.WEEKLY_REVIEW, Role.THERAPIST,
                                             add_business_days(week_end, p.review_business_days, holidays),
                                             reason("review_due", f"week {week} ended on {week_end}"), week))
    return actions


def _duty(f: CaseFacts, p: ActionPolicy, holidays) -> list[PendingAction]:
    actions = []
    if f.open_offer:
        offer_id, due = f.open_offer
        actions.append(PendingAction(ActionKind.OFFER_CHECK, Role.THERAPIST, due,
                                     reason("offer_check_due", "check the modified-duty offer against the restrictions "
                                                               "in force: it goes to the worker, or counter it"),
                                     offer_id))
    elif f.offer_to_answer:
        offer_id, due = f.offer_to_answer
        text = "the worker accepts or declines the checked modified-duty offer" + (
            "" if f.worker_joined else "; they have no account yet: invite them to their portal")
        actions.append(PendingAction(ActionKind.OFFER_ANSWER, Role.WORKER, due, reason("offer_answer_due", text),
                                     offer_id))
    elif f.countered_offer:
        offer_id, since = f.countered_offer
        actions.append(PendingAction(ActionKind.OFFER_REVISION, Role.EMPLOYER,
                                     add_business_days(since, p.offer_business_days, holidays),
                                     reason("offer_countered", "the clinic asked for changes to the offer: revise "
                                                               "it or withdraw it"), offer_id))
    elif f.offer_wanted_since:
        since, text = f.offer_wanted_since, "the worker is ready for modified duty: send a written offer"
        if f.declined_offer and f.declined_offer[1] >= since:
            # the worker said no to that round: a new one is wanted, counted from the decline, and says why
            _, since, words = f.declined_offer
            text = f"the worker declined the last offer{f' ({words})' if words else ''}: send a new written offer"
        due = add_business_days(since, p.offer_business_days, holidays)
        actions.append(PendingAction(ActionKind.DUTY_OFFER, Role.EMPLOYER, due, reason("offer_due", text)))
    if (f.milestone_may_start and not f.started_milestone and f.latest_review_on
            and Stage(f.stage) in (Stage.PROGRAM, Stage.RETURN_TO_WORK)):
        due = add_business_days(f.latest_review_on, p.milestone_start_business_days, holidays)
        actions.append(PendingAction(ActionKind.MILESTONE_START, Role.THERAPIST, due,
                                     reason("milestone_ready", "the latest review shows capacity for the next "
                                                               "return-to-work milestone: start it")))
    if f.started_milestone:
        milestone_id, due = f.started_milestone
        actions.append(PendingAction(ActionKind.MILESTONE_CONFIRMATION, Role.EMPLOYER, due,
                                     reason("confirm_due", "confirm the milestone at the worksite"), milestone_id))
    return actions


_SIGNATURE_KINDS = {"program_plan": ActionKind.PLAN_SIGNATURE, "rtw_plan": ActionKind.RTW_PLAN_SIGNATURE}


def _signatures(f: CaseFacts) -> list[PendingAction]:
    """A signature each party still owes a paper of the case (asked again when the paper changed)."""
    return [PendingAction(_SIGNATURE_KINDS[paper], Role(role), due,
                          reason(f"{paper}_signature_due", f"the {paper.replace('_', ' ').replace('rtw', 'return-to-work')}"
                                                           " waits for this party's signature"))
            for paper, role, due in f.signatures_due]


def _red_flags(f: CaseFacts) -> list[PendingAction]:
    """The therapist reviews each red flag the worker reported between sessions, the day it was reported."""
    return [PendingAction(ActionKind.WORKER_RED_FLAG, Role.THERAPIST, on,
                          reason("worker_red_flag", "the worker reported a red flag between sessions: contact them "
                                                    "today, and ask the physician to reassess if needed"), report_id)
            for report_id, on in f.red_flag_reports]


def _after(f: CaseFacts, today: date) -> list[PendingAction]:
    # the case manager records each follow-up (escalated when late); a worker on the coordinator is asked for
    # their own answer too, from two weeks before: whichever comes first records it
    clinic = [PendingAction(ActionKind.FOLLOW_UP, Role.CASE_MANAGER, due,
                            reason("follow_up_due", f"follow-up due {due}"), follow_up_id)
              for follow_up_id, due in f.follow_ups_due]
    asked = [PendingAction(ActionKind.FOLLOW_UP_ANSWER, Role.WORKER, due,
                           reason("follow_up_answer_due", f"the worker's answer to the follow-up due {due}"),
                           follow_up_id)
             for follow_up_id, due in f.follow_ups_due
             if f.worker_joined and open_for_answer(due, today)]
    return clinic + asked


@dataclass(frozen=True)
class InboxScope:
    """Which pending actions land in a role's inbox: those its roles owe, and every overdue one for a role
    that watches escalations (the case manager tracks every party's approvals)."""

    roles: frozenset[Role]
    all_overdue: bool = False

    def includes(self, action: PendingAction, today: date) -> bool:
        """The action belongs in this inbox on `today`."""
        return action.role in self.roles or (self.all_overdue and action.overdue(today))


def inbox_scope(role: Role) -> InboxScope:
    """The case manager owes the clinic's therapist work too and sees any party's overdue action; every
    other role sees what it owes."""
    if role is Role.CASE_MANAGER:
        return InboxScope(frozenset({Role.CASE_MANAGER, Role.THERAPIST}), all_overdue=True)
    return InboxScope(frozenset({role}))


# which command answers an owed action, and of which kind of input; None where a person chooses among several
# (after a denial: appeal, revise or discharge; after a blocked clearance: ask again or close; an intake review)
_ANSWERED_BY: dict[ActionKind, tuple[str, str | None]] = {
    ActionKind.PHYSICIAN_CLEARANCE: ("record_clearance", "physician"),
    ActionKind.AUTHORIZATION_DECISION: ("decide_authorization", None),
    ActionKind.CONTINUATION_REQUEST: ("request_authorization", None),
    ActionKind.START_PROGRAM: ("start_program", None),
    ActionKind.WEEKLY_REVIEW: ("submit_weekly_review", None),
    ActionKind.REASSESSMENT: ("resume_program", None),
    ActionKind.DUTY_OFFER: ("propose_duty_offer", None),
    ActionKind.OFFER_CHECK: ("check_duty_offer", None),
    ActionKind.OFFER_ANSWER: ("respond_to_duty_offer", None),
    ActionKind.OFFER_REVISION: ("propose_duty_offer", None),
    ActionKind.PLAN_SIGNATURE: ("sign_program_plan", None),
    ActionKind.WORKER_RED_FLAG: ("review_worker_report", None),
    ActionKind.FOLLOW_UP_ANSWER: ("answer_follow_up", None),
    ActionKind.RTW_PLAN_SIGNATURE: ("sign_rtw_plan", None),
    ActionKind.MILESTONE_START: ("start_milestone", None),
    ActionKind.MILESTONE_CONFIRMATION: ("confirm_milestone", None),
    ActionKind.FOLLOW_UP: ("record_follow_up", None),
    ActionKind.INFORMATION_REQUESTED: ("supply_information", None),
}


def answered_by(action: PendingAction) -> tuple[str, str | None] | None:
    """The command (and kind of input) that does what the action owes, or None when the party chooses how."""
    if action.kind is ActionKind.START_PROGRAM and action.reason.code == "baseline_due":
        return "record_baseline", None
    if action.kind is ActionKind.SPECIALIST_CLEARANCE:
        return "record_clearance", action.reason.code.removesuffix("_clearance_due")
    return _ANSWERED_BY.get(ActionKind(action.kind))
