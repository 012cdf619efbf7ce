"""CSV exports of the caseload and of a case's weekly measures, safe to open in a spreadsheet."""

import csv
import io
import re

from flask import Response, abort

from ..auth.sessions import current_actor
from ..services.queries.caseload import caseload_rows
from ..services.queries.measures import measures_table
from ..services.queries.records import ClinicalOnly
from ..services.unit_of_work import NotFound
from .common import filters_from_request

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
    cases = caseload_rows(actor, filters_from_request())
    rows = [["claim", "worker", "job", "stage", "employer", "insurer"]]
    rows += [[c.claim_number, c.worker_name, c.job_title, c.stage, c.employer, c.insurer] for c in cases]
    return _csv(rows, "caseload.csv")


def measures_csv(portal: str, case_id: int) -> Response:
    """A case's weekly capacities per task, pain, RPE and fatigue, as CSV (clinical views only)."""
    try:
        table = measures_table(current_actor(), case_id, purpose="measures export")
    except ClinicalOnly:
        abort(403)
    except NotFound:
        abort(404)
    tasks = list(table.case.demand_tasks)
    rows = [["week", "reviewed_on", *tasks, *(f"{t}_demand" for t in tasks), "pain", "rpe", "fatigue",
             "recommendation"]]
    for w in table.weeks:
        rows.append([w.week, w.reviewed_on, *(w.capacities.get(t) for t in tasks), *(table.demands[t] for t in tasks),
                     w.measures.get("pain"), w.measures.get("rpe"), w.measures.get("fatigue"), w.recommendation])
    return _csv(rows, download_name("measures", table.case.claim_number, ".csv"))
