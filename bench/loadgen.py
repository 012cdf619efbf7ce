"""Load generator: the demo's nine cases, built once through the real services, copied in bulk to any caseload.

Each copy is a whole case (demands, schedule, clearances, authorizations, sessions, reviews, targets, offers,
milestones, restrictions, follow-ups, open tasks and timeline) in the stage its template is in, so pages and
flows meet the same mix of work as in the demo. Copies are written with multi-row INSERT ... RETURNING in
batches; audit entries, outbox rows and notifications are not copied (they are history, not caseload)."""

from datetime import date, timedelta

from sqlalchemy import insert, select

from coordinator.extensions import db
from coordinator.models import Case

# child tables in insertion order; program_session points at its authorization, notification is history
CHILDREN = ("authorization", "job_demand", "case_schedule", "clearance", "capacity_measure", "weekly_target",
            "program_session", "weekly_review", "duty_offer", "milestone", "restriction_set", "follow_up",
            "case_task", "pending_action", "case_event")
# a task's or pending action's subject names a row of the same case: the copy names the copied row
SUBJECTS = {"authorization_decision": "authorization", "offer_answer": "duty_offer",
            "milestone_confirmation": "milestone", "follow_up": "follow_up"}
BATCH = 500   # cases per round trip set: big enough to amortise, small enough for SQLite's variable limit


def _table(name: str):
    return db.metadata.tables[name]


def _rows_by_case(table, case_ids: list[int]) -> dict[int, list[dict]]:
    rows: dict[int, list[dict]] = {}
    order = list(table.primary_key.columns)
    for row in db.session.execute(select(table).where(table.c.case_id.in_(case_ids)).order_by(*order)).mappings():
        rows.setdefault(row["case_id"], []).append(dict(row))
    return rows


def copy_cases(copies: int, templates: list[int] | None = None, start: int = 0) -> int:
    """Insert `copies` new cases cloned round-robin from `templates` (default: every case); returns the count."""
    case_t = Case.__table__
    templates = templates or list(db.session.scalars(select(Case.id).order_by(Case.id)))
    template_rows = {r["id"]: dict(r) for r in db.session.execute(
        select(case_t).where(case_t.c.id.in_(templates))).mappings()}
    children = {name: _rows_by_case(_table(name), templates) for name in CHILDREN}
    done = 0
    while done < copies:
        n = min(BATCH, copies - done)
        sources = [templates[(start + done + i) % len(templates)] for i in range(n)]
        new_cases = []
        for i, source in enumerate(sources):
            row = {k: v for k, v in template_rows[source].items() if k != "id"}
            number = start + done + i
            row["claim_number"] = f"LG-{number:07d}"
            row["worker_name"] = f"Worker {number:07d}"
            new_cases.append(row)
        new_ids = _insert(case_t, new_cases)
        _copy_children(children, list(zip(sources, new_ids)))
        done += n
    db.session.commit()
    return done


def _insert(table, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    if "id" not in table.c:   # keyed by its case (case_schedule): nothing to map
        db.session.execute(insert(table), rows)
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.execute(statement, rows).scalars())


def _copy_children(children: dict, pairs: list[tuple[int, int]]) -> None:
    copied: dict[tuple[str, int, int], int] = {}   # (table, new case, old id) -> new id
    for name in CHILDREN:
        table, rows, origin = _table(name), [], []
        for source, new_case in pairs:
            for row in children[name].get(source, []):
                copy = {k: v for k, v in row.items() if k != "id"}
                copy["case_id"] = new_case
                if name == "case_schedule" and copy.get("next_check_on") is not None:
                    # a live caseload is checked on a rolling basis: about a seventh of it falls due each day
                    copy["next_check_on"] = date.today() + timedelta(days=new_case % 7)
                if name == "program_session" and copy.get("authorization_id") is not None:
                    copy["authorization_id"] = copied[("authorization", new_case, row["authorization_id"])]
                if name in ("case_task", "pending_action") and copy["kind"] in SUBJECTS and copy["subject_key"]:
                    copy["subject_key"] = copied[(SUBJECTS[copy["kind"]], new_case, copy["subject_key"])]
                rows.append(copy)
                origin.append((name, new_case, row.get("id")))
        copied.update(zip(origin, _insert(table, rows)))
