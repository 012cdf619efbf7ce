"""A case's progress report as a PDF for the insurer, the physician and clinic staff: stored results, rendered on
the clinic's letterhead (coordinator/letterhead.py), with every amount in its unit, the charts, the plan, the
red-flag history and a signature block."""

from datetime import date

from flask import Response, abort
from fpdf.enums import XPos, YPos

from ..auth.sessions import current_actor

# the same read side the insurer's decision form and the case page use, so the PDF cannot drift from them
from ..services.queries.measures import ProgressReport, progress_report
from ..services.queries.progress import ReportDetails
from ..services.queries.records import ClinicalOnly
from ..services.unit_of_work import NotFound
from ..letterhead import INK, MUTED, Document
from .exports import download_name
from .pdf_charts import draw_charts

RECOMMENDATION_WORDS = {"progress": "raise the targets for next week", "hold": "keep next week's targets as they are",
                        "deload": "lower the targets for next week", "pause": "pause until the physician reassesses",
                        "discharge": "end the program"}
NO_TARGETS = {"pause": "a pause until the physician reassesses the worker", "discharge": "ending the program"}


def progress_report_pdf(portal: str, case_id: int) -> Response:
    """The case's progress report as a PDF download (clinical views only; the employer is refused)."""
    try:
        report = progress_report(current_actor(), case_id)
    except ClinicalOnly:
        abort(403)
    except NotFound:
        abort(404)
    return pdf_response(_render(report), download_name("progress", report.case.claim_number, ".pdf"))


def pdf_response(pdf: bytearray, filename: str) -> Response:
    """A PDF download that no shared cache keeps."""
    return Response(bytes(pdf), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def amount(value, unit: str = "") -> str:
    """'12 kg', '240 min', or '-' for no value."""
    return "-" if value is None else f"{value:g}{' ' + unit if unit else ''}"


def _percent(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def _render(report: ProgressReport) -> bytearray:
    details = report.details
    pdf = Document(details.clinic, "Progress report", report.case.claim_number, report.case.worker_name)
    pdf.add_page()
    pdf.title_line("Work hardening progress report")
    _facts(pdf, report, details)
    _attendance(pdf, details)
    _demands(pdf, details)
    if any(len(d.series) for d in details.demands if d.critical):
        pdf.section("Progress by week", keep=70)
        draw_charts(pdf, [d for d in details.demands if d.critical and d.series])
    _plan(pdf, report, details)
    _barriers(pdf, report, details)
    _safety(pdf, details)
    pdf.section("Authorizations")
    _authorization_table(pdf, report.authorizations)
    if report.table.weeks:
        pdf.section("Weekly measures")
        _measures_table(pdf, report.table, details)
    _signature(pdf, details)
    return pdf.output()


def _facts(pdf: Document, report: ProgressReport, details: ReportDetails) -> None:
    case = report.case
    diagnosis = " ".join(p for p in (case.diagnosis_code, case.diagnosis_text) if p) or "-"
    pairs = [("Worker", case.worker_name), ("Claim number", case.claim_number),
             ("Date of injury", case.date_of_injury.isoformat()),
             ("Date of birth", case.date_of_birth.isoformat() if case.date_of_birth else "-"),
             ("Employer", case.employer),
             ("Insurer", case.insurer), ("Job", f"{case.job_title} ({details.shift_hours:g} h shift)"),
             ("Treating physician", details.physician or "-"), ("Therapist", details.therapist or "-"),
             ("Program started", report.program_started_on.isoformat() if report.program_started_on else "not yet"),
             ("Report date", date.today().isoformat())]
    pdf.facts(pairs)
    pdf.facts([("Diagnosis", diagnosis), ("Status", _capital(details.status))], columns=1)
    if report.standing and report.standing != details.status:
        pdf.facts([("Needs attention", report.standing)], columns=1)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _attendance(pdf: Document, details: ReportDetails) -> None:
    pdf.section("Dates of service and attendance")
    span = details.dates_of_service
    if span is None:
        pdf.line_of("No session has been held yet.")
        return
    held = sum(w.attended for w in details.attendance)
    stopped = sum(w.stopped for w in details.attendance)
    early = f", {stopped} stopped early for safety" if stopped else ""
    pdf.line_of(f"Dates of service: {span[0].isoformat()} to {span[1].isoformat()}; {held} session"
                f"{'s' if held != 1 else ''} attended{early}.")
    pdf.ln(1)
    rows = [["Week", "Dates attended", "Attended", "Missed", "Time in sessions"]]
    rows += [[w.week, ", ".join(d.isoformat() for d in w.dates),
              f"{w.attended} of {w.scheduled}" if w.scheduled is not None else str(w.attended),
              "not recorded" if w.missed is None else str(w.missed), _hours(w.minutes)] for w in details.attendance]
    pdf.grid(rows, widths=[12, 86, 24, 24, 34])


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _demands(pdf: Document, details: ReportDetails) -> None:
    pdf.section("Critical job demands: baseline, current capacity and readiness")
    week = next((label for d in details.demands for label, _ in d.series[-1:] if label != "Baseline"), None)
    rows = [["Job demand", "How often", "The job needs", "Baseline", f"Now ({week.lower()})" if week else "Now",
             "Readiness"]]
    rows += [[d.label + ("" if d.critical else " (not critical)"), d.frequency, amount(d.demand, d.unit),
              amount(d.baseline, d.unit), amount(d.current, d.unit), _percent(d.readiness)] for d in details.demands]
    pdf.grid(rows, widths=[44, 26, 30, 26, 30, 24], size=9)
    pdf.ln(1)
    pdf.set_font("Helvetica", size=8.5)
    pdf.set_text_color(*MUTED)
    pdf.line_of("Readiness is the current capacity as a share of what the job needs; 100% or more means the demand "
                "is met. Loads are in kilograms (kg), postures and walking in minutes (min).", height=4.5)
    pdf.set_text_color(*INK)
    pdf.set_font("Helvetica", size=10)


def _plan(pdf: Document, report: ProgressReport, details: ReportDetails) -> None:
    pdf.section("Goals and plan")
    pdf.facts([("Return-to-work goal", details.rtw_goal)], columns=1)
    latest = report.latest
    if latest is None:
        pdf.line_of("No weekly review yet.")
    else:
        words = RECOMMENDATION_WORDS.get(latest["recommendation"], "")
        pdf.facts([("Latest weekly review", f"week ending {latest.get('week_ending') or '-'}"),
                   ("Recommendation", f"{latest['recommendation']}" + (f" ({words})" if words else "")),
                   ("Ready for the job", (f"{'yes' if latest['ready_for_job'] else 'no'}; gains have "
                                          f"{'levelled off' if latest['plateau'] else 'not levelled off'}; "
                                          f"attendance {_percent(latest['attendance'])}"))], columns=1)
        reasons = [r["text"] for r in latest.get("reasons", [])]
        if reasons:
            pdf.line_of("Reasons:")
            pdf.bullets(reasons)
    _targets(pdf, report, details)


def _targets(pdf: Document, report: ProgressReport, details: ReportDetails) -> None:
    """The targets set for the coming week; none after a review that ended or paused the progression."""
    reviewed = report.table.weeks[-1].week if report.table.weeks else 0
    targets = [d for d in details.demands if d.target is not None]
    pdf.ln(1)
    if targets and (details.targets_week or 0) > reviewed:
        held = " (on hold while the program is paused)" if report.case.stage == "paused" else ""
        pdf.line_of(f"Training targets for week {details.targets_week}{held}: "
                    + "; ".join(f"{d.label.lower()} {amount(d.target, d.unit)}" for d in targets) + ".")
    elif report.latest is not None and report.latest["recommendation"] in NO_TARGETS:
        why = NO_TARGETS[report.latest["recommendation"]]
        pdf.line_of(f"No new training targets: the latest review recommends {why}.")


def _barriers(pdf: Document, report: ProgressReport, details: ReportDetails) -> None:
    pdf.section("Barriers to returning to work", keep=15)
    if report.latest is None:
        pdf.line_of("Not assessed yet: the first weekly review lists them.")
    elif details.barriers:
        pdf.bullets(details.barriers)
    else:
        pdf.line_of("None at the latest weekly review: every critical demand is met and nothing holds the program.")


def _safety(pdf: Document, details: ReportDetails) -> None:
    pdf.section("Red flags and adverse events", keep=15)
    if not details.safety:
        pdf.line_of("None: no session was stopped, the program was never paused and there was no setback.")
        return
    rows = [["Date", "What happened", "Details"]]
    rows += [[e.on.isoformat(), e.what, e.detail or "-"] for e in details.safety]
    pdf.grid(rows, widths=[24, 66, 90])


def _authorization_table(pdf: Document, rows: list[dict]) -> None:
    if not rows:
        pdf.line_of("No authorization requested yet.")
        return
    table = [["Kind", "Period", "Requested", "Decision", "Sessions used / authorized"]]
    for a in rows:
        r = a["row"]
        table.append([r.kind.capitalize(), f"{r.start_date.isoformat()} to {r.end_date.isoformat()}",
                      f"{r.requested_sessions} sessions", a["status"],
                      "-" if a["used"] is None else f"{a['used']} / {r.approved_sessions}"])
    pdf.grid(table, widths=[26, 50, 26, 44, 34])


def _measures_table(pdf: Document, table_data, details: ReportDetails) -> None:
    units = {d.task: d.unit for d in details.demands}
    tasks = list(table_data.case.demand_tasks)
    table = [["Week", "Reviewed on", *(f"{t.replace('_', ' ')} ({units.get(t, '')})" for t in tasks),
              "Pain (0-10)", "Effort (RPE 6-20)", "Fatigue (0-10)", "Recommendation"]]
    for w in table_data.weeks:
        table.append([w.week, w.reviewed_on.isoformat(), *(amount(w.capacities.get(t)) for t in tasks),
                      *(amount(w.measures.get(m)) for m in ("pain", "rpe", "fatigue")), w.recommendation])
    task_width = min(24.0, (pdf.epw - 112) / max(len(tasks), 1))   # the fixed columns keep their words whole
    pdf.grid(table, widths=[11, 21, *(task_width for _ in tasks), 16, 19, 17, 28], size=8)


def _signature(pdf: Document, details: ReportDetails) -> None:
    pdf.section("Therapist", keep=32)
    pdf.line_of("I confirm that this report reflects the sessions, measures and reviews recorded for this worker.")
    pdf.facts([("Prepared by", f"{details.therapist or '-'}, treating therapist"),
               ("Licence no.", details.therapist_licence or "_" * 28)])
    pdf.ln(8)
    y = pdf.get_y()
    pdf.set_draw_color(*INK)
    pdf.line(pdf.l_margin, y, pdf.l_margin + 95, y)
    pdf.line(pdf.l_margin + 115, y, pdf.w - pdf.r_margin, y)
    pdf.set_font("Helvetica", size=8.5)
    pdf.cell(115, 5, "Signature")
    pdf.cell(0, 5, "Date", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
