"""The database itself refuses what must never be stored, whatever code writes it."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from coordinator.extensions import db
from coordinator.services.cases import open_case


@pytest.mark.parametrize("statement", [
    "UPDATE \"case\" SET stage = 'limbo'",
    "UPDATE job_demand SET amount = -1",
    "UPDATE job_demand SET task = 'juggle'",
    "UPDATE \"case\" SET referral_date = '1999-01-01'",
    "UPDATE \"case\" SET gestation_weeks = 50",
])
def test_database_rejects_invalid_values(parties, referral, statement):
    open_case(parties.therapist, referral())
    with pytest.raises(IntegrityError):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()


def test_foreign_keys_are_enforced_on_every_backend(ctx):
    with pytest.raises(IntegrityError):
        db.session.execute(text("INSERT INTO user_account (org_id, role, email, name, active, created_at) "
                                "VALUES (999, 'therapist', 'x@y.z', 'x', true, CURRENT_TIMESTAMP)"))
        db.session.flush()
    db.session.rollback()
