"""One place that bounds every date, text and number a client sends, derived from the schemas: each schema of the
API and the portals derives from `Bounded`, which gives any field its schema left open a safe bound (a date that
date arithmetic cannot overflow, text a database can store, a number a column can hold)."""

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate

# every date a client sends stays in a range date arithmetic cannot overflow
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)
DAY = validate.Range(min=FIRST_DAY, max=LAST_DAY, error=f"must be a date between {FIRST_DAY} and {LAST_DAY}")
LONGEST_TEXT = 10_000          # a field with no length of its own
LARGEST_NUMBER = 1_000_000_000  # a number with no range of its own


def storable(value: str) -> None:
    """Text a database stores as sent: no NUL (PostgreSQL refuses it) and no lone surrogate (not UTF-8)."""
    if "\x00" in value:
        raise ValidationError("must not contain NUL characters")
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise ValidationError("must be valid text (it holds a broken character)")


# kept for the schemas that name it: the same check as a validator
NO_NUL = storable


def plain_query(value: str, longest: int = 100) -> str:
    """A lenient search term from a page's query string: what cannot be stored or searched is dropped."""
    kept = "".join(c for c in value if c >= " " and not "\ud800" <= c <= "\udfff")
    return kept.strip()[:longest]


def _has(field: fields.Field, kind: type) -> bool:
    return any(isinstance(v, kind) for v in field.validators)


# the defaults are plain functions, not marshmallow's Range and Length: the OpenAPI document shows the bounds a
# schema declares, and these only stand where it declares none
def _any_day(value: date) -> None:
    DAY(value)


def _any_text(value: str) -> None:
    if len(value) > LONGEST_TEXT:
        raise ValidationError(f"must be at most {LONGEST_TEXT} characters")


def _any_number(value) -> None:
    if not -LARGEST_NUMBER <= value <= LARGEST_NUMBER:
        raise ValidationError(f"must be between {-LARGEST_NUMBER} and {LARGEST_NUMBER}")


def _bounds(field: fields.Field) -> list:
    """The default validators a field's declaration leaves room for."""
    if isinstance(field, fields.Date) and not _has(field, validate.Range):
        return [_any_day]
    if isinstance(field, fields.String):
        open_length = not _has(field, validate.Length) and not _has(field, validate.OneOf)
        return [storable, *([_any_text] if open_length else [])]
    if isinstance(field, fields.Number) and not _has(field, validate.Range):
        return [_any_number]
    return []


def bound(field: fields.Field) -> None:
    """Give a field the bound its declaration left open (containers: their items).

    A new list each time: marshmallow copies a declared field shallowly for each schema instance, so
    appending to `validators` would grow the class's own list with every request (and say each error
    once per instance made so far)."""
    if isinstance(field, fields.List):
        bound(field.inner)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        bound(field.value_field)
    missing = [v for v in _bounds(field) if v not in field.validators]
    if missing:
        field.validators = [*field.validators, *missing]


class Bounded(Schema):
    """A schema whose every field is bounded (see the module); nested schemas bound their own fields."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """Bound each field as the schema binds it."""
        super().on_bind_field(field_name, field_obj)
        bound(field_obj)
