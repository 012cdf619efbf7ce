"""A case as the actor may read it: the summary a page or form shows (built without the clinical fields for an
employer), the case page's parts, the parties a form may name, and the commands the actor may run."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...domain.actors import Actor, OrgKind, Role
from ...domain.disclosure import FUNCTIONAL_ACTIONS
from ...domain.standing import standing
from ...extensions import db
from ...models import Case, Organisation, User
from ...policy import visible_cases
from ..facts import case_facts, commands_for
from ..inbox import all_pending, owed_by
from .access import case_for, is_clinical_reader
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


def summary_of(actor: Actor, case: Case) -> CaseSummary:
    """The summary of a case already read, through the actor's view."""
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_((case.employer_id, case.insurer_id)))).all())
    clinical = is_clinical_reader(actor)
    return CaseSummary(case.id, case.claim_number, case.worker_name, case.job_title, case.stage, case.stage_since,
                       case.version, case.clinic_id, case.date_of_injury, tuple(d.task for d in case.demands),
                       names[case.employer_id], names[case.insurer_id],
                       case.diagnosis_code if clinical else None, case.diagnosis_text if clinical else None,
                       case.job_level or "",
                       tuple(f.get("text", "") for f in (case.screening or {}).get("flags", [])) if clinical else None,
                       case.date_of_birth if clinical else None)


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


def _seen_by(pending: list, clinical: bool) -> list:
    """The pending actions a reader may see: all for a clinical reader, the functional ones for the employer."""
    return [i for i in pending if clinical or str(i.action.kind) in FUNCTIONAL_ACTIONS]


def waiting_for(actor: Actor, case_id: int) -> list:
    """What the case waits for and from whom, through the actor's view: kinds, parties and due dates only
    (no page read: what a confirmation says after a form)."""
    return _seen_by(all_pending(visible_cases(actor).where(Case.id == case_id)), is_clinical_reader(actor))


def case_page(actor: Actor, case_id: int) -> CasePage:
    """The case page: what the case waits for and from whom, what the actor may do, the work status, the
    authorizations (clinical readers) and the timeline; the read audited."""
    case = case_for(actor, case_id, purpose="portal case page")
    clinical = is_clinical_reader(actor)
    this = visible_cases(actor).where(Case.id == case.id)
    pending = all_pending(this)   # read once: what the case waits for, and of that what the actor owes
    waiting = _seen_by(pending, clinical)
    owed = {(str(i.action.kind), i.action.subject_id) for i in owed_by(actor, pending)}
    facts = case_facts(case)
    return CasePage(summary_of(actor, case), waiting, owed, commands_for(actor, case, facts=facts),
                    timeline(actor, case), authorization_usage(case) if clinical else [], work_status_for(actor, case),
                    chart_data(actor, case), standing(facts, clinical))


def commands_on(actor: Actor, case_id: int, facts=None) -> list:
    """The commands the actor may run on a case it is on (and why not the others), without auditing a read."""
    case = db.session.get(Case, case_id)
    return commands_for(actor, case, facts=facts) if case is not None else []


def facts_on(case_id: int):
    """The case's facts as the catalogue reads them (one read for a form's commands and its refusal)."""
    case = db.session.get(Case, case_id)
    return case_facts(case) if case is not None else None


def refusal(actor: Actor, case_id: int, command: str, *, kind: str | None = None, subject: int | None = None,
            facts=None) -> str:
    """Why the command may not run on the case now ("" when it may), as its service would refuse it."""
    from ..facts import refusal_on

    return refusal_on(db.session.get(Case, case_id), command, kind=kind, subject=subject, facts=facts)


def active_users(role: str, org_id: int | None = None) -> list:
    """(id, name) of the active users of a role (of one organisation, when given), by name."""
    query = select(User.id, User.name).where(User.role == role, User.active.is_(True))
    if org_id is not None:
        query = query.where(User.org_id == org_id)
    return db.session.execute(query.order_by(User.name)).all()


def clinic_staff(clinic_id: int) -> dict[str, list]:
    """The clinic's active therapists and case managers, as choices for a case's assignment."""
    return {"therapist_id": active_users(Role.THERAPIST, clinic_id),
            "case_manager_id": active_users(Role.CASE_MANAGER, clinic_id)}


def referral_choices(actor: Actor) -> dict[str, list]:
    """The parties a referral can name: every employer and insurer, the physicians, the clinic's own staff."""
    def orgs(kind):
        return db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.kind == kind)
                                  .order_by(Organisation.name)).all()

    return {"employer_id": orgs(OrgKind.EMPLOYER), "insurer_id": orgs(OrgKind.INSURER),
            "physician_id": active_users(Role.PHYSICIAN), **clinic_staff(actor.org_id)}
