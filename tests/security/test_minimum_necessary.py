"""Minimum necessary: a marker in every clinical free-text field, then everything an employer can read.

Every free-text input of every command is filled through the API (the journey of the injection suite, with
markers instead of payloads). The fields the domain calls clinical (domain/disclosure.py) must reach no employer
answer: no operation of the OpenAPI document, no page, no form, no export, no FHIR bundle. The fields written
for the employer (a decline's shared reason, a counter's changes, what a setback tells the employer) must."""

import io
import re

from marshmallow import fields
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select

from coordinator.domain.disclosure import CLINICAL_INPUTS, SHARED_INPUTS
from coordinator.extensions import db
from coordinator.models import Document
from coordinator.portals.actions import ACTIONS, INTAKE
from tests.factories import sign_in

from .test_injection import Texts, form_urls, journey, leaves, reassign_in_the_portal


class Markers(Texts):
    """A short marker per free-text field, nothing that escaping would change."""

    def __init__(self, app):
        super().__init__(app)
        self.values = {name: f"qz{i:03d}q" for i, name in enumerate(sorted(self.values))}


def input_of_command() -> dict[str, tuple[str, str]]:
    """'Schema.field' -> (command, the command's input it belongs to), nested schemas under their parent."""
    found = {}

    def walk(schema, command: str, parent: str | None):
        for name, f in schema.fields.items():
            inner = f.inner if isinstance(f, fields.List) else f
            if isinstance(inner, fields.Nested):
                walk(inner.schema, command, parent or name)
            else:
                found[f"{type(schema).__name__}.{name}"] = (command, parent or name)

    for action in (*ACTIONS.values(), INTAKE):
        walk(action.schema(), action.command, None)
    return found


def split(texts: Texts) -> tuple[dict, dict]:
    """The markers of the clinical fields, and of the fields shared with the employer."""
    owner = input_of_command()
    clinical = {k: v for k, v in texts.values.items() if owner[k][1] in CLINICAL_INPUTS.get(owner[k][0], ())}
    shared = {k: v for k, v in texts.values.items() if owner[k][1] in SHARED_INPUTS.get(owner[k][0], ())}
    return clinical, shared


def employer_reads(app, client, employer, bearer, case_id: int) -> dict[str, str]:
    """Everything the employer can read about the case: every GET of the OpenAPI document, every page and form of
    the employer's portal, every export."""
    headers = bearer(employer, "cases:read")
    read = {}
    # every document of the case, clinical ones included: the employer must get the functional ones only
    documents = db.session.scalars(select(Document.id).where(Document.case_id == case_id)).all()
    for path, item in client.get("/api/v1/openapi.json").json["paths"].items():
        if "get" in item and not path.endswith("openapi.json"):
            for document_id in documents if "{document_id}" in path else [None]:
                answer = client.get(path.format(case_id=case_id, document_id=document_id), headers=headers)
                read[f"GET {path} {document_id or ''}".strip()] = document_text(answer)
    browser = app.test_client()
    sign_in(browser, employer)
    pages = ["/employer/", f"/employer/cases/{case_id}", "/employer/caseload.csv", "/employer/escalations",
             f"/employer/cases/{case_id}/measures.csv", f"/employer/cases/{case_id}/progress.pdf",
             *form_urls("employer", employer, case_id).values()]
    for url in pages:
        answer = browser.get(url)
        read[url] = answer.get_data(as_text=True) if answer.mimetype != "application/pdf" else "PDF SERVED"
    for document_id in documents:
        url = f"/employer/cases/{case_id}/documents/{document_id}"
        read[url] = document_text(browser.get(url))
    return read


def document_text(answer) -> str:
    """An answer's text: a PDF's as its pages read (its bytes are compressed), else the body."""
    if answer.mimetype != "application/pdf":
        return answer.get_data(as_text=True)
    try:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
    except PyPdfError:   # an uploaded file that only starts like a PDF: its bytes as they are
        return answer.data.decode("latin-1")


def test_no_clinician_s_note_reaches_the_employer_anywhere(app, client, parties, bearer, user_bearer):
    texts = Markers(app)
    case_id = journey(client, parties, texts, bearer, user_bearer)
    case_manager = app.test_client()
    sign_in(case_manager, parties.case_manager)
    reassign_in_the_portal(case_manager, parties, case_id, texts)
    clinical, shared = split(texts)
    assert {"ReferralSchema.diagnosis_text", "RestrictionsInSchema.notes", "SetbackInSchema.reason",
            "OfferCheckInSchema.reason", "ClearanceInSchema.note", "AuthorizationDecisionInSchema.reason",
            "ResumptionInSchema.note", "FollowUpInSchema.notes", "OverrideInSchema.reason",
            "ReassignmentInSchema.reason"} <= set(clinical)
    # the worker's own reason for declining an offer is theirs to share: it bears on their benefits
    assert {"OfferCheckInSchema.shared_reason", "OfferCheckInSchema.requested_changes", "DutyResponseInSchema.reason",
            "SetbackInSchema.shared_reason"} == set(shared)

    read = employer_reads(app, client, parties.employer_user, bearer, case_id)
    assert read["GET /api/v1/cases/{case_id}"].count(str(case_id)) and "PDF SERVED" not in read.values()
    leaks = {where: sorted(k for k, v in clinical.items() if v in text) for where, text in read.items()}
    assert {where: found for where, found in leaks.items() if found} == {}
    # what was written for the employer does reach the employer: the test sees what it looks for
    seen = {k for k, v in shared.items() if any(v in text for text in read.values())}
    assert seen == set(shared)
    # and the clinical markers reach the clinical parties: the employer's silence is not an empty journey
    therapist = bearer(parties.therapist, "cases:read")
    clinical_api = " ".join(s for path in ("", "/timeline", "/milestones", "/duty-offers", "/restrictions")
                            for s in leaves(client.get(f"/api/v1/cases/{case_id}{path}", headers=therapist).json))
    for key in ("RestrictionsInSchema.notes", "SetbackInSchema.reason", "OfferCheckInSchema.reason",
                "ReferralSchema.diagnosis_text"):
        assert re.search(clinical[key], clinical_api), key


def test_the_employer_s_page_and_fhir_export_show_the_same_capacities(app, client, parties, bearer, user_bearer):
    texts = Markers(app)
    case_id = journey(client, parties, texts, bearer, user_bearer)
    bundle = client.get(f"/api/v1/cases/{case_id}/fhir", headers=bearer(parties.employer_user, "cases:read")).json
    observed = {(o["code"]["text"].removeprefix("capacity ").replace("_", " "), o["valueQuantity"]["value"])
                for o in (e["resource"] for e in bundle["entry"]) if o["resourceType"] == "Observation"}
    assert observed and all(name.split()[0] in {"lift", "carry", "stand"} for name, _ in observed)   # capacities only
    browser = app.test_client()
    sign_in(browser, parties.employer_user)
    page = browser.get(f"/employer/cases/{case_id}").get_data(as_text=True)
    tables = dict(re.findall(r"<caption[^>]*>([a-z ]+) by week, in \w+</caption>.*?Capacity \(\w+\)</th>(.*?)</tr>",
                             page, re.S | re.I))
    shown = {(task.lower(), float(v)) for task, row in tables.items() for v in re.findall(r"<td>([\d.]+)</td>", row)}
    assert observed <= shown
    assert "Pain and RPE" not in page and "<th scope=\"row\">Pain</th>" not in page


def test_the_worker_reads_their_own_clinical_data_but_no_party_s_internal_note(app, client, parties, bearer,
                                                                                user_bearer):
    from coordinator.models import Case

    texts = Markers(app)
    case_id = journey(client, parties, texts, bearer, user_bearer)
    case_manager = app.test_client()
    sign_in(case_manager, parties.case_manager)
    reassign_in_the_portal(case_manager, parties, case_id, texts)
    case = db.session.get(Case, case_id)
    case.worker_id = parties.worker.user_id   # joined (the invitation is tested on its own)
    db.session.commit()
    worker = app.test_client()
    sign_in(worker, parties.worker)
    read = {url: document_text(worker.get(url)) for url in (
        "/worker/", f"/worker/cases/{case_id}", f"/worker/cases/{case_id}/work-status.pdf",
        *form_urls("worker", parties.worker, case_id).values())}
    page = read[f"/worker/cases/{case_id}"]
    assert texts.values["ReferralSchema.diagnosis_text"] in page          # their own injury, in their words
    internal = {k: v for k, v in texts.values.items() if k.startswith("ReassignmentInSchema.")}
    assert internal and not {k for k, v in internal.items() if any(v in text for text in read.values())}
    assert "Therapist changed" not in page
