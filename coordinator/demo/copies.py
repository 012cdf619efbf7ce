"""Load generator: the demo's cases, built once through the real services, copied in bulk to any caseload.

Each copy is a whole case (demands, schedule, clearances, authorizations, sessions, reviews, targets, offers,
milestones, restrictions, follow-ups, open tasks, pending actions and timeline) in the stage its template is in,
so pages and flows meet the same mix of work as in the demo. The database copies the rows itself: one
INSERT ... SELECT per table and batch, the new ids worked out in the statement (a block reserved above each
table's highest id), so nothing travels through Python but a small map of which copy is made from which case.
Audit entries, outbox rows and notifications are not copied (they are history, not caseload)."""

from datetime import date, timedelta

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, and_, case, func, insert, literal, null, select, text
from sqlalchemy.orm import aliased

from coordinator.extensions import db
from coordinator.models import Case

# child tables in insertion order; program_session points at its authorization, notification is history
CHILDREN = ("authorization", "job_demand", "case_schedule", "clearance", "capacity_measure", "weekly_target",
            "program_session", "weekly_review", "duty_offer", "milestone", "restriction_set", "follow_up",
            "case_task", "pending_action", "case_event")
# a task's or pending action's subject names a row of the same case: the copy names the copied row
SUBJECTS = {"authorization_decision": "authorization", "offer_check": "duty_offer", "offer_answer": "duty_offer",
            "milestone_confirmation": "milestone", "follow_up": "follow_up"}
BATCH = 5000   # copies per round of statements: one transaction's worth, a progress step at 100,000

_scratch = MetaData()
# copy k of this batch: the case it copies, the id it gets, its names and its next check
COPY_MAP = Table("loadgen_copy", _scratch, Column("k", Integer, primary_key=True), Column("template_id", Integer),
                 Column("new_id", Integer), Column("claim_number", String(64)), Column("worker_name", String(200)),
                 Column("next_check_on", Date), prefixes=["TEMPORARY"])
# each template row: its table, id, and where its copies go (copy k's id is base + k * stride + slot)
ROW_MAP = Table("loadgen_row", _scratch, Column("tbl", String(64), primary_key=True),
                Column("old_id", Integer, primary_key=True), Column("slot", Integer), Column("base", Integer),
                Column("stride", Integer), prefixes=["TEMPORARY"])


def _table(name: str):
    return db.metadata.tables[name]


def _next_id(table) -> int:
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def _row_map(templates: list[int], copies: int) -> list[dict]:
    """Every template row of each child table with an id, its slot among its case's rows and its table's block
    (reserved above the highest id: `copies` times the most rows any template has)."""
    rows = []
    for name in CHILDREN:
        table = _table(name)
        if "id" not in table.c:   # keyed by its case (case_schedule): nothing to map
            continue
        by_case: dict[int, list[int]] = {}
        for case_id, row_id in db.session.execute(select(table.c.case_id, table.c.id).where(
                table.c.case_id.in_(templates)).order_by(table.c.case_id, table.c.id)):
            by_case.setdefault(case_id, []).append(row_id)
        stride, base = max((len(ids) for ids in by_case.values()), default=0), _next_id(table)
        rows += [{"tbl": name, "old_id": row_id, "slot": slot, "base": base, "stride": stride}
                 for ids in by_case.values() for slot, row_id in enumerate(ids)]
    return rows


def _new_id(row_map, copy_map):
    return row_map.c.base + copy_map.c.k * row_map.c.stride + row_map.c.slot


def _copy_table(name: str) -> None:
    """One INSERT ... SELECT copying the table's template rows for every copy in the map."""
    table = _table(name)
    source, copy_map = table.alias("src"), COPY_MAP
    values = {c.name: source.c[c.name] for c in table.c}
    values["case_id"] = copy_map.c.new_id
    query = select().select_from(source.join(copy_map, copy_map.c.template_id == source.c.case_id))
    if "id" in table.c:
        own = aliased(ROW_MAP, name="own")
        query = query.join(own, and_(own.c.tbl == name, own.c.old_id == source.c.id))
        values["id"] = _new_id(own, copy_map)
    if name == "case_schedule":
        # a live caseload is checked on a rolling basis: about a seventh of it falls due each day
        values["next_check_on"] = case((source.c.next_check_on.is_(None), None), else_=copy_map.c.next_check_on)
    if name == "program_session":
        auth = aliased(ROW_MAP, name="auth")
        query = query.outerjoin(auth, and_(auth.c.tbl == "authorization", auth.c.old_id == source.c.authorization_id))
        values["authorization_id"] = case((auth.c.old_id.is_(None), source.c.authorization_id),
                                          else_=_new_id(auth, copy_map))
    if name == "pending_action":   # each stored action names its own case's claim
        values["claim_number"] = copy_map.c.claim_number
    if name in ("case_task", "pending_action"):
        subject = aliased(ROW_MAP, name="subject")
        subject_table = case(*((source.c.kind == kind, literal(tbl)) for kind, tbl in SUBJECTS.items()), else_=None)
        query = query.outerjoin(subject, and_(subject.c.tbl == subject_table, subject.c.old_id == source.c.subject_key))
        values["subject_key"] = case((subject.c.old_id.is_(None), source.c.subject_key),
                                     else_=_new_id(subject, copy_map))
    columns = list(values)
    db.session.execute(insert(table).from_select(columns, query.add_columns(*(values[c] for c in columns))))


def copy_cases(copies: int, templates: list[int] | None = None, start: int = 0) -> int:
    """Insert `copies` new cases cloned round-robin from `templates` (default: every case); returns the count."""
    case_t = Case.__table__
    templates = templates or list(db.session.scalars(select(Case.id).order_by(Case.id)))
    connection = db.session.connection()
    _scratch.create_all(connection)
    try:
        db.session.execute(insert(ROW_MAP), _row_map(templates, copies))
        first_case, today, done = _next_id(case_t), date.today(), 0
        while done < copies:
            n = min(BATCH, copies - done)
            db.session.execute(COPY_MAP.delete())
            db.session.execute(insert(COPY_MAP), [_copy_row(done + i, start + done + i, templates, first_case, today)
                                                  for i in range(n)])
            _copy_case()
            for name in CHILDREN:
                _copy_table(name)
            done += n
        _advance_sequences(["case", *CHILDREN])
    finally:
        _scratch.drop_all(connection)
    db.session.commit()
    return done


def _copy_row(k: int, number: int, templates: list[int], first_case: int, today: date) -> dict:
    new_id = first_case + k
    return {"k": k, "template_id": templates[number % len(templates)], "new_id": new_id,
            "claim_number": f"LG-{number:07d}", "worker_name": f"Worker {number:07d}",
            "next_check_on": today + timedelta(days=new_id % 7)}


def _copy_case() -> None:
    case_t, copy_map = Case.__table__, COPY_MAP
    source = case_t.alias("src")
    values = {c.name: source.c[c.name] for c in case_t.c}
    # a copy is another worker's case: it has no worker account (theirs would be another person's)
    values.update(id=copy_map.c.new_id, claim_number=copy_map.c.claim_number, worker_name=copy_map.c.worker_name,
                  worker_id=null())
    columns = list(values)
    query = select(*(values[c] for c in columns)).select_from(
        source.join(copy_map, copy_map.c.template_id == source.c.id))
    db.session.execute(insert(case_t).from_select(columns, query))


def _advance_sequences(names: list[str]) -> None:
    """PostgreSQL's id sequences past the copied ids (SQLite takes the highest rowid by itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in names:
        table = _table(name)
        if "id" in table.c:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                    f"(SELECT coalesce(max(id), 1) FROM \"{name}\"))"))
