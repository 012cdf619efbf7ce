"""API schemas: case views by role (the employer's declares no clinical field at all) and inputs."""

from functools import cache

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from ..domain.clearance import CardiacSymptom, HealthFlags
from ..domain.demands import Frequency, JobDemand, TaskKind
from ..domain.errors import InvalidValue
from ..domain.stages import Stage
from ..policy import View
from ..services.cases import Referral
from .paging import page_schema
from .bounds import NO_NUL, Bounded


class JobDemandSchema(Bounded):
    """One job demand: functional information every party may see."""

    task = fields.String()
    amount = fields.Float()
    frequency = fields.String()
    critical = fields.Boolean()
    description = fields.String()


class AvailableCommandSchema(Bounded):
    """A command the caller may run on the case now: its kinds of input and the records it may act on."""

    command = fields.String()
    label = fields.String()
    kinds = fields.List(fields.String())
    subject = fields.String(allow_none=True, metadata={"description": "the kind of record it acts on, if any"})
    subject_ids = fields.List(fields.Integer(), attribute="subjects")


class UnavailableCommandSchema(Bounded):
    """A command of the caller's role that may not run on the case now, and why, in the users' words."""

    command = fields.String()
    label = fields.String()
    reason = fields.String()


class CaseFunctionalSchema(Bounded):
    """What an employer may see: work status, the job, dates; never diagnosis or health data."""

    id = fields.Integer()
    claim_number = fields.String()
    worker_name = fields.String()
    job_title = fields.String()
    job_level = fields.String()
    shift_hours = fields.Float()
    rtw_goal = fields.String()
    program_type = fields.String()
    stage = fields.String()
    version = fields.Integer()
    date_of_injury = fields.Date()
    referral_date = fields.Date()
    program_started_on = fields.Date(allow_none=True)
    discharged_on = fields.Date(allow_none=True)
    discharge_outcome = fields.String(allow_none=True)
    employer_id = fields.Integer()
    insurer_id = fields.Integer()
    demands = fields.List(fields.Nested(JobDemandSchema))
    # on a single case's answer: what the caller may do now, and what not and why (the command catalogue)
    available_commands = fields.List(fields.Nested(AvailableCommandSchema), dump_only=True)
    unavailable_commands = fields.List(fields.Nested(UnavailableCommandSchema), dump_only=True)


class CaseClinicalSchema(CaseFunctionalSchema):
    """The clinical view (clinic, physician, insurer): adds diagnosis, health flags, pregnancy, pauses."""

    diagnosis_code = fields.String()
    diagnosis_text = fields.String()
    date_of_birth = fields.Date(allow_none=True)
    health = fields.Dict()
    pregnant = fields.Boolean()
    gestation_weeks = fields.Float(allow_none=True)
    screening = fields.Dict()
    paused_reason = fields.String(allow_none=True)
    discharge_summary = fields.Dict(allow_none=True)
    clinic_id = fields.Integer()
    physician_id = fields.Integer()
    therapist_id = fields.Integer(allow_none=True)


CASE_SCHEMAS: dict[View, type[Schema]] = {View.FUNCTIONAL: CaseFunctionalSchema, View.CLINICAL: CaseClinicalSchema,
                                          View.OWN: CaseClinicalSchema}


@cache
def case_schema(view: View, many: bool = False) -> Schema:
    """The case schema for a view: one instance per view, shared (a schema keeps no state between dumps, and
    building one costs more than a case's dump)."""
    return CASE_SCHEMAS[view](many=many)


# -- input --------------------------------------------------------------------------------------

# PostgreSQL text cannot hold NUL: refuse it as a field error rather than fail in the database
NAME = [validate.Length(min=1, max=200), NO_NUL]


class JobDemandInSchema(Bounded):
    """A critical job demand of the referral."""

    task = fields.String(required=True, validate=validate.OneOf([t.value for t in TaskKind]))
    amount = fields.Float(required=True, validate=validate.Range(min=0, max=100_000), allow_nan=False)
    frequency = fields.String(required=True, validate=validate.OneOf([f.value for f in Frequency]))
    critical = fields.Boolean(load_default=True)
    description = fields.String(load_default="", validate=[validate.Length(max=300), NO_NUL])


class HealthFlagsSchema(Bounded):
    """Health facts that decide the clearances (clinical)."""

    cardiovascular_disease = fields.Boolean(load_default=False)
    metabolic_disease = fields.Boolean(load_default=False)
    renal_disease = fields.Boolean(load_default=False)
    cardiac_symptoms = fields.List(fields.String(validate=validate.OneOf([s.value for s in CardiacSymptom])),
                                   load_default=list, validate=validate.Length(max=10))
    pregnant = fields.Boolean(load_default=False)
    gestation_weeks = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=42))
    beta_blockers = fields.Boolean(load_default=False)


class ReferralSchema(Bounded):
    """A referral that opens a case (DOMAIN.md section 2)."""

    class Meta:
        unknown = EXCLUDE

    claim_number = fields.String(required=True, validate=[validate.Length(min=1, max=64), NO_NUL])
    worker_name = fields.String(required=True, validate=NAME)
    date_of_injury = fields.Date(required=True)
    date_of_birth = fields.Date(load_default=None, allow_none=True, metadata={"label": "Worker's date of birth"})
    referral_date = fields.Date(required=True)
    clinic_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    employer_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    insurer_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    physician_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    therapist_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                           validate=validate.Range(min=1, max=2**31 - 1))
    case_manager_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                           validate=validate.Range(min=1, max=2**31 - 1))
    diagnosis_code = fields.String(required=True, validate=[validate.Length(min=1, max=16), NO_NUL])
    diagnosis_text = fields.String(required=True, validate=[validate.Length(min=1, max=500), NO_NUL])
    job_title = fields.String(required=True, validate=NAME)
    shift_hours = fields.Float(required=True, validate=validate.Range(min=0, max=24, min_inclusive=False))
    demands = fields.List(fields.Nested(JobDemandInSchema), required=True, validate=validate.Length(min=1, max=30))
    rtw_goal = fields.String(required=True, validate=[validate.Length(min=1, max=500), NO_NUL])
    rtw_goal_agreed_by_employer = fields.Boolean(required=True)
    rtw_goal_agreed_by_worker = fields.Boolean(required=True)
    therapy_plateaued = fields.Boolean(required=True)
    hours_per_day_available = fields.Float(required=True, validate=validate.Range(min=0, max=24))
    days_per_week_available = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=7))
    prior_completed_program_same_injury = fields.Boolean(load_default=False)
    health = fields.Nested(HealthFlagsSchema, load_default=dict)

    @validates_schema
    def _dates(self, data, **_):
        if data.get("referral_date") and data.get("date_of_injury") and data["referral_date"] < data["date_of_injury"]:
            raise ValidationError("the referral cannot precede the injury", "referral_date")

    @post_load
    def _referral(self, data, **_) -> Referral:
        try:
            health = HealthFlags(**(data.pop("health") or {}))
            demands = [JobDemand(**d) for d in data.pop("demands")]
        except InvalidValue as err:
            raise ValidationError(err.message, err.field or "health") from None
        return Referral(**data, health=health, demands=demands)


class CaseQueryArgsSchema(Bounded):
    """Filters and paging of the case list."""

    stage = fields.String(validate=validate.OneOf([s.value for s in Stage]))
    employer_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    insurer_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    overdue = fields.Boolean(metadata={"description": "only cases with an overdue pending action"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


CasePageSchema = page_schema(CaseClinicalSchema, "CasePageSchema")


class CaseEventSchema(Bounded):
    """One entry of a case's timeline."""

    id = fields.Integer()
    occurred_on = fields.Date(allow_none=True, metadata={"description": "the day the thing happened"})
    at = fields.DateTime(metadata={"description": "when it was recorded"})
    actor_role = fields.String()
    actor_user_id = fields.Integer(allow_none=True)
    kind = fields.String()
    summary = fields.String()


TimelinePageSchema = page_schema(CaseEventSchema, "TimelinePageSchema")


class PageArgsSchema(Bounded):
    """Paging of any list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


def shown_to(actor, schema: type[Schema], record: str, many: bool = False) -> Schema:
    """The record's schema as the actor may read it: without the fields the domain keeps from the employer."""
    from ..domain.disclosure import hidden_from_employer
    from ..policy import View, view_for

    if view_for(actor) is View.FUNCTIONAL:
        return schema(many=many, exclude=tuple(hidden_from_employer(record) & set(schema._declared_fields)))
    return schema(many=many)
