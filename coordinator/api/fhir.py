"""FHIR R4 export of a case as a Bundle, filtered by the caller's view (no Condition for an employer)."""

from flask import g, jsonify
from flask_smorest import Blueprint
from sqlalchemy import select

from ..auth.bearer import require_token
from ..domain.demands import unit_of
from ..domain.disclosure import CLINICAL_MEASURES
from ..extensions import db
from ..models import Case, Organisation, WeeklyReview
from ..policy import FUNCTIONAL_ACTIONS, View, read_case, view_for
from ..services.inbox import all_pending

bp = Blueprint("fhir", __name__, url_prefix="/api/v1", description="FHIR R4 export")
WC_POLICY = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "WCBPOL",
             "display": "workers compensation policy"}
CARE_PLAN_STATUS = {"closed": "completed", "discharged": "completed", "paused": "on-hold", "intake": "draft",
                    "clearance": "draft", "authorization": "draft"}


def _ref(kind: str, ident: str) -> dict:
    return {"reference": f"{kind}/{ident}"}


def _patient(case: Case) -> dict:
    return {"resourceType": "Patient", "id": f"worker-{case.id}", "name": [{"text": case.worker_name}]}


def _coverage(case: Case, insurer: Organisation) -> dict:
    return {"resourceType": "Coverage", "id": f"coverage-{case.id}", "status": "active",
            "type": {"coding": [WC_POLICY]}, "identifier": [{"value": case.claim_number}],
            "beneficiary": _ref("Patient", f"worker-{case.id}"),
            "payor": [{"display": insurer.name, "identifier": {"value": insurer.slug}}]}


def _condition(case: Case) -> dict:
    return {"resourceType": "Condition", "id": f"condition-{case.id}", "subject": _ref("Patient", f"worker-{case.id}"),
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": case.diagnosis_code}],
                     "text": case.diagnosis_text}}


def _goals(case: Case) -> list[dict]:
    return [{"resourceType": "Goal", "id": f"goal-{case.id}-{d.position}", "lifecycleStatus": "active",
             "description": {"text": f"{d.task.replace('_', ' ')} {d.amount:g} {unit_of(d.task)} {d.frequency}"},
             "subject": _ref("Patient", f"worker-{case.id}"),
             "target": [{"measure": {"text": d.task}, "detailQuantity": {"value": d.amount, "unit": str(unit_of(d.task))}}]}
            for d in case.demands if d.critical]


def _care_plan(case: Case, goals: list[dict]) -> dict:
    return {"resourceType": "CarePlan", "id": f"careplan-{case.id}", "intent": "plan",
            "status": CARE_PLAN_STATUS.get(case.stage, "active"), "title": case.program_type.replace("_", " "),
            "subject": _ref("Patient", f"worker-{case.id}"), "goal": [_ref("Goal", g["id"]) for g in goals]}


def _observations(case: Case, view: View) -> list[dict]:
    reviews = db.session.scalars(select(WeeklyReview).where(WeeklyReview.case_id == case.id)
                                 .order_by(WeeklyReview.week)).all()
    out = []
    for r in reviews:
        values = {f"capacity {t}": (v, str(unit_of(t))) for t, v in r.capacities.items()}
        if view is View.CLINICAL:
            values |= {m: (r.measures[m], "score") for m in CLINICAL_MEASURES if r.measures.get(m) is not None}
        for i, (name, (value, unit)) in enumerate(sorted(values.items())):
            out.append({"resourceType": "Observation", "id": f"obs-{r.id}-{i}", "status": "final",
                        "code": {"text": name}, "subject": _ref("Patient", f"worker-{case.id}"),
                        "effectiveDateTime": r.reviewed_on.isoformat(),
                        "valueQuantity": {"value": value, "unit": unit}})
    return out


def _tasks(case: Case, view: View) -> list[dict]:
    items = [i for i in all_pending(select(Case).where(Case.id == case.id))
             if view is View.CLINICAL or str(i.action.kind) in FUNCTIONAL_ACTIONS]
    return [{"resourceType": "Task", "id": f"task-{case.id}-{n}", "status": "requested", "intent": "order",
             "code": {"text": str(i.action.kind)}, "description": i.action.reason.text,
             "for": _ref("Patient", f"worker-{case.id}"), "restriction": {"period": {"end": i.action.due.isoformat()}}}
            for n, i in enumerate(items)]


def case_bundle(case: Case, view: View) -> dict:
    """The case as a FHIR Bundle of type collection, holding only what the view may show."""
    insurer = db.session.get(Organisation, case.insurer_id)
    goals = _goals(case)
    resources = [_patient(case), _coverage(case, insurer), _care_plan(case, goals), *goals,
                 *_observations(case, view), *_tasks(case, view)]
    if view is View.CLINICAL:
        resources.insert(2, _condition(case))
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}


@bp.route("/cases/<int:case_id>/fhir", methods=["GET"])
@require_token("cases:read")
@bp.response(200, headers={"Content-Type": {"schema": {"type": "string"}}})
@bp.doc(security=[{"bearerAuth": ["cases:read"]}])
def export_case(case_id):
    """The case as a FHIR R4 Bundle (Patient, Coverage, CarePlan, Goals, Observations, Tasks)."""
    case = read_case(g.token_actor, case_id, purpose="fhir-export")
    response = jsonify(case_bundle(case, view_for(g.token_actor)))
    response.mimetype = "application/fhir+json"
    return response
