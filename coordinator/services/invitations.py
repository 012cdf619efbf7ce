"""The worker's account: the clinic invites them from the case, they accept with a password of their own (or
with the account they already have, from another case), and the case is theirs to read."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from ..audit import append as audit_append
from ..auth.passwords import hash_password
from ..domain import invitations as rules
from ..domain.actors import Actor, Role
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import Case, User, WorkerInvitation
from ..models.base import utcnow
from .unit_of_work import DEFAULT, Options, command, load_case, open_command, record


@dataclass(frozen=True)
class Invited:
    """An invitation just made, with the token its link carries (shown once: only its hash is kept)."""

    invitation: WorkerInvitation
    token: str
    existing_account: bool     # the address is already a worker's account (of another case)


@dataclass(frozen=True)
class Opened:
    """An invitation as its link finds it: the case's worker, and whether the address already has an account."""

    invitation: WorkerInvitation
    worker_name: str
    account: User | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def invite_worker(actor: Actor, case_id: int, *, email: str, options: Options = DEFAULT) -> Invited:
    """Invite the worker to their case: a new link (holding 72 hours) that withdraws any open one before it."""
    address = rules.address(email)
    with command(options):
        case = open_command(actor, "invite_worker", case_id, options=options)
        account = _account(address)
        if account is not None and account.role != Role.WORKER:
            raise InvalidValue("that e-mail belongs to the account of a party to cases: the worker needs an "
                               "address of their own", field="email")
        now = utcnow()
        db.session.execute(update(WorkerInvitation).where(
            WorkerInvitation.case_id == case.id, WorkerInvitation.accepted_at.is_(None),
            WorkerInvitation.withdrawn_at.is_(None)).values(withdrawn_at=now))
        token = secrets.token_urlsafe(32)
        row = WorkerInvitation(case_id=case.id, email=address, token_hash=_hash(token), invited_by_id=actor.user_id,
                               created_at=now, expires_at=rules.expires_at(now))
        db.session.add(row)
        db.session.flush()
        # the address is the worker's personal data: the timeline says that they were invited, not where
        record(case, actor, "worker_invited",
               f"The worker was invited to their own portal (the link holds until "
               f"{row.expires_at:%Y-%m-%d %H:%M} UTC)", data={"invitation_id": row.id},
               subject=f"worker_invitation:{row.id}")
    return Invited(row, token, account is not None)


def open_invitation(token: str) -> Opened:
    """The invitation a link names, if it may still be accepted; InvitationRefused (in plain words) otherwise."""
    row = db.session.scalar(select(WorkerInvitation).where(WorkerInvitation.token_hash == _hash(token or "")))
    if row is None:
        raise rules.InvitationRefused(rules.UNKNOWN, field="token")
    rules.require_open(rules.state_of(expires=row.expires_at, accepted_at=row.accepted_at,
                                      withdrawn_at=row.withdrawn_at, now=utcnow()))
    case = db.session.get(Case, row.case_id)
    return Opened(row, case.worker_name, _account(row.email))


def accept_invitation(token: str, *, password: str, name: str = "") -> User:
    """Accept with a new account: the worker's password (checked as every password is) and the name they go by;
    with the account the address already has, the password of that account (`password` proves it)."""
    from ..auth.passwords import verify_password

    with command():
        opened = open_invitation(token)
        row, account = opened.invitation, opened.account
        if account is None:
            try:
                hashed = hash_password(password)
            except ValueError as short:
                raise InvalidValue(f"choose a longer password: {short}", field="password") from None
            account = User(org_id=None, role=Role.WORKER, email=row.email,
                           name=(name or "").strip()[:200] or opened.worker_name, password_hash=hashed)
            db.session.add(account)
            db.session.flush()
        elif account.role != Role.WORKER or not account.active or not verify_password(account.password_hash,
                                                                                        password):
            raise InvalidValue("the password is not the one of the account with this e-mail", field="password")
        case = load_case(row.case_id)
        row.accepted_at, row.user_id = utcnow(), account.id
        case.worker_id = account.id
        worker = Actor(account.id, Role.WORKER, None)
        audit_append(worker, "invitation_accepted", f"worker_invitation:{row.id}", case_id=case.id,
                     category="identity", purpose="invitation")
        record(case, worker, "worker_joined", "The worker joined their portal", data={"invitation_id": row.id})
    return account
