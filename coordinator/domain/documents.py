"""Documents on a case: their kinds, who may see each kind (the minimum-necessary rule), and what a file may be
(its type told by its content, never by its name; its size)."""

from dataclasses import dataclass
from enum import StrEnum

from .actors import Role
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
    DECISION_NOTICE = "decision_notice"       # written by the product: the employer's copy, without clinical detail
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
    DocumentKind.DECISION_NOTICE: Visibility.FUNCTIONAL,
    DocumentKind.OTHER: Visibility.CLINICAL,
}

# the worker's own list leaves out the employer's copy of a decision: the worker has the letter itself (they may
# still open the notice by its address: nothing in it is hidden from them)
NOT_LISTED_FOR_WORKER = frozenset({DocumentKind.DECISION_NOTICE})


def listed_for_worker(kind: str) -> bool:
    """A document of this kind is among those meant for the worker."""
    return kind not in NOT_LISTED_FOR_WORKER


# what a party may upload (the product writes decision letters itself)
WRITTEN = (DocumentKind.DECISION_LETTER, DocumentKind.DECISION_NOTICE)
UPLOADABLE = tuple(k for k in DocumentKind if k not in WRITTEN)


# what each role may add: the employer its functional papers only (it never handles clinical ones), the
# physician and the clinic any paper a party writes
UPLOADS: dict[Role, tuple[DocumentKind, ...]] = {
    Role.EMPLOYER: (DocumentKind.JOB_DESCRIPTION, DocumentKind.SIGNED_OFFER),
    Role.PHYSICIAN: UPLOADABLE,
    Role.THERAPIST: UPLOADABLE,
    Role.CASE_MANAGER: UPLOADABLE,
}


def kinds_for(role: Role | str) -> tuple[DocumentKind, ...]:
    """The kinds of document a role may add to a case."""
    return UPLOADS.get(Role(role), ())


def check_upload(role: Role | str, kind: str) -> DocumentKind:
    """The kind, when the role may add a document of it; InvalidValue naming what it may add otherwise."""
    visibility_of(kind)   # an unknown kind is refused in the words that list the kinds
    chosen = DocumentKind(kind)
    allowed = kinds_for(role)
    if chosen not in allowed:
        names = ", ".join(k.value.replace("_", " ") for k in allowed) or "none"
        raise InvalidValue(f"{_a(Role(role).value)} may not add {_a(chosen.value)} (may add: {names})", field="kind")
    return chosen


def _a(name: str) -> str:
    """The name in words with its article: "an imaging report", "a job description"."""
    words = name.replace("_", " ")
    return ("an " if words[0] in "aeiou" else "a ") + words


def may_read(visibility: str, clinical_reader: bool) -> bool:
    """A document of this visibility may be read by a reader of this view (the employer reads functional ones)."""
    return clinical_reader or Visibility(visibility) is Visibility.FUNCTIONAL


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
