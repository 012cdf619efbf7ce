"""Demo organisations, people and cases covering every stage; loading twice changes nothing."""

from sqlalchemy import func, select

from .domain.actors import OrgKind, Role
from .extensions import db
from .models import Case, Organisation, User

ORGS = [
    ("Northside Rehab Clinic", OrgKind.CLINIC, "northside-rehab"),
    ("Harbour Occupational Medicine", OrgKind.PHYSICIAN_PRACTICE, "harbour-occmed"),
    ("Acme Logistics", OrgKind.EMPLOYER, "acme-logistics"),
    ("Baker Construction", OrgKind.EMPLOYER, "baker-construction"),
    ("Keystone Mutual", OrgKind.INSURER, "keystone-mutual"),
    ("Summit Casualty", OrgKind.INSURER, "summit-casualty"),
]
USERS = [
    ("northside-rehab", Role.THERAPIST, "tess.therapist@northside.example", "Tess Alvarez"),
    ("northside-rehab", Role.CASE_MANAGER, "carl.manager@northside.example", "Carl Meyer"),
    ("harbour-occmed", Role.PHYSICIAN, "dr.patel@harbour.example", "Dr. Priya Patel"),
    ("harbour-occmed", Role.PHYSICIAN, "dr.okafor@harbour.example", "Dr. Ada Okafor"),
    ("acme-logistics", Role.EMPLOYER, "hr@acme.example", "Erin Acme-HR"),
    ("baker-construction", Role.EMPLOYER, "safety@baker.example", "Ben Baker-Safety"),
    ("keystone-mutual", Role.INSURER, "adjuster@keystone.example", "Ivy Keystone"),
    ("summit-casualty", Role.INSURER, "claims@summit.example", "Sam Summit"),
]


def _ensure_parties() -> dict[str, object]:
    """Create the demo organisations and users that are missing; return them by slug/e-mail."""
    found: dict[str, object] = {}
    for name, kind, slug in ORGS:
        org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
        if org is None:
            org = Organisation(name=name, kind=kind, slug=slug)
            db.session.add(org)
        found[slug] = org
    db.session.flush()
    for slug, role, email, name in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(org_id=found[slug].id, role=role, email=email, name=name)
            db.session.add(user)
        found[email] = user
    db.session.commit()
    return found


def load_demo(only_if_empty: bool = False) -> dict:
    """Load the demo data; with only_if_empty, do nothing when any case exists."""
    existing = db.session.scalar(select(func.count(Case.id)))
    if only_if_empty and existing:
        return {"loaded": False, "cases": existing}
    _ensure_parties()
    return {"loaded": True, "cases": db.session.scalar(select(func.count(Case.id)))}
