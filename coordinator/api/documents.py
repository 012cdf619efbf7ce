"""Documents of a case over the API: list those the caller may read, add one (a multipart form, its file streamed
to the store), and read one's file as a stream, each read audited."""

from flask import g, jsonify, url_for
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ..auth.bearer import require_token
from ..downloads import document_response
from ..auth.scopes import CASES_READ, scope_for_command
from ..domain.documents import ACCEPTED
from ..schemas.documents import DocumentInSchema, DocumentListSchema, DocumentOutSchema
from ..services import documents as services
from .commands import COMMAND_HEADERS, ETAG, READ_DOC, answer, run_command



class MultipartParser(FlaskParser):
    """Reads a multipart form's text parts and files together, so one schema validates (and documents) both."""

    def load_files(self, req, schema):
        """The files and the text parts of the form."""
        return MultiDictProxy(CombinedMultiDict([req.files, req.form]), schema)


class DocumentsBlueprint(Blueprint):
    """The documents' routes, whose uploads are one multipart form."""

    ARGUMENTS_PARSER = MultipartParser()


bp = DocumentsBlueprint("documents", __name__, url_prefix="/api/v1",
                        description="Documents of a case: job descriptions, orders, reports, decision letters")

_OUT = DocumentOutSchema()


def document_json(row) -> dict:
    """A document as listed, with the address of its file."""
    data = _OUT.dump(row)
    data["content_url"] = url_for("documents.document_content", case_id=row.case_id, document_id=row.id)
    return data


@bp.route("/cases/<int:case_id>/documents", methods=["GET"])
@require_token(CASES_READ)
@bp.response(200, DocumentListSchema)
@bp.doc(**READ_DOC)
def list_documents(case_id):
    """The case's documents the caller may read, newest first (the employer: functional ones only)."""
    rows = services.documents_on(g.token_actor, case_id, purpose="api")
    return jsonify(items=[document_json(r) for r in rows])


@bp.route("/cases/<int:case_id>/documents", methods=["POST"])
@require_token(scope_for_command("add_document"))
@bp.arguments(DocumentInSchema, location="files")
@bp.response(201, DocumentOutSchema, headers=ETAG)
@bp.doc(security=[{"bearerAuth": [scope_for_command("add_document")]}], parameters=COMMAND_HEADERS[:1])
def add_document(form, case_id):
    """Add a document: its kind, date, optional title and file (PDF, PNG or JPEG up to 25 MB, its type told by
    its content). The same file of the same kind twice is refused, so a retried upload adds nothing."""
    upload = form["file"]
    row, refusal = run_command(services.add_document, case_id, kind=form["kind"], title=form["title"],
                               dated_on=form["dated_on"], file=upload.stream, declared_type=upload.mimetype)
    return refusal or answer(document_json(row), case_id, 201)


@bp.route("/cases/<int:case_id>/documents/<int:document_id>/content", methods=["GET"])
@require_token(CASES_READ)
@bp.doc(**READ_DOC, responses={"200": {"description": "The document's file", "content": {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in ACCEPTED}}})
def document_content(case_id, document_id):
    """The document's file, streamed; the read is audited."""
    found = services.read_document(g.token_actor, case_id, document_id, purpose="api")
    return document_response(found)
