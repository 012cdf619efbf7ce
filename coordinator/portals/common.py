"""What every role's portal shares: the inbox home with the caseload, and the case page."""

from dataclasses import dataclass
from datetime import date

from flask import abort, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..auth.sessions import current_actor
from ..domain.actors import Actor, Role
from ..domain.stages import Stage
from ..extensions import db
from ..models import Case, CaseEvent, Notification, Organisation, User
from ..policy import FUNCTIONAL_ACTIONS, View, audit_listing, read_case, view_for, visible_cases
from ..services.automation import TASK_LABELS
from ..services.inbox import InboxPage, Page, all_pending, inbox, inbox_page, overdue_cases
from ..services.rtw import work_status
from ..services.unit_of_work import NotFound
from .charts import progress_charts

ROLE_TITLES = {Role.THERAPIST: "Therapist", Role.CASE_MANAGER: "Case manager", Role.PHYSICIAN: "Physician",
               Role.EMPLOYER: "Employer", Role.INSURER: "Insurer"}
CASELOAD_PER_PAGE = 200
INBOX_PER_PAGE = 50


@dataclass(frozen=True)
class CaseloadFilters:
    """The caseload's filters and the pages shown, read from the query string; anything unknown is ignored,
    never an error."""

    stage: str = ""
    overdue: bool = False
    employer_id: int | None = None
    insurer_id: int | None = None
    q: str = ""
    page: int = 1          # of the caseload
    inbox_page: int = 1    # of the inbox

    @classmethod
    def from_request(cls) -> "CaseloadFilters":
        """Parse the filters leniently: a portal user's typo narrows nothing rather than failing."""
        def number(name):
            value = request.args.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        stage = request.args.get("stage", "")
        return cls(stage=stage if stage in {s.value for s in Stage} else "",
                   overdue=request.args.get("overdue") == "1", employer_id=number("employer"),
                   insurer_id=number("insurer"), q=request.args.get("q", "").strip()[:100],
                   page=max(1, number("page") or 1), inbox_page=max(1, number("inbox_page") or 1))


def _label(kind: str) -> str:
    return TASK_LABELS.get(kind, kind.replace("_", " ").capitalize())


def clock(due: date, today: date | None = None) -> str:
    """How long is left (or how late it is), in words."""
    days = (due - (today or date.today())).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def inbox_items(actor: Actor, page: int = 1) -> tuple[InboxPage, list[dict]]:
    """One page of the actor's pending actions, overdue first, then by due date, with each line's words."""
    found = inbox_page(actor, visible_cases(actor), page, INBOX_PER_PAGE)
    clinical = view_for(actor) is View.CLINICAL
    return found, [{"case_id": i.case_id, "claim": i.claim_number, "label": _label(str(i.action.kind)),
                    "clock": clock(i.action.due), "role": str(i.action.role).replace("_", " "),
                    "due": i.action.due, "overdue": i.overdue, "why": i.action.reason.text if clinical else ""}
                   for i in found.items]


def _filtered(actor: Actor, filters: CaseloadFilters):
    """The actor's cases with the filters applied, with employer and insurer names, in claim order."""
    employer, insurer = aliased(Organisation), aliased(Organisation)
    query = (select(Case.id, Case.claim_number, Case.worker_name, Case.job_title, Case.stage,
                    employer.name.label("employer"), insurer.name.label("insurer"))
             .join(employer, employer.id == Case.employer_id).join(insurer, insurer.id == Case.insurer_id)
             .where(visible_cases(actor).whereclause))
    if filters.stage:
        query = query.where(Case.stage == filters.stage)
    if filters.employer_id:
        query = query.where(Case.employer_id == filters.employer_id)
    if filters.insurer_id:
        query = query.where(Case.insurer_id == filters.insurer_id)
    if filters.q:
        like = f"%{filters.q.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Case.claim_number.ilike(like), Case.worker_name.ilike(like),
                                Case.job_title.ilike(like)))
    if filters.overdue:
        query = query.where(overdue_cases(visible_cases(actor)))
    return query.order_by(Case.claim_number, Case.id)


def caseload(actor: Actor, filters: CaseloadFilters) -> Page:
    """One page of the actor's cases with the filters applied, and how many match."""
    query = _filtered(actor, filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(CASELOAD_PER_PAGE).offset((filters.page - 1) * CASELOAD_PER_PAGE)).all()
    return Page(rows, total, filters.page, CASELOAD_PER_PAGE)


def caseload_rows(actor: Actor, filters: CaseloadFilters) -> list:
    """Every case of the actor's that the filters select (the export), in claim order."""
    return db.session.execute(_filtered(actor, filters)).all()


def party_choices(actor: Actor) -> dict[str, list]:
    """The employers and insurers of the actor's cases, for the caseload's filters."""
    ids = visible_cases(actor).with_only_columns(Case.employer_id, Case.insurer_id).distinct()
    pairs = db.session.execute(ids).all()
    def named(org_ids):
        return db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
                                  .order_by(Organisation.name)).all()
    return {"employers": named({p.employer_id for p in pairs}), "insurers": named({p.insurer_id for p in pairs})}


def notifications(actor: Actor) -> list:
    """The latest notifications sent to the actor's organisation and role (or to the actor by name)."""
    return db.session.scalars(
        select(Notification).join(Case, Case.id == Notification.case_id)
        .where(visible_cases(actor).whereclause, Notification.org_id == actor.org_id,
               Notification.role == str(actor.role),
               or_(Notification.user_id.is_(None), Notification.user_id == actor.user_id))
        .order_by(Notification.id.desc()).limit(10)).all()


def render_home(portal: str):
    """The role's start page: what needs the user now, then the caseload."""
    actor = current_actor()
    filters = CaseloadFilters.from_request()
    cases = caseload(actor, filters)
    found, items = inbox_items(actor, filters.inbox_page)
    audit_listing(actor, [c.id for c in cases.items], purpose="portal home")
    return render_template("portals/home.html", portal=portal, title=ROLE_TITLES.get(Role(actor.role), "Your"),
                           inbox=found, items=items, cases=cases, filters=filters, stages=list(Stage),
                           choices=party_choices(actor), notifications=notifications(actor),
                           functional=view_for(actor) is View.FUNCTIONAL, today=date.today())


def _timeline(case: Case, actor: Actor) -> list:
    query = (select(CaseEvent.at, CaseEvent.kind, CaseEvent.summary, CaseEvent.actor_role, User.name)
             .outerjoin(User, User.id == CaseEvent.actor_user_id)
             .where(CaseEvent.case_id == case.id))
    if view_for(actor) is View.FUNCTIONAL:
        query = query.where(CaseEvent.clinical.is_(False))
    return db.session.execute(query.order_by(CaseEvent.at, CaseEvent.id)).all()


def render_case(portal: str, case_id: int):
    """The case: its stage and what it waits for, what this user may do now, and its timeline."""
    actor = current_actor()
    try:
        case = read_case(actor, case_id, purpose="portal case page")
    except NotFound:
        abort(404)
    functional = view_for(actor) is View.FUNCTIONAL
    waiting = [i for i in all_pending(visible_cases(actor).where(Case.id == case.id))
               if not functional or str(i.action.kind) in FUNCTIONAL_ACTIONS]
    own = visible_cases(actor).where(Case.id == case.id)
    mine = {(str(i.action.kind), i.action.subject_id) for i in inbox(actor, own)}
    available = _available(actor, case, portal)
    return render_template(
        "portals/case.html", portal=portal, case=case, functional=functional, timeline=_timeline(case, actor),
        waiting=[{"label": _label(str(i.action.kind)), "role": str(i.action.role).replace("_", " "),
                  "due": i.action.due, "overdue": i.overdue,
                  "mine": (str(i.action.kind), i.action.subject_id) in mine,
                  "why": "" if functional else i.action.reason.text} for i in waiting],
        employer=db.session.get(Organisation, case.employer_id), insurer=db.session.get(Organisation, case.insurer_id),
        available=available, authorizations=[] if functional else authorization_usage(case),
        work=work_status(case, date.today(), clinical=not functional),
        charts=progress_charts(case, clinical=not functional))


def authorization_usage(case: Case) -> list[dict]:
    """The case's authorizations with the sessions used against each approved one."""
    from ..models import Authorization
    from ..services.authorizations import count_sessions

    rows = db.session.scalars(select(Authorization).where(Authorization.case_id == case.id)
                              .order_by(Authorization.start_date, Authorization.id)).all()
    return [{"row": r, "used": count_sessions(r.id) if r.decision in ("approve", "modify") else None} for r in rows]


def _available(actor: Actor, case: Case, portal: str) -> list[dict]:
    """The forms this user may open now, as the command catalogue lists them: one per kind of input the
    command takes now, and one per record it may act on (the request, the offer, the milestone, the week)."""
    from flask import url_for

    from ..services.facts import commands_for
    from .actions import form_for

    links = []
    for command in commands_for(actor, case):
        if not command.available:
            continue
        forms = {form_for(command.command, kind) for kind in command.kinds} - {None}
        for action in sorted(forms, key=lambda a: a.slug):
            for subject in (command.subjects if command.subject else (None,)):
                args = {"case_id": case.id, "slug": action.slug}
                if subject is not None:
                    args["subject_id"] = subject   # the request, offer, milestone or follow-up; for a review, its week
                label = f"Review week {subject}" if command.subject == "week" else action.label
                links.append({"label": label, "url": url_for(f"{portal}.act", **args), "command": command.command,
                              "kind": action.kind, "subject": subject})
    return links


def escalations(actor: Actor, today: date | None = None) -> list[dict]:
    """The open escalated tasks of the actor's cases, oldest due first, with the case's current therapist."""
    from ..models import CaseTask

    today = today or date.today()
    therapist = aliased(User)
    rows = db.session.execute(
        select(CaseTask.id, CaseTask.kind, CaseTask.role, CaseTask.due_on, CaseTask.escalated_at,
               Case.id.label("case_id"), Case.claim_number, Case.worker_name, therapist.name.label("therapist"))
        .join(Case, Case.id == CaseTask.case_id).outerjoin(therapist, therapist.id == Case.therapist_id)
        .where(visible_cases(actor).whereclause, CaseTask.closed_at.is_(None), CaseTask.escalated_at.is_not(None))
        .order_by(CaseTask.due_on, CaseTask.id).limit(CASELOAD_PER_PAGE)).all()
    return [{"task_id": r.id, "case_id": r.case_id, "claim": r.claim_number, "worker": r.worker_name,
             "label": _label(r.kind), "role": r.role.replace("_", " "), "due": r.due_on,
             "days_overdue": (today - r.due_on).days, "escalated_at": r.escalated_at, "therapist": r.therapist}
            for r in rows]
