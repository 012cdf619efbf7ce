"""Documents on a case: a party adds one (its file streamed into the store), the product keeps the papers it
writes (decision letters, progress reports), and a party lists and reads those its view allows, every read
audited."""

import io
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from sqlalchemy import select

from ..audit import append as audit_append
from ..domain import documents as rules
from ..domain.actors import Actor
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import Case, Document
from .document_store import document_store
from .queries.access import case_for, is_clinical_reader
from .unit_of_work import DEFAULT, NotFound, Options, command, commit_read, on_rollback, open_command, record


def _check_dated(dated_on: date) -> None:
    if dated_on > date.today():
        raise InvalidValue("a document cannot be dated after today", field="dated_on")


def _title(title: str | None, kind: rules.DocumentKind) -> str:
    text = (title or "").strip()
    return text or kind.value.replace("_", " ").capitalize()


def add_document(actor: Actor, case_id: int, *, kind: str, dated_on: date, file: BinaryIO, title: str = "",
                 declared_type: str | None = None, options: Options = DEFAULT) -> Document:
    """A party adds a document to the case: checked (who may add which kind, the file's type by its content, its
    size), kept in the store, listed on the case. The same file of the same kind twice is refused, naming the first."""
    store = document_store()
    with command(options):
        case = open_command(actor, "add_document", case_id, options=options)
        chosen = rules.check_upload(actor.role, kind)
        _check_dated(dated_on)
        stored = store.put(file, declared_type)
        on_rollback(lambda: store.delete(stored.key))   # the row is not kept: neither is its file
        twin = db.session.scalar(select(Document.id).where(
            Document.case_id == case.id, Document.kind == chosen.value, Document.sha256 == stored.sha256))
        if twin is not None:
            raise InvalidValue(f"this file is already on the case as document {twin}", field="file")
        row = _keep(case, actor, chosen, _title(title, chosen), dated_on, stored)
    return row


def _keep(case: Case, actor: Actor, kind: rules.DocumentKind, title: str, dated_on: date, stored,
          authorization_id: int | None = None) -> Document:
    row = Document(case_id=case.id, kind=kind.value, visibility=rules.VISIBILITY[kind].value, dated_on=dated_on,
                   title=title, content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                   storage_key=stored.key, authorization_id=authorization_id, uploaded_by_id=actor.user_id)
    db.session.add(row)
    db.session.flush()
    if authorization_id is not None:   # a paper the product wrote: the decision's own event tells of it
        audit_append(actor, "document_written", f"document:{row.id}", case_id=case.id, category=row.visibility,
                     purpose="command", detail={"kind": kind.value, "authorization_id": authorization_id})
        return row
    # the event names the kind and its title only when the employer may read the document itself
    record(case, actor, "document_added", f"Document added: {title} ({kind.value.replace('_', ' ')}, "
                                          f"dated {dated_on})", on=dated_on,
           data={"document_id": row.id, "kind": kind.value, "visibility": row.visibility},
           subject=f"document:{row.id}")
    return row


def keep_written(case: Case, actor: Actor, kind: rules.DocumentKind, title: str, dated_on: date, content: bytes,
                 authorization_id: int | None = None) -> Document:
    """Keep a paper the product wrote (a decision letter, a progress report) as a document of the case, inside
    the caller's command; its file is removed again if that command is not kept."""
    store = document_store()
    stored = store.put(io.BytesIO(content))
    on_rollback(lambda: store.delete(stored.key))
    return _keep(case, actor, kind, title, dated_on, stored, authorization_id)


@dataclass(frozen=True)
class DocumentRead:
    """A document the reader may read, with its bytes to stream."""

    row: Document
    content: BinaryIO


def documents_on(actor: Actor, case_id: int, purpose: str = "view documents") -> list[Document]:
    """The case's documents the actor's view allows, newest first (NotFound for a case not theirs)."""
    case = case_for(actor, case_id, purpose=purpose)
    rows = case_documents(case.id, is_clinical_reader(actor))
    commit_read()
    return rows


def case_documents(case_id: int, clinical_reader: bool) -> list[Document]:
    """The documents of a case already read through the reader's view (its page), newest first."""
    query = select(Document).where(Document.case_id == case_id)
    if not clinical_reader:
        query = query.where(Document.visibility == rules.Visibility.FUNCTIONAL.value)
    return list(db.session.scalars(query.order_by(Document.dated_on.desc(), Document.id.desc())))


def read_document(actor: Actor, case_id: int, document_id: int, purpose: str = "read document") -> DocumentRead:
    """One document's file to stream, its read audited; NotFound for one not on the case or not for this reader
    (an employer asking for a clinical document learns nothing of it)."""
    case = case_for(actor, case_id, purpose=purpose)
    row = db.session.get(Document, document_id) if isinstance(document_id, int) else None
    visible = (row is not None and row.case_id == case.id
               and rules.may_read(row.visibility, is_clinical_reader(actor)))
    audit_append(actor, "read_document", f"document:{document_id}", case_id=case.id,
                 category=(row.visibility if visible else "functional"), outcome="ok" if visible else "not_found",
                 purpose=purpose)
    commit_read()
    if not visible:
        raise NotFound(f"document {document_id} does not exist", field="document_id")
    return DocumentRead(row, document_store().open(row.storage_key))
