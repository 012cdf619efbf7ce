"""Reading a case through the actor's view: the lookup that hides other parties' cases, and its audit entry."""

from dataclasses import dataclass

from sqlalchemy.orm import aliased, joinedload, undefer

from ...audit import append as audit_append
from ...domain.actors import Actor
from ...extensions import db
from ...models import Case, CaseSchedule, Organisation
from ...policy import View, view_for, visible_cases
from ..unit_of_work import NotFound, commit_read


def case_for(actor: Actor, case_id: int, purpose: str = "view") -> Case:
    """The case if the actor is a party to it (NotFound otherwise, hiding it), with the read audited."""
    return _audited(actor, case_id, purpose, lambda query: db.session.scalar(query))


@dataclass(frozen=True)
class CaseRead:
    """A case read for its page in one statement: with its demands, clearances, schedule and party names."""

    case: Case
    schedule: CaseSchedule | None
    employer: str
    insurer: str


def case_read_whole(actor: Actor, case_id: int, purpose: str, with_facts: bool = False) -> CaseRead:
    """The case with what its page needs of it, in one statement (NotFound as for case_for), the read audited;
    `with_facts`: with the copy of its facts its schedule keeps (services/facts.read_facts)."""
    employer, insurer = aliased(Organisation), aliased(Organisation)

    def read(query):
        query = (query.add_columns(CaseSchedule, employer.name, insurer.name)
                 .outerjoin(CaseSchedule, CaseSchedule.case_id == Case.id)
                 .join(employer, employer.id == Case.employer_id).join(insurer, insurer.id == Case.insurer_id)
                 # with its kept facts and its open tasks (the facts that change without a new version); its
                 # clearances are then read only when the facts must be worked out afresh
                 .options(joinedload(Case.demands), *((undefer(CaseSchedule.facts), joinedload(Case.open_tasks))
                                                      if with_facts else (joinedload(Case.clearances),))))
        row = db.session.execute(query).unique().one_or_none()
        return CaseRead(*row) if row else None

    return _audited(actor, case_id, purpose, read)


def _audited(actor: Actor, case_id: int, purpose: str, read):
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise NotFound(f"case {case_id!r} does not exist", field="case_id")
    found = read(visible_cases(actor).where(Case.id == case_id))
    audit_append(actor, "read_case", f"case:{case_id}", case_id=case_id if found else None,
                 category=_category(actor), outcome="ok" if found else "not_found", purpose=purpose)
    commit_read()
    if found is None:
        raise NotFound(f"case {case_id} does not exist", field="case_id")
    return found


def record_listing(actor: Actor, case_ids: list[int], purpose: str = "list") -> None:
    """Record that a list of cases was read through the actor's view (one entry for the page)."""
    audit_append(actor, "list_cases", "cases", category=_category(actor), purpose=purpose,
                 detail={"case_ids": case_ids})
    commit_read()


def _category(actor: Actor) -> str:
    return "functional" if view_for(actor) is View.FUNCTIONAL else "clinical"


def is_clinical_reader(actor: Actor) -> bool:
    """The actor reads clinical data (everyone but the employer: the worker reads their own)."""
    return view_for(actor) is not View.FUNCTIONAL


def current_version(case_id: int) -> int:
    """The case's version as the database has it now (a command's answer carries it as the ETag)."""
    db.session.expire_all()
    return db.session.get(Case, case_id).version


def fresh_case(case_id: int) -> Case:
    """The case as the database has it now, for a command's answer (the command checked the party)."""
    db.session.expire_all()
    return db.session.get(Case, case_id)


def forget() -> None:
    """Drop what the request's session holds: after a refused command, the next read starts afresh."""
    db.session.rollback()
