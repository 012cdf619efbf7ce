"""The command catalogue: for every command, who may run it, when, on what, and with which inputs by kind.

This is the one place that says what may happen next on a case. The services enforce it, the portals build
their buttons and forms from it, the API lists it on every case and names its reasons, the flows consult it.
A reason is written for the person who sees it, never as a stage name."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .actions import CaseFacts
from .actors import Role
from .discharge import open_for_answer
from .errors import IllegalTransition, RuleViolation
from .milestones import next_milestone
from .stages import OPEN_STAGES, Stage


class Unavailable(IllegalTransition, RuleViolation):
    """The command exists and the actor's role may run it, but not on this case now; the message says why.
    (Both a move the stage does not allow and a rule the case's facts do not meet: 409 either way.)"""

    code = "not_available_now"


# what a stage means to the people waiting on it: the reason a command is refused in that stage
STAGE_REASONS: dict[Stage, str] = {
    Stage.INTAKE: "the case is still at intake: it has not been sent for clearance",
    Stage.CLEARANCE: "the case is waiting for clearance",
    Stage.AUTHORIZATION: "the program has not started yet",
    Stage.PROGRAM: "the program is under way",
    Stage.PAUSED: "the case is paused: the physician must reassess it first",
    Stage.RETURN_TO_WORK: "the worker is on the return-to-work ladder",
    Stage.DISCHARGED: "the worker has been discharged",
    Stage.CLOSED: "the case is closed",
}


@dataclass(frozen=True)
class Condition:
    """A fact of the case a command needs, and what to tell the user when it does not hold. A condition `by_role`
    is about the party asking (a paper waits for *their* signature): it takes the facts and the role, and holds
    when no role is given (a list of what may happen on the case, whoever does it)."""

    holds: Callable[..., bool]
    reason: str | Callable[[CaseFacts], str]
    by_role: bool = False

    def why(self, facts: CaseFacts) -> str:
        """The reason, worded for these facts."""
        return self.reason(facts) if callable(self.reason) else self.reason

    def holds_for(self, facts: CaseFacts, role: Role | None) -> bool:
        """Whether the condition holds on these facts for this role."""
        if self.by_role:
            return role is None or self.holds(facts, Role(role))
        return self.holds(facts)


@dataclass(frozen=True)
class Kind:
    """One shape of a command's input (a cardiology clearance, a continuation request), with the facts it needs."""

    name: str
    label: str
    inputs: tuple[str, ...]
    stages: frozenset[Stage] | None = None          # None: the command's stages
    conditions: tuple[Condition, ...] = ()
    required: tuple[str, ...] = ()                   # inputs this kind needs though the command's others do not


@dataclass(frozen=True)
class Command:
    """A command of the catalogue."""

    name: str
    label: str
    roles: frozenset[Role]
    stages: frozenset[Stage]
    kinds: tuple[Kind, ...]
    conditions: tuple[Condition, ...] = ()
    subject: str | None = None                      # the record it acts on: authorization, duty_offer, ...
    subjects: Callable[[CaseFacts], tuple[int, ...]] | None = None   # ... and which of them may be acted on
    not_subject: str | Callable[[CaseFacts, int], str] = "that record is not waiting for this"   # {id} names it

    def kind(self, name: str | None) -> Kind:
        """The named kind; the only kind when the command has one."""
        if name is None and len(self.kinds) == 1:
            return self.kinds[0]
        found = next((k for k in self.kinds if k.name == name), None)
        if found is None:
            names = ", ".join(k.name for k in self.kinds)
            raise Unavailable(f"'{name}' is not a kind of {self.label.lower()} (kinds: {names})", field="kind")
        return found


@dataclass(frozen=True)
class Availability:
    """Whether a command may run on the case now; the kinds and subjects it may take; else why not."""

    command: str
    label: str
    available: bool
    reason: str = ""
    kinds: tuple[str, ...] = ()
    subjects: tuple[int, ...] = ()
    subject: str | None = None


CLINIC = frozenset({Role.THERAPIST, Role.CASE_MANAGER})
CLINICIANS = frozenset({Role.THERAPIST, Role.PHYSICIAN})
SYSTEM = frozenset({Role.SYSTEM})
CLEARANCE_ON = frozenset({Stage.CLEARANCE, Stage.AUTHORIZATION, Stage.PROGRAM, Stage.PAUSED, Stage.RETURN_TO_WORK})
UNDER_WAY = frozenset({Stage.PROGRAM, Stage.PAUSED, Stage.RETURN_TO_WORK})
BEFORE_DISCHARGE = frozenset(OPEN_STAGES - {Stage.DISCHARGED})
IN_CARE = frozenset(BEFORE_DISCHARGE - {Stage.INTAKE})

def _clearance_words(f: CaseFacts) -> str:
    refused = [k for k in f.missing_clearances if k in f.blocked_clearances]
    waiting = [k for k in f.missing_clearances if k not in refused]
    def named(kinds, one, many):
        return f"the {' and '.join(kinds)} clearance{'s ' + many if len(kinds) > 1 else ' ' + one}"

    # only clinic commands carry this condition: the contraindication may be named to them
    parts = ([named(refused, "was refused", "were refused")
              + (f" ({'; '.join(f.blocked_reasons)})" if f.blocked_reasons else "")] if refused else []) + (
        [named(waiting, "is not in yet", "are not in yet")] if waiting else [])
    return "; ".join(parts)


cleared = Condition(lambda f: not f.missing_clearances, _clearance_words)
no_request_waiting = Condition(lambda f: f.pending_authorization is None and f.pended_authorization is None,
                               lambda f: "a request is already waiting for the insurer's decision"
                               if f.pending_authorization else "the insurer is waiting for information on the "
                                                               "last request: supply it first")


def _one(value) -> tuple[int, ...]:
    return () if value is None else (value[0],)


def _kind(name: str, label: str, *inputs: str, **more) -> Kind:
    return Kind(name, label, tuple(inputs), **more)


def _not_ready_words(f: CaseFacts) -> str:
    rung = next_milestone(f.confirmed_rungs)
    if rung is not None and not rung.is_full_duty and not f.accepted_offer:
        return "modified duty needs an accepted modified-duty offer first"
    return "the latest review does not show the readiness the next rung needs"


def _weeks_to_review(f: CaseFacts) -> tuple[int, ...]:
    """Program weeks that have ended (their last day has come) and are not yet reviewed."""
    return tuple(w for w in range(1, f.weeks_ended + 1) if w not in f.weeks_reviewed)


def _week_words(f: CaseFacts, week: int) -> str:
    if week in f.weeks_reviewed:
        return f"week {week} is already reviewed"
    return f"week {week} has not started yet" if week > f.weeks_started else f"week {week} has not ended yet"


def _answerable(f: CaseFacts) -> tuple[int, ...]:
    """The follow-ups the worker may answer now: not recorded, and due within two weeks or past due."""
    today = f.today or date.today()
    return tuple(i for i, due in f.follow_ups_due if open_for_answer(due, today))


def _open_rounds(f: CaseFacts) -> tuple[int, ...]:
    """The offer round the employer may still withdraw: waiting for the check, the worker's answer or a revision."""
    return _one(f.open_offer) + _one(f.offer_to_answer) + _one(f.countered_offer)


def _signing(paper: str) -> tuple[Condition, ...]:
    """A paper waits for signatures, and for this party's."""
    title = paper.replace("_", " ").replace("rtw", "return-to-work")
    return (Condition(lambda f: any(p == paper for p, _, _ in f.signatures_due),
                      f"the {title} waits for no signature now"),
            Condition(lambda f, role: (paper, str(role)) in {(p, r) for p, r, _ in f.signatures_due},
                      f"you have signed the {title} as it stands", by_role=True))


def _needs(kind: str) -> Condition:
    return Condition(lambda f: kind in f.required_clearances, f"this case needs no {kind} clearance")


# what a request carries besides its dates: the documents named, and an expedited review's reason
PACKET = ("documents", "expedited", "expedited_reason")

CATALOGUE: tuple[Command, ...] = (
    Command("open_case", "Open a case", CLINIC, frozenset(),
            (_kind("referral", "Referral", "referral"),)),
    Command("request_clearance", "Send for clearance", CLINIC | SYSTEM, frozenset({Stage.INTAKE}), (
        _kind("request", "Send for clearance"),
        # after a refusal: the case manager defers and asks again (the physician's task opens on that day)
        _kind("again", "Ask for the clearance again", "asked_on", stages=frozenset({Stage.CLEARANCE}),
              required=("asked_on",),
              conditions=(Condition(lambda f: bool(f.blocked_clearances), "no clearance was refused"),)),
    )),
    Command("record_clearance", "Record a clearance", frozenset({Role.PHYSICIAN}), CLEARANCE_ON, (
        _kind("physician", "Record the physician's clearance", "decided_on", "contraindications", "max_lift_kg",
              "max_hours_per_day", "avoid", "load_limits", "restrictions", "note"),
        _kind("cardiology", "Record the cardiology clearance", "decided_on", "cleared", "heart_rate_ceiling", "rpe_ceiling",
              "note", conditions=(_needs("cardiology"),)),
        _kind("obstetric", "Record the obstetric clearance", "decided_on", "cleared", "rpe_ceiling", "note",
              conditions=(_needs("obstetric"),)),
    )),
    Command("update_pregnancy", "Update the pregnancy", CLINIC | {Role.PHYSICIAN}, frozenset(OPEN_STAGES),
            (_kind("pregnancy", "Pregnancy", "pregnant", "gestation_weeks", "recorded_on"),)),
    Command("request_authorization", "Request an authorization", CLINIC | SYSTEM, IN_CARE, (
        _kind("initial", "Request the initial authorization", "submitted_on", "start_date", "weeks", *PACKET,
              required=("start_date",), stages=frozenset({Stage.CLEARANCE, Stage.AUTHORIZATION}),
              conditions=(Condition(lambda f: f.authorized_until is None, "the first block is already approved"),
                          cleared, no_request_waiting)),
        _kind("continuation", "Request a continuation", "submitted_on", "weeks", *PACKET, stages=UNDER_WAY,
              conditions=(Condition(lambda f: f.authorized_until is not None, "no block has been approved yet"),
                          no_request_waiting)),
    )),
    Command("decide_authorization", "Decide the authorization", frozenset({Role.INSURER}), IN_CARE,
            (_kind("decision", "Decision", "decision", "approved_sessions", "reason", "decided_on"),),
            conditions=(Condition(lambda f: f.pending_authorization is not None,
                                  "no authorization request is waiting for a decision"),),
            subject="authorization", subjects=lambda f: _one(f.pending_authorization),
            not_subject="authorization request {id} is not waiting for a decision"),
    Command("supply_information", "Supply the information", CLINIC, IN_CARE,
            (_kind("information", "Information for the insurer", "information", "supplied_on", "documents"),),
            conditions=(Condition(lambda f: f.pended_authorization is not None,
                                  "the insurer is not waiting for information"),),
            subject="authorization", subjects=lambda f: _one(f.pended_authorization),
            not_subject="authorization request {id} is not waiting for information"),
    Command("appeal_authorization", "Appeal the decision", CLINIC, IN_CARE,
            (_kind("appeal", "Appeal", "reason", "appealed_on", "documents"),),
            # its window is counted to the appeal's own date (an appeal sent in time may be recorded later): the
            # service refuses one dated after it, naming the day it closed
            conditions=(Condition(lambda f: f.appealable_authorization is not None,
                                  "no denial or modification waits to be appealed"), no_request_waiting),
            subject="authorization", subjects=lambda f: _one(f.appealable_authorization),
            not_subject="authorization request {id} is not the decision to appeal"),
    Command("record_baseline", "Record the baseline", frozenset({Role.THERAPIST}),
            frozenset({Stage.CLEARANCE, Stage.AUTHORIZATION, Stage.PROGRAM}),
            (_kind("baseline", "Baseline", "measured_on", "capacities"),)),
    Command("start_program", "Start the program", CLINIC | SYSTEM, frozenset({Stage.AUTHORIZATION}),
            (_kind("start", "Program start", "start_on"),),
            conditions=(cleared,
                        Condition(lambda f: f.authorized_until is not None,
                                  "the insurer has not approved any sessions yet"),
                        Condition(lambda f: f.baseline_recorded, "record the baseline capacity test first"))),
    Command("log_session", "Log a session", frozenset({Role.THERAPIST}),
            frozenset({Stage.PROGRAM, Stage.RETURN_TO_WORK}),
            (_kind("session", "Session", "session_date", "minutes", "rpe", "pain", "heart_rate", "systolic",
                   "diastolic", "symptoms", "medication_taken", "performed_loads"),),
            conditions=(cleared,)),
    Command("submit_weekly_review", "Review the week", frozenset({Role.THERAPIST}), UNDER_WAY,
            (_kind("review", "Weekly review", "week", "reviewed_on", "capacities", "grip_strength_kg",
                   "six_minute_walk_m", "pain", "fear_of_reinjury", "fatigue", "rpe", "sessions_scheduled",
                   "soreness_hours", "override", "hours_tolerated"),),
            conditions=(Condition(lambda f: f.program_started_on is not None, "the program has not started"),
                        Condition(lambda f: bool(_weeks_to_review(f)),
                                  lambda f: "every week so far is reviewed" if f.weeks_ended
                                  else "week 1 has not ended yet")),
            subject="week", subjects=_weeks_to_review, not_subject=_week_words),
    Command("resume_program", "Reassess and resume the program", frozenset({Role.PHYSICIAN}),
            frozenset({Stage.PAUSED}), (_kind("reassessment", "Reassessment", "reassessed_on", "note"),)),
    Command("issue_restrictions", "Issue restrictions", frozenset({Role.PHYSICIAN, Role.THERAPIST}), IN_CARE,
            (_kind("restrictions", "Restrictions", "issued_on", "load_limits", "max_lift_kg",
                   "max_hours_per_day", "avoid", "notes"),)),
    Command("propose_duty_offer", "Propose modified duty", frozenset({Role.EMPLOYER}), UNDER_WAY,
            (_kind("offer", "Modified-duty offer", "tasks", "hours_per_day", "schedule", "location", "wage",
                   "wage_period", "start_date", "sent_on"),)),
    Command("withdraw_duty_offer", "Withdraw the offer", frozenset({Role.EMPLOYER}), IN_CARE,
            (_kind("withdrawal", "Withdrawal", "withdrawn_on", "reason"),),
            conditions=(Condition(lambda f: _open_rounds(f) != (), "no offer is open"),),
            subject="duty_offer", subjects=_open_rounds, not_subject="offer {id} is not open"),
    # whether an offer fits the restrictions in force is the treating clinicians' call, before the worker answers
    Command("check_duty_offer", "Check the offer against the restrictions", CLINICIANS, IN_CARE,
            (_kind("check", "Check", "verdict", "reason", "requested_changes", "shared_reason", "checked_on"),),
            conditions=(Condition(lambda f: f.open_offer is not None, "no modified-duty offer waits for a check"),),
            subject="duty_offer", subjects=lambda f: _one(f.open_offer),
            not_subject="offer {id} is not the round waiting for a check"),
    # a bona fide offer is made to the worker: they accept it or decline it with their reason
    Command("respond_to_duty_offer", "Answer the modified-duty offer", frozenset({Role.WORKER}), IN_CARE,
            (_kind("answer", "Answer", "answer", "reason", "responded_on"),),
            conditions=(Condition(lambda f: f.offer_to_answer is not None,
                                  lambda f: "the offer is being checked against your restrictions first"
                                  if f.open_offer else "no modified-duty offer waits for your answer"),),
            subject="duty_offer", subjects=lambda f: _one(f.offer_to_answer),
            not_subject="offer {id} is not the round waiting for your answer"),
    Command("start_milestone", "Start the next milestone", CLINIC | SYSTEM,
            frozenset({Stage.PROGRAM, Stage.RETURN_TO_WORK}), (_kind("milestone", "Milestone", "started_on"),),
            conditions=(Condition(lambda f: f.started_milestone is None,
                                  "the current milestone must be confirmed by the employer first"),
                        Condition(lambda f: not f.full_duty_confirmed, "full duty is already confirmed"),
                        Condition(lambda f: f.latest_review_on is not None,
                                  "a milestone starts only after a weekly review"),
                        Condition(lambda f: f.reviewed_since_setback,
                                  lambda f: f"after the setback on {f.setback_on} a weekly review must show the "
                                            "capacity again first"),
                        Condition(lambda f: f.next_milestone_ready, _not_ready_words))),
    Command("confirm_milestone", "Confirm the milestone", frozenset({Role.EMPLOYER}), IN_CARE,
            (_kind("confirmation", "Confirmation", "confirmed_on"),),
            conditions=(Condition(lambda f: f.started_milestone is not None,
                                  "no milestone waits for the employer's confirmation"),),
            subject="milestone", subjects=lambda f: _one(f.started_milestone),
            not_subject="milestone {id} is not waiting for confirmation"),
    Command("report_setback", "Report a setback", CLINIC | {Role.PHYSICIAN, Role.EMPLOYER},
            frozenset({Stage.RETURN_TO_WORK}), (_kind("setback", "Setback", "on", "reason", "shared_reason"),),
            conditions=(Condition(lambda f: f.started_milestone is not None or bool(f.confirmed_rungs),
                                  "no milestone to step back from"),)),
    Command("discharge_case", "Discharge", CLINIC, BEFORE_DISCHARGE,
            (_kind("discharge", "Discharge", "discharged_on", "program_ended", "outcome", "summary"),)),
    Command("record_follow_up", "Record the follow-up", CLINIC, frozenset({Stage.DISCHARGED}),
            (_kind("follow_up", "Follow-up", "recorded_on", "work_status", "recurrence", "notes"),),
            conditions=(Condition(lambda f: bool(f.follow_ups_due), "every follow-up is recorded"),),
            subject="follow_up", subjects=lambda f: tuple(i for i, _ in f.follow_ups_due),
            not_subject="follow-up {id} is already recorded"),
    # the worker's own answer to a follow-up, from two weeks before it is due (domain/discharge.py)
    Command("answer_follow_up", "Answer the follow-up", frozenset({Role.WORKER}), frozenset({Stage.DISCHARGED}),
            (_kind("answer", "Follow-up", "work_status", "hours_per_day", "recurrence", "pain"),),
            conditions=(Condition(lambda f: bool(_answerable(f)), "no follow-up is open for your answer yet"),),
            subject="follow_up", subjects=_answerable, not_subject="follow-up {id} is not open for your answer"),
    Command("close_case", "Close the case", CLINIC | SYSTEM, frozenset({Stage.DISCHARGED}),
            (_kind("close", "Closure"),),
            conditions=(Condition(lambda f: not f.follow_ups_due, "every follow-up must be recorded first"),)),
    # the papers of a case (which kinds each role may add is the documents' own rule)
    Command("add_document", "Add a document", CLINIC | {Role.PHYSICIAN, Role.EMPLOYER}, frozenset(OPEN_STAGES),
            (_kind("document", "Document", "kind", "title", "dated_on", "file"),)),
    # the papers the parties sign (domain/signatures.py): each signer signs the version the paper has now
    Command("sign_program_plan", "Sign the program plan", frozenset({Role.WORKER, Role.THERAPIST}), UNDER_WAY,
            (_kind("signature", "Signature", "typed_name", "agree"),), conditions=_signing("program_plan")),
    Command("sign_rtw_plan", "Sign the return-to-work plan", frozenset({Role.WORKER, Role.EMPLOYER, Role.PHYSICIAN}),
            UNDER_WAY, (_kind("signature", "Signature", "typed_name", "agree"),), conditions=_signing("rtw_plan")),
    # between sessions the worker says how they are; a red flag is the therapist's at once (domain/worker_reports.py)
    Command("report_symptoms", "Report how you feel", frozenset({Role.WORKER}), UNDER_WAY,
            (_kind("symptoms", "Symptoms", "symptoms", "pain", "note", "reported_on"),)),
    Command("report_missed_session", "Report a missed session", frozenset({Role.WORKER}), UNDER_WAY,
            (_kind("missed", "Missed session", "session_date", "note"),)),
    Command("review_worker_report", "Review the worker's report", CLINICIANS, frozenset(OPEN_STAGES),
            (_kind("review", "Review", "reviewed_on", "note"),),
            conditions=(Condition(lambda f: bool(f.red_flag_reports), "no red flag of the worker's waits for review"),),
            subject="worker_report", subjects=lambda f: tuple(i for i, _ in f.red_flag_reports),
            not_subject="report {id} is not a red flag waiting for review"),
    # the worker joins their case by the clinic's invitation (a link by e-mail); again when a link was lost or expired
    Command("invite_worker", "Invite the worker", CLINIC, frozenset(OPEN_STAGES),
            (_kind("invitation", "Invitation", "email"),),
            conditions=(Condition(lambda f: not f.worker_joined, "the worker already has their account on this case"),)),
    # who treats and who coordinates the case is the case manager's call, not the therapist's own
    Command("reassign_case", "Reassign the case", frozenset({Role.CASE_MANAGER}), frozenset(OPEN_STAGES),
            (_kind("assignment", "Assignment", "therapist_id", "case_manager_id", "reason"),)),
)

COMMANDS: dict[str, Command] = {c.name: c for c in CATALOGUE}


def _kind_refusal(command: Command, kind: Kind, f: CaseFacts, role: Role | None = None) -> str:
    """Why the kind may not run now ("" when it may), for the role when one is given."""
    stages = kind.stages if kind.stages is not None else command.stages
    conditions = command.conditions + kind.conditions
    if Stage(f.stage) is Stage.CLEARANCE and cleared in conditions and not cleared.holds(f):
        return cleared.why(f)   # what the clinic waits for, named (a refusal names its contraindication)
    if Stage(f.stage) not in stages:
        return STAGE_REASONS[Stage(f.stage)]
    for condition in conditions:
        if not condition.holds_for(f, role):
            return condition.why(f)
    return ""


def availability(command_name: str, facts: CaseFacts, role: Role | None = None) -> Availability:
    """Whether the command may run on a case with these facts (for the role, when given: whether the role may
    run the command at all is checked apart), and why not."""
    command = COMMANDS[command_name]
    refusals = {k.name: _kind_refusal(command, k, facts, role) for k in command.kinds}
    kinds = tuple(name for name, why in refusals.items() if not why)
    subjects = command.subjects(facts) if command.subjects and kinds else ()
    if not kinds:
        # the reason of the kind closest to running: one refused by a fact rather than by the stage
        stage_text = STAGE_REASONS[Stage(facts.stage)]
        reason = next((why for why in refusals.values() if why != stage_text), stage_text)
        return Availability(command.name, command.label, False, reason, subject=command.subject)
    return Availability(command.name, command.label, True, "", kinds, subjects, command.subject)


def available_commands(role: Role, facts: CaseFacts) -> list[Availability]:
    """Every command of the catalogue the role may run on a case, each saying whether it may run now and,
    if not, why; the party check (is the actor on this case) is the permissions' own."""
    return [availability(c.name, facts, Role(role)) for c in CATALOGUE if Role(role) in c.roles and c.stages]


def why_not(command_name: str, facts: CaseFacts, *, kind: str | None = None, subject: int | None = None,
            role: Role | None = None) -> tuple[str, str]:
    """(what is refused, why) when the command (of this kind, on this subject, for this role) may not run on the
    case now, in the users' words; ("", "") when it may."""
    command = COMMANDS[command_name]
    if kind is None and len(command.kinds) > 1:
        found = availability(command_name, facts, role)
        return ("", "") if found.available else (command.label, found.reason)
    chosen = command.kind(kind)
    why = _kind_refusal(command, chosen, facts, role)
    if why:
        return _prefix(command, chosen), why
    if command.subjects is not None and subject is not None and subject not in command.subjects(facts):
        words = (command.not_subject(facts, subject) if callable(command.not_subject)
                 else command.not_subject.format(id=subject))
        return command.label, words
    return "", ""


def refusal(command_name: str, facts: CaseFacts, *, kind: str | None = None, subject: int | None = None,
            role: Role | None = None) -> str:
    """Why the command may not run on the case now, naming it ("Log a session: the case is paused: ..."), as an
    API problem says it; "" when it may."""
    what, why = why_not(command_name, facts, kind=kind, subject=subject, role=role)
    return f"{what}: {why}" if why else ""


def require_available(command_name: str, facts: CaseFacts, *, kind: str | None = None,
                      subject: int | None = None, role: Role | None = None) -> Kind:
    """The kind the command runs as; raises Unavailable, in the users' words, when it may not run now."""
    command = COMMANDS[command_name]
    chosen = command.kind(kind)
    why = refusal(command_name, facts, kind=chosen.name, subject=subject, role=role)
    if why:
        on_subject = command.subjects is not None and subject is not None and not _kind_refusal(command, chosen, facts,
                                                                                                role)
        field = ("week" if command.subject == "week" else f"{command.subject}_id") if on_subject else "stage"
        raise Unavailable(why, field=field)
    return chosen


def _prefix(command: Command, kind: Kind) -> str:
    return kind.label if len(command.kinds) > 1 else command.label


def required_inputs_of(command_name: str, kind: str | None = None) -> tuple[str, ...]:
    """The inputs a kind needs beyond those every kind of the command needs (the initial request's start)."""
    return COMMANDS[command_name].kind(kind).required


def inputs_of(command_name: str, kind: str | None = None) -> tuple[str, ...]:
    """The inputs a command takes for a kind: a form shows exactly these, a schema refuses any other."""
    return COMMANDS[command_name].kind(kind).inputs
