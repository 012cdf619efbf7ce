"""The command catalogue: who may do what, when, with which inputs, and why not, in the users' words."""

from dataclasses import replace
from datetime import date

import pytest

from coordinator.domain.actions import CaseFacts
from coordinator.domain.actors import Role
from coordinator.domain.catalogue import (CATALOGUE, COMMANDS, STAGE_REASONS, Unavailable, available_commands,
                                          availability, inputs_of, require_available)
from coordinator.domain.errors import IllegalTransition, RuleViolation
from coordinator.domain.permissions import COMMAND_ROLES
from coordinator.domain.stages import Stage

DAY = date(2026, 11, 2)


def facts(stage: Stage, **more) -> CaseFacts:
    return CaseFacts(stage=stage, stage_since=DAY, **more)


def test_a_paused_case_says_the_physician_must_reassess_it_first():
    found = availability("log_session", facts(Stage.PAUSED))
    assert not found.available and found.reason == "the case is paused: the physician must reassess it first"
    with pytest.raises(Unavailable, match="Log a session: the case is paused"):
        require_available("log_session", facts(Stage.PAUSED))


def test_a_refusal_is_a_409_either_way():
    assert issubclass(Unavailable, IllegalTransition) and issubclass(Unavailable, RuleViolation)


def test_every_stage_has_words_and_every_command_a_role():
    assert set(STAGE_REASONS) == set(Stage)
    assert all(c.roles for c in CATALOGUE) and COMMAND_ROLES == {c.name: c.roles for c in CATALOGUE}


def test_the_clearance_kinds_take_their_own_inputs():
    assert inputs_of("record_clearance", "physician") == ("decided_on", "contraindications", "max_lift_kg",
                                                          "max_hours_per_day", "avoid", "load_limits", "restrictions", "note")
    assert inputs_of("record_clearance", "cardiology") == (
        "decided_on", "cleared", "heart_rate_ceiling", "rpe_ceiling", "note")
    assert "heart_rate_ceiling" not in inputs_of("record_clearance", "obstetric")


def test_a_specialist_kind_is_offered_only_when_the_case_needs_it():
    plain = availability("record_clearance", facts(Stage.CLEARANCE, missing_clearances=("physician",)))
    assert plain.kinds == ("physician",)
    both = availability("record_clearance", facts(Stage.CLEARANCE, required_clearances=(
        "physician", "cardiology", "obstetric")))
    assert both.kinds == ("physician", "cardiology", "obstetric")
    with pytest.raises(Unavailable, match="needs no obstetric clearance"):
        require_available("record_clearance", facts(Stage.CLEARANCE), kind="obstetric")


def test_the_first_request_and_a_continuation_are_kinds_of_one_command():
    first = availability("request_authorization", facts(Stage.CLEARANCE))
    assert first.kinds == ("initial",)
    later = availability("request_authorization", facts(Stage.PROGRAM, authorized_until=DAY))
    assert later.kinds == ("continuation",) and "start_date" not in inputs_of("request_authorization", "continuation")
    waiting = availability("request_authorization", facts(Stage.PROGRAM, authorized_until=DAY,
                                                          pending_authorization=(7, DAY)))
    assert waiting.reason == "a request is already waiting for the insurer's decision"


def test_a_fact_is_named_rather_than_the_stage_when_it_is_what_blocks():
    refused = availability("log_session", facts(Stage.PROGRAM, missing_clearances=("physician",),
                                                blocked_clearances=("physician",)))
    assert refused.reason == "the physician clearance was refused"
    start = availability("start_program", facts(Stage.AUTHORIZATION, authorized_until=DAY))
    assert start.reason == "record the baseline capacity test first"


def test_subject_commands_name_the_records_they_may_act_on():
    decide = availability("decide_authorization", facts(Stage.PROGRAM, pending_authorization=(7, DAY)))
    assert decide.available and decide.subjects == (7,) and decide.subject == "authorization"
    with pytest.raises(Unavailable, match="authorization request 8 is not waiting"):
        require_available("decide_authorization", facts(Stage.PROGRAM, pending_authorization=(7, DAY)), subject=8)
    weeks = availability("submit_weekly_review", facts(Stage.PROGRAM, program_started_on=DAY, weeks_started=3,
                                                       weeks_ended=2, weeks_reviewed=frozenset({1})))
    assert weeks.subjects == (2,)   # week 3 has begun and not ended: it cannot be reviewed yet
    with pytest.raises(Unavailable, match="week 3 has not ended yet"):
        require_available("submit_weekly_review", facts(Stage.PROGRAM, program_started_on=DAY, weeks_started=3,
                                                        weeks_ended=2), subject=3)
    early = availability("submit_weekly_review", facts(Stage.PROGRAM, program_started_on=DAY, weeks_started=1))
    assert not early.available and early.reason == "week 1 has not ended yet"


def test_after_a_denial_or_a_pend_the_clinic_appeals_or_supplies_and_nobody_files_again():
    from coordinator.domain.actions import continuation_refusal

    denied = facts(Stage.PROGRAM, authorized_until=DAY, denied_authorization=(4, DAY),
                   appealable_authorization=(4, "deny", DAY))
    assert availability("appeal_authorization", denied).subjects == (4,)
    # a modification is appealed too; an appeal's own outcome is not (the fact names none then)
    modified = facts(Stage.PROGRAM, authorized_until=DAY, appealable_authorization=(4, "modify", DAY))
    assert availability("appeal_authorization", modified).subjects == (4,)
    closed = availability("appeal_authorization", replace(modified, appealable_authorization=None))
    assert not closed.available and closed.reason == "no denial or modification waits to be appealed"
    assert continuation_refusal(denied) == "the insurer denied the last request: appeal it or revise it"
    assert availability("request_authorization", denied).kinds == ("continuation",)   # a person may revise
    pended = facts(Stage.PROGRAM, authorized_until=DAY, pended_authorization=(5, DAY, "the job description"))
    assert availability("supply_information", pended).subjects == (5,)
    assert not availability("request_authorization", pended).available
    assert not availability("decide_authorization", pended).available
    paused = facts(Stage.PAUSED, authorized_until=DAY)
    assert "paused" in continuation_refusal(paused)
    assert "discharge" in continuation_refusal(facts(Stage.PROGRAM, authorized_until=DAY, discharge_recommended=True))


def test_a_refused_clearance_is_named_to_the_clinic_and_asked_for_again_by_the_case_manager():
    blocked = facts(Stage.CLEARANCE, missing_clearances=("physician",), blocked_clearances=("physician",),
                    blocked_reasons=("unhealed fracture",))
    assert availability("log_session", blocked).reason == "the physician clearance was refused (unhealed fracture)"
    assert availability("request_clearance", blocked).kinds == ("again",)
    assert not availability("request_clearance", facts(Stage.CLEARANCE, missing_clearances=("physician",))).available


def test_discharge_is_offered_from_every_stage_the_state_machine_allows():
    from coordinator.domain.stages import can_transition

    for stage in Stage:
        assert availability("discharge_case", facts(stage)).available == can_transition(stage, Stage.DISCHARGED)


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ADMIN,)])
def test_a_role_lists_only_its_own_commands(role):
    listed = {a.command for a in available_commands(role, facts(Stage.PROGRAM))}
    assert listed == {c.name for c in CATALOGUE if role in c.roles and c.stages}


def test_reasons_are_words_not_identifiers():
    for stage in Stage:
        for role in Role:
            for found in available_commands(role, facts(stage)):
                assert found.reason == "" or ("_" not in found.reason and found.reason[0].islower()), found
    assert all(COMMANDS[name].label[0].isupper() for name in COMMANDS)
