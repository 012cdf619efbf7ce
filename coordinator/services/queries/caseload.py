"""The actor's caseload (filtered, searched, paged, exported), the API's case list, and the start page's
other parts: notifications, the filters' choices and the case manager's escalations."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from ...domain.actors import Actor, OrgKind
from ...extensions import db
from ...models import Case, CaseTask, Notification, Organisation, User
from ...policy import visible_cases
from ..inbox import InboxPage, Page, inbox_page, overdue_cases
from .access import record_listing
from .records import page_of


@dataclass(frozen=True)
class CaseloadFilters:
    """The caseload's filters and the pages shown; the portal reads them leniently from the query string."""

    stage: str = ""
    overdue: bool = False
    employer_id: int | None = None
    insurer_id: int | None = None
    q: str = ""
    page: int = 1          # of the caseload
    inbox_page: int = 1    # of the inbox


def _filtered(actor: Actor, filters: CaseloadFilters):
    """The actor's cases with the filters applied, with employer and insurer names, in claim order."""
    employer, insurer = aliased(Organisation), aliased(Organisation)
    query = (select(Case.id, Case.claim_number, Case.worker_name, Case.job_title, Case.stage,
                    employer.name.label("employer"), insurer.name.label("insurer"))
             .join(employer, employer.id == Case.employer_id).join(insurer, insurer.id == Case.insurer_id)
             .where(_conditions(actor, filters)))
    return query.order_by(Case.claim_number, Case.id)


def _conditions(actor: Actor, filters: CaseloadFilters):
    """The filters as one condition on Case (the count reads it without the names' joins)."""
    query = select(Case.id).where(visible_cases(actor).whereclause)
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
    return query.whereclause


def caseload(actor: Actor, filters: CaseloadFilters, per_page: int) -> Page:
    """One page of the actor's cases with the filters applied, and how many match."""
    query = _filtered(actor, filters)
    # two statements, not a window: the page walks the claim-number index and stops at its last row, the count
    # reads the party's index alone (a window over the page would sort every visible case first)
    total = db.session.scalar(select(func.count()).select_from(Case).where(_conditions(actor, filters)))
    rows = db.session.execute(query.limit(per_page).offset((filters.page - 1) * per_page)).all()
    return Page(rows, total, filters.page, per_page)


def caseload_rows(actor: Actor, filters: CaseloadFilters, purpose: str = "caseload export") -> list:
    """Every case of the actor's that the filters select (the export), in claim order, the read audited."""
    rows = db.session.execute(_filtered(actor, filters)).all()
    record_listing(actor, [c.id for c in rows], purpose=purpose)
    return rows


def case_list(actor: Actor, *, page: int, per_page: int, stage: str | None = None, employer_id: int | None = None,
              insurer_id: int | None = None, overdue: bool | None = None) -> Page:
    """The API's list: the actor's cases filtered, in pages ordered by id, with their job demands loaded."""
    query = visible_cases(actor)
    for column, value in ((Case.stage, stage), (Case.employer_id, employer_id), (Case.insurer_id, insurer_id)):
        if value is not None:
            query = query.where(column == value)
    if overdue is not None:
        late = overdue_cases(query)
        query = query.where(late if overdue else ~late)
    return page_of(query.options(selectinload(Case.demands)), page, per_page, (Case.id,))


def party_choices(actor: Actor) -> dict[str, list]:
    """The employers and insurers of the actor's cases, for the caseload's filters."""
    scope = visible_cases(actor).whereclause
    # one statement: each organisation with a case of the actor's where it is the employer, or the insurer;
    # each EXISTS stops at its first case through the party's index (organisations are few, cases many)
    employs = select(Case.id).where(Case.employer_id == Organisation.id, scope).exists()
    insures = select(Case.id).where(Case.insurer_id == Organisation.id, scope).exists()
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.kind)
        .where(or_(and_(Organisation.kind == OrgKind.EMPLOYER, employs),
                   and_(Organisation.kind == OrgKind.INSURER, insures)))
        .order_by(Organisation.name, Organisation.id)).all()
    return {"employers": [r for r in rows if r.kind == OrgKind.EMPLOYER],
            "insurers": [r for r in rows if r.kind == OrgKind.INSURER]}


@dataclass(frozen=True)
class NotificationLine:
    """One notification as a person reads it: what, about which claim, when, and whether it is new to them."""

    id: int
    case_id: int
    claim_number: str
    subject: str
    created_at: object
    unread: bool


@dataclass(frozen=True)
class NotificationCentre:
    """The latest notifications (one line per message: a repeat shows once, at its newest) and how many are unread."""

    lines: list
    unread: int


def notifications_of(actor: Actor):
    """The query of the notifications sent to the actor's organisation and role (or to the actor by name)."""
    return (select(Notification.id, Notification.case_id, Case.claim_number, Notification.subject,
                   Notification.created_at)
            .join(Case, Case.id == Notification.case_id)
            .where(visible_cases(actor).whereclause, Notification.org_id == actor.org_id,
                   Notification.role == str(actor.role),
                   or_(Notification.user_id.is_(None), Notification.user_id == actor.user_id)))


def notifications(actor: Actor, shown: int = 10) -> NotificationCentre:
    """The actor's notification centre: the newest lines first, repeats folded into one, the unread counted."""
    user = db.session.get(User, actor.user_id)   # the signed-in user, already in the session: no read
    read_to = (user.notifications_read_to if user is not None else 0) or 0
    rows = db.session.execute(notifications_of(actor).order_by(Notification.id.desc()).limit(shown * 5)).all()
    lines, seen = [], set()
    for r in rows:
        if (r.case_id, r.subject) in seen:
            continue   # the same message again (a reminder of the same task): one line, the newest
        seen.add((r.case_id, r.subject))
        lines.append(NotificationLine(r.id, r.case_id, r.claim_number, r.subject, r.created_at, r.id > read_to))
    return NotificationCentre(lines[:shown], sum(1 for line in lines if line.unread))


def inbox_for(actor: Actor, page: int, per_page: int) -> InboxPage:
    """One page of the actor's pending actions across its cases, overdue first."""
    return inbox_page(actor, visible_cases(actor), page, per_page)


def escalated_tasks(actor: Actor, limit: int, today: date | None = None) -> list:
    """The open escalated tasks of the actor's cases, oldest due first, with the case's current therapist;
    the read audited."""
    therapist = aliased(User)
    rows = db.session.execute(
        select(CaseTask.id, CaseTask.kind, CaseTask.role, CaseTask.due_on, CaseTask.escalated_at,
               Case.id.label("case_id"), Case.claim_number, Case.worker_name, therapist.name.label("therapist"))
        .join(Case, Case.id == CaseTask.case_id).outerjoin(therapist, therapist.id == Case.therapist_id)
        .where(visible_cases(actor).whereclause, CaseTask.closed_at.is_(None), CaseTask.escalated_at.is_not(None))
        .order_by(CaseTask.due_on, CaseTask.id).limit(limit)).all()
    record_listing(actor, sorted({r.case_id for r in rows}), purpose="escalations")
    return rows
