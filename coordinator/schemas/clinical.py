"""Schemas of the clinical commands (clearances, pregnancy, program, sessions, reviews, restrictions)."""

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from ..domain.catalogue import inputs_of
from ..domain.clearance import ClearanceKind, Contraindication
from ..domain.demands import Frequency, TaskKind
from ..domain.errors import InvalidValue
from ..domain.progression import StepOverride
from ..domain.review import Measures
from ..domain.safety import SessionObservations
from ..domain.scales import DIASTOLIC_RANGE, HEART_RATE_CEILING_RANGE, HEART_RATE_RANGE, SYSTOLIC_RANGE
from ..domain.symptoms import Symptom
from .bounds import NO_NUL, Bounded


TASKS = validate.OneOf([t.value for t in TaskKind])
KG = validate.Range(min=0, max=1000)
RATING = validate.Range(min=0, max=10)
RPE = validate.Range(min=6, max=20)
TEXT = [validate.Length(max=2000), NO_NUL]


def _range(bounds: tuple[float, float]) -> validate.Range:
    """A Range validator from a domain scale's bounds."""
    return validate.Range(min=bounds[0], max=bounds[1])


def _capacities(required: bool = True) -> fields.Dict:
    """A {task: amount} map keyed by known job tasks."""
    return fields.Dict(keys=fields.String(validate=TASKS), values=fields.Float(required=True,
                       validate=validate.Range(min=0, max=100_000)), required=required,
                       validate=validate.Length(min=1, max=len(TaskKind)))


def _domain(build):
    """Build a domain value, turning its InvalidValue into a field-level ValidationError."""
    try:
        return build()
    except InvalidValue as err:
        raise ValidationError(err.message, err.field or "_schema") from None
    except ValueError as err:
        raise ValidationError(str(err), "_schema") from None


# -- input --------------------------------------------------------------------------------------

class LoadLimitInSchema(Bounded):
    """The most a force task may load at a frequency."""

    task = fields.String(required=True, validate=TASKS)
    frequency = fields.String(required=True, validate=validate.OneOf([f.value for f in Frequency]))
    max_kg = fields.Float(required=True, validate=KG)


class ClearanceInSchema(Bounded):
    """A physician's clearance, or a cardiology/obstetric clearance as reported."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ClearanceKind]))
    decided_on = fields.Date(required=True)
    contraindications = fields.List(fields.String(validate=validate.OneOf([c.value for c in Contraindication])),
                                    validate=validate.Length(max=10))
    restrictions = fields.List(fields.String(validate=[validate.Length(min=1, max=300), NO_NUL]),
                               validate=validate.Length(max=20))
    # restrictions given with a physician's clearance become the signed restrictions in force
    max_lift_kg = fields.Float(allow_none=True, validate=KG)
    max_hours_per_day = fields.Float(allow_none=True, validate=validate.Range(min=0, max=24))
    avoid = fields.List(fields.String(validate=TASKS), validate=validate.Length(max=len(TaskKind)))
    load_limits = fields.List(fields.Nested(LoadLimitInSchema), validate=validate.Length(max=30))
    cleared = fields.Boolean()
    heart_rate_ceiling = fields.Integer(strict=True, allow_none=True, validate=_range(HEART_RATE_CEILING_RANGE))
    rpe_ceiling = fields.Integer(strict=True, allow_none=True, validate=RPE)
    note = fields.String(validate=TEXT)

    @validates_schema
    def _by_kind(self, data, **_):
        """Each kind takes the inputs the command catalogue lists for it, and no other."""
        kind = data.get("kind")
        if kind not in {k.value for k in ClearanceKind}:
            return
        allowed = set(inputs_of("record_clearance", kind)) | {"kind"}
        errors = {name: [f"a {kind} clearance does not take this field"] for name in data if name not in allowed}
        if "cleared" in allowed and "cleared" not in data:
            errors["cleared"] = [f"say whether the {kind} clearance is granted"]
        if errors:
            raise ValidationError(errors)


class ClearanceAgainInSchema(Bounded):
    """After a refusal: the day from which the physician is asked for the clearance again."""

    asked_on = fields.Date(required=True, metadata={"label": "Ask again from"})


class PregnancyInSchema(Bounded):
    """A new pregnancy, its current gestation, or its end."""

    pregnant = fields.Boolean(required=True)
    gestation_weeks = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=42))
    recorded_on = fields.Date(required=True)

    @validates_schema
    def _gestation(self, data, **_):
        """A pregnancy needs its gestation; no pregnancy has none."""
        if data.get("pregnant") and data.get("gestation_weeks") is None:
            raise ValidationError("required when pregnant", "gestation_weeks")
        if data.get("pregnant") is False and data.get("gestation_weeks") is not None:
            raise ValidationError("only when pregnant", "gestation_weeks")


class BaselineInSchema(Bounded):
    """The baseline capacity test: one amount per critical job demand."""

    measured_on = fields.Date(required=True)
    capacities = _capacities()


class ProgramStartInSchema(Bounded):
    """The program's first day."""

    start_on = fields.Date(required=True)


class SessionInSchema(Bounded):
    """What was observed in one session (SessionObservations)."""

    session_date = fields.Date(required=True)
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=600))
    rpe = fields.Integer(required=True, strict=True, validate=RPE)
    pain = fields.Integer(required=True, strict=True, validate=RATING)
    heart_rate = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_range(HEART_RATE_RANGE))
    systolic = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_range(SYSTOLIC_RANGE))
    diastolic = fields.Integer(load_default=None, allow_none=True, strict=True, validate=_range(DIASTOLIC_RANGE))
    symptoms = fields.List(fields.String(validate=validate.OneOf([s.value for s in Symptom])),
                           load_default=list, validate=validate.Length(max=len(Symptom)))
    medication_taken = fields.String(load_default="", validate=[validate.Length(max=300), NO_NUL])
    performed_loads = fields.Dict(keys=fields.String(validate=TASKS), values=fields.Float(validate=KG),
                                  load_default=dict, validate=validate.Length(max=len(TaskKind)))

    @post_load
    def _observations(self, data, **_) -> SessionObservations:
        """The domain's SessionObservations."""
        return _domain(lambda: SessionObservations(**data))


class ResumptionInSchema(Bounded):
    """The physician's reassessment after a pause."""

    reassessed_on = fields.Date(required=True)
    note = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NO_NUL])


class OverrideInSchema(Bounded):
    """A logged reason to step targets up by more than the default."""

    step_pct = fields.Float(required=True, validate=validate.Range(min=0, max=100, min_inclusive=False))
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=500), NO_NUL])


class ReviewInSchema(Bounded):
    """One program week's measures."""

    week = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=104))
    reviewed_on = fields.Date(required=True)
    capacities = _capacities()
    grip_strength_kg = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=200))
    six_minute_walk_m = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=2000))
    pain = fields.Float(load_default=None, allow_none=True, validate=RATING)
    fear_of_reinjury = fields.Float(load_default=None, allow_none=True, validate=RATING)
    fatigue = fields.Float(load_default=None, allow_none=True, validate=RATING)
    rpe = fields.Float(load_default=None, allow_none=True, validate=RPE)
    sessions_scheduled = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=14))
    soreness_hours = fields.Float(load_default=0.0, validate=validate.Range(min=0, max=240))
    hours_tolerated = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=24))
    override = fields.Nested(OverrideInSchema, load_default=None, allow_none=True)

    @post_load
    def _review(self, data, **_) -> dict:
        """Keyword arguments of submit_weekly_review, with Measures and StepOverride built."""
        names = ("capacities", "grip_strength_kg", "six_minute_walk_m", "pain", "fear_of_reinjury", "fatigue", "rpe")
        measures = _domain(lambda: Measures(**{n: data.pop(n) for n in names}))
        override = data.pop("override")
        data["override"] = _domain(lambda: StepOverride(**override)) if override else None
        return {**data, "measures": measures}


class RestrictionsInSchema(Bounded):
    """A new signed version of the worker's restrictions."""

    issued_on = fields.Date(required=True)
    load_limits = fields.List(fields.Nested(LoadLimitInSchema), load_default=list, validate=validate.Length(max=30))
    max_lift_kg = fields.Float(load_default=None, allow_none=True, validate=KG)
    max_hours_per_day = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=24))
    avoid = fields.List(fields.String(validate=TASKS), load_default=list, validate=validate.Length(max=len(TaskKind)))
    notes = fields.String(load_default="", validate=TEXT)


# -- output -------------------------------------------------------------------------------------

class ReasonSchema(Bounded):
    """Why a rule decided as it did."""

    code = fields.String()
    text = fields.String()


class ClearanceSchema(Bounded):
    """A clearance decision with its outcome and reasons (clinical)."""

    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String()
    outcome = fields.String()
    decided_on = fields.Date()
    contraindications = fields.List(fields.String())
    restrictions_note = fields.String()
    note = fields.String()
    heart_rate_ceiling = fields.Integer(allow_none=True)
    rpe_ceiling = fields.Integer(allow_none=True)
    reasons = fields.List(fields.Nested(ReasonSchema))


class PregnancySchema(Bounded):
    """The case's pregnancy status (clinical)."""

    case_id = fields.Integer(attribute="id")
    pregnant = fields.Boolean()
    gestation_weeks = fields.Float(allow_none=True)
    gestation_recorded_on = fields.Date(allow_none=True)


class CapacitySchema(Bounded):
    """One measured capacity."""

    task = fields.String()
    amount = fields.Float()


class BaselineSchema(Bounded):
    """The baseline test as recorded."""

    case_id = fields.Integer()
    measured_on = fields.Date()
    capacities = fields.List(fields.Nested(CapacitySchema))


class SessionSchema(Bounded):
    """A logged session with its safety outcome: stopped, red flags (why the case paused) and cautions."""

    id = fields.Integer()
    case_id = fields.Integer()
    held_on = fields.Date()
    week = fields.Integer()
    minutes = fields.Integer()
    rpe = fields.Integer()
    pain = fields.Integer()
    heart_rate = fields.Integer(allow_none=True)
    systolic = fields.Integer(allow_none=True)
    diastolic = fields.Integer(allow_none=True)
    symptoms = fields.List(fields.String())
    medication_taken = fields.String()
    loads = fields.Dict()
    stopped = fields.Boolean()
    red_flags = fields.List(fields.Nested(ReasonSchema))
    cautions = fields.List(fields.Nested(ReasonSchema))


class SessionLoggedSchema(SessionSchema):
    """A session just logged, with the case's stage after it and, on a red flag, why it paused."""

    case_stage = fields.String()
    paused_reason = fields.String(allow_none=True)


class ReviewSchema(Bounded):
    """A weekly review: recommendation, next week's targets, readiness per demand, each with reasons."""

    id = fields.Integer()
    case_id = fields.Integer()
    week = fields.Integer()
    reviewed_on = fields.Date()
    capacities = fields.Dict()
    measures = fields.Dict()
    recommendation = fields.String()
    result = fields.Dict()
    policy = fields.String()


class LoadLimitSchema(Bounded):
    """A load limit of a restriction version."""

    task = fields.String()
    frequency = fields.String()
    max_kg = fields.Float()


class RestrictionSchema(Bounded):
    """One signed restriction version (functional: every party may see it)."""

    id = fields.Integer()
    case_id = fields.Integer()
    version = fields.Integer()
    issued_on = fields.Date()
    issued_by_role = fields.String()
    load_limits = fields.List(fields.Nested(LoadLimitSchema), attribute="limits")
    max_lift_kg = fields.Float(allow_none=True)
    max_hours_per_day = fields.Float(allow_none=True)
    avoid = fields.List(fields.String())
    notes = fields.String()
