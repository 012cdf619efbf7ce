"""The flows' services: take the automatic steps that are due, and keep each party's tasks in step with the case.

Each function is one transaction and idempotent: run twice, the second run changes nothing."""

import logging
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from ..domain.actions import ActionKind, PendingAction, pending_actions, shareable_reason, task_due
from ..domain.actors import SYSTEM, Role
from ..domain.automation import (AutomaticStep, StepKind, automatic_steps, must_escalate, next_check,
                                 task_opens)
from ..domain.errors import DomainError
from ..domain.pregnancy import pregnancy_plan
from ..domain.stages import Stage
from ..extensions import db
from ..models import Case, CaseSchedule, CaseTask, Notification, User
from ..models.base import utcnow
from . import authorizations, cases, program
from .facts import facts_of
from .inbox import store_pending
from .limits import current_gestation
from .unit_of_work import command, load_case, note

log = logging.getLogger(__name__)

# what a notification may say about a task: the kind of work only, never a clinical detail
TASK_LABELS = {
    ActionKind.INTAKE_REVIEW: "Referral screening decision",
    ActionKind.PHYSICIAN_CLEARANCE: "Medical clearance",
    ActionKind.SPECIALIST_CLEARANCE: "Specialist clearance",
    ActionKind.AUTHORIZATION_DECISION: "Authorization decision",
    ActionKind.START_PROGRAM: "Baseline and program start",
    ActionKind.WEEKLY_REVIEW: "Weekly review",
    ActionKind.CONTINUATION_REQUEST: "Continuation request",
    ActionKind.REASSESSMENT: "Physician reassessment",
    ActionKind.DUTY_OFFER: "Modified-duty offer",
    ActionKind.OFFER_CHECK: "Check of a modified-duty offer",
    ActionKind.OFFER_ANSWER: "Answer to a modified-duty offer",
    ActionKind.MILESTONE_START: "Next return-to-work milestone",
    ActionKind.MILESTONE_CONFIRMATION: "Milestone confirmation",
    ActionKind.FOLLOW_UP: "Follow-up after discharge",
    ActionKind.INFORMATION_REQUESTED: "Information the insurer asked for",
    ActionKind.AUTHORIZATION_DENIED: "Authorization denied: appeal, revise or discharge",
    ActionKind.CLEARANCE_BLOCKED: "Clearance refused: defer or close",
    ActionKind.OFFER_REVISION: "Counter-offer: revise or withdraw the offer",
    ActionKind.PLAN_SIGNATURE: "Signature of the program plan",
    ActionKind.RTW_PLAN_SIGNATURE: "Signature of the return-to-work plan",
    ActionKind.WORKER_RED_FLAG: "The worker's red-flag report",
    ActionKind.FOLLOW_UP_ANSWER: "Your answer to the follow-up",
}


def due_steps(case_id: int, today: date | None = None) -> list[AutomaticStep]:
    """The automatic steps due on the case now (read only)."""
    today = today or date.today()
    case = db.session.get(Case, case_id)
    if case is None or case.stage == Stage.CLOSED:
        return []
    return automatic_steps(facts_of([case], today)[case_id], today)


def _check_pregnancy_plan(case_id: int, on: date) -> None:
    """Record the plan in force at today's gestation; the next check follows a week later."""
    with command():
        case = load_case(case_id)
        schedule = _schedule(case.id)
        weeks = current_gestation(case, on)
        if weeks is None:
            schedule.pregnancy_checked_on = on
            return
        plan = pregnancy_plan(weeks)
        note(case, SYSTEM, "pregnancy_plan_checked",
             f"Pregnancy plan checked at {weeks:.0f} weeks (trimester {plan.trimester}): RPE at most "
             f"{plan.rpe_ceiling}; next check in {plan.recheck_every_days} days",
             data={"gestation_weeks": round(weeks, 1), "trimester": plan.trimester, "rpe_ceiling": plan.rpe_ceiling,
                   "avoid": sorted(plan.avoid_tasks), "policy": str(plan.policy)})
        schedule.pregnancy_checked_on = on


def _run(step: AutomaticStep, case_id: int, today: date) -> None:
    """The one service call behind each automatic step, acting as the flows' SYSTEM actor."""
    if step.kind is StepKind.REQUEST_CLEARANCE:
        cases.request_clearance(SYSTEM, case_id)
    elif step.kind in (StepKind.REQUEST_AUTHORIZATION, StepKind.REQUEST_CONTINUATION):
        authorizations.request_authorization(SYSTEM, case_id, submitted_on=today, start_date=step.on)
    elif step.kind is StepKind.START_PROGRAM:
        program.start_program(SYSTEM, case_id, start_on=step.on)
    elif step.kind is StepKind.CHECK_PREGNANCY_PLAN:
        _check_pregnancy_plan(case_id, today)


def take_step(case_id: int, kind: StepKind | str, today: date | None = None) -> bool:
    """Take the step if it is still due; True when it changed the case.

    A domain refusal means a person or a concurrent run got there first, or the case cannot take the
    step now; the pending action then stays in the owner's inbox and the next run looks again."""
    today = today or date.today()
    step = next((s for s in due_steps(case_id, today) if s.kind == StepKind(kind)), None)
    if step is None:
        return False
    try:
        _run(step, case_id, today)
    except DomainError as refusal:
        log.info("automatic step %s on case %s not taken: %s", step.kind, case_id, refusal)
        return False
    return True


def _schedule(case_id: int) -> CaseSchedule:
    schedule = db.session.get(CaseSchedule, case_id)
    if schedule is None:
        schedule = CaseSchedule(case_id=case_id)
        db.session.add(schedule)
    return schedule


def party_org(case: Case, role: Role) -> int | None:
    """The organisation that owes work of this role on the case."""
    if role in (Role.THERAPIST, Role.CASE_MANAGER):
        return case.clinic_id
    if role is Role.EMPLOYER:
        return case.employer_id
    if role is Role.INSURER:
        return case.insurer_id
    if role is Role.PHYSICIAN:
        return db.session.scalar(select(User.org_id).where(User.id == case.physician_id))
    return None


def _notify(case: Case, task: CaseTask, role: Role, kind: str, subject: str, body: str) -> None:
    # the case names its physician and, usually, its therapist: they are told, not their whole practice
    user_id = {Role.PHYSICIAN: case.physician_id, Role.THERAPIST: case.therapist_id,
               Role.WORKER: case.worker_id}.get(role)
    db.session.add(Notification(case_id=case.id, task_id=task.id, org_id=party_org(case, role), role=str(role),
                                user_id=user_id, kind=kind, subject=subject, body=body))


def _open(case: Case, action: PendingAction, today: date) -> CaseTask:
    label = TASK_LABELS[action.kind]
    due = task_due(action, today)
    task = CaseTask(case_id=case.id, kind=str(action.kind), subject_key=action.subject_id or 0,
                    role=str(action.role), org_id=party_org(case, action.role), due_on=due, opened_on=today)
    db.session.add(task)
    db.session.flush()
    # the task names what to do (the information to supply, the round to revise), never a clinical detail
    what = action.reason.text if shareable_reason(action.kind) else ""
    _notify(case, task, action.role, "task", f"{label} due {due} (claim {case.claim_number})",
            f"{label} is due on {due} for claim {case.claim_number}{': ' + what if what else ''}. "
            "Sign in to the coordinator to act.")
    note(case, SYSTEM, "task_opened", f"{label} for the {action.role.replace('_', ' ')}, due {due}",
         data={"kind": str(action.kind), "role": str(action.role), "due": due.isoformat()}, on=today)
    return task


def _escalate(case: Case, task: CaseTask, action: PendingAction, today: date) -> None:
    label = TASK_LABELS[action.kind]
    task.escalated_at = utcnow()
    owner = action.role.replace("_", " ")
    _notify(case, task, Role.CASE_MANAGER, "escalation", f"Overdue: {label} (claim {case.claim_number})",
            f"{label} was due on {task.due_on} from the {owner} for claim {case.claim_number} and is overdue.")
    note(case, SYSTEM, "task_escalated", f"Overdue since {task.due_on}: {label} ({owner}); escalated to the "
         "case manager", data={"kind": str(action.kind), "due": task.due_on.isoformat()}, on=today)


def sync_tasks(case_id: int, today: date | None = None) -> dict[str, int]:
    """Open a task (and notify its party) for each pending action, close those done, escalate the overdue,
    and set the day the sweep must look again."""
    today = today or date.today()
    counts = {"opened": 0, "closed": 0, "escalated": 0}
    with command():
        case = load_case(case_id)   # the row lock serialises two runs on one case
        facts = facts_of([case], today)[case.id]
        actions = pending_actions(facts, today) if case.stage != Stage.CLOSED else []
        wanted = {(str(a.kind), a.subject_id or 0): a for a in actions if task_opens(a, today)}
        open_tasks = {(t.kind, t.subject_key): t for t in db.session.scalars(
            select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.closed_at.is_(None)))}
        for key, task in open_tasks.items():
            if key not in wanted:
                task.closed_at = utcnow()
                counts["closed"] += 1
        if counts["closed"]:
            db.session.flush()   # the partial unique index allows a new open task only once the old one is closed
        for key, action in wanted.items():
            task = open_tasks.get(key)
            if task is None:
                task = open_tasks[key] = _open(case, action, today)
                counts["opened"] += 1
            else:
                due = task_due(action, task.opened_on or task.opened_at.date())
                if task.due_on != due:
                    task.due_on = due
            if must_escalate(task.due_on, today) and task.escalated_at is None:
                _escalate(case, task, action, today)
                counts["escalated"] += 1
        schedule = _schedule(case.id)
        schedule.next_check_on = next_check(facts, actions, today) if case.stage != Stage.CLOSED else None
        schedule.driven_at = utcnow()
        # what the inbox reads until then, each action due when its task says
        given = [replace(a, due=open_tasks[key].due_on) if (key := (str(a.kind), a.subject_id or 0)) in wanted else a
                 for a in actions]
        store_pending(case, given, today, schedule.next_check_on)
    return counts
