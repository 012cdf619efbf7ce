"""Versioned work restrictions issued by a clinician, and the signed steps by which they lift."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum

from .demands import FORCE_TASKS, FREQUENCY_ORDER, LIFT_TASKS, Frequency, TaskKind
from .errors import InvalidValue, RuleViolation
from .policies import PolicyRef, Reason, reason

RESTRICTION_RULES = PolicyRef(
    "restriction-versioning", "2026.1",
    "[seed] restrictions are versioned and lift in steps, each signed by a clinician; "
    "[design] a limit at a frequency also binds more frequent use",
)

ADVERB = {Frequency.OCCASIONAL: "occasionally", Frequency.FREQUENT: "frequently",
          Frequency.CONSTANT: "constantly"}


class IssuerRole(StrEnum):
    """Who may issue restrictions."""

    PHYSICIAN = "physician"
    THERAPIST = "therapist"


def _enum(kind, value, field: str):
    """Coerce `value` to the StrEnum `kind`, raising InvalidValue for unknown values."""
    try:
        return kind(value)
    except ValueError:
        raise InvalidValue(f"unknown {field} '{value}'", field=field) from None


def _check_kg(value, field: str) -> None:
    """A load limit is a number of kilograms, zero or more."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise InvalidValue(f"{field} must be zero or more kg (got {value!r})", field=field)


def _fmt(value: float) -> str:
    """15.0 -> '15', 11.3 -> '11.3'."""
    return f"{value:g}"


@dataclass(frozen=True)
class LoadLimit:
    """The most a force task may load at a frequency; it also binds more frequent use."""

    task: TaskKind
    frequency: Frequency
    max_kg: float
    general: bool = False   # derived from the set's max_lift_kg, for any lift task

    def __post_init__(self):
        object.__setattr__(self, "task", _enum(TaskKind, self.task, "task"))
        object.__setattr__(self, "frequency", _enum(Frequency, self.frequency, "frequency"))
        if self.task not in FORCE_TASKS:
            raise InvalidValue(f"'{self.task}' is not a force task; avoid it instead", field="task")
        _check_kg(self.max_kg, "max_kg")

    def applies_to(self, task: TaskKind, frequency: Frequency) -> bool:
        """True for the same task at this frequency or a more frequent one."""
        return task == self.task and FREQUENCY_ORDER[Frequency(frequency)] >= FREQUENCY_ORDER[self.frequency]

    def describe(self, at: Frequency | None = None) -> str:
        """'10 kg frequently', '10 kg occasionally or more often', '10 kg for any lift'."""
        if self.general:
            return f"{_fmt(self.max_kg)} kg for any lift"
        text = f"{_fmt(self.max_kg)} kg {ADVERB[self.frequency]}"
        return text if at in (None, self.frequency) else f"{text} or more often"


def _load_limits(value) -> tuple[LoadLimit, ...]:
    """Accept LoadLimits or a {(task, frequency): kg} mapping; refuse two limits for one key."""
    if isinstance(value, Mapping):
        value = [LoadLimit(task, freq, kg) for (task, freq), kg in value.items()]
    limits = tuple(value)
    keys = [(limit.task, limit.frequency) for limit in limits]
    if len(set(keys)) != len(keys):
        raise InvalidValue("one limit per task and frequency", field="load_limits")
    return tuple(sorted(limits, key=lambda limit: (limit.task, FREQUENCY_ORDER[limit.frequency])))


@dataclass(frozen=True)
class RestrictionSet:
    """One version of a worker's restrictions, as issued and signed by a clinician."""

    version: int
    issued_on: date
    issued_by: IssuerRole
    load_limits: tuple[LoadLimit, ...] = ()
    max_lift_kg: float | None = None          # applies to every lift task at any frequency
    max_hours_per_day: float | None = None
    avoid: frozenset[TaskKind] = frozenset()  # postures and tasks to avoid
    notes: str = ""
    signed_by: str = ""

    def __post_init__(self):
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise InvalidValue(f"a restriction version is a whole number from 1 (got {self.version!r})",
                               field="version")
        if not isinstance(self.issued_on, date):
            raise InvalidValue("restrictions need an issue date", field="issued_on")
        object.__setattr__(self, "issued_by", _enum(IssuerRole, self.issued_by, "issued_by"))
        object.__setattr__(self, "load_limits", _load_limits(self.load_limits))
        object.__setattr__(self, "avoid", frozenset(_enum(TaskKind, t, "avoid") for t in self.avoid))
        if self.max_lift_kg is not None:
            _check_kg(self.max_lift_kg, "max_lift_kg")
        hours = self.max_hours_per_day
        if hours is not None and (isinstance(hours, bool) or not 0 <= hours <= 24):
            raise InvalidValue(f"hours per day must be from 0 to 24 (got {hours!r})", field="max_hours_per_day")

    def limit_for(self, task: TaskKind, frequency: Frequency) -> LoadLimit | None:
        """The binding (lowest) load limit on `task` at `frequency`, or None when unlimited."""
        task, frequency = TaskKind(task), Frequency(frequency)
        limits = [limit for limit in self.load_limits if limit.applies_to(task, frequency)]
        if task in LIFT_TASKS and self.max_lift_kg is not None:
            limits.append(LoadLimit(task, Frequency.OCCASIONAL, self.max_lift_kg, general=True))
        return min(limits, key=lambda limit: limit.max_kg, default=None)

    def max_load_kg(self, task: TaskKind, frequency: Frequency) -> float | None:
        """The most `task` may load at `frequency` (None when unlimited)."""
        limit = self.limit_for(task, frequency)
        return None if limit is None else limit.max_kg

    def functional_terms(self) -> list[str]:
        """The restrictions as an employer plans work with them: hours, loads, tasks to avoid; never the notes,
        which may carry clinical reasons."""
        lines = [] if self.max_hours_per_day is None else [f"At most {_fmt(self.max_hours_per_day)} h of work a day"]
        if self.max_lift_kg is not None:
            lines.append(f"Any lift: at most {_fmt(self.max_lift_kg)} kg")
        lines += [f"{limit.task.replace('_', ' ').capitalize()}: at most {limit.describe()}"
                  for limit in sorted(self.load_limits, key=lambda limit: (limit.task, limit.max_kg))]
        lines += [f"No {task.replace('_', ' ')}" for task in sorted(self.avoid)]
        return lines


_FIELD_NAMES = frozenset(f.name for f in fields(RestrictionSet))
# a new version is a new clinical act: its date and signer never carry over from the last one
_REQUIRED_FOR_NEW_VERSION = ("issued_on", "issued_by", "signed_by")


def _require_signer(new: RestrictionSet) -> None:
    """Each change of restrictions is signed by the clinician who made it."""
    if not (new.signed_by or "").strip():
        raise RuleViolation(f"restriction v{new.version} must be signed by a clinician", field="signed_by")


def _check_succession(previous: RestrictionSet, new: RestrictionSet) -> None:
    """A new version follows the previous one by exactly one, never dated earlier, and is signed."""
    if new.version != previous.version + 1:
        raise InvalidValue(f"the version after v{previous.version} is v{previous.version + 1}, "
                           f"not v{new.version}", field="version")
    if new.issued_on < previous.issued_on:
        raise InvalidValue(f"v{new.version} cannot be issued before v{previous.version} "
                           f"({previous.issued_on})", field="issued_on")
    _require_signer(new)


def _from_values(previous: RestrictionSet, values: Mapping) -> RestrictionSet:
    """The previous set with `values` applied; date, issuer and signer must be given anew."""
    unknown = sorted(set(values) - _FIELD_NAMES)
    if unknown:
        raise InvalidValue(f"unknown restriction field(s): {', '.join(unknown)}", field=unknown[0])
    missing = [name for name in _REQUIRED_FOR_NEW_VERSION if name not in values]
    if missing:
        raise InvalidValue(f"a new restriction version needs {', '.join(missing)}", field=missing[0])
    return replace(previous, **{"version": previous.version + 1, **values})


def next_version(previous: RestrictionSet, new_values: RestrictionSet | Mapping) -> RestrictionSet:
    """The next restriction version: numbered previous + 1, not dated earlier, signed."""
    new = new_values if isinstance(new_values, RestrictionSet) else _from_values(previous, new_values)
    _check_succession(previous, new)
    return new


def restriction_in_force(versions: Iterable[RestrictionSet], on_date: date) -> RestrictionSet | None:
    """The highest version issued on or before `on_date` (None when none was issued yet)."""
    versions = list(versions)
    numbers = [v.version for v in versions]
    if len(set(numbers)) != len(numbers):
        raise InvalidValue("two restriction sets share a version number", field="version")
    issued = [v for v in versions if v.issued_on <= on_date]
    return max(issued, key=lambda v: v.version, default=None)


# -- lifting in steps ---------------------------------------------------------------------------


class ChangeDirection(StrEnum):
    """Whether a change gives the worker more room or less."""

    LIFTED = "lifted"
    TIGHTENED = "tightened"


@dataclass(frozen=True)
class RestrictionChange:
    """One item that changed between two versions ('none' means no limit)."""

    item: str
    before: str
    after: str
    direction: ChangeDirection

    def __str__(self) -> str:
        return f"{self.item}: {self.before} -> {self.after} ({self.direction})"


@dataclass(frozen=True)
class LiftStep:
    """What changed from one restriction version to the next, and who signed it."""

    from_version: int
    to_version: int
    issued_on: date
    issued_by: IssuerRole
    signed_by: str
    changes: tuple[RestrictionChange, ...]
    reasons: tuple[Reason, ...]
    policy: PolicyRef

    @property
    def lifts_only(self) -> bool:
        """True when every change gives more room (a pure step toward full duty)."""
        return all(c.direction is ChangeDirection.LIFTED for c in self.changes)


def _show(value: float | None, unit: str) -> str:
    """'10 kg', or 'none' when there is no limit."""
    return "none" if value is None else f"{_fmt(value)} {unit}"


def _limit_change(item: str, before: float | None, after: float | None, unit: str) -> RestrictionChange | None:
    """Compare two limits; None (no limit) is the loosest value."""
    if before == after:
        return None
    lifted = after is None or (before is not None and after > before)
    return RestrictionChange(item, _show(before, unit), _show(after, unit),
                             ChangeDirection.LIFTED if lifted else ChangeDirection.TIGHTENED)


def _load_changes(previous: RestrictionSet, new: RestrictionSet) -> list[RestrictionChange | None]:
    """Changes to per-task limits, to the general lift limit and to hours per day."""
    before = {(limit.task, limit.frequency): limit.max_kg for limit in previous.load_limits}
    after = {(limit.task, limit.frequency): limit.max_kg for limit in new.load_limits}
    keys = sorted(set(before) | set(after), key=lambda k: (k[0], FREQUENCY_ORDER[k[1]]))
    changes = [_limit_change(f"{task} {ADVERB[freq]}", before.get((task, freq)), after.get((task, freq)), "kg")
               for task, freq in keys]
    changes.append(_limit_change("any lift", previous.max_lift_kg, new.max_lift_kg, "kg"))
    changes.append(_limit_change("hours per day", previous.max_hours_per_day, new.max_hours_per_day, "h"))
    return changes


def _avoid_changes(previous: RestrictionSet, new: RestrictionSet) -> list[RestrictionChange]:
    """Tasks no longer avoided are lifted; newly avoided ones are tightened."""
    lifted = [RestrictionChange(f"avoid {t}", "avoided", "allowed", ChangeDirection.LIFTED)
              for t in sorted(previous.avoid - new.avoid)]
    tightened = [RestrictionChange(f"avoid {t}", "allowed", "avoided", ChangeDirection.TIGHTENED)
                 for t in sorted(new.avoid - previous.avoid)]
    return lifted + tightened


def lift_step(previous: RestrictionSet, new: RestrictionSet) -> LiftStep:
    """Describe the step from `previous` to `new`; the new version must follow and be signed."""
    _check_succession(previous, new)
    changes = tuple(c for c in _load_changes(previous, new) if c) + tuple(_avoid_changes(previous, new))
    reasons = tuple(reason(f"restriction_{c.direction}", str(c)) for c in changes) or (
        reason("no_change", f"v{new.version} keeps the limits of v{previous.version}"),)
    return LiftStep(previous.version, new.version, new.issued_on, new.issued_by, new.signed_by.strip(),
                    changes, reasons, RESTRICTION_RULES)
