"""CSV exports of the caseload and of a case's weekly measures, safe to open in a spreadsheet."""

import csv
import io
import re

from flask import Response, abort

from ..auth.sessions import current_actor
from ..policy import View, audit_listing, read_case, view_for
from ..services.unit_of_work import NotFound
from .charts import weekly_reviews
from .common import CaseloadFilters, caseload_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value) -> str:
    """A cell a spreadsheet shows as text: a leading formula character is neutralised (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def download_name(prefix: str, claim_number: str, suffix: str) -> str:
    """A file name for a case's download: the claim number is typed by people, and a quote or a line break
    must never reach the Content-Disposition header."""
    return f"{prefix}-{re.sub(r'[^A-Za-z0-9._-]', '_', claim_number)}{suffix}"


def _csv(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def caseload_csv(portal: str) -> Response:
    """The caseload with the page's filters, as CSV."""
    actor = current_actor()
    cases = caseload_rows(actor, CaseloadFilters.from_request())
    audit_listing(actor, [c.id for c in cases], purpose="caseload export")
    rows = [["claim", "worker", "job", "stage", "employer", "insurer"]]
    rows += [[c.claim_number, c.worker_name, c.job_title, c.stage, c.employer, c.insurer] for c in cases]
    return _csv(rows, "caseload.csv")


def measures_csv(portal: str, case_id: int) -> Response:
    """A case's weekly capacities per task, pain, RPE and fatigue, as CSV (clinical views only)."""
    actor = current_actor()
    if view_for(actor) is View.FUNCTIONAL:
        abort(403)
    try:
        case = read_case(actor, case_id, purpose="measures export")
    except NotFound:
        abort(404)
    tasks = [d.task for d in case.demands]
    rows = [["week", "reviewed_on", *tasks, *(f"{t}_demand" for t in tasks), "pain", "rpe", "fatigue",
             "recommendation"]]
    demand = {d.task: d.amount for d in case.demands}
    for r in weekly_reviews(case):
        measures = r.measures or {}
        rows.append([r.week, r.reviewed_on, *(r.capacities.get(t) for t in tasks), *(demand[t] for t in tasks),
                     measures.get("pain"), measures.get("rpe"), measures.get("fatigue"), r.recommendation])
    return _csv(rows, download_name("measures", case.claim_number, ".csv"))
