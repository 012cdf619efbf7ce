"""The inbox: pending actions of the actor's cases, loaded in a fixed number of set-based queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, delete, func, or_, select

from ..domain.actions import ActionKind, InboxScope, PendingAction, inbox_scope, pending_actions
from ..domain.actors import Actor, Role
from ..domain.policies import Reason
from ..domain.stages import Stage
from ..extensions import db
from ..models import Case, CaseSchedule, PendingRow
from ..policy import case_scope
from .facts import facts_of


@dataclass(frozen=True)
class InboxItem:
    """One pending action with its case and whether it is overdue."""

    case_id: int
    claim_number: str
    action: PendingAction
    overdue: bool


def store_pending(case: Case, actions: list[PendingAction], today: date, until: date | None) -> None:
    """Keep the case's pending actions as computed on `today`: valid while the case keeps its version and
    until `until` (the next day time alone changes them, from the domain's next_check)."""
    # the case's own change first: its version is then final, and the database's trigger (which clears
    # pending_version and deletes the stored rows whenever the version moves) has run before these are written
    db.session.flush()
    db.session.execute(delete(PendingRow).where(PendingRow.case_id == case.id))
    db.session.add_all(PendingRow(case_id=case.id, kind=str(a.kind), role=str(a.role), due_on=a.due,
                                  subject_key=a.subject_id or 0, reason_code=a.reason.code, reason_text=a.reason.text,
                                  claim_number=case.claim_number, clinic_id=case.clinic_id,
                                  employer_id=case.employer_id, insurer_id=case.insurer_id,
                                  physician_id=case.physician_id, valid_from=today, valid_until=until)
                       for a in actions)
    schedule = db.session.get(CaseSchedule, case.id)
    if schedule is None:
        schedule = CaseSchedule(case_id=case.id)
        db.session.add(schedule)
    schedule.pending_version, schedule.pending_from, schedule.pending_until = case.version, today, until


def _stale(today: date):
    """The stored actions of a case no longer hold on `today` (or were never computed), as the indexes find it:
    every case has its schedule (opened with it) and a change of its version clears pending_version (the
    database's trigger), so no visible case's version is compared here."""
    return or_(CaseSchedule.pending_version.is_(None), CaseSchedule.pending_from > today,
               CaseSchedule.pending_until <= today)


def _stale_items(cases_query, today: date) -> list[InboxItem]:
    """The pending actions of the selected open cases whose stored ones no longer hold (changed since the flows
    last looked, or reached a day that changes what is due), worked out from their facts now."""
    stale = db.session.scalars(cases_query.where(Case.stage != Stage.CLOSED).join(
        CaseSchedule, CaseSchedule.case_id == Case.id).where(_stale(today))).all()
    facts = facts_of(stale, today)
    items = [InboxItem(case.id, case.claim_number, action, action.overdue(today))
             for case in stale for action in pending_actions(facts[case.id], today)]
    return sorted(items, key=_order)


def _holds(today: date):
    """A stored row holds on `today`: rows of a case whose version moved are gone (the database deletes them),
    so what is left holds between the day it was computed and the next day time alone changes it."""
    return and_(PendingRow.valid_from <= today, or_(PendingRow.valid_until.is_(None), PendingRow.valid_until > today))


def _stored(cases_query, today: date):
    """A select of the stored actions (with the claim number) of the selected cases that still hold (a closed
    case stores none)."""
    stored = select(PendingRow, PendingRow.claim_number).where(_holds(today))
    if cases_query.whereclause is not None:   # the same cases as the caller's query (its party's, its filters)
        stored = stored.join(Case, Case.id == PendingRow.case_id).where(cases_query.whereclause)
    return stored


# The inbox's order: by due date, so overdue actions come first (an action is overdue exactly when its due
# date has passed), then by case; within a case, by kind. SQL orders the stored rows the same way.
STORED_ORDER = (PendingRow.due_on, PendingRow.case_id, PendingRow.kind, PendingRow.subject_key, PendingRow.id)


def _order(item: InboxItem):
    return item.action.due, item.case_id, str(item.action.kind), item.action.subject_id or 0


# what an inbox item needs of a stored row
ITEM_COLUMNS = (PendingRow.case_id, PendingRow.kind, PendingRow.role, PendingRow.due_on, PendingRow.reason_code,
                PendingRow.reason_text, PendingRow.subject_key, PendingRow.claim_number)


def _item(row, claim: str, today: date) -> InboxItem:
    """An inbox item from a stored row (the entity, or its ITEM_COLUMNS)."""
    return InboxItem(row.case_id, claim, _action(row), today > row.due_on)


def all_pending(cases_query, today: date | None = None) -> list[InboxItem]:
    """Every pending action of the open cases selected, whoever owes it: overdue first, then by due date.

    Cases whose stored actions still hold are read in one query; the others are worked out from their facts
    here, so the answer is always today's, and fast once the flows have caught up."""
    today = today or date.today()
    items = _stale_items(cases_query, today)
    items += [_item(row, claim, today) for row, claim in db.session.execute(_stored(cases_query, today)).all()]
    return sorted(items, key=_order)


def _action(row: PendingRow) -> PendingAction:
    return PendingAction(ActionKind(row.kind), Role(row.role), row.due_on, Reason(row.reason_code, row.reason_text),
                         row.subject_key or None)


def _in_scope(scope: InboxScope, today: date):
    """The domain's inbox scope as a condition on stored rows."""
    owed = PendingRow.role.in_(sorted(str(r) for r in scope.roles))
    return or_(owed, PendingRow.due_on < today) if scope.all_overdue else owed


def inbox(actor: Actor, cases_query, today: date | None = None) -> list[InboxItem]:
    """The actor's pending actions across its visible open cases: overdue first, then by due date and id."""
    today = today or date.today()
    return owed_by(actor, all_pending(cases_query, today), today)


def owed_by(actor: Actor, items: list[InboxItem], today: date | None = None) -> list[InboxItem]:
    """Of pending actions already read, those in the actor's inbox (its role's, and any overdue it must see)."""
    today = today or date.today()
    scope = inbox_scope(Role(actor.role))
    return [i for i in items if scope.includes(i.action, today)]


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows and how many the whole list holds."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list fills (at least one)."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, kw_only=True)
class InboxPage(Page):
    """One page of an actor's inbox, with how many of all its actions are overdue."""

    overdue: int


def inbox_page(actor: Actor, cases_query, page: int = 1, per_page: int = 50,
               today: date | None = None) -> InboxPage:
    """One page of the actor's inbox in the order of `inbox`, its filter, order and page taken in SQL.

    The stale cases' m actions are worked out here (few once the flows have caught up); each stored row of
    rank i in SQL's order then sits at i plus the stale actions before it, between i and i + m, so the page's
    rows are among ranks [start - m, end) of the stored ones, read as one window."""
    today = today or date.today()
    scope = inbox_scope(Role(actor.role))
    stale = [i for i in _stale_items(cases_query, today) if scope.includes(i.action, today)]
    held = (_holds(today), case_scope(actor, of=PendingRow), _in_scope(scope, today))
    start, end = (page - 1) * per_page, page * per_page
    offset = max(0, start - len(stale))
    # the page's rows through the party's index in the inbox's order (the scan stops at the page's end), then how
    # many there are and how many are overdue, from that index alone (nothing sorted, no row read)
    rows = db.session.execute(select(*ITEM_COLUMNS).where(*held)   # the columns an item shows: no entity to build
                              .order_by(*STORED_ORDER).offset(offset).limit(end - offset)).all()
    total, overdue = db.session.execute(select(func.count(), func.count().filter(PendingRow.due_on < today))
                                        .where(*held)).one()
    total, overdue = total + len(stale), overdue + sum(1 for i in stale if i.overdue)
    window = [_item(row, row.claim_number, today) for row in rows]
    # Placed after the `offset` stored rows before the window, a stale action that truly ranks before the
    # window lands below `start` (offset + m - 1 at most) and one after it lands at `end` or later: neither
    # shows on the page, so the page's slice is exact. Stale and stored actions never share a case, so
    # (due, case) orders them; within a case, each source keeps its own order.
    merged = sorted(window + stale, key=lambda i: (i.action.due, i.case_id))
    return InboxPage(merged[start - offset:end - offset], total, page, per_page, overdue=overdue)


def overdue_cases(cases_query, today: date | None = None):
    """A condition on Case true for the selected cases with any party's action overdue: the stored rows in a
    subquery, the stale cases' ids worked out here, so a filter on it pages in SQL."""
    today = today or date.today()
    late = {i.case_id for i in _stale_items(cases_query, today) if i.overdue}
    stored = select(PendingRow.case_id).where(_holds(today), PendingRow.due_on < today)
    return or_(Case.id.in_(stored), Case.id.in_(late)) if late else Case.id.in_(stored)
