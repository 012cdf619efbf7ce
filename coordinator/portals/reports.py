"""A case's progress report as a PDF for the insurer, the physician and clinic staff: stored results, rendered."""

import unicodedata
from datetime import date

from flask import Response, abort
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..auth.sessions import current_actor
# the same read side the insurer's decision form and the case page use, so the PDF cannot drift from them
from ..services.queries.measures import ProgressReport, progress_report
from ..services.queries.records import ClinicalOnly
from ..services.unit_of_work import NotFound
from .exports import download_name


def progress_report_pdf(portal: str, case_id: int) -> Response:
    """The case's progress report as a PDF download (clinical views only; the employer is refused)."""
    try:
        report = progress_report(current_actor(), case_id)
    except ClinicalOnly:
        abort(403)
    except NotFound:
        abort(404)
    filename = download_name("progress", report.case.claim_number, ".pdf")
    return Response(bytes(_render(report)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


def latin1(value) -> str:
    """Text the PDF core fonts can draw: accents kept, a letter with a latin-1 base letter reduced to it, else '?'."""
    return "".join(_latin1_char(c) for c in ("-" if value is None else str(value)))


def _latin1_char(c: str) -> str:
    # the core fonts know latin-1 only, and fpdf2 ships no Unicode font to fall back to
    if ord(c) < 256:
        return c
    base = unicodedata.normalize("NFKD", c)[0]
    return base if ord(base) < 256 else "?"


def _number(value) -> str:
    return "-" if value is None else f"{value:g}"


def _percent(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def _render(report: ProgressReport) -> bytearray:
    pdf = FPDF()
    pdf.set_title(f"Progress report {report.case.claim_number}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _line(pdf, "Progress report", height=10)
    _facts(pdf, report)
    _heading(pdf, "Authorizations")
    _authorization_table(pdf, report.authorizations)
    _heading(pdf, "Latest weekly review")
    _review(pdf, report.latest)
    if report.table.weeks:
        _heading(pdf, "Weekly measures")
        _measures_table(pdf, report.table)
    return pdf.output()


def _line(pdf: FPDF, text: str, height: float = 6) -> None:
    pdf.multi_cell(0, height, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    _line(pdf, text, height=8)
    pdf.set_font("Helvetica", size=10)


def _table(pdf: FPDF, rows: list[list], widths: list[int] | None = None) -> None:
    pdf.set_font("Helvetica", size=9)
    with pdf.table(text_align="LEFT", col_widths=widths) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(latin1(value))
    pdf.set_font("Helvetica", size=10)


def _facts(pdf: FPDF, report: ProgressReport) -> None:
    case = report.case
    facts = [("Claim", case.claim_number), ("Worker", case.worker_name), ("Job title", case.job_title),
             ("Employer", case.employer), ("Insurer", case.insurer), ("Stage", case.stage.replace("_", " "))]
    if report.program_started_on:
        facts.append(("Program started", report.program_started_on.isoformat()))
    facts.append(("Report date", date.today().isoformat()))
    if report.standing:
        facts.append(("Status", report.standing))
    pdf.set_font("Helvetica", size=10)
    for label, value in facts:
        _line(pdf, f"{label}: {value}")


def _authorization_table(pdf: FPDF, rows: list[dict]) -> None:
    if not rows:
        _line(pdf, "No authorization requested yet.")
        return
    table = [["Kind", "Period", "Requested", "Decision", "Sessions used / authorized"]]
    for a in rows:
        r = a["row"]
        table.append([r.kind, f"{r.start_date.isoformat()} to {r.end_date.isoformat()}",
                      f"{r.requested_sessions} sessions", a["status"],
                      "-" if a["used"] is None else f"{a['used']} / {r.approved_sessions}"])
    _table(pdf, table, widths=[2, 4, 2, 2, 3])


def _review(pdf: FPDF, report: dict | None) -> None:
    if report is None:
        _line(pdf, "No weekly review yet.")
        return
    _line(pdf, f"Week ending: {report.get('week_ending') or '-'}")
    _line(pdf, f"Recommendation: {report['recommendation']}")
    _line(pdf, f"Ready for the job: {'yes' if report['ready_for_job'] else 'no'}"
               f"; plateau: {'yes' if report['plateau'] else 'no'}; attendance: {_percent(report['attendance'])}")
    table = [["Task", "Critical", "Demand", "Capacity", "Readiness", "Ready"]]
    table += [[d["task"].replace("_", " "), "yes" if d["critical"] else "no", _number(d["demand"]),
               _number(d["capacity"]), _percent(d["readiness"]), "yes" if d["ready"] else "no"]
              for d in report.get("demands", [])]
    _table(pdf, table)
    pdf.ln(2)
    for label, texts in (("Reasons", [r["text"] for r in report.get("reasons", [])]),
                         ("Red flags", report.get("red_flags", []))):
        if texts:
            _line(pdf, f"{label}:")
            for text in texts:
                _line(pdf, f"- {text}")


def _measures_table(pdf: FPDF, table_data) -> None:
    tasks = list(table_data.case.demand_tasks)
    table = [["Week", "Reviewed on", *(t.replace("_", " ") for t in tasks), "Pain", "RPE", "Fatigue",
              "Recommendation"]]
    widths = [2, 3, *(3 for _ in tasks), 2, 2, 2, 4]
    for w in table_data.weeks:
        table.append([w.week, w.reviewed_on.isoformat(), *(_number(w.capacities.get(t)) for t in tasks),
                      *(_number(w.measures.get(m)) for m in ("pain", "rpe", "fatigue")), w.recommendation])
    _table(pdf, table, widths)
