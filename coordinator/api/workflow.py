"""Workflow resources of a case: authorizations, modified-duty offers, milestones, setbacks, discharge,
follow-ups and closure. Every command needs If-Match on the case's ETag and honours Idempotency-Key."""

from flask import g, jsonify
from flask_smorest import Blueprint

from ..auth.bearer import require_token
from ..auth.scopes import CASES_READ, scope_for_command
from ..domain.disclosure import WORKER_ANSWER_FIELDS, in_care_team
from ..policy import View, view_for
from ..services import authorizations as auth_services
from ..services import duty as duty_services
from ..services import rtw as rtw_services
from ..services.queries.access import case_for
from ..services.queries.authorizations import sessions_used
from ..services.queries.ladder import ladder
from ..services.queries.records import record_page, require_on_case
from .commands import with_etag
from .commands import ETAG, READ_DOC, answer, command_doc, page_json, run_command
from .idempotency import idempotent
from ..schemas.cases import CaseClinicalSchema, PageArgsSchema, case_schema, shown_to
from ..schemas.workflow import (
    AppealInSchema,
    AuthorizationClinicalSchema,
    AuthorizationDecisionInSchema,
    AuthorizationFunctionalSchema,
    AuthorizationPageSchema,
    AuthorizationRequestInSchema,
    DischargeInSchema,
    DutyOfferInSchema,
    FollowUpAnswerInSchema,
    OfferCheckInSchema,
    DutyOfferOutSchema,
    DutyOfferPageSchema,
    DutyResponseInSchema,
    FollowUpClinicalSchema,
    FollowUpFunctionalSchema,
    FollowUpInSchema,
    FollowUpPageSchema,
    InformationInSchema,
    MilestoneConfirmInSchema,
    MilestoneOutSchema,
    MilestonePageSchema,
    MilestoneStartInSchema,
    OfferWithdrawalInSchema,
    RungOutSchema,
    SetbackInSchema,
)

bp = Blueprint("workflow", __name__, url_prefix="/api/v1",
               description="A case's workflow: authorizations, duty offers, milestones, discharge, follow-ups")



def _on_case(field: str, object_id: int, case_id: int) -> None:
    """NotFound unless the record exists and belongs to the case named in the path."""
    require_on_case(field, object_id, case_id)


# -- authorizations ---------------------------------------------------------------------------


def authorization_json(row, view: View, used: int | None) -> dict:
    """An authorization through the caller's view, with the sessions used against it once approved."""
    # the packet (intake data or the weekly progress report), the assessment and the insurer's reason are
    # clinical: the employer's schema declares none of them, so they cannot leak (minimum necessary);
    # the employer still sees dates, counts and the decision, which it needs to plan modified duty
    schema = AuthorizationFunctionalSchema() if view is View.FUNCTIONAL else AuthorizationClinicalSchema()
    data = schema.dump(row)
    data["sessions_used"] = used
    return data



@bp.route("/cases/<int:case_id>/authorizations", methods=["POST"])
@require_token(scope_for_command("request_authorization"))
@idempotent
@bp.arguments(AuthorizationRequestInSchema)
@bp.response(201, AuthorizationClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("request_authorization"))
def request_authorization(body, case_id):
    """Ask the insurer for sessions; the answer carries the kind, the decision due date, packet and assessment."""
    row, refusal = run_command(auth_services.request_authorization, case_id, **body)
    return refusal or answer(authorization_json(row, View.CLINICAL, sessions_used([row])[row.id]), case_id, 201)


@bp.route("/cases/<int:case_id>/authorizations/<int:authorization_id>/decision", methods=["POST"])
@require_token(scope_for_command("decide_authorization"))
@idempotent
@bp.arguments(AuthorizationDecisionInSchema)
@bp.response(200, AuthorizationClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("decide_authorization"))
def decide_authorization(body, case_id, authorization_id):
    """The insurer approves, modifies, denies or pends a pending request of this case."""
    _on_case("authorization_id", authorization_id, case_id)
    row, refusal = run_command(auth_services.decide_authorization, authorization_id, **body)
    return refusal or answer(authorization_json(row, View.CLINICAL, sessions_used([row])[row.id]), case_id)


@bp.route("/cases/<int:case_id>/authorizations/<int:authorization_id>/information", methods=["POST"])
@require_token(scope_for_command("supply_information"))
@idempotent
@bp.arguments(InformationInSchema)
@bp.response(200, AuthorizationClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("supply_information"))
def supply_information(body, case_id, authorization_id):
    """The clinic sends what the insurer asked for on a pended request; the decision clock restarts."""
    _on_case("authorization_id", authorization_id, case_id)
    row, refusal = run_command(auth_services.supply_information, authorization_id, **body)
    return refusal or answer(authorization_json(row, View.CLINICAL, sessions_used([row])[row.id]), case_id)


@bp.route("/cases/<int:case_id>/authorizations/<int:authorization_id>/appeal", methods=["POST"])
@require_token(scope_for_command("appeal_authorization"))
@idempotent
@bp.arguments(AppealInSchema)
@bp.response(201, AuthorizationClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("appeal_authorization"))
def appeal_authorization(body, case_id, authorization_id):
    """Appeal a denial: the same block goes back to the insurer as a new request naming the denial."""
    _on_case("authorization_id", authorization_id, case_id)
    row, refusal = run_command(auth_services.appeal_authorization, authorization_id, **body)
    return refusal or answer(authorization_json(row, View.CLINICAL, sessions_used([row])[row.id]), case_id, 201)


@bp.route("/cases/<int:case_id>/authorizations", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, AuthorizationPageSchema)
@bp.doc(**READ_DOC)
def list_authorizations(args, case_id):
    """The case's authorizations by start date, with sessions used; the employer sees no clinical field."""
    found = record_page(g.token_actor, case_id, "authorizations", args["page"], args["per_page"])
    view, used = view_for(g.token_actor), sessions_used(found.items)
    return jsonify(page_json(found, lambda rows: [authorization_json(r, view, used[r.id]) for r in rows]))


# -- modified-duty offers -----------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/duty-offers", methods=["POST"])
@require_token(scope_for_command("propose_duty_offer"))
@idempotent
@bp.arguments(DutyOfferInSchema)
@bp.response(201, DutyOfferOutSchema, headers=ETAG)
@bp.doc(**command_doc("propose_duty_offer"))
def propose_duty_offer(body, case_id):
    """The employer's written offer (or next round), answered with every conflict with the restrictions."""
    row, refusal = run_command(duty_services.propose_duty_offer, case_id, **body)
    return refusal or answer(shown_to(g.token_actor, DutyOfferOutSchema, "duty_offer").dump(row), case_id, 201)


@bp.route("/cases/<int:case_id>/duty-offers/<int:offer_id>/check", methods=["POST"])
@require_token(scope_for_command("check_duty_offer"))
@idempotent
@bp.arguments(OfferCheckInSchema)
@bp.response(200, DutyOfferOutSchema, headers=ETAG)
@bp.doc(**command_doc("check_duty_offer"))
def check_duty_offer(body, case_id, offer_id):
    """A therapist's or physician's check of an offer round against the restrictions in force: it fits (the
    worker answers it) or the employer is asked for changes."""
    _on_case("offer_id", offer_id, case_id)
    row, refusal = run_command(duty_services.check_duty_offer, offer_id, **body)
    return refusal or answer(shown_to(g.token_actor, DutyOfferOutSchema, "duty_offer").dump(row), case_id)


@bp.route("/cases/<int:case_id>/duty-offers/<int:offer_id>/response", methods=["POST"])
@require_token(scope_for_command("respond_to_duty_offer"))
@idempotent
@bp.arguments(DutyResponseInSchema)
@bp.response(200, DutyOfferOutSchema, headers=ETAG)
@bp.doc(**command_doc("respond_to_duty_offer"))
def respond_to_duty_offer(body, case_id, offer_id):
    """The worker accepts a checked offer round (only while it fits the restrictions) or declines it with a
    reason."""
    _on_case("offer_id", offer_id, case_id)
    row, refusal = run_command(duty_services.respond_to_duty_offer, offer_id, **body)
    return refusal or answer(shown_to(g.token_actor, DutyOfferOutSchema, "duty_offer").dump(row), case_id)


@bp.route("/cases/<int:case_id>/duty-offers/<int:offer_id>/withdrawal", methods=["POST"])
@require_token(scope_for_command("withdraw_duty_offer"))
@idempotent
@bp.arguments(OfferWithdrawalInSchema)
@bp.response(200, DutyOfferOutSchema, headers=ETAG)
@bp.doc(**command_doc("withdraw_duty_offer"))
def withdraw_duty_offer(body, case_id, offer_id):
    """The employer withdraws its open (or countered) offer round of this case."""
    _on_case("offer_id", offer_id, case_id)
    row, refusal = run_command(duty_services.withdraw_duty_offer, offer_id, **body)
    return refusal or answer(shown_to(g.token_actor, DutyOfferOutSchema, "duty_offer").dump(row), case_id)


@bp.route("/cases/<int:case_id>/duty-offers", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, DutyOfferPageSchema)
@bp.doc(**READ_DOC)
def list_duty_offers(args, case_id):
    """The case's offer rounds by date sent (functional information: the employer sees them too)."""
    found = record_page(g.token_actor, case_id, "duty_offers", args["page"], args["per_page"])
    return jsonify(page_json(found, shown_to(g.token_actor, DutyOfferOutSchema, "duty_offer", many=True).dump))


# -- milestones ---------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/milestones", methods=["POST"])
@require_token(scope_for_command("start_milestone"))
@idempotent
@bp.arguments(MilestoneStartInSchema)
@bp.response(201, MilestoneOutSchema, headers=ETAG)
@bp.doc(**command_doc("start_milestone"))
def start_milestone(body, case_id):
    """Start the next rung when the latest review shows the capacity for it."""
    row, refusal = run_command(rtw_services.start_milestone, case_id, **body)
    return refusal or answer(shown_to(g.token_actor, MilestoneOutSchema, "milestone").dump(row), case_id, 201)


@bp.route("/cases/<int:case_id>/milestones/<int:milestone_id>/confirmation", methods=["POST"])
@require_token(scope_for_command("confirm_milestone"))
@idempotent
@bp.arguments(MilestoneConfirmInSchema)
@bp.response(200, MilestoneOutSchema, headers=ETAG)
@bp.doc(**command_doc("confirm_milestone"))
def confirm_milestone(body, case_id, milestone_id):
    """The employer confirms a started milestone of this case at the worksite."""
    _on_case("milestone_id", milestone_id, case_id)
    row, refusal = run_command(rtw_services.confirm_milestone, milestone_id, **body)
    return refusal or answer(shown_to(g.token_actor, MilestoneOutSchema, "milestone").dump(row), case_id)


def ladder_json(case) -> list[dict]:
    """Every rung of the case's ladder with where it stands, as the case page shows it (after a setback, the
    rung stepped back)."""
    return RungOutSchema(many=True).dump(ladder(g.token_actor, case))


@bp.route("/cases/<int:case_id>/milestones", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, MilestonePageSchema)
@bp.doc(**READ_DOC)
def list_milestones(args, case_id):
    """The ladder (rungs with status) and the milestone attempts by start date."""
    found = record_page(g.token_actor, case_id, "milestones", args["page"], args["per_page"])
    page = page_json(found, shown_to(g.token_actor, MilestoneOutSchema, "milestone", many=True).dump)
    return jsonify(ladder=ladder_json(case_for(g.token_actor, case_id, purpose="ladder")), **page)


# -- setbacks, discharge, follow-ups, closure ---------------------------------------------------


def _case_answer(case):
    """The case through the caller's view with its new ETag."""
    return with_etag(case_schema(view_for(g.token_actor)).dump(case), case)


@bp.route("/cases/<int:case_id>/setbacks", methods=["POST"])
@require_token(scope_for_command("report_setback"))
@idempotent
@bp.arguments(SetbackInSchema)
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("report_setback"))
def report_setback(body, case_id):
    """A setback steps back one milestone (below the first, back to the program); answers the case."""
    case, refusal = run_command(rtw_services.report_setback, case_id, **body)
    return refusal or _case_answer(case)


@bp.route("/cases/<int:case_id>/discharge", methods=["POST"])
@require_token(scope_for_command("discharge_case"))
@idempotent
@bp.arguments(DischargeInSchema)
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("discharge_case"))
def discharge(body, case_id):
    """Discharge on confirmed duty or when the program ends; the follow-ups are scheduled."""
    case, refusal = run_command(rtw_services.discharge_case, case_id, **body)
    return refusal or _case_answer(case)


def follow_up_json(rows, view: View, care_team: bool = True) -> list[dict]:
    """Follow-ups through the view: the employer sees the work status, not recurrence or notes; a reader outside
    the care team (the insurer) not the worker's own answers (their pain)."""
    if view is View.FUNCTIONAL:
        return FollowUpFunctionalSchema(many=True).dump(rows)
    hidden = () if care_team else tuple(WORKER_ANSWER_FIELDS["follow_up"])
    return FollowUpClinicalSchema(many=True, exclude=hidden).dump(rows)


@bp.route("/cases/<int:case_id>/follow-ups/<int:follow_up_id>", methods=["POST"])
@require_token(scope_for_command("record_follow_up"))
@idempotent
@bp.arguments(FollowUpInSchema)
@bp.response(200, FollowUpClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("record_follow_up"))
def record_follow_up(body, case_id, follow_up_id):
    """Record what a scheduled follow-up of this case found."""
    _on_case("follow_up_id", follow_up_id, case_id)
    row, refusal = run_command(rtw_services.record_follow_up, follow_up_id, **body)
    return refusal or answer(FollowUpClinicalSchema().dump(row), case_id)


@bp.route("/cases/<int:case_id>/follow-ups/<int:follow_up_id>/answer", methods=["POST"])
@require_token(scope_for_command("answer_follow_up"))
@idempotent
@bp.arguments(FollowUpAnswerInSchema)
@bp.response(200, FollowUpClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("answer_follow_up"))
def answer_follow_up(body, case_id, follow_up_id):
    """The worker's own answer to a follow-up of their case (from two weeks before it is due)."""
    _on_case("follow_up_id", follow_up_id, case_id)
    row, refusal = run_command(rtw_services.answer_follow_up, follow_up_id, **body)
    return refusal or answer(FollowUpClinicalSchema().dump(row), case_id)


@bp.route("/cases/<int:case_id>/follow-ups", methods=["GET"])
@require_token(CASES_READ)
@bp.arguments(PageArgsSchema, location="query")
@bp.response(200, FollowUpPageSchema)
@bp.doc(**READ_DOC)
def list_follow_ups(args, case_id):
    """The case's follow-ups by due date."""
    found = record_page(g.token_actor, case_id, "follow_ups", args["page"], args["per_page"])
    view, care_team = view_for(g.token_actor), in_care_team(g.token_actor.role)
    return jsonify(page_json(found, lambda rows: follow_up_json(rows, view, care_team)))


@bp.route("/cases/<int:case_id>/closure", methods=["POST"])
@require_token(scope_for_command("close_case"))
@idempotent
@bp.response(200, CaseClinicalSchema, headers=ETAG)
@bp.doc(**command_doc("close_case"))
def close(case_id):
    """Close a discharged case once every follow-up is recorded."""
    case, refusal = run_command(rtw_services.close_case, case_id)
    return refusal or _case_answer(case)
