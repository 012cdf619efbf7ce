"""Demo organisations, people and cases covering every stage; loading twice changes nothing."""

from sqlalchemy import func, select

from .cases import Cast
from .script import SCRIPTS
from ..domain.actors import Actor, OrgKind, Role
from ..auth.passwords import hash_password
from ..extensions import db
from ..models import Case, Organisation, User
from ..services.automation import sync_tasks

ORGS = [
    ("Northside Rehab Clinic", OrgKind.CLINIC, "northside-rehab"),
    ("Harbour Occupational Medicine", OrgKind.PHYSICIAN_PRACTICE, "harbour-occmed"),
    ("Acme Logistics", OrgKind.EMPLOYER, "acme-logistics"),
    ("Baker Construction", OrgKind.EMPLOYER, "baker-construction"),
    ("Keystone Mutual", OrgKind.INSURER, "keystone-mutual"),
    ("Summit Casualty", OrgKind.INSURER, "summit-casualty"),
]
USERS = [
    ("northside-rehab", Role.THERAPIST, "therapist@demo.test", "Tess Alvarez"),
    ("northside-rehab", Role.CASE_MANAGER, "casemanager@demo.test", "Carl Meyer"),
    ("harbour-occmed", Role.PHYSICIAN, "physician@demo.test", "Dr. Priya Patel"),
    ("harbour-occmed", Role.PHYSICIAN, "physician2@demo.test", "Dr. Ada Okafor"),
    ("acme-logistics", Role.EMPLOYER, "employer@demo.test", "Erin Acme-HR"),
    ("baker-construction", Role.EMPLOYER, "employer2@demo.test", "Ben Baker-Safety"),
    ("keystone-mutual", Role.INSURER, "insurer@demo.test", "Ivy Keystone"),
    ("summit-casualty", Role.INSURER, "insurer2@demo.test", "Sam Summit"),
]

# the worker of WC-1006 joins through the clinic's invitation (demo/script.py), not as one of the USERS
WORKER_EMAIL = "worker@demo.test"


# every demo user signs in with this password (README, "Demo data"); never used outside the demo
DEMO_PASSWORD = "demo-pass-2026"


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

    actors = {"therapist": actor("therapist@demo.test"),
              "case_manager": actor("casemanager@demo.test"),
              "physician": actor("physician@demo.test"),
              "employer_acme": actor("employer@demo.test"), "employer_baker": actor("employer2@demo.test"),
              "insurer_keystone": actor("insurer@demo.test"),
              "insurer_summit": actor("insurer2@demo.test")}
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
    # the flows' own bookkeeping, as the first sweep would do it: each party's tasks open (due from today, never
    # born overdue), so the first inbox already shows what the flows will show
    for case_id in db.session.scalars(select(Case.id).where(Case.claim_number.in_(loaded))):
        sync_tasks(case_id)
    return {"loaded": loaded, "cases": db.session.scalar(select(func.count(Case.id)))}
