"""The approvals board of a case manager or an insurer: every open request of its cases with its clock, filtered and
paged; and each insurer's record over a period (turnaround median and 90th percentile, approval, modification and
denial rates, late decisions, turnaround by week). All in SQL, through the party's index on the requests."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Float, and_, case as when, cast, func, select
from sqlalchemy.orm import aliased

from ...domain.actors import Actor, Role
from ...domain.utilization_review import BOARD_ROLES, Clock, clock_of
from ...extensions import db
from ...models import Authorization, Case, Organisation
from ...policy import request_scope
from ..inbox import Page
from .access import record_listing

OPEN = ("pending", "pended")
FINAL = ("approve", "modify", "deny")
LATENESS = ("late", "due_soon", "on_time")
SOON = timedelta(hours=48)


class NotOnBoard(Exception):
    """The actor's role keeps no approvals board."""


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters (read leniently from a page's query string, or validated by the API's schema)."""

    insurer_id: int | None = None
    clinic_id: int | None = None
    stage: str = ""
    lateness: str = ""          # late, due_soon (within 48 hours) or on_time
    page: int = 1


@dataclass(frozen=True)
class BoardRow:
    """One open request as the board shows it."""

    id: int
    case_id: int
    claim_number: str
    worker_name: str
    stage: str
    insurer: str
    clinic: str
    kind: str
    appeal: bool
    expedited: bool
    status: str
    submitted_on: date
    due_at: datetime
    clock: Clock


def _scope(actor: Actor):
    if Role(actor.role) not in BOARD_ROLES:
        raise NotOnBoard(actor.role)
    return request_scope(actor)   # the request keeps its case's clinic and insurer


def _open(actor: Actor, filters: BoardFilters, now: datetime):
    """The condition on Authorization (and Case, for the stage) the board's rows meet."""
    conditions = [_scope(actor), Authorization.status.in_(OPEN)]
    if filters.insurer_id:
        conditions.append(Authorization.insurer_id == filters.insurer_id)
    if filters.clinic_id:
        conditions.append(Authorization.clinic_id == filters.clinic_id)
    if filters.stage:
        conditions.append(Case.stage == filters.stage)
    # a pended request's clock waits for the clinic: it is never late, nor due soon
    running = Authorization.status == "pending"
    if filters.lateness == "late":
        conditions += [running, Authorization.due_at < now]
    elif filters.lateness == "due_soon":
        conditions += [running, Authorization.due_at >= now, Authorization.due_at < now + SOON]
    elif filters.lateness == "on_time":
        conditions.append(~and_(running, Authorization.due_at < now))
    return and_(*conditions)


def approvals_board(actor: Actor, filters: BoardFilters, per_page: int = 50, now: datetime | None = None) -> Page:
    """One page of the actor's open requests, soonest due first, with their clocks; the listing audited."""
    now = now or datetime.now(UTC)
    insurer, clinic = aliased(Organisation), aliased(Organisation)
    condition = _open(actor, filters, now)
    query = (select(Authorization.id, Authorization.case_id, Case.claim_number, Case.worker_name, Case.stage,
                    insurer.name, clinic.name, Authorization.kind, Authorization.appeal_of_id,
                    Authorization.expedited, Authorization.status, Authorization.submitted_on, Authorization.due_at)
             .join(Case, Case.id == Authorization.case_id)
             .join(insurer, insurer.id == Authorization.insurer_id).join(clinic, clinic.id == Authorization.clinic_id)
             .where(condition).order_by(Authorization.due_at, Authorization.id)
             .limit(per_page).offset((filters.page - 1) * per_page))
    counted = select(func.count()).select_from(Authorization)
    if filters.stage:
        counted = counted.join(Case, Case.id == Authorization.case_id)
    total = db.session.scalar(counted.where(condition))
    rows = [BoardRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8] is not None, r[9], r[10], r[11], r[12],
                     clock_of(_aware(r[12]), now, r[9], pended=r[10] == "pended"))
            for r in db.session.execute(query)]
    record_listing(actor, sorted({r.case_id for r in rows}), purpose="approvals board")
    return Page(rows, total, filters.page, per_page)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class InsurerRecord:
    """An insurer's final decisions over a period: how many, how fast, how they went, how many late."""

    insurer_id: int
    insurer: str
    decisions: int
    median_days: float | None
    p90_days: float | None
    approved: int
    modified: int
    denied: int
    late: int

    def rate(self, count: int) -> float:
        """A share of the decisions (0 when there are none)."""
        return count / self.decisions if self.decisions else 0.0


@dataclass(frozen=True)
class WeekTurnaround:
    """One week's final decisions of an insurer: how many, and their mean turnaround in days."""

    insurer_id: int
    week_of: date
    decisions: int
    mean_days: float


def _decided(actor: Actor, start: date, end: date):
    """The actor's final decisions made from `start` to `end` (both included)."""
    first = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    after = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return and_(_scope(actor), Authorization.decision.in_(FINAL), Authorization.turnaround_hours.is_not(None),
                Authorization.decided_at >= first, Authorization.decided_at < after)


def insurer_records(actor: Actor, start: date, end: date) -> list[InsurerRecord]:
    """Per insurer of the actor's requests, its decisions from `start` to `end`: the median and 90th percentile
    turnaround (nearest rank) in days, the counts by outcome and the late ones; in one statement."""
    ranked = select(
        Authorization.insurer_id, Authorization.decision, Authorization.late,
        (Authorization.turnaround_hours / 24.0).label("days"),
        func.row_number().over(partition_by=Authorization.insurer_id,
                               order_by=Authorization.turnaround_hours).label("rank"),
        func.count().over(partition_by=Authorization.insurer_id).label("n"),
    ).where(_decided(actor, start, end)).subquery()

    def nearest(share: float):
        # the nearest-rank percentile: the smallest value whose rank reaches share x n
        return func.min(when((cast(ranked.c.rank, Float) >= share * ranked.c.n, ranked.c.days)))

    def counted(condition):
        return func.sum(when((condition, 1), else_=0))

    query = (select(ranked.c.insurer_id, Organisation.name, func.count(), nearest(0.5), nearest(0.9),
                    counted(ranked.c.decision == "approve"), counted(ranked.c.decision == "modify"),
                    counted(ranked.c.decision == "deny"), counted(ranked.c.late.is_(True)))
             .join(Organisation, Organisation.id == ranked.c.insurer_id)
             .group_by(ranked.c.insurer_id, Organisation.name).order_by(Organisation.name))
    return [InsurerRecord(*row) for row in db.session.execute(query)]


def turnaround_by_week(actor: Actor, start: date, end: date) -> list[WeekTurnaround]:
    """Per insurer and week (from the Monday of `start`), the decisions and their mean turnaround in days: the
    database sums by day, the weeks are made of its days here."""
    day = func.date(Authorization.decided_at) if db.engine.dialect.name == "sqlite" else cast(
        func.timezone("UTC", Authorization.decided_at), db.Date)
    query = (select(Authorization.insurer_id, day, func.count(), func.sum(Authorization.turnaround_hours))
             .where(_decided(actor, start, end)).group_by(Authorization.insurer_id, day))
    weeks: dict[tuple[int, date], list[float]] = {}
    for insurer_id, on, count, hours in db.session.execute(query):
        on = on if isinstance(on, date) else date.fromisoformat(on)
        monday = on - timedelta(days=on.weekday())
        totals = weeks.setdefault((insurer_id, monday), [0, 0.0])
        totals[0] += count
        totals[1] += hours or 0.0
    return [WeekTurnaround(insurer_id, monday, n, hours / n / 24.0)
            for (insurer_id, monday), (n, hours) in sorted(weeks.items(), key=lambda item: (item[0][1], item[0][0]))]


def board_choices(actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """The insurers and clinics the actor's open requests involve, for the board's filters."""
    query = (select(Organisation.id, Organisation.name, Organisation.kind)
             .where(Organisation.id.in_(select(Authorization.insurer_id).where(_scope(actor)).union(
                 select(Authorization.clinic_id).where(_scope(actor)))))
             .order_by(Organisation.name))
    found = {"insurers": [], "clinics": []}
    for org_id, name, kind in db.session.execute(query):
        found["insurers" if kind == "insurer" else "clinics"].append((org_id, name))
    return found
