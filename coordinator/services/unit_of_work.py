"""One transaction per command: lock the case, change it, record event + audit + outbox, commit."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..audit import append as audit_append
from ..domain.actors import Actor, Role
from ..domain.disclosure import is_clinical_event
from ..domain.errors import DomainError, InvalidValue
from ..domain.permissions import CaseParties, can, is_on_case, require
from ..extensions import db
from ..models import Case, CaseEvent, OutboxRow
from ..models.base import utcnow


class NotFound(InvalidValue):
    """The thing named does not exist (or is not visible to the actor)."""

    code = "not_found"


class StaleVersion(DomainError):
    """The caller's copy of the case is older than the database's: someone else changed it."""

    code = "stale_version"


@dataclass(frozen=True)
class Options:
    """How a command's transaction runs, as its caller asks; every command takes it explicitly."""

    # the case version the caller last saw (HTTP If-Match, a form's hidden version): checked under the row lock,
    # after the party check, so two parties editing at once cannot both win and strangers learn nothing
    expected_version: int | None = None
    # compute and check everything, then roll back: the caller sees what the command would do (a preview)
    dry_run: bool = False
    # run in the command's transaction just before it commits (the API records its Idempotency-Key's outcome
    # there, so "the command happened" and "the key is used" commit or fail together)
    before_commit: Callable[[Session], None] | None = None

    def previewing(self) -> "Options":
        """The same options for a dry run."""
        return replace(self, dry_run=True)


DEFAULT = Options()


@event.listens_for(Session, "after_begin")
def _sqlite_write_lock(session, _transaction, connection):
    """On SQLite a command takes the write lock up front, so its reads and writes see one snapshot."""
    if session.info.get("write") and connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def command(options: Options = DEFAULT) -> Iterator[Session]:
    """Run the body as one write transaction: commit on success, roll everything back on error
    (and always, in a dry run: the caller sees what the command would do, nothing is kept)."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("unflushed changes outside a command would be lost or committed by accident")
    session.rollback()  # end any read transaction so the command starts from a fresh snapshot
    session.info["write"] = True
    try:
        yield session
        if options.dry_run:
            session.flush()
            session.rollback()
            _undo_outside(session)
        else:
            if options.before_commit is not None:
                options.before_commit(session)
            session.commit()
    except BaseException:
        session.rollback()
        _undo_outside(session)
        raise
    finally:
        session.info.pop("write", None)
        session.info.pop("case_id", None)
        session.info.pop("undo_outside", None)


def on_rollback(undo) -> None:
    """Undo this (a file written to the document store) if the command in hand is not kept."""
    db.session.info.setdefault("undo_outside", []).append(undo)


def _undo_outside(session) -> None:
    for undo in session.info.pop("undo_outside", []):
        undo()


def load_case(case_id: int, *, lock: bool = True) -> Case:
    """The case, locked for this transaction on PostgreSQL; NotFound when there is none."""
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        raise NotFound(f"case id must be a whole number, got {case_id!r}", field="case_id")
    query = select(Case).where(Case.id == case_id)
    if lock:
        query = query.with_for_update(of=Case)
    case = db.session.scalar(query)
    if case is None:
        raise NotFound(f"case {case_id} does not exist", field="case_id")
    return case


def _check_version(case: Case, expected: int | None) -> None:
    """Refuse a stale If-Match; only ever after the party check, so strangers learn nothing."""
    if expected is not None and case.version != expected:
        raise StaleVersion(f"case {case.id} is at version {case.version}, not {expected}: reload it and retry",
                           field="If-Match")


def record(case: Case, actor: Actor, kind: str, summary: str, *, on: date | None = None,
           data: dict | None = None, subject: str | None = None) -> CaseEvent:
    """Append the timeline event, the audit entry and (for a party's command) the outbox row; bump the version.
    Whether the event is clinical is the domain's word on its kind (domain/disclosure.py); a summary of a
    functional event carries no free text but what its author shared with the employer. `on` is the day the
    thing happened (the session's, the decision's), which the timeline shows; today when the command has none."""
    clinical = is_clinical_event(kind, data)
    session = db.session
    session.info["case_id"] = case.id   # the case this command wrote, for the commit hook
    if on is not None and case.__dict__.pop("_stage_moved", False):
        case.stage_since = on   # the stage began the day the thing happened, however late it is recorded
    case.updated_at = utcnow()  # touching the row makes SQLAlchemy bump Case.version
    session.flush()
    event_row = CaseEvent(
        case_id=case.id, actor_user_id=actor.user_id, actor_role=str(actor.role), kind=kind,
        summary=summary, clinical=clinical, data=data or {}, occurred_on=on or date.today(),
    )
    session.add(event_row)
    if actor.role != Role.SYSTEM:
        # the flows' own steps need no relay: drive-case keeps going until nothing more is due
        session.add(OutboxRow(case_id=case.id, kind=kind, payload={"version": case.version}))
    # the audit log names what changed, never the clinical values themselves
    audit_append(actor, kind, subject or f"case:{case.id}", case_id=case.id,
                 category="clinical" if clinical else "functional", purpose="command",
                 detail={"case_version": case.version})
    return event_row


def note(case: Case, actor: Actor, kind: str, summary: str, *, data: dict | None = None,
         on: date | None = None) -> CaseEvent:
    """A timeline event and its audit entry for bookkeeping that changes no case state (a task opened):
    no version bump, so a party's If-Match stays valid, and no outbox row, so nothing re-drives the case."""
    clinical = is_clinical_event(kind, data)
    event_row = CaseEvent(case_id=case.id, actor_user_id=actor.user_id, actor_role=str(actor.role), kind=kind,
                          summary=summary, clinical=clinical, data=data or {}, occurred_on=on or date.today())
    db.session.add(event_row)
    audit_append(actor, kind, f"case:{case.id}", case_id=case.id,
                 category="clinical" if clinical else "functional", purpose="automation",
                 detail={"case_version": case.version})
    return event_row


def parties_of(case: Case) -> CaseParties:
    """The case's parties as the permission rules see them."""
    return CaseParties(case.clinic_id, case.employer_id, case.insurer_id, case.physician_id,
                       case.therapist_id, case.worker_id)


def authorize(actor: Actor, command_name: str, case: Case, *, kind: str | None = None,
              subject: int | None = None, options: Options = DEFAULT) -> None:
    """Enforce the permission rules, then the command catalogue on the case as it stands (its stage, its facts,
    the kind of input and the record acted on); a case the actor is not on answers NotFound, hiding it."""
    from .facts import gate   # the facts read the case's records, whose services build on this module

    if not can(actor, command_name):
        require(actor, command_name)  # raises NotPermitted with the reason
    if not is_on_case(actor, parties_of(case)):
        raise NotFound(f"case {case.id} does not exist", field="case_id")
    _check_version(case, options.expected_version)
    gate(command_name, case, kind=kind, subject=subject, role=actor.role)


def open_command(actor: Actor, command_name: str, case_id: int, *, kind: str | None = None,
                 subject: int | None = None, options: Options = DEFAULT) -> Case:
    """Load and lock the case and check the actor may run the command, of this kind (on this subject), now."""
    case = load_case(case_id)
    authorize(actor, command_name, case, kind=kind, subject=subject, options=options)
    return case


def commit_read() -> None:
    """Commit what a read wrote (its audit entry) and keep the rows it read loaded: the page goes on with them,
    as read in this request, instead of reading each one again."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
