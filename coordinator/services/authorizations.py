"""Insurer authorization: initial and continuation requests, decisions, and the session window."""

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select, update

from ..domain import authorization as rules
from ..domain import utilization_review as review_rules
from ..domain.documents import DocumentKind
from ..domain.actors import Actor
from ..domain.errors import InvalidValue, RuleViolation
from ..domain.review import DEFAULT_REVIEW_POLICY
from ..domain.stages import Stage, transition
from ..extensions import db
from ..models import Authorization, Case, Document, Organisation, ProgramSession, WeeklyReview
from .letters import write_decision_letters
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, NotFound, authorize, command, load_case, record



def _approved_rows(case_id: int) -> list[Authorization]:
    """Approved (or modified) authorizations of the case, oldest first."""
    return list(db.session.scalars(select(Authorization).where(
        Authorization.case_id == case_id, Authorization.decision.in_(("approve", "modify")),
        Authorization.status == "decided",   # not one an appeal's outcome replaced
    ).order_by(Authorization.start_date, Authorization.id)))


def _value(row: Authorization) -> rules.Authorization:
    """The domain's view of an approved row; `reference` carries the row id back."""
    return rules.Authorization(start_date=row.start_date, end_date=row.end_date,
                               sessions_authorized=row.approved_sessions, reference=str(row.id))


def count_sessions(auth_id: int) -> int:
    """Sessions logged against one authorization."""
    return db.session.scalar(select(func.count(ProgramSession.id)).where(
        ProgramSession.authorization_id == auth_id))


def authorization_for_session(case_id: int, on: date) -> Authorization:
    """The authorization a session on `on` counts against; RuleViolation past its date or count."""
    rows = {str(r.id): r for r in _approved_rows(case_id)}
    values = [_value(r) for r in rows.values()]
    covering = rules.check_session_authorized(values, on, 0)  # which one covers the date
    rules.check_session_authorized(values, on, count_sessions(int(covering.reference)))
    return rows[covering.reference]


def authorization_covering(case_id: int, on: date) -> Authorization | None:
    """The authorization covering `on` with sessions left, or None."""
    try:
        return authorization_for_session(case_id, on)
    except RuleViolation:
        return None


def pending(case_id: int) -> Authorization | None:
    """The undecided request of the case, if any (waiting for the insurer, or pended for information)."""
    return db.session.scalar(select(Authorization).where(
        Authorization.case_id == case_id, Authorization.status.in_(("pending", "pended"))))


def _weeks(row: Authorization) -> int:
    """Whole weeks an approved authorization spans."""
    return ((row.end_date - row.start_date).days + 1) // 7


def latest_report(case_id: int) -> dict | None:
    """The progress report of the newest weekly review."""
    review = db.session.scalar(select(WeeklyReview).where(WeeklyReview.case_id == case_id)
                               .order_by(WeeklyReview.week.desc()).limit(1))
    return review.result.get("report") if review else None


def _assessment(case_id: int, weeks: int, approved_rows: list[Authorization]):
    """The policy's continuation criteria applied to the latest review (advice for the insurer)."""
    report = latest_report(case_id) or {}
    gains = [rules.DemandGain(demand=d["task"], gain=d["gain_since_baseline_pct"] or 0.0,
                              mcid=DEFAULT_REVIEW_POLICY.capacity_mcid_pct, critical=d["critical"])
             for d in report.get("demands", [])]
    return rules.continuation_assessment(report.get("attendance"), gains,
                                         sum(_weeks(r) for r in approved_rows), weeks)


def _intake_packet(case: Case) -> dict:
    """What the insurer needs to decide a first request."""
    return {"claim_number": case.claim_number, "job_title": case.job_title, "job_level": case.job_level,
            "program_type": case.program_type, "diagnosis_code": case.diagnosis_code,
            "screening": case.screening,
            "demands": [{"task": d.task, "amount": d.amount, "frequency": d.frequency,
                         "critical": d.critical} for d in case.demands]}


def _check_submitted(case: Case, submitted_on: date) -> None:
    if submitted_on < case.referral_date or submitted_on > date.today():
        raise InvalidValue("the request date must lie between the referral and today",
                           field="submitted_on")


def moment(day: date) -> datetime:
    """When something dated `day` happened: now when it is today; the start of that day when it was recorded
    later (the clock then runs from the earliest moment it could have, never in the requester's favour)."""
    now = datetime.now(UTC)
    return now if day >= now.date() else datetime.combine(day, time(0), tzinfo=UTC)


def review_policy_of(case: Case) -> review_rules.ReviewPolicy:
    """The utilization-review policy the case's insurer applies."""
    return review_rules.policy_named(db.session.scalar(
        select(Organisation.review_policy).where(Organisation.id == case.insurer_id)))


def _documents_by(case: Case, on: date) -> list[Document]:
    """The case's documents dated by `on`, newest first."""
    return list(db.session.scalars(select(Document).where(Document.case_id == case.id, Document.dated_on <= on)
                                   .order_by(Document.dated_on.desc(), Document.id.desc())))


def _named_documents(case: Case, named: list[int] | None, on: date, rows: list[Document] | None = None) -> list[Document]:
    """The documents the requester names, each one of the case dated by `on` (InvalidValue otherwise)."""
    if not named:
        return []
    by_id = {r.id: r for r in (rows if rows is not None else _documents_by(case, on))}
    missing = [i for i in named if i not in by_id]
    if missing:
        raise InvalidValue(f"document {missing[0]} is not a document of this case dated by {on}", field="documents")
    return [by_id[i] for i in dict.fromkeys(named)]


def _listed(row: Document) -> dict:
    return {"id": row.id, "kind": row.kind, "title": row.title, "dated_on": row.dated_on.isoformat()}


def _packet_documents(case: Case, kind: str, named: list[int] | None, on: date,
                      policy: review_rules.ReviewPolicy) -> tuple[list[dict], list[review_rules.Supporting]]:
    """The papers a request carries: the newest document of each kind the policy requires, the documents the
    requester names besides, and (for a continuation) the product's own progress report of the latest review."""
    rows = _documents_by(case, on)
    chosen: dict[int, Document] = {}
    for wanted in policy.required_for(kind):
        newest = next((r for r in rows if r.kind == wanted.value), None)
        if newest is not None:
            chosen[newest.id] = newest
    chosen |= {r.id: r for r in _named_documents(case, named, on, rows)}
    listed = [_listed(r) for r in chosen.values()]
    supporting = [review_rules.Supporting(DocumentKind(r.kind), r.dated_on) for r in chosen.values()]
    if kind == "continuation":
        reviewed = db.session.scalar(select(WeeklyReview.reviewed_on).where(
            WeeklyReview.case_id == case.id, WeeklyReview.reviewed_on <= on).order_by(WeeklyReview.week.desc()).limit(1))
        if reviewed is not None:   # attached by the product: the report of that review, as the case page shows it
            listed.append({"id": None, "kind": DocumentKind.PROGRESS_REPORT.value,
                           "title": "Progress report (written by the coordinator)", "dated_on": reviewed.isoformat()})
            supporting.append(review_rules.Supporting(DocumentKind.PROGRESS_REPORT, reviewed))
    return listed, supporting


def _check_packet(kind: str, supporting, on: date, policy: review_rules.ReviewPolicy) -> None:
    gaps = review_rules.packet_gaps(kind, supporting, on, policy)
    if gaps:
        raise RuleViolation("the request cannot go to the insurer yet: " + "; ".join(g.text for g in gaps)
                            + " (add it to the case's documents first)", field="documents")


def _check_expedited(expedited: bool, reason: str) -> str | None:
    if expedited and not (reason or "").strip():
        raise InvalidValue("say why the request is urgent: an expedited review needs its reason",
                           field="expedited_reason")
    return reason.strip() if expedited else None


def request_authorization(actor: Actor, case_id: int, *, submitted_on: date, start_date: date | None = None,
                          weeks: int | None = None, documents: list[int] | None = None, expedited: bool = False,
                          expedited_reason: str = "", options: Options = DEFAULT) -> Authorization:
    """Ask the insurer for a block of sessions: the initial trial, or a continuation with the report; with its
    packet of papers (refused, naming them, when the insurer's policy finds one missing or too old), expedited
    (72 hours) when its reason is given."""
    with command(options):
        case = load_case(case_id)
        approved_rows = _approved_rows(case.id)
        kind = "continuation" if approved_rows else "initial"
        # the first block is the initial trial; every later one a continuation, each with inputs of its own
        authorize(actor, "request_authorization", case, kind=kind, options=options)
        _check_submitted(case, submitted_on)
        urgent = _check_expedited(expedited, expedited_reason)
        if not approved_rows:
            request, packet, assessment = _initial(case, start_date, weeks)
        else:
            request = rules.continuation_request(_value(approved_rows[-1]), weeks or 2)
            result = _assessment(case.id, request.weeks, approved_rows)
            assessment = {"meets_criteria": result.meets_criteria, "weeks_remaining": result.weeks_remaining,
                          "reasons": [{**r, "met": ok} for r, ok in zip(reasons_json(result.reasons), result.met)],
                          "policy": str(result.policy)}
            packet = {"progress_report": latest_report(case.id)}
        policy = review_policy_of(case)
        listed, supporting = _packet_documents(case, kind, documents, submitted_on, policy)
        _check_packet(kind, supporting, submitted_on, policy)
        received = moment(submitted_on)
        due = review_rules.decision_deadline(received, received, bool(urgent), policy)
        row = Authorization(
            case_id=case.id, kind=kind, status="pending",
            requested_sessions=request.sessions, requested_weeks=request.weeks,
            start_date=request.start_date, end_date=request.end_date, submitted_on=submitted_on,
            due_on=due.date(), packet={**packet, "documents": listed}, assessment=assessment,
            requested_by_id=actor.user_id, expedited=bool(urgent), expedited_reason=urgent, received_at=received,
            complete_at=received, due_at=due, review_policy=str(policy.ref), clinic_id=case.clinic_id,
            insurer_id=case.insurer_id,
        )
        db.session.add(row)
        db.session.flush()
        clock = f"expedited: decision due by {due:%Y-%m-%d %H:%M} UTC" if urgent else f"decision due {row.due_on}"
        record(case, actor, "authorization_requested",
               f"{row.kind.capitalize()} authorization requested: {row.requested_sessions} sessions "
               f"{row.start_date} to {row.end_date}; {clock}", on=submitted_on,
               data={"authorization_id": row.id, "due_on": row.due_on.isoformat(), "expedited": bool(urgent)},
               subject=f"authorization:{row.id}")
    return row


def _initial(case: Case, start_date: date, weeks: int | None):
    """The first request (the catalogue saw every clearance in): the case moves to the authorization stage."""
    if start_date is None:
        raise InvalidValue("say when the program should start", field="start_date")
    if start_date < case.referral_date:
        raise InvalidValue("the program cannot start before the referral", field="start_date")
    if case.stage == Stage.CLEARANCE:
        case.stage = transition(case.stage, Stage.AUTHORIZATION)
    request = rules.initial_request(start_date, weeks=weeks)
    return request, _intake_packet(case), {"reasons": reasons_json(request.reasons),
                                           "policy": str(request.policy)}


def decide_authorization(actor: Actor, authorization_id: int, *, decision: str, reason: str,
                         decided_on: date, approved_sessions: int | None = None, options: Options = DEFAULT) -> Authorization:
    """The insurer's decision: approve, modify (fewer sessions), deny or pend, always with a reason."""
    with command(options):
        row = db.session.get(Authorization, authorization_id) if isinstance(authorization_id, int) else None
        if row is None:
            raise NotFound(f"authorization {authorization_id} does not exist", field="authorization_id")
        case = load_case(row.case_id)
        authorize(actor, "decide_authorization", case, subject=row.id, options=options)
        if row.status != "pending":
            raise RuleViolation(f"authorization {row.id} is already decided ({row.decision})",
                                field="authorization_id")
        if decided_on < row.submitted_on or decided_on > date.today():
            raise InvalidValue("the decision date must lie between the request and today",
                               field="decided_on")
        if row.appeal_of_id is not None:   # an appeal is someone else's to decide
            first = db.session.scalar(select(Authorization.decided_by_id).where(Authorization.id == row.appeal_of_id))
            same = review_rules.second_reviewer_required(first, actor.user_id)
            if same is not None:
                raise RuleViolation(same.text, field="authorization_id")
        result = rules.validate_decision(decision, row.requested_sessions, approved_sessions, reason)
        # a pend is not final: the request waits for the information named, then goes back to the insurer
        pended = result.decision is rules.Decision.PEND
        row.status, row.decision, row.reason = "pended" if pended else "decided", str(result.decision), result.reason
        row.approved_sessions, row.decided_on, row.decided_by_id = (
            result.approved_sessions, decided_on, actor.user_id)
        row.decided_at = moment(decided_on)
        if pended:
            row.information = [*(row.information or []), {"pended_on": decided_on.isoformat(), "asked": result.reason}]
        overdue = is_late(row, row.decided_at)
        if not pended:   # a final decision: its turnaround from the complete request, for the approvals board
            row.turnaround_hours = max(0.0, (row.decided_at - (row.complete_at or row.decided_at)).total_seconds() / 3600)
            row.late = overdue
        late = " (after the due date)" if overdue else ""
        summary = (f"Insurer pended the request{late}: the clinic is asked for more information" if pended else
                   f"Insurer decided to {result.decision}: {result.approved_sessions} of "
                   f"{row.requested_sessions} sessions{late}") + "; written to each party on the case"
        # the reason may be clinical: the summary, which the employer reads, never carries it
        record(case, actor, "authorization_decided", summary, on=decided_on,
               data={"authorization_id": row.id, "decision": str(result.decision), "late": overdue},
               subject=f"authorization:{row.id}")
        if row.appeal_of_id is not None and not pended:
            _settle_appeal(row)
        db.session.flush()
        write_decision_letters(case, actor, row, review_policy_of(case), overdue)
    return row


def is_late(row: Authorization, decided_at: datetime) -> bool:
    """The decision came after its due moment (a request kept before the clock had moments: after its due day)."""
    if row.due_at is None:
        return rules.is_decision_overdue(row.due_on, decided_at.date())
    return review_rules.is_late(row.due_at, decided_at)


def _open_request(actor: Actor, command_name: str, authorization_id: int, options: Options) -> tuple[Authorization, Case]:
    """The request a clinic command acts on, with its case, both checked (a stranger learns nothing)."""
    row = db.session.get(Authorization, authorization_id) if isinstance(authorization_id, int) else None
    case = load_case(row.case_id) if row is not None else None
    if row is None:
        raise NotFound(f"authorization {authorization_id} does not exist", field="authorization_id")
    authorize(actor, command_name, case, subject=row.id, options=options)
    return row, case


def supply_information(actor: Actor, authorization_id: int, *, information: str, supplied_on: date,
                       documents: list[int] | None = None, options: Options = DEFAULT) -> Authorization:
    """The clinic supplies what the insurer asked for (in words, and the case's documents it names): the request is
    complete again and the insurer's decision clock restarts from that moment."""
    if not (information or "").strip():
        raise InvalidValue("say what you are sending the insurer", field="information")
    with command(options):
        row, case = _open_request(actor, "supply_information", authorization_id, options)
        if supplied_on < row.decided_on or supplied_on > date.today():
            raise InvalidValue("the information is dated between the insurer's request for it and today",
                               field="supplied_on")
        policy = review_policy_of(case)
        added = [_listed(d) for d in _named_documents(case, documents, supplied_on)]
        rounds = list(row.information or [])
        rounds[-1] = {**rounds[-1], "supplied_on": supplied_on.isoformat(), "supplied": information.strip(),
                      "documents": [d["id"] for d in added]}
        row.information = rounds
        if added:
            known = {d["id"] for d in (row.packet or {}).get("documents", [])}
            row.packet = {**(row.packet or {}), "documents": [*(row.packet or {}).get("documents", []),
                                                             *(d for d in added if d["id"] not in known)]}
        row.status, row.decision, row.decided_on, row.decided_by_id, row.decided_at = "pending", None, None, None, None
        # complete again: a new clock from this moment, as for a request received complete now
        row.complete_at = moment(supplied_on)
        row.due_at = review_rules.decision_deadline(row.complete_at, row.complete_at, row.expedited, policy)
        row.due_on = row.due_at.date()
        record(case, actor, "authorization_information_supplied",
               f"Information sent to the insurer; decision due {row.due_on}", on=supplied_on,
               data={"authorization_id": row.id, "due_on": row.due_on.isoformat()},
               subject=f"authorization:{row.id}")
    return row


def appeal_authorization(actor: Actor, authorization_id: int, *, reason: str, appealed_on: date,
                         documents: list[int] | None = None, options: Options = DEFAULT) -> Authorization:
    """Appeal a denial or a modification within the payer's window: the same block goes back to the insurer as a new
    request naming the decision, the clinic's statement and the documents it sends; the decision appealed stands
    on record until the appeal's outcome replaces it."""
    if not (reason or "").strip():
        raise InvalidValue("say why the decision should be reconsidered", field="reason")
    with command(options):
        decided, case = _open_request(actor, "appeal_authorization", authorization_id, options)
        if appealed_on > date.today():
            raise InvalidValue("the appeal cannot be dated after today", field="appealed_on")
        policy = review_policy_of(case)
        refused = review_rules.may_appeal(decided.decision, decided.decided_on, appealed_on, policy)
        if refused is not None:
            raise RuleViolation(refused.text, field="appealed_on")
        sent = [_listed(d) for d in _named_documents(case, documents, appealed_on)]
        received = moment(appealed_on)
        due = review_rules.decision_deadline(received, received, decided.expedited, policy)
        row = Authorization(
            case_id=case.id, kind=decided.kind, status="pending", requested_sessions=decided.requested_sessions,
            requested_weeks=decided.requested_weeks, start_date=decided.start_date, end_date=decided.end_date,
            submitted_on=appealed_on, due_on=due.date(), received_at=received, complete_at=received, due_at=due,
            expedited=decided.expedited, expedited_reason=decided.expedited_reason, review_policy=str(policy.ref),
            packet={**(decided.packet or {}), "documents": [*(decided.packet or {}).get("documents", []), *sent],
                    "appeal": {"of": decided.id, "reason": reason.strip(), "decision": decided.decision,
                               "decision_reason": decided.reason, "documents": [d["id"] for d in sent]}},
            assessment=decided.assessment, requested_by_id=actor.user_id, appeal_of_id=decided.id,
            clinic_id=case.clinic_id, insurer_id=case.insurer_id,
        )
        db.session.add(row)
        db.session.flush()
        words = "Denial" if decided.decision == "deny" else "Modification"
        record(case, actor, "authorization_appealed",
               f"{words} of request {decided.id} appealed: {row.requested_sessions} sessions {row.start_date} to "
               f"{row.end_date}; decision due {row.due_on}", on=appealed_on,
               data={"authorization_id": row.id, "appeal_of": decided.id, "due_on": row.due_on.isoformat()},
               subject=f"authorization:{row.id}")
    return row


def _settle_appeal(row: Authorization) -> None:
    """An appeal decided: approved or modified, its outcome replaces the decision appealed (whose sessions count
    against it from now on); denied, the decision appealed stands."""
    appealed = db.session.get(Authorization, row.appeal_of_id)
    if row.decision not in ("approve", "modify") or appealed is None:
        return
    appealed.status, appealed.superseded_by_id = "superseded", row.id
    db.session.execute(update(ProgramSession).where(ProgramSession.authorization_id == appealed.id)
                       .values(authorization_id=row.id))
