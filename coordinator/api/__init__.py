"""The JSON API under /api/v1 (flask-smorest), for partner systems holding OAuth 2.0 bearer tokens."""

from flask import Flask

from ..extensions import csrf
from .errors import ProblemApi, register_domain_errors
from .links import add_links

API_SETTINGS = {
    "API_TITLE": "Coordinator API", "API_VERSION": "v1", "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1", "OPENAPI_JSON_PATH": "openapi.json",
}


def init_api(app: Flask) -> ProblemApi:
    """Bind the API, its OpenAPI document and problem+json errors to the app."""
    from .cases import bp as cases_bp
    from .workflow import bp as workflow_bp
    from .clinical import bp as clinical_bp

    for name, value in API_SETTINGS.items():
        app.config.setdefault(name, value)
    api = ProblemApi(app, spec_kwargs={"info": {"description": "Work hardening cases across every party."}})
    api.ma_plugin.converter.add_attribute_function(_as_validated)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "description": "OAuth 2.0 access token from /oauth/token"})
    csrf.exempt(cases_bp)   # bearer-token calls carry no cookie: nothing to forge
    api.register_blueprint(cases_bp)
    csrf.exempt(workflow_bp)
    api.register_blueprint(workflow_bp)
    csrf.exempt(clinical_bp)
    api.register_blueprint(clinical_bp)
    from .inbox import bp as inbox_bp

    csrf.exempt(inbox_bp)
    api.register_blueprint(inbox_bp)
    from .fhir import bp as fhir_bp

    csrf.exempt(fhir_bp)
    api.register_blueprint(fhir_bp)
    from .me import bp as me_bp

    csrf.exempt(me_bp)
    api.register_blueprint(me_bp)
    from .approvals import bp as approvals_bp

    csrf.exempt(approvals_bp)
    api.register_blueprint(approvals_bp)
    from .documents import bp as documents_bp

    csrf.exempt(documents_bp)
    api.register_blueprint(documents_bp)
    from .docs import bp as docs_bp

    app.register_blueprint(docs_bp)
    # apispec has no hook once every path is known; its own store of paths is the one place to add links
    add_links(api.spec._paths)
    register_domain_errors(app)
    return api


# the days schemas/bounds.py lets through (1900-01-01 to 2100-12-31), as a pattern a generator can follow
DAY_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
NO_NUL_PATTERN = r"^[^\u0000]*$"


def _as_validated(converter, field, ret: dict, **kwargs) -> dict:
    """What apispec leaves out or misnames: a bound that excludes its limit (0 < hours) and the size of an
    object (minProperties, not minLength)."""
    from marshmallow import fields, validate

    from ..schemas.bounds import storable

    extra = {}
    for v in field.validators:
        if isinstance(v, validate.Range):
            if v.min is not None and not v.min_inclusive:
                extra["exclusiveMinimum"] = True
            if v.max is not None and not v.max_inclusive:
                extra["exclusiveMaximum"] = True
        if isinstance(v, validate.Length) and isinstance(field, fields.Dict):
            ret.pop("minLength", None), ret.pop("maxLength", None)
            extra |= {"minProperties": v.min} if v.min is not None else {}
            extra |= {"maxProperties": v.max} if v.max is not None else {}
    if isinstance(field, fields.Date) and not field.dump_only:
        # OpenAPI 3.0 bounds no date: the pattern says which years the API takes (schemas/bounds.py)
        extra["pattern"] = DAY_PATTERN
    if isinstance(field, fields.String) and storable in field.validators and "pattern" not in ret:
        extra["pattern"] = NO_NUL_PATTERN   # text is stored as sent: PostgreSQL refuses NUL
    keys = getattr(field, "key_field", None)
    choices = [c for v in getattr(keys, "validators", ()) if isinstance(v, validate.OneOf) for c in v.choices]
    if isinstance(field, fields.Dict) and choices and "additionalProperties" in ret:
        # OpenAPI 3.0 has no propertyNames: the keys a dict takes are its properties, and no other
        extra |= {"properties": {c: ret["additionalProperties"] for c in choices}, "additionalProperties": False}
    return extra
