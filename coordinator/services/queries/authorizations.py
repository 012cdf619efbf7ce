"""A case's authorizations with the sessions used against each approved one: one answer for the page, the API
and the PDF."""

from sqlalchemy import func, select

from ...domain.authorization import decision_words
from ...extensions import db
from ...models import Authorization, Case, ProgramSession

APPROVED = ("approve", "modify")


def sessions_used(rows: list[Authorization]) -> dict[int, int | None]:
    """Sessions logged against each approved authorization (None for one not approved), in one statement."""
    ids = [r.id for r in rows if r.decision in APPROVED]   # a replaced one too: its count is 0 once replaced
    counts = dict(db.session.execute(select(ProgramSession.authorization_id, func.count(ProgramSession.id))
                                     .where(ProgramSession.authorization_id.in_(ids))
                                     .group_by(ProgramSession.authorization_id)).all()) if ids else {}
    return {r.id: counts.get(r.id, 0) if r.decision in APPROVED else None for r in rows}


def authorization_usage(case: Case, rows: list[Authorization] | None = None,
                        logged: dict[int, int] | None = None) -> list[dict]:
    """The case's authorizations by start date, each with where it stands in words and the sessions used
    against it once approved. `rows` and `logged` (sessions per authorization): the caller's, already read."""
    if rows is None:
        rows = list(db.session.scalars(select(Authorization).where(Authorization.case_id == case.id)))
        used = sessions_used(rows)
    else:
        used = {r.id: logged.get(r.id, 0) if r.decision in APPROVED else None for r in rows}
    rows = sorted(rows, key=lambda r: (r.start_date, r.id))
    return [{"row": r, "used": used[r.id], "status": decision_words(r.status, r.decision, bool(r.appeal_of_id))}
            for r in rows]
