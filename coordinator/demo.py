"""Demo organisations, people and cases covering every stage; loading twice changes nothing."""

from sqlalchemy import func, select

from .demo_cases import Cast
from .demo_script import SCRIPTS
from .domain.actors import Actor, OrgKind, Role
from .auth.passwords import hash_password
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


# every demo user signs in with this password (README, "Demo data"); never used outside the demo
DEMO_PASSWORD = "coordinator-demo"


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
            user = User(org_id=found[slug].id, role=role, email=email, name=name,
                        password_hash=hash_password(DEMO_PASSWORD))
            db.session.add(user)
        found[email] = user
    db.session.commit()
    return found


def _cast(found: dict) -> Cast:
    """The demo's actors by part, and organisation ids by slug."""
    def actor(email):
        user = found[email]
        return Actor(user.id, Role(user.role), user.org_id)

    actors = {"therapist": actor("tess.therapist@northside.example"),
              "case_manager": actor("carl.manager@northside.example"),
              "physician": actor("dr.patel@harbour.example"),
              "employer_acme": actor("hr@acme.example"), "employer_baker": actor("safety@baker.example"),
              "insurer_keystone": actor("adjuster@keystone.example"),
              "insurer_summit": actor("claims@summit.example")}
    return Cast(actors, {slug: found[slug].id for _, _, slug in ORGS})


def load_demo(only_if_empty: bool = False) -> dict:
    """Load the demo data through the services; cases already present (by claim) are left alone."""
    existing = db.session.scalar(select(func.count(Case.id)))
    if only_if_empty and existing:
        return {"loaded": [], "cases": existing}
    cast = _cast(_ensure_parties())
    have = set(db.session.scalars(select(Case.claim_number)))
    loaded = []
    for claim, script in SCRIPTS.items():
        if claim not in have:
            script(cast)
            loaded.append(claim)
    return {"loaded": loaded, "cases": db.session.scalar(select(func.count(Case.id)))}
