"""What every role's portal shares: the inbox home with the caseload, and the case page."""

from datetime import date

from flask import abort, render_template, request

from ..auth.sessions import current_actor
from ..domain.actions import shareable_reason
from ..domain.actors import Actor, Role
from ..domain.stages import Stage
from ..schemas.bounds import plain_query
from ..services.automation import TASK_LABELS
from ..services.inbox import InboxPage
from ..services.queries import caseload as caseloads
from ..services.queries.access import is_clinical_reader, record_listing
from ..services.queries.cases import case_page, waiting_for
from ..services.queries.caseload import CaseloadFilters
from ..services.unit_of_work import NotFound
from .charts import progress_charts

ROLE_TITLES = {Role.THERAPIST: "Therapist", Role.CASE_MANAGER: "Case manager", Role.PHYSICIAN: "Physician",
               Role.EMPLOYER: "Employer", Role.INSURER: "Insurer"}
CASELOAD_PER_PAGE = 50
INBOX_PER_PAGE = 50


def filters_from_request() -> CaseloadFilters:
    """Parse the caseload's filters leniently: a portal user's typo narrows nothing rather than failing."""
    def number(name):
        value = request.args.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else None

    stage = request.args.get("stage", "")
    return CaseloadFilters(stage=stage if stage in {s.value for s in Stage} else "",
                           overdue=request.args.get("overdue") == "1", employer_id=number("employer"),
                           insurer_id=number("insurer"), q=plain_query(request.args.get("q", "")),
                           page=max(1, number("page") or 1), inbox_page=max(1, number("inbox_page") or 1))


def _label(kind: str) -> str:
    return TASK_LABELS.get(kind, kind.replace("_", " ").capitalize())


def clock(due: date, today: date | None = None) -> str:
    """How long is left (or how late it is), in words."""
    days = (due - (today or date.today())).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


def inbox_items(actor: Actor, portal: str, page: int = 1) -> tuple[InboxPage, list[dict]]:
    """One page of the actor's pending actions, overdue first, then by due date, with each line's words."""
    found = caseloads.inbox_for(actor, page, INBOX_PER_PAGE)
    clinical = is_clinical_reader(actor)
    return found, [{"case_id": i.case_id, "claim": i.claim_number, "label": _label(str(i.action.kind)),
                    "url": form_url(actor, portal, i.case_id, i.action),
                    "clock": clock(i.action.due), "role": str(i.action.role).replace("_", " "),
                    "due": i.action.due, "overdue": i.overdue, "why": i.action.reason.text if clinical or shareable_reason(i.action.kind) else ""}
                   for i in found.items]


def form_url(actor: Actor, portal: str, case_id: int, action) -> str:
    """The form that does what an owed action asks (one click from the inbox); the case page when the
    party chooses among several commands, or owes nothing here."""
    from flask import url_for

    from ..domain.actions import answered_by
    from .actions import form_for

    answer = answered_by(action) if str(action.role) == str(actor.role) else None
    form = form_for(*answer) if answer else None
    if form is None:
        return url_for(f"{portal}.case", case_id=case_id)
    args = {"case_id": case_id, "slug": form.slug}
    if (form.subject is not None or form.slug == "review") and action.subject_id:
        args["subject_id"] = action.subject_id   # the request, offer, milestone or follow-up; a review's week
    return url_for(f"{portal}.act", **args)


def render_home(portal: str):
    """The role's start page: what needs the user now, then the caseload."""
    actor = current_actor()
    filters = filters_from_request()
    cases = caseloads.caseload(actor, filters, CASELOAD_PER_PAGE)
    found, items = inbox_items(actor, portal, filters.inbox_page)
    record_listing(actor, [c.id for c in cases.items], purpose="portal home")
    return render_template("portals/home.html", portal=portal, title=ROLE_TITLES.get(Role(actor.role), "Your"),
                           inbox=found, items=items, cases=cases, filters=filters, stages=list(Stage),
                           choices=caseloads.party_choices(actor), notifications=caseloads.notifications(actor),
                           functional=not is_clinical_reader(actor), today=date.today())


def next_step(actor: Actor, case_id: int) -> str:
    """Who acts next on the case, in words: each pending action with its party and due date."""
    grouped: dict[tuple[str, str], list] = {}
    for i in sorted(waiting_for(actor, case_id), key=lambda i: i.action.due):   # the same work owed again (weekly reviews): once
        grouped.setdefault((_label(str(i.action.kind)), str(i.action.role).replace("_", " ")), []).append(i.action.due)
    if not grouped:
        return "Nothing else is waiting on this case now."
    said = [f"{label} from the {role}, due {dues[0].isoformat()}" if len(dues) == 1 else
            f"{label} from the {role} ({len(dues)} owed, the first due {dues[0].isoformat()})"
            for (label, role), dues in grouped.items()]
    return "Next: " + "; ".join(said) + "."


def render_case(portal: str, case_id: int):
    """The case: its stage and what it waits for, what this user may do now, and its timeline."""
    actor = current_actor()
    try:
        page = case_page(actor, case_id)
    except NotFound:
        abort(404)
    functional = not is_clinical_reader(actor)
    return render_template(
        "portals/case.html", portal=portal, case=page.case, functional=functional, timeline=page.timeline,
        standing=page.standing,
        waiting=[{"label": _label(str(i.action.kind)), "role": str(i.action.role).replace("_", " "),
                  "due": i.action.due, "overdue": i.overdue,
                  "mine": (str(i.action.kind), i.action.subject_id) in page.owed,
                  "why": i.action.reason.text if not functional or shareable_reason(i.action.kind) else ""} for i in page.waiting],
        available=_available(page.commands, page.case.id, portal), authorizations=page.authorizations,
        work=page.work, charts=progress_charts(page.charts), documents=page.documents, papers=page.papers,
        reports=page.reports)


def _available(commands: list, case_id: int, portal: str) -> list[dict]:
    """The forms this user may open now, as the command catalogue lists them: one per kind of input the
    command takes now, and one per record it may act on (the request, the offer, the milestone, the week)."""
    from flask import url_for

    from .actions import form_for

    links = []
    for command in commands:
        if not command.available:
            continue
        forms = {form_for(command.command, kind) for kind in command.kinds} - {None}
        for action in sorted(forms, key=lambda a: a.slug):
            for subject in (command.subjects if command.subject else (None,)):
                args = {"case_id": case_id, "slug": action.slug}
                if subject is not None:
                    args["subject_id"] = subject   # the request, offer, milestone or follow-up; for a review, its week
                label = f"Review week {subject}" if command.subject == "week" else action.label
                links.append({"label": label, "url": url_for(f"{portal}.act", **args), "command": command.command,
                              "kind": action.kind, "subject": subject})
    return links


def escalations(actor: Actor, today: date | None = None) -> list[dict]:
    """The open escalated tasks of the actor's cases, oldest due first, with the case's current therapist."""
    today = today or date.today()
    return [{"task_id": r.id, "case_id": r.case_id, "claim": r.claim_number, "worker": r.worker_name,
             "label": _label(r.kind), "role": r.role.replace("_", " "), "due": r.due_on,
             "days_overdue": (today - r.due_on).days, "escalated_at": r.escalated_at, "therapist": r.therapist}
            for r in caseloads.escalated_tasks(actor, CASELOAD_PER_PAGE, today)]
