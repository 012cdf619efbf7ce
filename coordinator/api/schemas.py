"""Case schemas by view: the employer's schema does not declare clinical fields at all."""

from marshmallow import Schema, fields

from ..policy import View


class JobDemandSchema(Schema):
    """One job demand: functional information every party may see."""

    task = fields.String()
    amount = fields.Float()
    frequency = fields.String()
    critical = fields.Boolean()
    description = fields.String()


class CaseFunctionalSchema(Schema):
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
    program_started_on = fields.Date()
    discharged_on = fields.Date()
    discharge_outcome = fields.String()
    employer_id = fields.Integer()
    insurer_id = fields.Integer()
    demands = fields.List(fields.Nested(JobDemandSchema))


class CaseClinicalSchema(CaseFunctionalSchema):
    """The clinical view (clinic, physician, insurer): adds diagnosis, health flags, pregnancy, pauses."""

    diagnosis_code = fields.String()
    diagnosis_text = fields.String()
    health = fields.Dict()
    pregnant = fields.Boolean()
    gestation_weeks = fields.Float()
    screening = fields.Dict()
    paused_reason = fields.String()
    discharge_summary = fields.Dict()
    clinic_id = fields.Integer()
    physician_id = fields.Integer()
    therapist_id = fields.Integer()


CASE_SCHEMAS: dict[View, type[Schema]] = {View.FUNCTIONAL: CaseFunctionalSchema, View.CLINICAL: CaseClinicalSchema}


def case_schema(view: View, many: bool = False) -> Schema:
    """The case schema for a view."""
    return CASE_SCHEMAS[view](many=many)
