"""Opening a case, sending it to clearance, and the clearances themselves."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from coordinator.audit import verify_chain
from coordinator.domain.clearance import HealthFlags
from coordinator.domain.demands import JobDemand
from coordinator.domain.errors import DomainError, IllegalTransition, InvalidValue
from coordinator.domain.permissions import NotPermitted
from coordinator.extensions import db
from coordinator.models import AuditEntry, Case, CaseEvent, Clearance, JobDemandRow, OutboxRow
from coordinator.services.cases import open_case, request_clearance
from coordinator.services.clearances import (clearance_state, record_clearance,
                                             record_specialist_clearance)
from coordinator.services.unit_of_work import NotFound


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Case, JobDemandRow, CaseEvent, AuditEntry, OutboxRow, Clearance))


def test_open_case_writes_case_event_audit_and_outbox_in_one_transaction(parties, referral):
    case = open_case(parties.therapist, referral())
    assert case.stage == "intake" and case.version == 2
    assert case.program_type == "work_hardening" and case.job_level == "medium"
    assert _counts() == (1, 3, 1, 1, 1, 0)
    assert db.session.scalar(select(CaseEvent.kind)) == "case_opened"
    assert verify_chain().ok


def test_screening_flags_are_recorded_not_refused(parties, referral):
    case = open_case(parties.therapist, referral(therapy_plateaued=False, hours_per_day_available=2))
    codes = {f["code"] for f in case.screening["flags"]}
    assert codes == {"therapy_not_plateaued", "hours_per_day_too_few"}
    assert case.screening["eligible"] is False


@pytest.mark.parametrize("changes, field", [
    ({"referral_date": date(2020, 1, 1)}, "referral_date"),
    ({"demands": []}, "demands"),
    ({"shift_hours": 0}, "shift_hours"),
    ({"claim_number": "  "}, "claim_number"),
    ({"employer_id": 999_999}, "employer_id"),
])
def test_bad_referral_is_refused_and_changes_nothing(parties, referral, changes, field):
    before = _counts()
    with pytest.raises(InvalidValue) as err:
        open_case(parties.therapist, referral(**changes))
    assert err.value.field == field
    assert _counts() == before


def test_negative_load_is_refused(parties, referral):
    with pytest.raises(InvalidValue):
        open_case(parties.therapist, referral(demands=[JobDemand("carry", -5, "frequent")]))
    assert _counts() == (0, 0, 0, 0, 0, 0)


def test_insurer_is_not_an_employer(parties, referral):
    with pytest.raises(InvalidValue, match="employer"):
        open_case(parties.therapist, referral(employer_id=parties.insurer.id))


def test_duplicate_claim_with_same_insurer_is_refused(parties, referral):
    open_case(parties.therapist, referral())
    with pytest.raises(InvalidValue, match="already has a case"):
        open_case(parties.therapist, referral())
    assert _counts()[0] == 1


def test_employer_cannot_open_a_case(parties, referral):
    with pytest.raises(NotPermitted):
        open_case(parties.employer_user, referral())


def test_unknown_case_is_not_found(parties):
    with pytest.raises(NotFound):
        request_clearance(parties.therapist, 424242)


def test_other_partys_case_answers_not_found_not_forbidden(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    with pytest.raises(NotFound):
        record_clearance(parties.other_physician, case.id, decided_on=date.today())


def test_illegal_transition_rolls_back(parties, referral):
    case = open_case(parties.therapist, referral())
    before = _counts()
    with pytest.raises(IllegalTransition):
        record_clearance(parties.physician, case.id, decided_on=date.today())
    assert _counts() == before


def test_contraindication_blocks_clearance(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    row = record_clearance(parties.physician, case.id, decided_on=date.today(),
                           contraindications=["unhealed_fracture"])
    assert row.outcome == "blocked"
    assert clearance_state(db.session.get(Case, case.id)).complete is False


def test_cardiac_history_requires_cardiology_clearance_too(parties, referral):
    case = open_case(parties.therapist, referral(health=HealthFlags(cardiovascular_disease=True)))
    request_clearance(parties.therapist, case.id)
    record_clearance(parties.physician, case.id, decided_on=date.today())
    state = clearance_state(db.session.get(Case, case.id))
    assert [str(k) for k in state.missing] == ["cardiology"]
    record_specialist_clearance(parties.physician, case.id, kind="cardiology", cleared=True,
                                decided_on=date.today(), heart_rate_ceiling=130, rpe_ceiling=13)
    assert clearance_state(db.session.get(Case, case.id)).complete


def test_clearance_dated_before_referral_is_refused(parties, referral):
    case = open_case(parties.therapist, referral())
    request_clearance(parties.therapist, case.id)
    with pytest.raises(InvalidValue):
        record_clearance(parties.physician, case.id, decided_on=case.referral_date - timedelta(days=1))


def test_every_domain_error_has_a_code_and_message(parties):
    with pytest.raises(DomainError) as err:
        request_clearance(parties.therapist, "1")
    assert err.value.code == "not_found" and "whole number" in err.value.message
