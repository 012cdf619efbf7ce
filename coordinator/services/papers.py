"""The papers of a case as they stand (the program plan, the return-to-work plan), built from its rows: what each
says now, its hash, and since when it exists; and the signatures of each with whether they still hold."""

from dataclasses import dataclass
from datetime import date

from ..domain import signatures as rules
from ..domain.stages import Stage
from ..models import Case, DutyOffer

# a paper waits for signatures while the worker is in the program or on the ladder
SIGNING_STAGES = frozenset({Stage.PROGRAM, Stage.PAUSED, Stage.RETURN_TO_WORK})


@dataclass(frozen=True)
class Current:
    """A paper as it stands: its content, the hash a signature must name, and the day it came to exist."""

    paper: rules.Paper
    content: dict
    hash: str
    since: date


def _accepted(offers: list[DutyOffer]) -> DutyOffer | None:
    return max((o for o in offers if o.status == "accepted"), key=lambda o: o.round, default=None)


def current_papers(case: Case, offers: list[DutyOffer], restriction_version: int | None,
                   changed_on: date | None = None) -> dict:
    """Paper -> Current for each paper the case has now (`offers`: its rounds; `restriction_version`: the
    highest issued, on `changed_on`: the return-to-work plan changed that day, if it existed already)."""
    found = {}
    if case.program_started_on is not None:
        attendance = (case.screening or {}).get("attendance", {})
        content = rules.program_plan(
            goal=case.rtw_goal, starts_on=case.program_started_on,
            targets=[{"task": d.task, "amount": d.amount, "frequency": d.frequency} for d in case.demands
                     if d.critical],
            hours_per_day=attendance.get("hours_per_day"), days_per_week=attendance.get("days_per_week"))
        found[rules.Paper.PROGRAM_PLAN] = Current(rules.Paper.PROGRAM_PLAN, content, rules.content_hash(content),
                                                  case.program_started_on)
    accepted = _accepted(offers)
    if accepted is not None:
        offer = {"round": accepted.round, "tasks": accepted.tasks, "hours_per_day": accepted.hours_per_day,
                 "schedule": accepted.schedule, "location": accepted.location,
                 "start_date": accepted.start_date.isoformat()}
        content = rules.rtw_plan(goal=case.rtw_goal, offer=offer, restriction_version=restriction_version)
        since = accepted.responded_on or accepted.sent_on
        found[rules.Paper.RTW_PLAN] = Current(rules.Paper.RTW_PLAN, content, rules.content_hash(content),
                                              max(since, changed_on) if changed_on else since)
    return found


def still_to_sign(case: Case, papers: dict, signatures: list) -> tuple[tuple[str, str, date], ...]:
    """(paper, role, due) for each signature the case's current papers still wait for: a signature of another
    version of the paper does not count."""
    if Stage(case.stage) not in SIGNING_STAGES or case.worker_id is None:
        return ()   # the coordinator takes signatures once the worker has joined their case (else: on paper)
    due = []
    for paper, current in papers.items():
        signed = {s.signer_role for s in signatures if s.paper == paper and s.content_hash == current.hash}
        due += [(str(paper), str(role), rules.due_on(current.since)) for role in rules.still_to_sign(paper, signed)]
    return tuple(due)
