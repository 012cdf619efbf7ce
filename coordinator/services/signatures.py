"""Signing a case's papers: the signer's typed name, the time, their account and the hash of the paper's exact
content now, kept and audited; and each paper as its readers see it, with its signatures and whether they hold."""

from dataclasses import dataclass

from sqlalchemy import select

from ..domain import signatures as rules
from ..domain.actors import Actor
from ..domain.errors import InvalidValue
from ..extensions import db
from ..models import DutyOffer, RestrictionSet, Signature
from ..models.base import utcnow
from .papers import current_papers
from .unit_of_work import DEFAULT, Options, command, open_command, record


def _papers_of(case) -> dict:
    """The case's papers as they stand now (its offers and newest restriction version read here)."""
    offers = list(db.session.scalars(select(DutyOffer).where(DutyOffer.case_id == case.id).order_by(DutyOffer.round)))
    newest = db.session.scalar(select(RestrictionSet).where(RestrictionSet.case_id == case.id)
                               .order_by(RestrictionSet.version.desc()).limit(1))
    return current_papers(case, offers, newest.version if newest else None, newest.issued_on if newest else None)


def sign_paper(actor: Actor, case_id: int, *, paper: str, typed_name: str, agree: bool,
               options: Options = DEFAULT) -> Signature:
    """Sign the paper as it stands now: the catalogue says whether it waits for this party's signature."""
    try:
        which = rules.Paper(paper)
    except ValueError:
        raise InvalidValue(f"'{paper}' is not a paper of a case (papers: {', '.join(rules.Paper)})",
                           field="paper") from None
    name = rules.typed_name(typed_name)
    if agree is not True:
        raise InvalidValue("tick the box to say you agree", field="agree")
    with command(options):
        case = open_command(actor, f"sign_{which}", case_id, options=options)
        current = _papers_of(case)[which]
        row = Signature(case_id=case.id, paper=str(which), content_hash=current.hash, signer_id=actor.user_id,
                        signer_role=str(actor.role), typed_name=name, signed_at=utcnow())
        db.session.add(row)
        db.session.flush()
        record(case, actor, "paper_signed",
               f"{rules.TITLES[which]} signed by the {str(actor.role).replace('_', ' ')} ({name})",
               data={"paper": str(which), "signature_id": row.id, "content_hash": current.hash},
               subject=f"signature:{row.id}")
    return row


@dataclass(frozen=True)
class SignatureView:
    """One signature as a paper's reader sees it."""

    role: str
    typed_name: str
    signed_at: object
    holds: bool          # it names the paper's current content


@dataclass(frozen=True)
class PaperView:
    """A paper as it stands, its signatures (those of earlier versions void) and who has still to sign."""

    paper: str
    title: str
    content: dict
    hash: str
    signatures: list
    waiting_for: tuple[str, ...]


def paper_views(case, offers: list, restrictions: list, signatures: list, only: str | None = None) -> list[PaperView]:
    """The case's papers (or the one named) from rows already read, each with its signatures."""
    newest = restrictions[-1] if restrictions else None
    papers = current_papers(case, offers, newest.version if newest else None,
                            max(r.issued_on for r in restrictions) if restrictions else None)
    views = []
    for paper, current in papers.items():
        if only is not None and str(paper) != only:
            continue
        rows = [s for s in signatures if s.paper == paper]
        # the name the signer typed is the signature (their account is kept with it, and audited)
        shown = [SignatureView(s.signer_role, s.typed_name, s.signed_at, s.content_hash == current.hash)
                 for s in rows]
        holding = {s.role for s in shown if s.holds}
        views.append(PaperView(str(paper), rules.TITLES[paper], current.content, current.hash, shown,
                               tuple(str(r) for r in rules.SIGNERS[paper] if str(r) not in holding)))
    return views
