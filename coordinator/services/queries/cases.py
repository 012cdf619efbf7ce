"""A case as the actor may read it: the summary a page or form shows (built without the clinical fields for an
employer), the case page's parts, the parties a form may name, and the commands the actor may run."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.actors import Actor, OrgKind, Role
from ...domain.disclosure import FUNCTIONAL_ACTIONS, in_care_team
from ...domain.standing import standing
from ...extensions import db
from ...models import Case, Organisation, User
from ...policy import visible_cases
from ...domain.actions import pending_actions
from ..facts import case_record, commands_for
from ..inbox import InboxItem, all_pending, owed_by
from .access import case_for, case_read_whole, is_clinical_reader
from .authorizations import authorization_usage
from .ladder import work_status_for
from .timeline import timeline
from .weeks import chart_data


@dataclass(frozen=True)
class CaseSummary:
    """What a page or a form shows of a case; the diagnosis only for a clinical reader."""

    id: int
    claim_number: str
    worker_name: str
    job_title: str
    stage: str
    stage_since: date
    version: int
    clinic_id: int
    date_of_injury: date
    demand_tasks: tuple[str, ...]
    employer: str
    insurer: str
    diagnosis_code: str | None = None
    diagnosis_text: str | None = None
    job_level: str = ""          # the job's physical demand level (DOT: sedentary to very heavy)
    screening_flags: tuple[str, ...] | None = None   # what the admission screening flagged (clinical readers)
    date_of_birth: date | None = None                 # the worker's (clinical readers: minimum necessary)
    rtw_goal: str = ""                                # agreed by the employer and the worker: every party reads it


def summary_of(actor: Actor, case: Case, names: dict[int, str] | None = None) -> CaseSummary:
    """The summary of a case already read, through the actor's view (`names`: its employer's and insurer's,
    by id, when the caller read them with the case)."""
    names = names or dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_((case.employer_id, case.insurer_id)))).all())
    clinical = is_clinical_reader(actor)
    return CaseSummary(case.id, case.claim_number, case.worker_name, case.job_title, case.stage, case.stage_since,
                       case.version, case.clinic_id, case.date_of_injury, tuple(d.task for d in case.demands),
                       names[case.employer_id], names[case.insurer_id],
                       case.diagnosis_code if clinical else None, case.diagnosis_text if clinical else None,
                       case.job_level or "",
                       tuple(f.get("text", "") for f in (case.screening or {}).get("flags", [])) if clinical else None,
                       case.date_of_birth if clinical else None, case.rtw_goal or "")


def case_summary(actor: Actor, case_id: int, purpose: str) -> CaseSummary:
    """The case's summary, the read audited; NotFound for a case the actor is not on."""
    return summary_of(actor, case_for(actor, case_id, purpose=purpose))


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, through the actor's view."""

    case: CaseSummary
    waiting: list[dict]
    owed: set
    commands: list
    timeline: list
    authorizations: list[dict]
    work: dict
    charts: dict
    standing: str = ""          # what holds the case now, in the reader's words
    documents: list = ()        # the documents the reader may read, newest first
    papers: list = ()           # the papers the parties sign, those the reader may read, with their signatures
    reports: list = ()          # what the worker reported between sessions, newest first (clinical readers)


def _seen_by(pending: list, clinical: bool) -> list:
    """The pending actions a reader may see: all for a clinical reader, the functional ones for the employer."""
    return [i for i in pending if clinical or str(i.action.kind) in FUNCTIONAL_ACTIONS]


def waiting_for(actor: Actor, case_id: int) -> list:
    """What the case waits for and from whom, through the actor's view: kinds, parties and due dates only
    (no page read: what a confirmation says after a form)."""
    return _seen_by(all_pending(visible_cases(actor).where(Case.id == case_id)), is_clinical_reader(actor))


def case_documents(case_id: int, clinical: bool) -> list:
    """The case's documents as its reader may see them (services/documents.py)."""
    from ..documents import case_documents as listed

    return listed(case_id, clinical)


def case_page(actor: Actor, case_id: int) -> CasePage:
    """The case page: what the case waits for and from whom, what the actor may do, the work status, the
    authorizations (clinical readers) and the timeline; the read audited."""
    read = case_read_whole(actor, case_id, purpose="portal case page")
    case, clinical, today = read.case, is_clinical_reader(actor), date.today()
    # the case read whole, each collection once: the facts and every part of the page share the rows
    record = case_record(case, read.schedule, today)
    facts = record.facts
    # what the case waits for, worked out from the facts just read (the stored actions are the same answer,
    # kept for lists of many cases)
    pending = [InboxItem(case.id, case.claim_number, action, action.overdue(today))
               for action in pending_actions(facts, today)]
    waiting = _seen_by(pending, clinical)
    owed = {(str(i.action.kind), i.action.subject_id) for i in owed_by(actor, pending, today)}
    names = {case.employer_id: read.employer, case.insurer_id: read.insurer}
    return CasePage(summary_of(actor, case, names), waiting, owed, commands_for(actor, case, facts=facts),
                    timeline(actor, case),
                    authorization_usage(case, record.requests, record.sessions_used) if clinical else [],
                    work_status_for(actor, case, today, record), chart_data(actor, case, record),
                    standing(facts, clinical), case_documents(case.id, clinical), _papers(record, clinical),
                    list(reversed(record.reports))[:20] if in_care_team(actor.role) else [])


def _papers(record, clinical: bool) -> list:
    """The case's papers the reader may read (services/signatures.py), from the rows the page read."""
    from ...domain.signatures import readable
    from ..signatures import paper_views

    return [p for p in paper_views(record.case, record.offers, record.restrictions, list(record.signatures))
            if readable(p.paper, clinical)]


@dataclass(frozen=True)
class FormRead:
    """A case read for one of its forms: the summary the form shows and the facts its commands and refusal
    are judged on (the case row is held, so the rest of the request finds it without reading it again)."""

    case: CaseSummary
    facts: object
    row: Case
    record: object   # the case's rows (held: a form's subject is found among them without another read)


def form_read(actor: Actor, case_id: int, purpose: str) -> FormRead:
    """The case read whole for a form, the read audited; NotFound for a case the actor is not on."""
    read = case_read_whole(actor, case_id, purpose=purpose)
    record = case_record(read.case, read.schedule)
    names = {read.case.employer_id: read.employer, read.case.insurer_id: read.insurer}
    return FormRead(summary_of(actor, read.case, names), record.facts, read.case, record)


def commands_on(actor: Actor, case_id: int, facts=None) -> list:
    """The commands the actor may run on a case it is on (and why not the others), without auditing a read."""
    case = db.session.get(Case, case_id)
    return commands_for(actor, case, facts=facts) if case is not None else []


def refusal(actor: Actor, case_id: int, command: str, *, kind: str | None = None, subject: int | None = None,
            facts=None) -> str:
    """Why the command may not run on the case now ("" when it may), as its service would refuse it."""
    from ..facts import refusal_on

    return refusal_on(db.session.get(Case, case_id), command, kind=kind, subject=subject, facts=facts,
                      role=actor.role)


def active_users(role: str, org_id: int | None = None) -> list:
    """(id, name) of the active users of a role (of one organisation, when given), by name."""
    query = select(User.id, User.name).where(User.role == role, User.active.is_(True))
    if org_id is not None:
        query = query.where(User.org_id == org_id)
    return db.session.execute(query.order_by(User.name)).all()


def clinic_staff(clinic_id: int) -> dict[str, list]:
    """The clinic's active therapists and case managers, as choices for a case's assignment."""
    rows = db.session.execute(select(User.id, User.name, User.role).where(   # both roles in one statement
        User.role.in_((Role.THERAPIST, Role.CASE_MANAGER)), User.active.is_(True), User.org_id == clinic_id)
        .order_by(User.name)).all()
    return {"therapist_id": [r for r in rows if r.role == Role.THERAPIST],
            "case_manager_id": [r for r in rows if r.role == Role.CASE_MANAGER]}


def referral_choices(actor: Actor) -> dict[str, list]:
    """The parties a referral can name: every employer and insurer, the physicians, the clinic's own staff."""
    def orgs(kind):
        return db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.kind == kind)
                                  .order_by(Organisation.name)).all()

    return {"employer_id": orgs(OrgKind.EMPLOYER), "insurer_id": orgs(OrgKind.INSURER),
            "physician_id": active_users(Role.PHYSICIAN), **clinic_staff(actor.org_id)}
