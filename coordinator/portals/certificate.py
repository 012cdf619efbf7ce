"""The work-status certificate as a PDF for the employer (and every other party to the case): the restrictions in
force, the hours and the return-to-work milestone, valid from and until when, on the clinic's letterhead; built by
the read side from functional data only, so it carries no clinical word."""

from flask import Response, abort

from ..auth.sessions import current_actor
from ..services.queries.certificate import Certificate, work_status_certificate
from ..services.unit_of_work import NotFound
from .exports import download_name
from ..letterhead import Document
from .reports import pdf_response

OUTCOME_WORDS = {"full_duty": "back at full duty", "modified_duty": "back at work on modified duty",
                 "not_returned": "not back at work when the program ended"}
STEP_WORDS = {"planned": "Planned", "started": "Started, to be confirmed", "confirmed": "Confirmed",
              "stepped_back": "Stepped back"}


def work_status_certificate_pdf(portal: str, case_id: int) -> Response:
    """The case's work-status certificate as a PDF download (404 for a case the reader is not a party to)."""
    try:
        certificate = work_status_certificate(current_actor(), case_id)
    except NotFound:
        abort(404)
    return pdf_response(_render(certificate), download_name("work-status", certificate.claim_number, ".pdf"))


def _render(c: Certificate) -> bytearray:
    pdf = Document(c.clinic, "Work status certificate", c.claim_number, c.worker_name)
    pdf.add_page()
    pdf.title_line("Work status certificate")
    pdf.facts([("Worker", c.worker_name), ("Claim number", c.claim_number), ("Employer", c.employer),
               ("Job", f"{c.job_title} ({c.shift_hours:g} h shift)"), ("Treating physician", c.physician or "-"),
               ("Date of this certificate", c.prepared_on.isoformat())])
    pdf.section("Hours of work")
    pdf.line_of(hours_of_work(c))
    if c.ladder:
        pdf.ln(1)
        _ladder(pdf, c)
    pdf.section("Functional restrictions in force")
    _restrictions(pdf, c)
    pdf.section("About this certificate", keep=20)
    pdf.set_font("Helvetica", size=9)
    pdf.line_of("It lists what the worker may do at work, for planning duties and hours, on the date above; it holds "
                "no medical information. Any duty offered must stay within these restrictions. They change as the "
                "worker progresses: the case page always shows the current ones.")
    return pdf.output()


def hours_of_work(c: Certificate) -> str:
    """The hours a day the worker may work now and the return-to-work step they come from, in words."""
    if c.discharged_on is not None:
        outcome = OUTCOME_WORDS.get(c.discharge_outcome or "", "")
        return f"Discharged from the program on {c.discharged_on.isoformat()}" + (f": {outcome}." if outcome else ".")
    m = c.milestone
    if m is None:
        return "Not back at work yet: the graded return to work has not started."
    duty = "Full duty" if m["full_duty"] else "Modified duty"
    when = (f"confirmed at work on {m['confirmed_on'].isoformat()}" if m["status"] == "confirmed"
            else f"started on {m['started_on'].isoformat()}, waiting for the employer's confirmation")
    return (f"{duty}, up to {m['hours_per_day']:g} hours a day: return-to-work step {m['number']} of {len(c.ladder)}, "
            f"{when}.")


def _ladder(pdf: Document, c: Certificate) -> None:
    rows = [["Step", "Duty", "Hours a day", "Where it stands", "Started", "Confirmed at work"]]
    rows += [[r["number"], "Full duty" if r["full_duty"] else "Modified duty", f"{r['hours_per_day']:g}",
              STEP_WORDS.get(r["status"], r["status"]), _day(r["started_on"]), _day(r["confirmed_on"])]
             for r in c.ladder]
    pdf.grid(rows, widths=[14, 32, 24, 50, 30, 30], size=9)


def _day(value) -> str:
    return value.isoformat() if value else "-"


def _restrictions(pdf: Document, c: Certificate) -> None:
    if not c.restrictions:
        pdf.line_of("No work restrictions are in force.")
        return
    pdf.bullets(c.restrictions)
    pdf.ln(2)
    until = c.valid_until.isoformat() if c.valid_until else "the next review by the physician"
    signer = f"{c.issued_by} ({c.issued_by_role})" if c.issued_by else "-"
    pdf.facts([("Valid from", c.valid_from.isoformat()), ("Valid until", until),
               ("Restrictions issued by", signer)], columns=1)
