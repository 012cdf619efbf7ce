"""The role portals (the worker's too), one blueprint each: the home page is the role's inbox, then its caseload and cases."""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for

from ..auth.sessions import current_actor, login_required
from ..domain.actors import Role
from .approvals import board_csv, render_board
from .certificate import work_status_certificate_pdf
from .common import escalations as escalated_tasks
from .common import render_case, render_home
from .exports import caseload_csv, measures_csv
from .forms import act as act_view
from .forms import intake as intake_view
from .reports import progress_report_pdf
from .worker import render_accounting, render_worker_case, render_worker_home

PORTALS = {Role.THERAPIST: "therapist", Role.CASE_MANAGER: "case_manager", Role.PHYSICIAN: "physician",
           Role.EMPLOYER: "employer", Role.INSURER: "insurer", Role.WORKER: "worker"}


def portal_for(role: Role | str) -> str | None:
    """The portal (blueprint name) of a role, or None for a role without one."""
    try:
        return PORTALS.get(Role(role))
    except ValueError:
        return None


def _portal(role: Role, name: str) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix=f"/{name.replace('_', '-')}")

    @bp.before_request
    @login_required()
    def only_this_role():
        # a user of another role is sent to their own portal rather than shown a foreign one
        actor = current_actor()
        if Role(actor.role) is not role:
            own = portal_for(actor.role)
            if own is None:
                abort(403)
            return redirect(url_for(f"{own}.home"))
        return None

    @bp.get("/")
    def home():
        """The inbox: what needs this role now, overdue first; then the caseload with filters and search (the
        worker's: their own case, in plain words)."""
        if role is Role.WORKER:
            return render_worker_home()
        return render_home(name)

    @bp.get("/cases/<int:case_id>")
    def case(case_id: int):
        """One case through this role's view."""
        if role is Role.WORKER:
            return render_worker_case(case_id)
        return render_case(name, case_id)

    @bp.post("/notifications/read")
    def notifications_read():
        """Mark the notifications read; back to the inbox."""
        from ..services.notification_reads import mark_notifications_read

        marked = mark_notifications_read(current_actor())
        flash(f"{marked} notification{'s' if marked != 1 else ''} marked as read." if marked else
              "No unread notification.", "done")
        return redirect(url_for(f"{name}.home") + "#notifications")

    @bp.get("/escalations")
    def escalations():
        """The case manager's overdue tasks: every open escalated task of the clinic's cases, oldest due first."""
        if name != "case_manager":
            abort(404)
        rows = escalated_tasks(current_actor())   # the read side audits the listing
        return render_template("portals/escalations.html", portal=name, rows=rows)

    @bp.get("/cases/<int:case_id>/who-read")
    def who_read(case_id: int):
        """The worker's accounting: who read their clinical data, and when (their own cases only)."""
        if role is not Role.WORKER:
            abort(404)
        return render_accounting(case_id)

    @bp.get("/approvals")
    def approvals():
        """The approvals board (case managers and insurers): open requests with their clocks, and turnaround."""
        return render_board(name)

    @bp.get("/approvals.csv")
    def approvals_export():
        """The board's open requests (with its filters) as CSV."""
        return board_csv(name)

    @bp.get("/caseload.csv")
    def caseload_export():
        """The caseload (with the page's filters) as CSV."""
        return caseload_csv(name)

    @bp.get("/cases/<int:case_id>/measures.csv")
    def measures_export(case_id: int):
        """The case's weekly measures as CSV."""
        return measures_csv(name, case_id)

    @bp.get("/cases/<int:case_id>/progress.pdf")
    def progress_report(case_id: int):
        """The case's progress report as a PDF (clinical views)."""
        return progress_report_pdf(name, case_id)

    @bp.get("/cases/<int:case_id>/work-status.pdf")
    def work_status_certificate(case_id: int):
        """The case's work-status certificate as a PDF (every party to the case; functional terms only)."""
        return work_status_certificate_pdf(name, case_id)

    @bp.get("/cases/<int:case_id>/documents/<int:document_id>")
    def document(case_id: int, document_id: int):
        """One document's file, streamed (a document the reader may not read is not found); the read audited."""
        from ..downloads import document_response
        from ..services.documents import read_document
        from ..services.unit_of_work import NotFound

        try:
            found = read_document(current_actor(), case_id, document_id, purpose="portal document")
        except NotFound:
            abort(404)
        return document_response(found)

    @bp.route("/intake", methods=["GET", "POST"])
    def intake():
        """The referral form that opens a case (clinic staff)."""
        return intake_view(name)

    @bp.route("/cases/<int:case_id>/act/<slug>", methods=["GET", "POST"])
    @bp.route("/cases/<int:case_id>/act/<slug>/<int:subject_id>", methods=["GET", "POST"])
    def act(case_id: int, slug: str, subject_id: int | None = None):
        """One action's form on the case; the same schema and service as the API."""
        return act_view(name, case_id, slug, subject_id)

    return bp


def init_portals(app: Flask) -> None:
    """Register the six portals (and the `unit` filter: a job demand's unit, from the domain)."""
    from .wording import file_size, unit_words

    app.add_template_filter(unit_words, "unit")
    app.add_template_filter(file_size, "filesize")
    for role, name in PORTALS.items():
        app.register_blueprint(_portal(role, name))
