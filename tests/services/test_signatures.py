"""Signatures: the program plan signed by the worker and the therapist, the return-to-work plan by the worker, the
employer and the physician; a typed name, the time, the account and the hash of the exact version, audited; a
change to the paper voids the signatures and asks for them again."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coordinator.domain.actions import ActionKind, pending_actions
from coordinator.domain.catalogue import Unavailable
from coordinator.domain.errors import InvalidValue
from coordinator.domain.permissions import NotPermitted
from coordinator.extensions import db
from coordinator.models import AuditEntry, Case, CaseEvent, Signature
from coordinator.services.duty import propose_duty_offer
from coordinator.services.facts import case_facts, case_record
from coordinator.services.restrictions import issue_restrictions
from coordinator.services.signatures import paper_views, sign_paper

from .journey import START, TODAY, accept_offer, to_program, worker_joins

TASK = {"description": "Pick light orders", "task": "carry", "amount": 5, "frequency": "occasional"}


def due(case_id) -> set[tuple[str, str]]:
    """(paper, role) of every signature the case waits for."""
    db.session.expire_all()
    return {(p, r) for p, r, _ in case_facts(db.session.get(Case, case_id)).signatures_due}


def papers(case_id, clinical=True) -> dict:
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    record = case_record(case, None)
    return {p.paper: p for p in paper_views(case, record.offers, record.restrictions, list(record.signatures))}


def on_ladder_terms(parties, case_id):
    """Restrictions, an offer within them, checked and accepted by the worker."""
    issue_restrictions(parties.physician, case_id, issued_on=START, max_hours_per_day=8)
    offer = propose_duty_offer(parties.employer_user, case_id, tasks=[TASK], start_date=START + timedelta(days=9),
                               sent_on=START + timedelta(days=1), hours_per_day=4, schedule="Mon-Fri 8-12",
                               location="Dock 2", wage=24.5, wage_period="hourly")
    accept_offer(parties, offer.id, START + timedelta(days=2))


def test_no_signature_is_asked_in_the_coordinator_before_the_worker_joins(parties, referral):
    case_id = to_program(parties, referral)
    assert due(case_id) == set()
    worker_joins(parties, case_id)
    assert due(case_id) == {("program_plan", "worker"), ("program_plan", "therapist")}
    actions = pending_actions(case_facts(db.session.get(Case, case_id)), TODAY)
    assert {(a.kind, str(a.role)) for a in actions if a.kind is ActionKind.PLAN_SIGNATURE} == {
        (ActionKind.PLAN_SIGNATURE, "worker"), (ActionKind.PLAN_SIGNATURE, "therapist")}


def test_the_worker_and_the_therapist_sign_the_program_plan_each_signature_kept_and_audited(parties, referral):
    case_id = to_program(parties, referral)
    worker = worker_joins(parties, case_id)
    plan = papers(case_id)["program_plan"]
    assert plan.content["goal"] == "Return to warehouse associate, full duty"
    assert [t["task"] for t in plan.content["targets"]] == ["lift_floor_to_waist", "carry", "stand"]
    signed = sign_paper(worker, case_id, paper="program_plan", typed_name="  Jordan   Reyes ", agree=True)
    assert (signed.typed_name, signed.signer_id, signed.content_hash) == ("Jordan Reyes", worker.user_id, plan.hash)
    assert due(case_id) == {("program_plan", "therapist")}
    with pytest.raises(Unavailable, match="you have signed the program plan as it stands"):
        sign_paper(worker, case_id, paper="program_plan", typed_name="Jordan Reyes", agree=True)
    sign_paper(parties.therapist, case_id, paper="program_plan", typed_name="Tess Alvarez", agree=True)
    assert due(case_id) == set()
    view = papers(case_id)["program_plan"]
    assert view.waiting_for == () and all(s.holds for s in view.signatures)
    audited = db.session.scalars(select(AuditEntry.actor_role).where(AuditEntry.action == "paper_signed")).all()
    assert sorted(audited) == ["therapist", "worker"]
    with pytest.raises(Unavailable, match="no signature"):
        sign_paper(parties.therapist, case_id, paper="program_plan", typed_name="Tess Alvarez", agree=True)


def test_a_signature_is_void_after_the_signed_plan_changes_and_each_party_is_asked_again(parties, referral):
    case_id = to_program(parties, referral)
    on_ladder_terms(parties, case_id)
    worker = parties.worker
    assert {r for p, r in due(case_id) if p == "rtw_plan"} == {"worker", "employer", "physician"}
    before = papers(case_id)["rtw_plan"]
    for actor, name in ((worker, "Jordan Reyes"), (parties.employer_user, "Erin HR"), (parties.physician, "Dr Patel")):
        sign_paper(actor, case_id, paper="rtw_plan", typed_name=name, agree=True)
    assert {r for p, r in due(case_id) if p == "rtw_plan"} == set()
    # the physician lowers the hours: the plan the three signed is no longer the plan
    issue_restrictions(parties.physician, case_id, issued_on=TODAY, max_hours_per_day=6)
    after = papers(case_id)["rtw_plan"]
    assert after.hash != before.hash and after.content["restriction_version"] == 2
    assert [s.holds for s in after.signatures] == [False, False, False]
    assert set(after.waiting_for) == {"worker", "employer", "physician"}
    assert {r for p, r in due(case_id) if p == "rtw_plan"} == {"worker", "employer", "physician"}
    sign_paper(worker, case_id, paper="rtw_plan", typed_name="Jordan Reyes", agree=True)   # signs again, anew
    assert db.session.scalar(select(db.func.count(Signature.id)).where(Signature.case_id == case_id,
                                                                       Signature.paper == "rtw_plan")) == 4


def test_each_paper_is_signed_by_its_own_parties_only(parties, referral):
    case_id = to_program(parties, referral)
    on_ladder_terms(parties, case_id)
    for actor, paper in ((parties.therapist, "rtw_plan"), (parties.employer_user, "program_plan"),
                         (parties.case_manager, "program_plan"), (parties.insurer_user, "rtw_plan")):
        with pytest.raises(NotPermitted):
            sign_paper(actor, case_id, paper=paper, typed_name="Some One", agree=True)
    with pytest.raises(InvalidValue, match="type your full name"):
        sign_paper(parties.worker, case_id, paper="program_plan", typed_name="  ", agree=True)
    with pytest.raises(InvalidValue, match="tick the box"):
        sign_paper(parties.worker, case_id, paper="program_plan", typed_name="Jordan Reyes", agree=False)
    with pytest.raises(InvalidValue, match="is not a paper"):
        sign_paper(parties.worker, case_id, paper="contract", typed_name="Jordan Reyes", agree=True)
    assert db.session.scalar(select(Signature.id)) is None
    assert not db.session.scalar(select(CaseEvent.id).where(CaseEvent.kind == "paper_signed"))

