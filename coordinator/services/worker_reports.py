"""The worker's reports between sessions: a symptom (a red flag is the therapist's at once, and the worker is told
to stop and seek care) or a missed session; and the clinician's review of a red flag."""

from datetime import date

from ..domain import worker_reports as rules
from ..domain.actors import Actor
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import WorkerReport
from .unit_of_work import DEFAULT, NotFound, Options, authorize, command, load_case, open_command, record


def _within(day: date, case, field: str) -> None:
    if day > date.today() or (case.program_started_on and day < case.program_started_on):
        raise InvalidValue("the day is between the start of your program and today", field=field)


def report_symptoms(actor: Actor, case_id: int, *, symptoms: list[str], reported_on: date, pain: float | None = None,
                    note: str = "", options: Options = DEFAULT) -> tuple[WorkerReport, rules.ReportAssessment]:
    """The worker says how they feel; the safety rules say whether it is a red flag, and what they are told."""
    unknown = [s for s in symptoms if s not in rules.REPORTABLE]
    if unknown:
        raise InvalidValue(f"unknown symptom: {', '.join(unknown)}", field="symptoms")
    if not symptoms and pain is None and not (note or "").strip():
        raise InvalidValue("tick what you feel, give your pain, or say it in your own words", field="symptoms")
    with command(options):
        case = open_command(actor, "report_symptoms", case_id, options=options)
        _within(reported_on, case, "reported_on")
        assessed = rules.assess_report(symptoms, pain, pregnant=bool(case.pregnant))
        row = WorkerReport(case_id=case.id, kind="symptoms", reported_on=reported_on, symptoms=sorted(set(symptoms)),
                           pain=pain, note=(note or "").strip(), red_flags=[r.text for r in assessed.red_flags],
                           reported_by_id=actor.user_id)
        db.session.add(row)
        db.session.flush()
        words = ", ".join(s.replace("_", " ") for s in row.symptoms) or "no symptom ticked"
        record(case, actor, "worker_reported_symptoms",
               f"The worker reported {words}" + (f", pain {pain:g}/10" if pain is not None else "")
               + (f": red flag ({'; '.join(row.red_flags)})" if row.red_flags else ""),
               on=reported_on, data={"report_id": row.id, "red_flag": assessed.red_flag},
               subject=f"worker_report:{row.id}")
    return row, assessed


def report_missed_session(actor: Actor, case_id: int, *, session_date: date, note: str = "",
                          options: Options = DEFAULT) -> WorkerReport:
    """The worker says they missed (or will miss) a session; the reason stays with the clinic."""
    with command(options):
        case = open_command(actor, "report_missed_session", case_id, options=options)
        if case.program_started_on and session_date < case.program_started_on:
            raise InvalidValue("the session is on or after the start of your program", field="session_date")
        row = WorkerReport(case_id=case.id, kind="missed_session", reported_on=date.today(),
                           session_date=session_date, note=(note or "").strip(), reported_by_id=actor.user_id,
                           reviewed_on=date.today())   # nothing for a clinician to review: attendance only
        db.session.add(row)
        db.session.flush()
        # attendance is functional (the employer plans with it); the reason is not in the summary
        record(case, actor, "worker_reported_missed_session",
               f"The worker reported missing the session of {session_date:%d %B %Y}",
               data={"report_id": row.id}, subject=f"worker_report:{row.id}")
    return row


def review_worker_report(actor: Actor, report_id: int, *, reviewed_on: date, note: str = "",
                         options: Options = DEFAULT) -> WorkerReport:
    """A clinician has dealt with a red flag the worker reported (contacted them; the note says what follows)."""
    with command(options):
        row = db.session.get(WorkerReport, report_id) if isinstance(report_id, int) else None
        if row is None:
            raise NotFound(f"report {report_id} does not exist", field="report_id")
        case = load_case(row.case_id)
        authorize(actor, "review_worker_report", case, subject=row.id, options=options)
        if reviewed_on < row.reported_on or reviewed_on > date.today():
            raise InvalidValue("the review is dated between the report and today", field="reviewed_on")
        row.reviewed_on, row.reviewed_by_id, row.review_note = reviewed_on, actor.user_id, (note or "").strip() or None
        record(case, actor, "worker_report_reviewed", f"The worker's red-flag report of {row.reported_on} reviewed",
               on=reviewed_on, data={"report_id": row.id}, subject=f"worker_report:{row.id}")
    return row
