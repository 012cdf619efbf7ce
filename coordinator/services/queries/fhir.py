"""The FHIR R4 export of a case as a Bundle, through the actor's view (no Condition, no clinical measure and
only the functional tasks for an employer)."""

from sqlalchemy import select

from ...domain.actors import Actor
from ...domain.demands import unit_of
from ...domain.disclosure import CLINICAL_MEASURES, FUNCTIONAL_ACTIONS
from ...extensions import db
from ...models import Case, Organisation
from ..inbox import all_pending
from .access import case_for, is_clinical_reader
from .weeks import weeks_of

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


def _observations(actor: Actor, case: Case) -> list[dict]:
    """The weekly measures through the actor's view (the same weeks the case page charts): capacities for
    everyone, the clinical measures for a clinical reader."""
    out = []
    for w in weeks_of(actor, case):
        values = {f"capacity {t}": (v, str(unit_of(t))) for t, v in w.capacities.items()}
        values |= {m: (w.measures[m], "score") for m in CLINICAL_MEASURES if w.measures.get(m) is not None}
        for i, (name, (value, unit)) in enumerate(sorted(values.items())):
            out.append({"resourceType": "Observation", "id": f"obs-{case.id}-{w.week}-{i}", "status": "final",
                        "code": {"text": name}, "subject": _ref("Patient", f"worker-{case.id}"),
                        "effectiveDateTime": w.reviewed_on.isoformat(),
                        "valueQuantity": {"value": value, "unit": unit}})
    return out


def _tasks(actor: Actor, case: Case) -> list[dict]:
    clinical = is_clinical_reader(actor)
    items = [i for i in all_pending(select(Case).where(Case.id == case.id))
             if clinical or str(i.action.kind) in FUNCTIONAL_ACTIONS]
    return [{"resourceType": "Task", "id": f"task-{case.id}-{n}", "status": "requested", "intent": "order",
             "code": {"text": str(i.action.kind)}, "description": i.action.reason.text,
             "for": _ref("Patient", f"worker-{case.id}"), "restriction": {"period": {"end": i.action.due.isoformat()}}}
            for n, i in enumerate(items)]


def case_bundle(actor: Actor, case_id: int) -> dict:
    """The case as a FHIR Bundle of type collection, holding only what the actor may see; the read audited."""
    case = case_for(actor, case_id, purpose="fhir-export")
    insurer = db.session.get(Organisation, case.insurer_id)
    goals = _goals(case)
    resources = [_patient(case), _coverage(case, insurer), _care_plan(case, goals), *goals,
                 *_observations(actor, case), *_tasks(actor, case)]
    if is_clinical_reader(actor):
        resources.insert(2, _condition(case))
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
