"""The JSON API under /api/v1 (flask-smorest), for partner systems holding OAuth 2.0 bearer tokens."""

from flask import Flask

from ..extensions import csrf
from .errors import ProblemApi, register_domain_errors

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
    from .docs import bp as docs_bp

    app.register_blueprint(docs_bp)
    register_domain_errors(app)
    return api


def _as_validated(converter, field, ret: dict, **kwargs) -> dict:
    """What apispec leaves out or misnames: a bound that excludes its limit (0 < hours) and the size of an
    object (minProperties, not minLength)."""
    from marshmallow import fields, validate

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
    keys = getattr(field, "key_field", None)
    choices = [c for v in getattr(keys, "validators", ()) if isinstance(v, validate.OneOf) for c in v.choices]
    if isinstance(field, fields.Dict) and choices and "additionalProperties" in ret:
        # OpenAPI 3.0 has no propertyNames: the keys a dict takes are its properties, and no other
        extra |= {"properties": {c: ret["additionalProperties"] for c in choices}, "additionalProperties": False}
    return extra
