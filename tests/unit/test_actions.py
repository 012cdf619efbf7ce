"""Pending actions: who owes what on a case, by when."""

from dataclasses import replace
from datetime import date

from coordinator.domain.actions import ActionKind, CaseFacts, pending_actions
from coordinator.domain.actors import Role
from coordinator.domain.stages import Stage

MONDAY = date(2026, 11, 2)


def kinds(actions):
    return [(a.kind, a.role) for a in actions]


def test_clearance_is_due_from_the_physician_five_business_days_after_the_request():
    facts = CaseFacts(stage=Stage.CLEARANCE, stage_since=MONDAY, missing_clearances=("physician", "cardiology"))
    actions = pending_actions(facts, MONDAY)
    assert kinds(actions) == [(ActionKind.PHYSICIAN_CLEARANCE, Role.PHYSICIAN),
                              (ActionKind.SPECIALIST_CLEARANCE, Role.PHYSICIAN)]
    assert actions[0].due == date(2026, 11, 9)


def test_clearance_on_its_due_day_is_not_overdue_the_day_after_is():
    action = pending_actions(CaseFacts(stage=Stage.CLEARANCE, stage_since=MONDAY,
                                       missing_clearances=("physician",)), MONDAY)[0]
    assert not action.overdue(date(2026, 11, 9)) and action.overdue(date(2026, 11, 10))


def test_pending_authorization_is_the_insurers_with_its_review_clock():
    facts = CaseFacts(stage=Stage.AUTHORIZATION, stage_since=MONDAY, pending_authorization=(7, date(2026, 11, 9)))
    (action,) = pending_actions(facts, MONDAY)
    assert (action.kind, action.role, action.due, action.subject_id) == (
        ActionKind.AUTHORIZATION_DECISION, Role.INSURER, date(2026, 11, 9), 7)


def test_each_ended_week_without_a_review_is_owed_by_the_therapist():
    facts = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, program_started_on=MONDAY, weeks_reviewed=frozenset({1}))
    actions = pending_actions(facts, date(2026, 11, 20))   # weeks 1 and 2 ended; week 3 runs
    assert [(a.kind, a.subject_id) for a in actions] == [(ActionKind.WEEKLY_REVIEW, 2)]
    assert actions[0].due == date(2026, 11, 17)   # week 2 ended Sunday 15th; two business days later


def test_a_paused_case_needs_the_physicians_reassessment():
    facts = CaseFacts(stage=Stage.PAUSED, stage_since=MONDAY, reassessment_needed_since=MONDAY)
    assert kinds(pending_actions(facts, MONDAY)) == [(ActionKind.REASSESSMENT, Role.PHYSICIAN)]


def test_an_open_offer_waits_for_the_clinic_s_check_then_the_worker_and_a_wanted_offer_for_the_employer():
    ready = {"carry": 0.8, "stand": 0.75}
    open_offer = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, open_offer=(3, date(2026, 11, 16)),
                           latest_review_on=MONDAY, latest_readiness=ready)
    assert kinds(pending_actions(open_offer, MONDAY)) == [(ActionKind.OFFER_CHECK, Role.THERAPIST)]
    checked = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, offer_to_answer=(3, date(2026, 11, 16)),
                        latest_review_on=MONDAY, latest_readiness=ready)
    [answer] = pending_actions(checked, MONDAY)
    assert (answer.kind, answer.role) == (ActionKind.OFFER_ANSWER, Role.WORKER)
    assert "invite them to their portal" in answer.reason.text   # the worker has no account yet
    joined = pending_actions(replace(checked, worker_joined=True), MONDAY)[0]
    assert "invite" not in joined.reason.text
    wanted = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, latest_review_on=MONDAY, latest_readiness=ready)
    assert kinds(pending_actions(wanted, MONDAY)) == [(ActionKind.DUTY_OFFER, Role.EMPLOYER)]


def test_no_offer_is_asked_before_readiness_reaches_the_modified_duty_threshold():
    facts = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, latest_review_on=MONDAY,
                      latest_readiness={"carry": 0.74, "stand": 0.9})
    assert pending_actions(facts, MONDAY) == []


def test_no_offer_is_asked_once_one_was_accepted():
    facts = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, latest_review_on=MONDAY,
                      latest_readiness={"carry": 1.0}, accepted_offer=True)
    assert pending_actions(facts, MONDAY) == []


def test_a_started_milestone_waits_for_the_employers_confirmation():
    facts = CaseFacts(stage=Stage.RETURN_TO_WORK, stage_since=MONDAY, started_milestone=(5, date(2026, 11, 9)))
    assert kinds(pending_actions(facts, MONDAY)) == [(ActionKind.MILESTONE_CONFIRMATION, Role.EMPLOYER)]


def test_continuation_is_owed_once_the_notice_period_starts():
    facts = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, authorized_until=date(2026, 11, 15),
                      continuation_prepare_from=date(2026, 11, 9))
    assert pending_actions(facts, date(2026, 11, 6)) == []
    assert kinds(pending_actions(facts, date(2026, 11, 9))) == [(ActionKind.CONTINUATION_REQUEST, Role.CASE_MANAGER)]


def test_follow_ups_are_owed_by_the_case_manager_most_urgent_first():
    facts = CaseFacts(stage=Stage.DISCHARGED, stage_since=MONDAY,
                      follow_ups_due=((2, date(2027, 5, 2)), (1, date(2027, 2, 2))))
    assert [a.subject_id for a in pending_actions(facts, MONDAY)] == [1, 2]


def test_an_action_given_as_a_task_is_due_when_the_task_said_never_before_the_day_after_it_opened():
    facts = CaseFacts(stage=Stage.CLEARANCE, stage_since=MONDAY, missing_clearances=("physician",),
                      tasks_opened={("physician_clearance", 0): date(2026, 11, 20)})
    (action,) = pending_actions(facts, date(2026, 11, 20))
    assert action.due == date(2026, 11, 23)            # the rule said 9 November; the task opened on the 20th


def test_a_declined_offer_asks_the_employer_for_a_new_one_from_the_decline_with_the_shared_reason():
    from coordinator.domain.actions import shareable_reason

    facts = CaseFacts(stage=Stage.PROGRAM, stage_since=MONDAY, latest_review_on=MONDAY,
                      latest_readiness={"carry": 0.9}, declined_offer=(3, date(2026, 11, 10), "mornings only"))
    (action,) = [a for a in pending_actions(facts, date(2026, 11, 11)) if a.kind is ActionKind.DUTY_OFFER]
    assert action.role is Role.EMPLOYER and action.due == date(2026, 11, 24)
    assert "declined the last offer (mornings only)" in action.reason.text and shareable_reason(action.kind)


def test_after_a_setback_the_next_rung_waits_for_a_review_dated_after_it():
    facts = CaseFacts(stage=Stage.RETURN_TO_WORK, stage_since=MONDAY, latest_review_on=MONDAY,
                      next_milestone_ready=True, setback_on=date(2026, 11, 4))
    assert not facts.milestone_may_start
    assert ActionKind.MILESTONE_START not in [a.kind for a in pending_actions(facts, date(2026, 11, 5))]
    later = CaseFacts(stage=Stage.RETURN_TO_WORK, stage_since=MONDAY, latest_review_on=date(2026, 11, 6),
                      next_milestone_ready=True, setback_on=date(2026, 11, 4))
    assert later.milestone_may_start


def test_a_tasks_timeline_event_is_as_private_as_its_action():
    from coordinator.domain.disclosure import is_clinical_event

    assert is_clinical_event("task_opened", {"kind": "reassessment"})
    assert not is_clinical_event("task_opened", {"kind": "milestone_confirmation"})


def test_where_a_case_stands_names_the_clinical_reason_to_clinical_readers_only():
    from coordinator.domain.standing import standing

    refused = CaseFacts(stage=Stage.CLEARANCE, stage_since=MONDAY, missing_clearances=("physician",),
                        blocked_clearances=("physician",), blocked_reasons=("unhealed fracture",))
    assert "(unhealed fracture)" in standing(refused, clinical_reader=True)
    assert "fracture" not in standing(refused, clinical_reader=False)
    paused = CaseFacts(stage=Stage.PAUSED, stage_since=MONDAY, paused_since=MONDAY)
    assert "red flag" in standing(paused, True) and "red flag" not in standing(paused, False)
