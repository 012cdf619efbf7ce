"""Modified duty: the employer's written offers, each round checked against the restrictions in force."""

from datetime import date

from sqlalchemy import func, select

from ..domain import duty as rules
from ..domain.actors import Actor
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import DutyOffer
from .restrictions import restriction_in_force_on
from .unit_of_work import DEFAULT, Options, NotFound, authorize, command, load_case, open_command, record

def _offer_value(row: DutyOffer) -> rules.DutyOffer:
    """The domain's view of a stored round."""
    return rules.DutyOffer(
        tasks=tuple(rules.OfferedTask(**t) for t in row.tasks), hours_per_day=row.hours_per_day,
        schedule=row.schedule, location=row.location, wage=rules.Wage(row.wage, row.wage_period),
        start_date=row.start_date, round_number=row.round, restriction_version=row.restriction_version,
    )


def _build_offer(tasks: list[dict], hours_per_day, schedule, location, wage, wage_period,
                 start_date) -> rules.DutyOffer:
    """A domain offer from plain input; InvalidValue for malformed tasks."""
    try:
        offered = tuple(rules.OfferedTask(description=(t.get("description") or "").strip(), task=t.get("task"),
                                          amount=t.get("amount"), frequency=t.get("frequency"),
                                          hours=t.get("hours")) for t in tasks)
    except (AttributeError, TypeError):
        raise InvalidValue("each task needs description, task, amount and frequency", field="tasks") from None
    return rules.DutyOffer(tasks=offered, hours_per_day=hours_per_day, schedule=(schedule or "").strip(),
                           location=(location or "").strip(),
                           wage=rules.Wage(wage, wage_period) if wage is not None else None,
                           start_date=start_date)


def latest_offer(case_id: int) -> DutyOffer | None:
    """The newest round of the case's offers."""
    return db.session.scalar(select(DutyOffer).where(DutyOffer.case_id == case_id)
                             .order_by(DutyOffer.round.desc()).limit(1))


def propose_duty_offer(actor: Actor, case_id: int, *, tasks: list[dict], hours_per_day: float,
                       schedule: str, location: str, wage: float, wage_period: str, start_date: date,
                       sent_on: date, options: Options = DEFAULT) -> DutyOffer:
    """The employer's written offer, or its next round; every conflict with the restrictions is listed."""
    offer = _build_offer(tasks, hours_per_day, schedule, location, wage, wage_period, start_date)
    with command(options):
        case = open_command(actor, "propose_duty_offer", case_id, options=options)
        if sent_on < case.referral_date or sent_on > date.today():
            raise InvalidValue("an offer is dated between the referral and today", field="sent_on")
        if start_date < sent_on:
            raise InvalidValue("modified duty cannot start before the offer is sent", field="start_date")
        restrictions = restriction_in_force_on(case.id, sent_on)
        previous = latest_offer(case.id)
        if previous is not None and previous.status in rules.STILL_OPEN:
            round_ = rules.revise(_offer_value(previous), previous.status, offer, restrictions)
            # the new round supersedes the open or countered one: only one round of a case is ever open
            previous.status = str(rules.transition_offer(previous.status, rules.OfferStatus.REVISED))
        else:
            round_ = rules.propose(offer, restrictions)
        number = (db.session.scalar(select(func.max(DutyOffer.round)).where(DutyOffer.case_id == case.id)) or 0) + 1
        row = _offer_row(case.id, number, round_, sent_on, actor)
        db.session.add(row)
        db.session.flush()
        found = len(row.conflicts)
        record(case, actor, "duty_offer_proposed",
               f"Modified-duty offer round {number} sent ({row.hours_per_day:g} h/day from {start_date}); "
               f"{found} conflict{'s' if found != 1 else ''} with restrictions v{row.restriction_version}; "
               f"answer due {row.response_due}",
               on=sent_on, data={"offer_id": row.id, "conflicts": row.conflicts}, subject=f"duty_offer:{row.id}")
    return row


def _offer_row(case_id: int, number: int, round_: rules.OfferRound, sent_on: date, actor: Actor) -> DutyOffer:
    """A stored round from the domain's checked offer."""
    o = round_.offer
    return DutyOffer(
        case_id=case_id, round=number, status=str(round_.status),
        tasks=[{"description": t.description, "task": str(t.task), "amount": t.amount,
                "frequency": str(t.frequency), "hours": t.hours} for t in o.tasks],
        hours_per_day=o.hours_per_day, schedule=o.schedule, location=o.location, wage=o.wage.amount,
        wage_period=str(o.wage.period), start_date=o.start_date,
        restriction_version=round_.check.restriction_version,
        conflicts=[_conflict_json(c) for c in round_.check.conflicts], sent_on=sent_on,
        response_due=rules.response_due(sent_on), proposed_by_id=actor.user_id,
    )


def _conflict_json(c: rules.Conflict) -> dict:
    return {"kind": str(c.kind), "task": str(c.task) if c.task else None, "offered": c.offered,
            "allowed": c.allowed, "restriction_version": c.restriction_version, "text": c.text}


def _round_on_case(actor: Actor, command_name: str, offer_id: int, options: Options):
    """The round named and its case, locked, the actor checked for the command on it."""
    row = db.session.get(DutyOffer, offer_id) if isinstance(offer_id, int) else None
    if row is None:
        raise NotFound(f"duty offer {offer_id} does not exist", field="offer_id")
    case = load_case(row.case_id)
    authorize(actor, command_name, case, subject=row.id, options=options)
    return row, case


def check_duty_offer(actor: Actor, offer_id: int, *, verdict: str, checked_on: date, reason: str = "",
                     requested_changes: str = "", shared_reason: str = "", options: Options = DEFAULT) -> DutyOffer:
    """The therapist's or physician's check of a round against the restrictions in force: it fits (it goes to
    the worker to answer) or the employer is asked for changes. The clinician's own words stay with the clinical
    parties; the employer reads the changes and the shared reason."""
    with command(options):
        row, case = _round_on_case(actor, "check_duty_offer", offer_id, options)
        if checked_on < row.sent_on or checked_on > date.today():
            raise InvalidValue("the check is dated between the offer and today", field="checked_on")
        checked = rules.check_round(_offer_value(row), row.status, verdict,
                                    restriction_in_force_on(case.id, checked_on), reason=reason,
                                    requested_changes=requested_changes)
        row.status, row.checked_on, row.checked_by_id = str(checked.status), checked_on, actor.user_id
        row.check_note = checked.reason or None
        row.conflicts = [_conflict_json(c) for c in checked.conflicts]
        if checked.answer is rules.Verdict.COUNTER:
            # the counter is the answer of the worker's side to this round: the employer's move follows from it
            row.response, row.responded_on, row.responded_by_id = "counter", checked_on, actor.user_id
            row.response_note, row.requested_changes = checked.reason or None, checked.requested_changes
            row.shared_reason = (shared_reason or "").strip() or None
            summary = (f"Offer round {row.round} countered: changes requested: {row.requested_changes}"
                       + (f"; reason: {row.shared_reason}" if row.shared_reason else ""))
        else:
            summary = (f"Offer round {row.round} checked against restrictions v{checked.restriction_version}: it "
                       f"fits; the worker answers it by {row.response_due}")
        record(case, actor, "duty_offer_checked", summary, on=checked_on,
               data={"offer_id": row.id, "verdict": str(checked.answer)}, subject=f"duty_offer:{row.id}")
    return row


def respond_to_duty_offer(actor: Actor, offer_id: int, *, answer: str, responded_on: date, reason: str = "",
                          options: Options = DEFAULT) -> DutyOffer:
    """The worker's answer to a checked round: accept (while it still fits the restrictions in force), or decline
    with their reason (shared with the employer and the insurer: a decline has consequences for benefits)."""
    with command(options):
        row, case = _round_on_case(actor, "respond_to_duty_offer", offer_id, options)
        if responded_on < row.sent_on or responded_on > date.today():
            raise InvalidValue("the answer is dated between the offer and today", field="responded_on")
        response = rules.respond(_offer_value(row), row.status, answer,
                                 restriction_in_force_on(case.id, responded_on), reason=reason)
        row.status, row.response, row.responded_on = str(response.status), str(response.answer), responded_on
        row.shared_reason = response.reason or None
        row.responded_by_id = actor.user_id
        row.conflicts = [_conflict_json(c) for c in response.conflicts]
        late = " (after the response window)" if rules.is_response_overdue(row.response_due, responded_on) else ""
        record(case, actor, "duty_offer_answered",
               f"Offer round {row.round} {response.status} by the worker{late}"
               + (f"; reason: {row.shared_reason}" if row.shared_reason else ""),
               on=responded_on, data={"offer_id": row.id, "answer": str(response.answer)},
               subject=f"duty_offer:{row.id}")
    return row


def withdraw_duty_offer(actor: Actor, offer_id: int, *, withdrawn_on: date, reason: str = "",
                        options: Options = DEFAULT) -> DutyOffer:
    """The employer withdraws the open (or countered) round: no modified duty is on offer until a new one."""
    with command(options):
        row, case = _round_on_case(actor, "withdraw_duty_offer", offer_id, options)
        if withdrawn_on < row.sent_on or withdrawn_on > date.today():
            raise InvalidValue("the withdrawal is dated between the offer and today", field="withdrawn_on")
        row.status = str(rules.transition_offer(row.status, rules.OfferStatus.WITHDRAWN))
        row.withdrawal_reason = (reason or "").strip() or None
        record(case, actor, "duty_offer_withdrawn", f"Offer round {row.round} withdrawn by the employer"
               + (f": {reason.strip()}" if (reason or "").strip() else ""), on=withdrawn_on,
               data={"offer_id": row.id}, subject=f"duty_offer:{row.id}")
    return row


def preview_duty_offer(actor: Actor, case_id: int, *, options: Options = DEFAULT, **offer) -> list[dict]:
    """The conflicts an offer would have with the restrictions in force, checked by the very same command
    and rolled back: the employer sees them while writing the offer."""
    return list(propose_duty_offer(actor, case_id, **offer, options=options.previewing()).conflicts)
