"""Minimum necessary: the employer's view of a case carries no clinical data, by construction."""

import json

from coordinator.schemas.cases import CaseClinicalSchema, CaseFunctionalSchema, case_schema
from coordinator.domain.clearance import HealthFlags
from coordinator.policy import View, view_for
from coordinator.services.queries.access import case_for as read_case

CLINICAL_FIELDS = {"diagnosis_code", "diagnosis_text", "health", "pregnant", "gestation_weeks", "screening",
                   "paused_reason", "discharge_summary"}


def test_employer_schema_declares_no_clinical_field():
    assert not CLINICAL_FIELDS & set(CaseFunctionalSchema().fields)
    assert CLINICAL_FIELDS <= set(CaseClinicalSchema().fields)


def test_employer_cannot_see_diagnosis_pregnancy_or_cardiac_history(parties, referral):
    from coordinator.services.cases import open_case

    case = open_case(parties.therapist, referral(
        health=HealthFlags(pregnant=True, gestation_weeks=14, cardiovascular_disease=True, beta_blockers=True)))
    seen = read_case(parties.employer_user, case.id)
    assert view_for(parties.employer_user) is View.FUNCTIONAL
    dumped = json.dumps(case_schema(view_for(parties.employer_user)).dump(seen), default=str)
    for secret in (case.diagnosis_text, case.diagnosis_code, "pregnan", "gestation", "cardio", "beta"):
        assert secret not in dumped
    assert "Warehouse associate" in dumped   # the functional part is there


def test_insurer_and_physician_get_the_clinical_view(parties, referral):
    from coordinator.services.cases import open_case

    case = open_case(parties.therapist, referral())
    for actor in (parties.insurer_user, parties.physician, parties.case_manager):
        assert view_for(actor) is View.CLINICAL
        assert case_schema(View.CLINICAL).dump(read_case(actor, case.id))["diagnosis_code"] == case.diagnosis_code


def test_every_read_of_a_case_is_audited_with_its_data_category(parties, referral):
    from sqlalchemy import select

    from coordinator.extensions import db
    from coordinator.models import AuditEntry
    from coordinator.services.cases import open_case

    case = open_case(parties.therapist, referral())
    read_case(parties.insurer_user, case.id)
    read_case(parties.employer_user, case.id)
    reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "read_case")
                               .order_by(AuditEntry.id)).all()
    assert [(r.actor_role, r.actor_org_id, r.category, r.outcome) for r in reads] == [
        ("insurer", parties.insurer.id, "clinical", "ok"), ("employer", parties.employer.id, "functional", "ok")]
