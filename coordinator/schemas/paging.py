"""The one page-schema factory: a page of any item schema, as every list answers it."""

from marshmallow import Schema, fields


def page_schema(item: type[Schema], name: str | None = None, **extra: fields.Field) -> type[Schema]:
    """A page of `item` (items, page, per_page, total, and any `extra` fields) for the OpenAPI document."""
    return Schema.from_dict({"items": fields.List(fields.Nested(item)), "page": fields.Integer(),
                             "per_page": fields.Integer(), "total": fields.Integer(), **extra},
                            name=name or f"{item.__name__.removesuffix('Schema')}PageSchema")
