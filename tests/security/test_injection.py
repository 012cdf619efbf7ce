"""Injection in every free-text input: verbatim in the database and the JSON, escaped in pages, inert in CSV."""

import csv
import io
import re
from datetime import timedelta

from markupsafe import escape
from marshmallow import Schema, fields, validate
from sqlalchemy import JSON, String, Text, func, inspect, select

from coordinator.schemas.clinical import (ClearanceInSchema, OverrideInSchema, RestrictionsInSchema,
                                              ResumptionInSchema, SessionInSchema)
from coordinator.schemas.documents import DocumentInSchema
from coordinator.schemas.cases import JobDemandInSchema, ReferralSchema
from coordinator.schemas.workflow import (AppealInSchema, AuthorizationDecisionInSchema, AuthorizationRequestInSchema,
                                          DischargeInSchema,
                                          DutyOfferInSchema, InformationInSchema, OfferWithdrawalInSchema,
                                              DutyResponseInSchema, FollowUpInSchema, OfferedTaskInSchema,
                                              OfferCheckInSchema, ReassignmentInSchema, SetbackInSchema,
                                              SymptomReportInSchema, MissedSessionInSchema, ReportReviewInSchema,
                                              SignatureInSchema)
from coordinator.domain.actors import Role
from coordinator.domain.permissions import can
from coordinator.extensions import db
from coordinator.models import (Authorization, Case, Clearance, DutyOffer, FollowUp, Milestone, ProgramSession,
                                User, WorkerReport)
from coordinator.portals.actions import ACTIONS, INTAKE
from coordinator.portals.exports import FORMULA_STARTS, safe
from coordinator.services.cases import open_case
from tests.factories import csrf_token, sign_in
from tests.services.journey import BASELINE, START, TODAY, opened

PAYLOADS = ("'; DROP TABLE \"case\"; --", "\" OR 1=1 --", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "=HYPERLINK(\"http://evil\",\"x\")", "+SUM(1)", "@cmd", "-2+3")
RAW_MARKUP = ("<script>alert", "<img src=x onerror")        # must never reach a page as markup
PORTALS = {"therapist": "therapist", "case_manager": "case-manager", "physician": "physician",
           "employer_user": "employer", "insurer_user": "insurer", "worker": "worker"}
CLINICAL = ("therapist", "case_manager", "physician", "insurer_user", "worker")
SAFE_FILENAME = re.compile(r'attachment; filename="[A-Za-z0-9._-]+"')
FAIR = {"lift_floor_to_waist": 14.0, "carry": 7.0, "stand": 140.0}
READY = {"lift_floor_to_waist": 22.0, "carry": 11.0, "stand": 250.0}
# the reason for a reassignment is kept in the event's data, which no party's view shows
NOT_RETURNED_BY_THE_API = {"ReassignmentInSchema.reason"}


# -- the fields -----------------------------------------------------------------------------------

def input_schemas(app) -> set[type[Schema]]:
    """Every schema the API loads a request with, and every portal form's schema."""
    found = {p["schema"] for view in app.view_functions.values()
             for p in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])}
    found |= {action.schema for action in (*ACTIONS.values(), INTAKE)}
    return {s if isinstance(s, type) else type(s) for s in found}


def walk(schema: Schema, found: dict) -> dict:
    """'Schema.field' -> (schema, name, field) for each String without a OneOf, nested and listed ones included."""
    for name, f in schema.fields.items():
        inner = f.inner if isinstance(f, fields.List) else f
        if isinstance(inner, fields.Nested):
            walk(inner.schema, found)
        elif isinstance(inner, fields.String) and not isinstance(inner, fields.Email) and not any(
                isinstance(v, validate.OneOf) for v in inner.validators):   # an address is not free text
            found[f"{type(schema).__name__}.{name}"] = (schema, name, f)
    return found


def free_text_fields(app) -> dict[str, tuple[Schema, str, fields.Field]]:
    """Every free-text field of every input schema."""
    found = {}
    for schema in input_schemas(app):
        walk(schema(), found)
    return found


def max_length(f: fields.Field) -> int | None:
    """The field's (or its items') maximum length, if it has one."""
    inner = f.inner if isinstance(f, fields.List) else f
    return min((v.max for v in inner.validators if isinstance(v, validate.Length) and v.max), default=None)


def text_for(index: int, limit: int | None) -> str:
    """Every payload, led by the index-th (so each formula character leads some field), then a unique tag."""
    body = " ".join(PAYLOADS[(index + k) % len(PAYLOADS)] for k in range(len(PAYLOADS)))
    tag = f" #{index:02d}"
    return body[:(limit or len(body) + len(tag)) - len(tag)] + tag


class Texts:
    """The value of each free-text field, and which of them the journey has sent."""

    def __init__(self, app):
        found = free_text_fields(app)
        self.values = {name: text_for(i, max_length(found[name][2])) for i, name in enumerate(sorted(found))}
        self.sent: set[str] = set()

    def of(self, schema: type[Schema], *names: str) -> dict:
        """The schema's free-text fields (all, or those named) filled with their values."""
        body = {}
        for name, f in schema().fields.items():
            key = f"{schema.__name__}.{name}"
            if key in self.values and (not names or name in names):
                self.sent.add(key)
                body[name] = [self.values[key]] if isinstance(f, fields.List) else self.values[key]
        return body


def test_the_free_text_fields_are_read_from_the_input_schemas(app):
    values = Texts(app).values
    assert {"ReferralSchema.worker_name", "ReferralSchema.diagnosis_text", "AuthorizationDecisionInSchema.reason",
            "SetbackInSchema.reason", "FollowUpInSchema.notes", "RestrictionsInSchema.notes",
            "JobDemandInSchema.description", "OfferedTaskInSchema.description", "OverrideInSchema.reason",
            "ClearanceInSchema.restrictions", "ReassignmentInSchema.reason"} <= set(values)
    assert not {"ReferralSchema.date_of_injury", "JobDemandInSchema.task", "DutyResponseInSchema.answer",
                "CaseFunctionalSchema.worker_name"} & set(values)   # no dates, no choices, no output schemas
    assert len(values["ReferralSchema.diagnosis_code"]) == 16 and values["ReferralSchema.worker_name"].startswith(
        tuple(PAYLOADS))


def test_a_nul_in_any_free_text_field_is_a_field_error_not_a_server_error(app, client, parties, bearer):
    # PostgreSQL text cannot hold NUL: the schemas refuse it before the database fails on it
    for key, (schema, name, f) in free_text_fields(app).items():
        nul, clean = (["a\x00b"], ["ab"]) if isinstance(f, fields.List) else ("a\x00b", "ab")
        assert name in schema.validate({name: nul}) and name not in schema.validate({name: clean}), key
    body = {**referral_body(parties, Texts(app)), "worker_name": "a\x00b"}
    answer = client.post("/api/v1/cases", json=body, headers=bearer(parties.case_manager, "cases:write"))
    assert answer.status_code == 422 and "worker_name" in answer.json["errors"]


# -- the journey: every field filled, through the API with real tokens ---------------------------

class Api:
    """POSTs to one case's commands with its current ETag; each must succeed."""

    def __init__(self, client, case_id: int):
        self.client, self.case_id = client, case_id

    def post(self, headers, what: str, body=None) -> dict:
        db.session.expire_all()
        version = db.session.get(Case, self.case_id).version
        answer = self.client.post(f"/api/v1/cases/{self.case_id}/{what}", json=body,
                                  headers={**headers, "If-Match": f'"{version}"'})
        assert answer.status_code in (200, 201), (what, answer.get_data(as_text=True))
        return answer.json


def d(days: int) -> str:
    """An ISO date `days` after the program start."""
    return (START + timedelta(days=days)).isoformat()


def referral_body(parties, texts: Texts) -> dict:
    """A valid referral whose free text is all payloads."""
    demands = [{"task": "lift_floor_to_waist", "amount": 20, "frequency": "occasional", **texts.of(JobDemandInSchema)},
               {"task": "carry", "amount": 10, "frequency": "frequent"},
               {"task": "stand", "amount": 240, "frequency": "constant"}]
    return {"date_of_injury": (TODAY - timedelta(days=150)).isoformat(),
            "referral_date": (TODAY - timedelta(days=60)).isoformat(), "clinic_id": parties.clinic.id,
            "employer_id": parties.employer.id, "insurer_id": parties.insurer.id,
            "physician_id": parties.physician.user_id, "therapist_id": parties.therapist.user_id, "shift_hours": 8,
            "demands": demands, "rtw_goal_agreed_by_employer": True, "rtw_goal_agreed_by_worker": True,
            "therapy_plateaued": True, "hours_per_day_available": 4, "days_per_week_available": 5,
            "health": {"cardiovascular_disease": True},   # so a cardiology clearance is due, with its note
            **texts.of(ReferralSchema)}


def journey(client, parties, texts: Texts, bearer, user_bearer) -> int:
    """One case from referral to recorded follow-ups, through the API, every free-text field carrying payloads."""
    cm = bearer(parties.case_manager, "cases:read cases:write authorizations:write followups:write duty:write "
                                      "milestones:write")
    th = bearer(parties.therapist, "cases:read sessions:write reviews:write duty:write")
    emp = bearer(parties.employer_user, "cases:read duty:write milestones:write")
    ins = bearer(parties.insurer_user, "cases:read authorizations:write")
    md = user_bearer(parties.physician, "cases:read clearances:write sessions:write restrictions:write")
    created = client.post("/api/v1/cases", json=referral_body(parties, texts), headers=cm)
    assert created.status_code == 201, created.get_data(as_text=True)
    api = Api(client, created.json["id"])
    api.post(cm, "clearance-request")
    cleared = (TODAY - timedelta(days=55)).isoformat()
    api.post(md, "clearances", {"kind": "physician", "decided_on": cleared,
                                **texts.of(ClearanceInSchema, "restrictions")})
    api.post(md, "clearances", {"kind": "cardiology", "decided_on": cleared, "cleared": True,
                                **texts.of(ClearanceInSchema, "note")})
    # a document whose title is all payloads, sent with the request
    job = client.post(f"/api/v1/cases/{api.case_id}/documents", content_type="multipart/form-data", data={
        "kind": "job_description", "dated_on": (TODAY - timedelta(days=51)).isoformat(),
        **texts.of(DocumentInSchema), "file": (io.BytesIO(b"%PDF-1.4 job"), "job.pdf", "application/pdf")},
        headers={**bearer(parties.case_manager, "cases:read documents:write"),
                 "If-Match": f'"{db.session.get(Case, api.case_id).version}"'})
    assert job.status_code == 201, job.get_data(as_text=True)
    auth = api.post(cm, "authorizations", {"submitted_on": (TODAY - timedelta(days=50)).isoformat(),
                                           "start_date": d(0), "documents": [job.json["id"]], "expedited": True,
                                           **texts.of(AuthorizationRequestInSchema)})
    # the insurer pends first: the clinic supplies what it asked for, then it decides
    api.post(ins, f"authorizations/{auth['id']}/decision", {
        "decision": "pend", "reason": "Send the job description", "decided_on": (TODAY - timedelta(days=49)).isoformat()})
    api.post(cm, f"authorizations/{auth['id']}/information", {"supplied_on": (TODAY - timedelta(days=49)).isoformat(),
                                                              **texts.of(InformationInSchema)})
    api.post(ins, f"authorizations/{auth['id']}/decision", {
        "decision": "approve", "decided_on": (TODAY - timedelta(days=48)).isoformat(),
        **texts.of(AuthorizationDecisionInSchema)})
    api.post(th, "baseline", {"measured_on": (TODAY - timedelta(days=49)).isoformat(), "capacities": BASELINE})
    api.post(th, "program-start", {"start_on": d(0)})
    session = {"minutes": 90, "rpe": 13, "pain": 3, "heart_rate": 110, "systolic": 130, "diastolic": 80}
    api.post(th, "sessions", {"session_date": d(1), **session, **texts.of(SessionInSchema)})
    for day in (2, 3, 4, 8, 9, 10, 11):
        api.post(th, "sessions", {"session_date": d(day), **session})
    review = {"pain": 3, "rpe": 13, "fatigue": 3, "sessions_scheduled": 4}
    # week 1 rises, so the override (and its reason) is used; week 2 shows capacity for the first milestone
    api.post(th, "reviews", {"week": 1, "reviewed_on": d(6), **review, "capacities": FAIR,
                             "override": {"step_pct": 20, **texts.of(OverrideInSchema)}})
    # a continuation denied, appealed and approved on appeal
    asked = api.post(cm, "authorizations", {"submitted_on": d(7)})
    api.post(ins, f"authorizations/{asked['id']}/decision", {"decision": "deny", "reason": "No gain yet",
                                                             "decided_on": d(7)})
    appeal = api.post(cm, f"authorizations/{asked['id']}/appeal", {"appealed_on": d(8), **texts.of(AppealInSchema)})
    api.post(ins, f"authorizations/{appeal['id']}/decision", {"decision": "approve", "reason": "Gain shown",
                                                              "decided_on": d(8)})
    api.post(th, "sessions", {"session_date": d(12), **session, "symptoms": ["chest_pain"]})   # pauses the case
    api.post(md, "resumption", {"reassessed_on": d(12), **texts.of(ResumptionInSchema)})
    api.post(th, "reviews", {"week": 2, "reviewed_on": d(13), **review, "sessions_scheduled": 5,
                             "capacities": READY, "hours_tolerated": 4})
    api.post(md, "restrictions", {"issued_on": d(16), "max_hours_per_day": 8, **texts.of(RestrictionsInSchema)})
    task = {"task": "carry", "amount": 8, "frequency": "frequent", **texts.of(OfferedTaskInSchema)}
    offer = {"tasks": [task], "hours_per_day": 4, "wage": 24.5, "wage_period": "hourly", "start_date": d(24),
             **texts.of(DutyOfferInSchema)}
    # a check keeps the clinician's note; a counter its changes and the reason shared with the employer; the
    # worker's decline their own reason (in their portal: a worker holds no API client)
    withdrawn = api.post(emp, "duty-offers", {**offer, "sent_on": d(16)})
    api.post(emp, f"duty-offers/{withdrawn['id']}/withdrawal", {"withdrawn_on": d(16),
                                                                **texts.of(OfferWithdrawalInSchema)})
    worker = worker_browser(client, parties, api.case_id)
    for round_, (verdict, notes, answer) in enumerate([("fits", ("reason",), "decline"),
                                                       ("counter", ("requested_changes", "shared_reason"), None),
                                                       ("fits", (), "accept")]):
        offered = api.post(emp, "duty-offers", {**offer, "sent_on": d(17 + 2 * round_)})
        api.post(th, f"duty-offers/{offered['id']}/check", {
            "verdict": verdict, "checked_on": d(18 + 2 * round_), **(texts.of(OfferCheckInSchema, *notes))})
        if answer:
            answer_in_the_portal(worker, api.case_id, offered["id"], {
                "answer": answer, "responded_on": d(18 + 2 * round_),
                **(texts.of(DutyResponseInSchema) if answer == "decline" else {})})
    # the worker signs the return-to-work plan of the accepted round, a name typed
    worker_form(worker, api.case_id, "sign-rtw-plan", {"agree": "1", **texts.of(SignatureInSchema)})
    # between sessions the worker reports a red flag and a missed session; the therapist reviews the red flag
    worker_form(worker, api.case_id, "report-symptoms", {"symptoms": "chest_pain", "reported_on": d(23),
                                                         **texts.of(SymptomReportInSchema)})
    worker_form(worker, api.case_id, "missed-session", {"session_date": d(23), **texts.of(MissedSessionInSchema)})
    flagged = db.session.scalar(select(WorkerReport.id).where(WorkerReport.case_id == api.case_id,
                                                              WorkerReport.kind == "symptoms"))
    api.post(bearer(parties.therapist, "cases:read reports:write"), f"worker-reports/{flagged}/review",
             {"reviewed_on": d(23), **texts.of(ReportReviewInSchema)})
    milestone = api.post(cm, "milestones", {"started_on": d(24)})
    api.post(emp, f"milestones/{milestone['id']}/confirmation", {"confirmed_on": d(24)})
    api.post(emp, "setbacks", {"on": d(25), **texts.of(SetbackInSchema)})
    api.post(cm, "discharge", {"discharged_on": d(27), "program_ended": True, **texts.of(DischargeInSchema)})
    for follow_up in db.session.scalars(select(FollowUp.id).where(FollowUp.case_id == api.case_id)).all():
        api.post(cm, f"follow-ups/{follow_up}", {"recorded_on": TODAY.isoformat(), "work_status": "modified_duty",
                                                 "recurrence": False, **texts.of(FollowUpInSchema)})
    return api.case_id


def worker_browser(client, parties, case_id: int):
    """The case's worker (linked directly), signed in to their portal through the real form."""
    from tests.services.journey import worker_joins

    worker_joins(parties, case_id)
    browser = client.application.test_client()
    sign_in(browser, parties.worker)
    return browser


def answer_in_the_portal(browser, case_id: int, offer_id: int, body: dict) -> None:
    """The worker's answer to a checked round, through their portal's form."""
    worker_form(browser, case_id, f"offer-answer/{offer_id}", body)


def worker_form(browser, case_id: int, slug: str, body: dict) -> None:
    """One of the worker's forms, filled and sent through their portal."""
    url = f"/worker/cases/{case_id}/act/{slug}"
    page = browser.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    answer = browser.post(url, data={**body, "version": version, "csrf_token": csrf_token(page)})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def reassign_in_the_portal(browser, parties, case_id: int, texts: Texts) -> None:
    """The one command without an API operation, through its portal form."""
    cover = User(org_id=parties.clinic.id, role=Role.THERAPIST, email="cover@clinic.test", name="Cover")
    db.session.add(cover)
    db.session.commit()
    url = f"/case-manager/cases/{case_id}/act/reassign"
    token = csrf_token(browser.get(url).get_data(as_text=True))
    answer = browser.post(url, data={"csrf_token": token, "version": str(db.session.get(Case, case_id).version),
                                     "therapist_id": str(cover.id), **texts.of(ReassignmentInSchema)})
    assert answer.status_code == 302, answer.get_data(as_text=True)


# -- what the checks read -------------------------------------------------------------------------

def leaves(value) -> list[str]:
    """The strings inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in leaves(v)]
    if isinstance(value, list):
        return [s for v in value for s in leaves(v)]
    return []


def stored_strings() -> list[str]:
    """Every string in the database: text columns and the string leaves of JSON columns."""
    out = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in db.session.execute(select(*columns)) if columns else ():
            out += [s for value in row for s in leaves(value)]
    return out


def csv_rows(response) -> list[list[str]]:
    """The cells of a CSV answer."""
    assert response.status_code == 200 and response.mimetype == "text/csv", response.status
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def formulas(rows: list[list[str]]) -> list[str]:
    """The cells a spreadsheet would run."""
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def has_markup(page: str) -> bool:
    return any(raw in page for raw in RAW_MARKUP)


# -- the checks -----------------------------------------------------------------------------------

def check_stored_verbatim_and_nothing_dropped(texts: Texts, cases: int) -> None:
    """(a) each value is in the database as sent; (b) every table is there, with the rows the journey made."""
    stored = stored_strings()
    assert not {name for name, value in texts.values.items() if not any(value in s for s in stored)}
    assert set(inspect(db.engine).get_table_names()) >= {t.name for t in db.metadata.sorted_tables}
    counts = [db.session.scalar(select(func.count()).select_from(m))
              for m in (Case, Clearance, DutyOffer, Milestone, FollowUp, ProgramSession)]
    assert counts == [cases, 2, 4, 1, 2, 9]   # four offer rounds: withdrawn, declined, countered, accepted


def form_urls(portal: str, actor, case_id: int) -> dict[str, str]:
    """slug -> URL of every action form the actor's role may open on the case (with its subject, if it has one)."""
    subjects = {field: db.session.scalar(select(m.id).where(m.case_id == case_id))
                for field, m in (("authorization_id", Authorization), ("offer_id", DutyOffer),
                                 ("milestone_id", Milestone), ("follow_up_id", FollowUp),
                                 ("report_id", WorkerReport))}
    return {slug: f"/{portal}/cases/{case_id}/act/{slug}" + (f"/{subjects[a.subject]}" if a.subject else "")
            for slug, a in ACTIONS.items() if can(actor, a.command)}


def check_pages_escape(browsers: dict, parties, case_id: int, texts: Texts) -> None:
    """(c) home (also with a search), case page with its timeline, every action form: escaped, for every party."""
    pages, forms = {}, set()
    for name, portal in PORTALS.items():
        urls = form_urls(portal, getattr(parties, name), case_id)
        forms |= set(urls)
        for url in [f"/{portal}/", f"/{portal}/?q={PAYLOADS[2]}", f"/{portal}/cases/{case_id}", *urls.values()]:
            answer = browsers[name].get(url)
            if name == "worker" and answer.status_code == 302 and "/act/" not in url:
                continue   # the worker's start page sends them to their one case, read next
            # a form the catalogue does not allow now still renders, with the reason instead of its inputs
            assert answer.status_code in ((200, 409) if "/act/" in url else (200,)), url
            pages[f"{name} {url}"] = answer.get_data(as_text=True)
    assert forms == set(ACTIONS)
    for where, page in pages.items():
        assert not has_markup(page), f"unescaped markup in {where}"
        assert str(escape(texts.values["ReferralSchema.worker_name"])) in page, f"{where} does not show the worker"
    shown = {name for name, value in texts.values.items() if any(str(escape(value)) in p for p in pages.values())}
    assert {"ReferralSchema.claim_number", "ReferralSchema.job_title", "ReferralSchema.diagnosis_code",
            "ReferralSchema.diagnosis_text", "ResumptionInSchema.note", "SetbackInSchema.reason"} <= shown


def check_a_refused_form_echoes_escaped(browser, texts: Texts) -> None:
    """(c) a form sent back with a field error shows what was typed, escaped, in its inputs."""
    typed = {**texts.of(ReferralSchema), "demands-0-description": texts.values["JobDemandInSchema.description"]}
    token = csrf_token(browser.get("/case-manager/intake").get_data(as_text=True))
    again = browser.post("/case-manager/intake", data={"csrf_token": token, **typed, "date_of_injury": "never"})
    page = again.get_data(as_text=True)
    assert again.status_code == 422 and not has_markup(page)
    assert all(str(escape(value)) in page for value in typed.values())


def check_exports_neutralise_formulas(browsers: dict, case_id: int, leading: tuple) -> None:
    """(d) no cell of any party's caseload or measures export starts a formula; each payload is there, quoted."""
    for name, portal in PORTALS.items():
        assert not formulas(csv_rows(browsers[name].get(f"/{portal}/caseload.csv"))), name
    workers = {row[1] for row in csv_rows(browsers["case_manager"].get("/case-manager/caseload.csv"))}
    # names are trimmed when stored: a leading tab or CR reaches the export only as the formula behind it
    assert {safe(p.strip()) for p in leading} <= workers and all(safe(c) == "'" + c for c in ("\t=1", "\r=1"))
    assert {safe(p) for p in PAYLOADS} - set(PAYLOADS) == {"'" + p for p in PAYLOADS[4:]}
    for name in CLINICAL:
        measures = browsers[name].get(f"/{PORTALS[name]}/cases/{case_id}/measures.csv")
        assert not formulas(csv_rows(measures)), name
        assert SAFE_FILENAME.fullmatch(measures.headers["Content-Disposition"]), measures.headers


def check_api_returns_them_unchanged(client, headers: dict, case_id: int, texts: Texts) -> None:
    """(e) every read of the case gives each value back as the same JSON string."""
    returned = set()
    for path, item in client.get("/api/v1/openapi.json").json["paths"].items():
        if "get" in item and re.findall(r"{(\w+)}", path) == ["case_id"]:
            answer = client.get(path.format(case_id=case_id), headers=headers)
            assert answer.status_code == 200, path
            strings = leaves(answer.json)
            returned |= {name for name, value in texts.values.items() if any(value in s for s in strings)}
    assert set(texts.values) - returned == NOT_RETURNED_BY_THE_API


# -- the tests ------------------------------------------------------------------------------------

def test_payloads_in_every_free_text_field_stay_data_everywhere(app, client, parties, referral, bearer,
                                                                 user_bearer):
    texts = Texts(app)
    browsers = {name: app.test_client() for name in PORTALS}
    for name, browser in browsers.items():
        sign_in(browser, getattr(parties, name))
    case_id = journey(client, parties, texts, bearer, user_bearer)
    reassign_in_the_portal(browsers["case_manager"], parties, case_id, texts)
    assert texts.sent == set(texts.values), f"fields no command fills: {set(texts.values) - texts.sent}"
    leading = (*PAYLOADS, "\t=1+1", "\r=1+1")   # one more case led by each, in the worker's name
    for i, payload in enumerate(leading):
        open_case(parties.therapist, referral(claim_number=f"X-{i}", worker_name=payload))

    check_stored_verbatim_and_nothing_dropped(texts, cases=1 + len(leading))
    check_pages_escape(browsers, parties, case_id, texts)
    check_a_refused_form_echoes_escaped(browsers["case_manager"], texts)
    check_exports_neutralise_formulas(browsers, case_id, leading)
    check_api_returns_them_unchanged(client, bearer(parties.case_manager, "cases:read"), case_id, texts)


def test_a_claim_number_cannot_break_the_export_s_header(app, parties, referral):
    case_id = opened(parties, referral, claim_number='A";\r\nSet-Cookie: taken=1')
    browser = app.test_client()
    sign_in(browser, parties.therapist)
    answer = browser.get(f"/therapist/cases/{case_id}/measures.csv")
    assert answer.status_code == 200 and SAFE_FILENAME.fullmatch(answer.headers["Content-Disposition"])
    assert not [c for c in answer.headers.getlist("Set-Cookie") if "taken" in c]
