"""The facts of a case kept with its schedule at the case's version, so a read of one case takes them with the
case in one statement instead of reading every collection again (the API's case read).

What a kept copy holds is what only a command can change: every command bumps the case's version
(`unit_of_work.record`), so a copy at the case's version still holds. What changes without a new version is
never kept: the day (and what it decides: restrictions in force, weeks begun and ended), the flows' open tasks and
the pregnancy check day (`facts.LIVE`). A copy also names the rules it was worked out with (a digest of the
domain's and this service's source), so a deployment that changes a rule works every case's facts out afresh."""

import hashlib
import types
import typing
from dataclasses import fields
from datetime import date
from enum import Enum
from pathlib import Path

from ..domain.actions import CaseFacts

_PACKAGE = Path(__file__).resolve().parents[1]
# the rules a copy was worked out with: every domain module and the services that build the facts
RULES = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(
    [*(_PACKAGE / "domain").glob("*.py"), _PACKAGE / "services" / "facts.py",
     _PACKAGE / "services" / "clearances.py", _PACKAGE / "services" / "papers.py",
     Path(__file__).resolve()]))).hexdigest()[:16]
_HINTS = typing.get_type_hints(CaseFacts)


def encode(facts: CaseFacts, version: int, restricted_from: date | None, live: frozenset[str]) -> dict:
    """The copy to keep: the facts but the live ones, as JSON, with the case version and rules they hold for."""
    kept = {f.name: _plain(getattr(facts, f.name)) for f in fields(CaseFacts) if f.name not in live}
    return {"version": version, "rules": RULES, "restricted_from": _plain(restricted_from), "facts": kept}


def decode(copy: dict | None, version: int) -> tuple[dict, date | None] | None:
    """The kept facts (as CaseFacts fields) and the first day a restriction was issued, if the copy holds for
    this version under these rules; None when it must be worked out afresh."""
    if not copy or copy.get("version") != version or copy.get("rules") != RULES:
        return None
    kept = {name: _typed(_HINTS[name], value) for name, value in copy["facts"].items()}
    return kept, _typed(date | None, copy.get("restricted_from"))


def _plain(value):
    """A fact as JSON: dates as ISO text, tuples and sets as lists (sorted, so equal facts keep equal text)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _typed(hint, value):
    """A JSON value back as the field's declared type (dates, tuples, sets, the stage)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        return _typed(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(args[0], v) for v in value)
        return tuple(_typed(a, v) for a, v in zip(args, value, strict=True))
    if origin is frozenset:
        return frozenset(_typed(args[0], v) for v in value)
    if origin is dict:
        return {_typed(args[0], k): _typed(args[1], v) for k, v in value.items()}
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value
