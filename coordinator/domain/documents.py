"""Documents on a case: their kinds, who may see each kind (the minimum-necessary rule), and what a file may be
(its type told by its content, never by its name; its size)."""

from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidValue
from .policies import PolicyRef


class DocumentKind(StrEnum):
    """What a document is, as the parties name it."""

    JOB_DESCRIPTION = "job_description"
    PHYSICIAN_ORDER = "physician_order"       # the treating physician's order or referral for the program
    PROGRESS_REPORT = "progress_report"
    IMAGING_REPORT = "imaging_report"
    SIGNED_OFFER = "signed_offer"             # a modified-duty offer signed by the worker
    DECISION_LETTER = "decision_letter"       # written by the product: an insurer's decision
    OTHER = "other"


class Visibility(StrEnum):
    """Who may read a document: every party on the case, or the clinical readers only (not the employer)."""

    FUNCTIONAL = "functional"
    CLINICAL = "clinical"


# [src] HIPAA 164.512(l) with the minimum-necessary rule; California Labor Code 3762(c): the employer receives
# functional information only. A job description and a signed offer are the employer's own functional papers;
# everything else may carry a diagnosis or clinical findings. A decision letter has an employer's copy of its own
# (written without clinical detail), so the letter kept on the case is clinical.
VISIBILITY = {
    DocumentKind.JOB_DESCRIPTION: Visibility.FUNCTIONAL,
    DocumentKind.SIGNED_OFFER: Visibility.FUNCTIONAL,
    DocumentKind.PHYSICIAN_ORDER: Visibility.CLINICAL,
    DocumentKind.PROGRESS_REPORT: Visibility.CLINICAL,
    DocumentKind.IMAGING_REPORT: Visibility.CLINICAL,
    DocumentKind.DECISION_LETTER: Visibility.CLINICAL,
    DocumentKind.OTHER: Visibility.CLINICAL,
}

# what a party may upload (the product writes decision letters itself)
UPLOADABLE = tuple(k for k in DocumentKind if k is not DocumentKind.DECISION_LETTER)


def visibility_of(kind: str) -> Visibility:
    """The visibility a document of this kind has (an unknown kind is refused)."""
    try:
        return VISIBILITY[DocumentKind(kind)]
    except ValueError:
        raise InvalidValue(f"'{kind}' is not a kind of document; choose one of "
                           f"{', '.join(k.value for k in UPLOADABLE)}", field="kind") from None


@dataclass(frozen=True)
class FilePolicy:
    """What files a case may hold: their types (told by their first bytes) and their size."""

    ref: PolicyRef = PolicyRef("documents", "2026.1", "[design] PDF and images, 25 MB at most")
    max_bytes: int = 25 * 1024 * 1024


DEFAULT_FILE_POLICY = FilePolicy()

# the first bytes of each accepted type (its "magic number"): the name and the declared type are not trusted
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
ACCEPTED = ("application/pdf", "image/png", "image/jpeg")
HEAD_BYTES = max(len(magic) for magic, _ in SIGNATURES)


def content_type(head: bytes) -> str | None:
    """The type a file's first bytes show it to be, or None when it is none of the accepted ones."""
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def check_file(head: bytes, size: int, declared: str | None = None,
               policy: FilePolicy = DEFAULT_FILE_POLICY) -> str:
    """The file's type by its content; InvalidValue when it is empty, too large, of another type, or not the
    type it claims to be."""
    if size <= 0:
        raise InvalidValue("the file is empty", field="file")
    if size > policy.max_bytes:   # a stream is stopped as soon as it passes the limit: its whole size is unknown
        raise InvalidValue(f"the file is larger than the limit of {policy.max_bytes // 1024 // 1024} MB",
                           field="file")
    found = content_type(head)
    if found is None:
        raise InvalidValue("the file is not a PDF, PNG or JPEG image (its content says so, whatever its name)",
                           field="file")
    if declared and declared.split(";")[0].strip().lower() not in ("", "application/octet-stream", found):
        raise InvalidValue(f"the file says it is {declared.split(';')[0].strip()} but its content is {found}",
                           field="file")
    return found
