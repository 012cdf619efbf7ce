"""The words a portal form shows: each input's label, unit and range hint, and every error in plain words
(never a structure, a field key or a zero-based row), with the summary that links to each field."""

import re

from marshmallow import fields, validate

from ..domain.demands import TaskKind, unit_of
from ..domain.scales import RATING_RANGE, RPE_RANGE

# (label, unit or scale) by field name, where the name alone would not say what to type
WORDS: dict[str, tuple[str, str]] = {
    "minutes": ("Duration", "minutes"),
    "rpe": ("Exertion (Borg RPE)", f"Borg scale {RPE_RANGE[0]}–{RPE_RANGE[1]}: {RPE_RANGE[0]} no exertion, "
                                   f"{RPE_RANGE[1]} maximal"),
    "rpe_ceiling": ("Exertion ceiling (Borg RPE)", f"Borg scale {RPE_RANGE[0]}–{RPE_RANGE[1]}"),
    "pain": ("Pain", f"{RATING_RANGE[0]}–{RATING_RANGE[1]}: {RATING_RANGE[0]} none, {RATING_RANGE[1]} worst imaginable"),
    "fatigue": ("Fatigue", f"{RATING_RANGE[0]}–{RATING_RANGE[1]}: {RATING_RANGE[0]} none, {RATING_RANGE[1]} worst"),
    "fear_of_reinjury": ("Fear of re-injury", f"{RATING_RANGE[0]}–{RATING_RANGE[1]}: {RATING_RANGE[0]} none, "
                                              f"{RATING_RANGE[1]} extreme"),
    "heart_rate": ("Heart rate", "beats per minute"),
    "heart_rate_ceiling": ("Heart rate ceiling", "beats per minute"),
    "systolic": ("Blood pressure, systolic", "mmHg"),
    "diastolic": ("Blood pressure, diastolic", "mmHg"),
    "max_kg": ("Most weight", "kg"),
    "max_lift_kg": ("Most weight for any lift", "kg"),
    "max_hours_per_day": ("Most hours a day", "hours"),
    "hours_per_day": ("Hours per day", "hours"),
    "hours_per_day_available": ("Hours a day the worker can attend", "hours"),
    "days_per_week_available": ("Days a week the worker can attend", "days"),
    "hours_tolerated": ("Hours of work tolerated", "hours a day"),
    "shift_hours": ("Length of a shift", "hours"),
    "gestation_weeks": ("Weeks of pregnancy", "weeks"),
    "grip_strength_kg": ("Grip strength", "kg"),
    "six_minute_walk_m": ("Six-minute walk distance", "metres"),
    "soreness_hours": ("Soreness after the sessions", "hours"),
    "sessions_scheduled": ("Sessions scheduled this week", "sessions"),
    "step_pct": ("Progression step", "% of this week's load"),
    "approved_sessions": ("Sessions approved", "sessions (only when the decision is modify)"),
    "weeks": ("Weeks requested", "weeks"),
    "wage": ("Wage", "in the currency of the claim"),
    "amount": ("Amount", "kg for lifting, carrying, pushing and pulling; minutes for the rest"),
    "hours": ("Hours a day doing it", "hours"),
    "medication_taken": ("Medication taken before the session", ""),
    "performed_loads": ("Loads performed", ""),
    "rtw_goal": ("Return-to-work goal", ""),
    "rtw_goal_agreed_by_employer": ("The employer agrees to the goal", ""),
    "rtw_goal_agreed_by_worker": ("The worker agrees to the goal", ""),
    "therapy_plateaued": ("Therapy so far has plateaued", ""),
    "diagnosis_code": ("Diagnosis code", "ICD-10, e.g. S39.012A"),
    "diagnosis_text": ("Diagnosis", ""),
    "prior_completed_program_same_injury": ("Already completed a program for this injury", ""),
    "capacities": ("Capacities measured", ""),
}
MEASURES_HINT = "kg for lifting, carrying, pushing and pulling; minutes for the postures and walking"


def label_of(name: str, f: fields.Field) -> str:
    """The input's label: the schema's own, else the words above, else the field's name in words."""
    return f.metadata.get("label") or WORDS.get(name, (None,))[0] or name.removesuffix("_id").replace("_", " ").capitalize()


def _ranges(f: fields.Field) -> list[validate.Range]:
    rules = f.validate if isinstance(f.validate, (list, tuple)) else [f.validate] if f.validate else []
    return [r for r in rules if isinstance(r, validate.Range)]


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def hint_of(name: str, f: fields.Field) -> str:
    """The unit and the range a number takes ("hours, 0 to 24"), in words; '' when there is nothing to say."""
    unit = f.metadata.get("hint") or WORDS.get(name, (None, ""))[1]
    if isinstance(f, fields.Date):
        return unit   # a date's bounds (1900 to 2100) would only be noise
    bounds = ""
    for r in _ranges(f):
        if r.min is not None and r.max is not None:
            low = _number(r.min) if r.min_inclusive else f"more than {_number(r.min)}"
            bounds = f"{low} to {_number(r.max)}"
    if unit and bounds and not unit[:1].isdigit() and "scale" not in unit and "–" not in unit:
        return f"{unit}, {bounds}"
    return unit or (f"from {bounds}" if bounds else "")


def unit_words(task: str) -> str:
    """The unit a job demand's amount is in: 'kg' or 'min' (the domain's `unit_of`); '' for an unknown task."""
    try:
        return str(unit_of(TaskKind(task)))
    except ValueError:
        return ""


def measure_label(task: str) -> str:
    """A job demand's input label with its unit: 'Lift floor to waist (kg)'."""
    try:
        unit = "kg" if str(unit_of(TaskKind(task))) == "kg" else "minutes"
    except ValueError:
        unit = ""
    words = task.replace("_", " ").capitalize()
    return f"{words} ({unit})" if unit else words


# marshmallow's and webargs' wording, and ours where it reads like a library, turned into plain words
_PLAIN = [
    (r"Missing data for required field\.?|Field may not be null\.?|Shorter than minimum length 1\.?",
     lambda m, f: "Choose one." if _is_choice(f) else "This is required."),
    (r"Not a valid integer\.?", lambda m, f: "Enter a whole number."),
    (r"Not a valid number\.?", lambda m, f: "Enter a number."),
    (r"Not a valid date\.?", lambda m, f: "Enter a date as year-month-day, e.g. 2026-03-31."),
    (r"Not a valid boolean\.?", lambda m, f: "Choose yes or no."),
    (r"Not a valid (string|list)\.?", lambda m, f: "Enter it as text."),
    (r"Must be one of: .*", lambda m, f: "Choose one of the options offered."),
    (r"Unknown field\.?", lambda m, f: "This is not part of the form."),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.?",
     lambda m, f: f"Enter a number from {_clean(m.group(1))} to {_clean(m.group(2))}."),
    (r"Must be greater than (\S+) and less than or equal to (\S+)\.?",
     lambda m, f: f"Enter a number above {_clean(m.group(1))}, up to {_clean(m.group(2))}."),
    (r"Must be greater than or equal to (\S+)\.?", lambda m, f: f"Enter {_clean(m.group(1))} or more."),
    (r"Must be less than or equal to (\S+)\.?", lambda m, f: f"Enter {_clean(m.group(1))} or less."),
    (r"Length must be between (\d+) and (\d+)\.?",
     lambda m, f: (f"Fill in {m.group(1)} to {m.group(2)} rows." if isinstance(f, fields.List)
                   else f"Enter {m.group(1)} to {m.group(2)} characters.")),
    (r"Longer than maximum length (\d+)\.?",
     lambda m, f: (f"Give at most {m.group(1)}." if isinstance(f, fields.List)
                   else f"Use at most {m.group(1)} characters.")),
    (r"Shorter than minimum length (\d+)\.?", lambda m, f: f"Give at least {m.group(1)}."),
    (r"must be a date between (\S+) and (\S+)", lambda m, f: f"Enter a date between {m.group(1)} and {m.group(2)}."),
    (r"Invalid value\.?", lambda m, f: "This value is not accepted."),
]


def _clean(number: str) -> str:
    return number.rstrip(".").removesuffix(".0")


def _is_choice(f) -> bool:
    return isinstance(f, fields.String) and any(isinstance(r, validate.OneOf) for r in
                                                (f.validate if isinstance(f.validate, (list, tuple)) else [f.validate]))


def plain(message: str, f: fields.Field | None = None) -> str:
    """One message in plain words: a library's wording replaced, ours given a capital and a full stop."""
    text = str(message).strip()
    for pattern, words in _PLAIN:
        match = re.fullmatch(pattern, text)
        if match:
            return words(match, f)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _field(schema, name: str):
    return schema.fields.get(name) if schema is not None and hasattr(schema, "fields") else None


def _inner_schema(f):
    """The schema of a nested field or of a list of nested items, if any."""
    if isinstance(f, fields.Nested):
        return f.schema
    if isinstance(f, fields.List) and isinstance(f.inner, fields.Nested):
        return f.inner.schema
    return None


def field_errors(messages, schema) -> list[dict]:
    """marshmallow's messages as one entry per input: {id, label, text}, in plain words; a row of a list
    is counted from 1 ("Tasks, row 2, amount"), a job demand named by its task."""
    out: list[dict] = []

    def walk(value, path: str, words: list[str], current_schema, f):
        if isinstance(value, dict):
            for key, inner in value.items():
                key = str(key)
                if key == "_schema":
                    walk(inner, path, words, current_schema, f)
                elif key.isdigit() and _inner_schema(f) is None:   # an item of a list of choices or lines: the list's
                    walk(inner, path, words, current_schema, getattr(f, "inner", f))
                elif key.isdigit():   # a row of a list of objects
                    walk(inner, f"{path}-{key}", words + [f"row {int(key) + 1}"], _inner_schema(f), f)
                elif isinstance(f, fields.Dict):   # a job demand's measure ({task: {value: [...]}})
                    walk(inner, f"{path}-{key}", words + [measure_label(key)], None, None)
                elif key in ("value", "key") and f is None:
                    walk(inner, path, words, None, None)
                else:
                    child = _field(current_schema, key)
                    label = label_of(key, child) if child is not None else key.replace("_", " ")
                    # a nested object's inputs are named "group.field"; a row's "list-2-field"
                    sep = "." if isinstance(f, fields.Nested) else "-"
                    walk(inner, f"{path}{sep}{key}" if path else key, words + [label], _inner_schema(child), child)
            return
        texts = [t for t in (value if isinstance(value, list) else [value]) if not isinstance(t, (dict, list))]
        if not texts:
            return
        said = " ".join(dict.fromkeys(plain(t, f) for t in texts))
        label = ", ".join([words[0], *(w[:1].lower() + w[1:] for w in words[1:])]) if words else "The form"
        out.append({"id": f"f-{path}" if path else "error-summary", "label": label, "text": said})

    walk(messages if isinstance(messages, dict) else {"_schema": messages}, "", [], schema, None)
    return out


def by_input(errors: list[dict]) -> dict[str, str]:
    """The messages keyed by the input they belong to (its name: 'pain', 'tasks-1-amount'), for the line
    shown beside each input."""
    found: dict[str, str] = {}
    for e in errors:
        key = e["id"].removeprefix("f-")
        found[key] = f"{found[key]} {e['text']}" if key in found else e["text"]
    return found


def file_size(size: int) -> str:
    """A file's size in the unit people read: 820 KB, 4.2 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"
