"""The worker's own portal, phone first: their case(s), what happens next and when, their goals against the job's
demands, the restrictions in force, their progress and their documents, all in plain words."""

from datetime import date

from flask import abort, redirect, render_template, url_for

from ..auth.sessions import current_actor
from ..domain.actions import shareable_reason
from ..domain.demands import unit_of
from ..domain.documents import listed_for_worker
from ..services.queries import caseload as caseloads
from ..services.queries.access import record_listing
from ..services.queries.cases import case_page
from ..services.unit_of_work import NotFound
from .charts import progress_charts
from .common import _available, _label, clock

# who a pending action waits on, as the worker would say it
PARTY_WORDS = {"therapist": "your therapist", "case_manager": "your case manager", "physician": "your doctor",
               "employer": "your employer", "insurer": "the insurer", "worker": "you", "system": "the clinic"}
# how often the job asks for a demand, in words
FREQUENCY_WORDS = {"occasional": "now and then (up to a third of the day)",
                   "frequent": "often (a third to two thirds of the day)",
                   "constant": "most of the day (over two thirds)"}


def render_worker_home():
    """The worker's start page: their case (straight to it when there is one), else the list of their cases."""
    actor = current_actor()
    cases = caseloads.caseload(actor, caseloads.CaseloadFilters(), 50)
    record_listing(actor, [c.id for c in cases.items], purpose="worker portal home")
    if len(cases.items) == 1 and cases.total == 1:
        return redirect(url_for("worker.case", case_id=cases.items[0].id))
    return render_template("portals/worker_home.html", portal="worker", cases=cases.items)


def goals_in_words(demands: list[dict]) -> list[dict]:
    """Each critical demand of the job against the worker's latest measured capacity, in words."""
    lines = []
    for d in demands:
        unit = str(unit_of(d["task"]))
        measured = [v for v in d["values"] if v is not None]
        latest = measured[-1] if measured else None
        unit_words = "kg" if unit == "kg" else "minutes"
        lines.append({
            "task": str(d["task"]).replace("_", " ").capitalize(),
            "needs": f"{d['demand']:g} {unit_words}, {FREQUENCY_WORDS.get(d.get('frequency'), d.get('frequency'))}",
            "latest": None if latest is None else f"{latest:g} {unit_words}",
            "share": None if latest is None or not d["demand"] else min(100, round(latest / d["demand"] * 100)),
            "first": None if len(measured) < 2 else f"{measured[0]:g} {unit_words}",
        })
    return lines


def render_worker_case(case_id: int):
    """One of the worker's cases, read through their own view (the read audited)."""
    actor = current_actor()
    try:
        page = case_page(actor, case_id)
    except NotFound:
        abort(404)
    today = date.today()
    upcoming = [{"label": _label(str(i.action.kind)), "who": PARTY_WORDS.get(str(i.action.role), "the clinic"),
                 "due": i.action.due, "clock": clock(i.action.due, today), "overdue": i.overdue,
                 "mine": (str(i.action.kind), i.action.subject_id) in page.owed,
                 "why": i.action.reason.text if shareable_reason(i.action.kind) else ""}
                for i in sorted(page.waiting, key=lambda i: i.action.due)]
    return render_template(
        "portals/worker_case.html", portal="worker", case=page.case, standing=page.standing, upcoming=upcoming,
        available=_available(page.commands, page.case.id, "worker"), work=page.work,
        goals=goals_in_words(page.charts["demands"]), charts=progress_charts(page.charts),
        authorizations=page.authorizations, documents=[d for d in page.documents if listed_for_worker(d.kind)],
        timeline=page.timeline, papers=page.papers)


# what a read was for, in the worker's words (the audit entry's purpose)
PURPOSE_WORDS = {"portal case page": "your case page", "work status certificate": "your work status certificate",
                 "progress report": "your progress report", "measures export": "your weekly measures",
                 "fhir-export": "an export to another system", "timeline": "your case's history",
                 "portal document": "a document", "read document": "a document", "api document": "a document",
                 "view": "your case"}


def purpose_words(purpose: str) -> str:
    """A read's purpose in plain words."""
    if purpose.startswith("portal form"):
        return "a form on your case"
    if purpose.startswith("api"):
        return "your case, through another system"
    return PURPOSE_WORDS.get(purpose, "your case")


def render_accounting(case_id: int):
    """Who read the worker's clinical data, per person and day."""
    from ..services.queries.cases import case_summary
    from ..services.queries.disclosures import accounting

    actor = current_actor()
    try:
        readings = accounting(actor, case_id)
        case = case_summary(actor, case_id, purpose="accounting of reads")
    except NotFound:
        abort(404)
    rows = [{"day": r.day, "who": r.name or ("The coordinator (automatic steps)" if r.role == "system" else ""),
             "role": PARTY_WORDS.get(r.role, r.role.replace("_", " ")).removeprefix("your ").removeprefix("the "),
             "organisation": r.organisation, "times": r.times,
             "what": sorted({purpose_words(p) for p in r.purposes}), "first": r.first_at, "last": r.last_at}
            for r in readings]
    return render_template("portals/worker_reads.html", portal="worker", case=case, rows=rows)
