"""Insurer authorization: initial and continuation requests, decisions, and the session window."""

from datetime import date

from sqlalchemy import func, select

from ..domain import authorization as rules
from ..domain.actors import Actor
from ..domain.errors import InvalidValue, RuleViolation
from ..domain.review import DEFAULT_REVIEW_POLICY
from ..domain.stages import Stage, transition
from ..extensions import db
from ..models import Authorization, Case, ProgramSession, WeeklyReview
from .results import reasons_json
from .unit_of_work import DEFAULT, Options, NotFound, authorize, command, load_case, record



def _approved_rows(case_id: int) -> list[Authorization]:
    """Approved (or modified) authorizations of the case, oldest first."""
    return list(db.session.scalars(select(Authorization).where(
        Authorization.case_id == case_id, Authorization.decision.in_(("approve", "modify"))
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


def request_authorization(actor: Actor, case_id: int, *, submitted_on: date, start_date: date | None = None,
                          weeks: int | None = None, options: Options = DEFAULT) -> Authorization:
    """Ask the insurer for a block of sessions: the initial trial, or a continuation with the report."""
    with command(options):
        case = load_case(case_id)
        approved_rows = _approved_rows(case.id)
        # the first block is the initial trial; every later one a continuation, each with inputs of its own
        authorize(actor, "request_authorization", case, kind="continuation" if approved_rows else "initial", options=options)
        _check_submitted(case, submitted_on)
        if not approved_rows:
            request, packet, assessment = _initial(case, start_date, weeks)
        else:
            request = rules.continuation_request(_value(approved_rows[-1]), weeks or 2)
            result = _assessment(case.id, request.weeks, approved_rows)
            assessment = {"meets_criteria": result.meets_criteria, "weeks_remaining": result.weeks_remaining,
                          "reasons": reasons_json(result.reasons), "policy": str(result.policy)}
            packet = {"progress_report": latest_report(case.id)}
        row = Authorization(
            case_id=case.id, kind="continuation" if approved_rows else "initial", status="pending",
            requested_sessions=request.sessions, requested_weeks=request.weeks,
            start_date=request.start_date, end_date=request.end_date, submitted_on=submitted_on,
            due_on=rules.decision_due(submitted_on), packet=packet, assessment=assessment,
            requested_by_id=actor.user_id,
        )
        db.session.add(row)
        db.session.flush()
        record(case, actor, "authorization_requested",
               f"{row.kind.capitalize()} authorization requested: {row.requested_sessions} sessions "
               f"{row.start_date} to {row.end_date}; decision due {row.due_on}", on=submitted_on,
               data={"authorization_id": row.id, "due_on": row.due_on.isoformat()},
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
        result = rules.validate_decision(decision, row.requested_sessions, approved_sessions, reason)
        # a pend is not final: the request waits for the information named, then goes back to the insurer
        pended = result.decision is rules.Decision.PEND
        row.status, row.decision, row.reason = "pended" if pended else "decided", str(result.decision), result.reason
        row.approved_sessions, row.decided_on, row.decided_by_id = (
            result.approved_sessions, decided_on, actor.user_id)
        if pended:
            row.information = [*(row.information or []), {"pended_on": decided_on.isoformat(), "asked": result.reason}]
        late = " (after the due date)" if rules.is_decision_overdue(row.due_on, decided_on) else ""
        summary = (f"Insurer pended the request{late}: the clinic is asked for more information" if pended else
                   f"Insurer decided to {result.decision}: {result.approved_sessions} of "
                   f"{row.requested_sessions} sessions{late}")   # the reason may be clinical
        record(case, actor, "authorization_decided", summary, on=decided_on,
               data={"authorization_id": row.id, "decision": str(result.decision)},
               subject=f"authorization:{row.id}")
    return row


def _open_request(actor: Actor, command_name: str, authorization_id: int, options: Options) -> tuple[Authorization, Case]:
    """The request a clinic command acts on, with its case, both checked (a stranger learns nothing)."""
    row = db.session.get(Authorization, authorization_id) if isinstance(authorization_id, int) else None
    case = load_case(row.case_id) if row is not None else None
    if row is None:
        raise NotFound(f"authorization {authorization_id} does not exist", field="authorization_id")
    authorize(actor, command_name, case, subject=row.id, options=options)
    return row, case


def supply_information(actor: Actor, authorization_id: int, *, information: str, supplied_on: date,
                       options: Options = DEFAULT) -> Authorization:
    """The clinic supplies what the insurer asked for: the request is complete again and the insurer's decision
    clock restarts from that day."""
    if not (information or "").strip():
        raise InvalidValue("say what you are sending the insurer", field="information")
    with command(options):
        row, case = _open_request(actor, "supply_information", authorization_id, options)
        if supplied_on < row.decided_on or supplied_on > date.today():
            raise InvalidValue("the information is dated between the insurer's request for it and today",
                               field="supplied_on")
        rounds = list(row.information or [])
        rounds[-1] = {**rounds[-1], "supplied_on": supplied_on.isoformat(), "supplied": information.strip()}
        row.information = rounds
        row.status, row.decision, row.decided_on, row.decided_by_id = "pending", None, None, None
        row.due_on = rules.decision_due(supplied_on)
        record(case, actor, "authorization_information_supplied",
               f"Information sent to the insurer; decision due {row.due_on}", on=supplied_on,
               data={"authorization_id": row.id, "due_on": row.due_on.isoformat()},
               subject=f"authorization:{row.id}")
    return row


def appeal_authorization(actor: Actor, authorization_id: int, *, reason: str, appealed_on: date,
                         options: Options = DEFAULT) -> Authorization:
    """Appeal a denial: the same block goes back to the insurer as a new request naming the denial and why the
    clinic contests it; the denial itself stays on record."""
    if not (reason or "").strip():
        raise InvalidValue("say why the denial should be reconsidered", field="reason")
    with command(options):
        denied, case = _open_request(actor, "appeal_authorization", authorization_id, options)
        if appealed_on < denied.decided_on or appealed_on > date.today():
            raise InvalidValue("the appeal is dated between the denial and today", field="appealed_on")
        row = Authorization(
            case_id=case.id, kind=denied.kind, status="pending", requested_sessions=denied.requested_sessions,
            requested_weeks=denied.requested_weeks, start_date=denied.start_date, end_date=denied.end_date,
            submitted_on=appealed_on, due_on=rules.decision_due(appealed_on),
            packet={**(denied.packet or {}), "appeal": {"of": denied.id, "reason": reason.strip(),
                                                        "denial_reason": denied.reason}},
            assessment=denied.assessment, requested_by_id=actor.user_id, appeal_of_id=denied.id,
        )
        db.session.add(row)
        db.session.flush()
        record(case, actor, "authorization_appealed",
               f"Denial of request {denied.id} appealed: {row.requested_sessions} sessions {row.start_date} to "
               f"{row.end_date}; decision due {row.due_on}", on=appealed_on,
               data={"authorization_id": row.id, "appeal_of": denied.id, "due_on": row.due_on.isoformat()},
               subject=f"authorization:{row.id}")
    return row
