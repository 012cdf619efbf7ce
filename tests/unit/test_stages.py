"""The case state machine: allowed moves succeed, every other move is an IllegalTransition."""

import pytest

from coordinator.domain.errors import IllegalTransition
from coordinator.domain.stages import TRANSITIONS, Stage, can_transition, transition

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
FORBIDDEN = [(a, b) for a in Stage for b in Stage if b not in TRANSITIONS[a]]


@pytest.mark.parametrize("current, target", ALLOWED)
def test_allowed_transition_returns_the_target(current, target):
    assert transition(current, target) is target


@pytest.mark.parametrize("current, target", FORBIDDEN)
def test_illegal_transition_raises_a_domain_error(current, target):
    with pytest.raises(IllegalTransition) as err:
        transition(current, target)
    assert err.value.code == "illegal_transition" and str(current) in err.value.message


def test_every_stage_can_reach_closed():
    reachable, frontier = {Stage.INTAKE}, [Stage.INTAKE]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(Stage)


def test_closed_is_final():
    assert not any(can_transition(Stage.CLOSED, s) for s in Stage)


def test_red_flag_pause_resumes_to_the_program():
    assert can_transition(Stage.PROGRAM, Stage.PAUSED) and can_transition(Stage.PAUSED, Stage.PROGRAM)


def test_setback_below_the_first_milestone_returns_to_the_program():
    assert can_transition(Stage.RETURN_TO_WORK, Stage.PROGRAM)


def test_unknown_stage_is_refused():
    with pytest.raises(ValueError):
        transition("limbo", Stage.PROGRAM)
