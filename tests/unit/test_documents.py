"""Documents: a file's type is told by its content, its size is bounded, and the employer sees only the
functional kinds."""

import pytest

from coordinator.domain.documents import (DEFAULT_FILE_POLICY, UPLOADABLE, DocumentKind, Visibility, check_file,
                                          visibility_of)
from coordinator.domain.errors import InvalidValue

PDF, PNG, JPEG = b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xd8\xff\xe0\x00\x10JFIF"


@pytest.mark.parametrize(("head", "kind"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")])
def test_a_file_is_the_type_its_content_shows(head, kind):
    assert check_file(head, 1000) == kind
    assert check_file(head, 1000, declared="application/octet-stream") == kind


def test_a_file_lying_about_its_type_is_refused():
    with pytest.raises(InvalidValue, match="says it is application/pdf but its content is image/png"):
        check_file(PNG, 1000, declared="application/pdf")


def test_a_file_of_another_type_is_refused_whatever_its_name():
    with pytest.raises(InvalidValue, match="not a PDF, PNG or JPEG"):
        check_file(b"MZ\x90\x00 an executable", 1000, declared="application/pdf")
    with pytest.raises(InvalidValue, match="not a PDF, PNG or JPEG"):
        check_file(b"<html><script>", 1000)


def test_an_empty_or_too_large_file_is_refused():
    with pytest.raises(InvalidValue, match="empty"):
        check_file(PDF, 0)
    assert check_file(PDF, DEFAULT_FILE_POLICY.max_bytes) == "application/pdf"
    with pytest.raises(InvalidValue, match="larger than the limit of 25 MB"):
        check_file(PDF, DEFAULT_FILE_POLICY.max_bytes + 1)


def test_the_employer_sees_only_functional_documents():
    functional = {k for k in DocumentKind if visibility_of(k) is Visibility.FUNCTIONAL}
    assert functional == {DocumentKind.JOB_DESCRIPTION, DocumentKind.SIGNED_OFFER, DocumentKind.DECISION_NOTICE}


def test_each_role_adds_the_kinds_it_may():
    from coordinator.domain.documents import check_upload, kinds_for

    assert set(kinds_for("employer")) == {DocumentKind.JOB_DESCRIPTION, DocumentKind.SIGNED_OFFER}
    assert kinds_for("insurer") == ()
    with pytest.raises(InvalidValue, match="an employer may not add an imaging report"):
        check_upload("employer", "imaging_report")
    with pytest.raises(InvalidValue, match="a case manager may not add a decision notice"):
        check_upload("case_manager", "decision_notice")
    assert check_upload("physician", "physician_order") is DocumentKind.PHYSICIAN_ORDER


def test_an_unknown_kind_is_refused_and_letters_are_not_uploaded():
    with pytest.raises(InvalidValue, match="not a kind of document"):
        visibility_of("selfie")
    assert DocumentKind.DECISION_LETTER not in UPLOADABLE and DocumentKind.DECISION_NOTICE not in UPLOADABLE
