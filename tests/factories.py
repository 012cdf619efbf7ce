"""Factories shared by the service, database and web tests: the parties of a case and a valid referral."""

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest

from coordinator.domain.actors import Actor, OrgKind, Role
from coordinator.domain.clearance import HealthFlags
from coordinator.domain.demands import JobDemand
from coordinator.extensions import db
from coordinator.models import Organisation, User
from coordinator.services.cases import Referral

TODAY = date.today()
INJURY = TODAY - timedelta(days=120)


@dataclass
class Parties:
    """Organisations and actors of one case, plus outsiders for access tests."""

    clinic: Organisation
    employer: Organisation
    insurer: Organisation
    practice: Organisation
    other_employer: Organisation
    other_insurer: Organisation
    therapist: Actor
    case_manager: Actor
    physician: Actor
    other_physician: Actor
    employer_user: Actor
    insurer_user: Actor
    other_employer_user: Actor
    other_insurer_user: Actor
    other_clinic: Organisation
    other_therapist: Actor
    other_case_manager: Actor
    worker: Actor            # a worker's account, on no case until a test links it (case.worker_id)
    other_worker: Actor


def _org(kind, name, slug):
    org = Organisation(kind=kind, name=name, slug=slug)
    db.session.add(org)
    db.session.flush()
    return org


def _actor(org, role, email):
    user = User(org_id=org.id if org else None, role=role, email=email, name=email.split("@")[0])
    db.session.add(user)
    db.session.flush()
    return Actor(user.id, role, org.id if org else None)


@pytest.fixture
def parties(ctx) -> Parties:
    """Two employers, two insurers, one clinic and physician practice with their people."""
    clinic = _org(OrgKind.CLINIC, "Clinic", "clinic")
    practice = _org(OrgKind.PHYSICIAN_PRACTICE, "Practice", "practice")
    employer, other_employer = (_org(OrgKind.EMPLOYER, n, n.lower()) for n in ("Acme", "Baker"))
    insurer, other_insurer = (_org(OrgKind.INSURER, n, n.lower()) for n in ("Keystone", "Summit"))
    other_clinic = _org(OrgKind.CLINIC, "Other clinic", "other-clinic")
    p = Parties(
        clinic, employer, insurer, practice, other_employer, other_insurer,
        therapist=_actor(clinic, Role.THERAPIST, "t@clinic.test"),
        case_manager=_actor(clinic, Role.CASE_MANAGER, "cm@clinic.test"),
        physician=_actor(practice, Role.PHYSICIAN, "md@practice.test"),
        other_physician=_actor(practice, Role.PHYSICIAN, "md2@practice.test"),
        employer_user=_actor(employer, Role.EMPLOYER, "hr@acme.test"),
        insurer_user=_actor(insurer, Role.INSURER, "adj@keystone.test"),
        other_employer_user=_actor(other_employer, Role.EMPLOYER, "hr@baker.test"),
        other_insurer_user=_actor(other_insurer, Role.INSURER, "adj@summit.test"),
        other_clinic=other_clinic,
        other_therapist=_actor(other_clinic, Role.THERAPIST, "t@other.test"),
        other_case_manager=_actor(other_clinic, Role.CASE_MANAGER, "cm@other.test"),
        worker=_actor(None, Role.WORKER, "jordan@mail.test"),
        other_worker=_actor(None, Role.WORKER, "sam@mail.test"),
    )
    db.session.commit()
    return p


@pytest.fixture
def referral(parties):
    """A factory of valid referrals for a medium-level warehouse job; keyword changes override."""

    def make(**changes) -> Referral:
        base = Referral(
            claim_number="CLM-1", worker_name="Jordan Reyes", date_of_injury=INJURY,
            referral_date=INJURY + timedelta(days=90), clinic_id=parties.clinic.id,
            employer_id=parties.employer.id, insurer_id=parties.insurer.id,
            physician_id=parties.physician.user_id, therapist_id=parties.therapist.user_id,
            diagnosis_code="S39.012A", diagnosis_text="Strain of lower back muscle",
            job_title="Warehouse associate", shift_hours=8,
            demands=[JobDemand("lift_floor_to_waist", 20, "occasional"),
                     JobDemand("carry", 10, "frequent"), JobDemand("stand", 240, "constant")],
            rtw_goal="Return to warehouse associate, full duty", rtw_goal_agreed_by_employer=True,
            rtw_goal_agreed_by_worker=True, therapy_plateaued=True, hours_per_day_available=4,
            days_per_week_available=5, health=HealthFlags(),
        )
        return replace(base, **changes)

    return make


PASSWORD = "correct horse battery staple"


def set_password(actor: Actor, password: str = PASSWORD) -> str:
    """Give a test user a password; returns the user's e-mail."""
    from coordinator.auth.passwords import hash_password

    user = db.session.get(User, actor.user_id)
    user.password_hash = hash_password(password)
    db.session.commit()
    return user.email


def csrf_token(page: str) -> str:
    """The CSRF token embedded in a rendered form."""
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client, actor: Actor, password: str = PASSWORD):
    """Sign a test user in through the real form (CSRF token included); returns the response."""
    email = set_password(actor, password)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def browser_of(app, ctx):
    """make(actor): a test client of the party's own, signed in through the real form."""
    def make(actor):
        client = app.test_client()
        sign_in(client, actor)
        return client
    return make
