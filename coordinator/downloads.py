"""A document's file as an HTTP answer, shared by the API and the portals: streamed in its own type, named by its
title, never cached."""

from flask import send_file

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def document_response(found):
    """The file of a document read through services/documents.read_document, streamed from the store."""
    response = send_file(found.content, mimetype=found.row.content_type, download_name=file_name(found.row),
                         max_age=0, etag=found.row.sha256, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def file_name(row) -> str:
    """A safe file name from the document's title and type."""
    stem = "".join(c if c.isalnum() or c in "-_ " else "_" for c in row.title).strip() or row.kind
    return f"{stem[:80]}.{EXTENSIONS.get(row.content_type, 'bin')}"
