"""Document schemas: what a party sends to add one (a multipart form with its file), and a document as listed."""

from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate
from werkzeug.datastructures import FileStorage

from ..domain.documents import UPLOADABLE
from .bounds import DAY, NO_NUL, Bounded


class FileUpload(Upload):
    """A file part of a multipart form (a text field of the same name is not a file)."""

    default_error_messages = {"required": "choose a file to send", "null": "choose a file to send",
                              "invalid": "send the file as a file part of a multipart form"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("invalid")
        if not value.filename:
            raise ValidationError("choose a file to send")
        return value


class DocumentFormSchema(Bounded):
    """What a document is: its kind, its title and the day it is dated (the form's text parts)."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in UPLOADABLE]),
                         metadata={"label": "Kind of document"})
    title = fields.String(load_default="", validate=[validate.Length(max=200), NO_NUL],
                          metadata={"label": "Title", "hint": "optional: the kind is used otherwise"})
    dated_on = fields.Date(required=True, validate=DAY, metadata={"label": "Dated", "hint": "the day it was written or signed"})


class DocumentFileSchema(Bounded):
    """The file part of the form."""

    file = FileUpload(required=True, metadata={"label": "File", "hint": "a PDF, PNG or JPEG, 25 MB at most"})


class DocumentInSchema(DocumentFormSchema, DocumentFileSchema):
    """The whole form, as the portal reads it."""


class DocumentOutSchema(Bounded):
    """A document of the case as listed: what it is, its file's type, size and digest, and where to read it."""

    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    dated_on = fields.Date()
    visibility = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    authorization_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    content_url = fields.String()


class DocumentListSchema(Bounded):
    """The case's documents the caller may read, newest first."""

    items = fields.List(fields.Nested(DocumentOutSchema))
