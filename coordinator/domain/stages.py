"""The case's stages and the transitions between them: a state machine kept as data."""

from enum import StrEnum

from .errors import IllegalTransition


class Stage(StrEnum):
    """Where a case stands; the database constrains the column to these values."""

    INTAKE = "intake"                    # referral received, screening flags on record
    CLEARANCE = "clearance"              # waiting for physician (and cardiology / obstetric) clearance
    AUTHORIZATION = "authorization"      # cleared, waiting for the insurer's first authorization
    PROGRAM = "program"                  # sessions under way
    PAUSED = "paused"                    # stopped after a red flag, waiting for reassessment
    RETURN_TO_WORK = "return_to_work"    # on the graded return-to-work ladder (modified duty)
    DISCHARGED = "discharged"            # program over; follow-ups pending
    CLOSED = "closed"                    # follow-ups done


TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.INTAKE: frozenset({Stage.CLEARANCE, Stage.DISCHARGED}),
    Stage.CLEARANCE: frozenset({Stage.AUTHORIZATION, Stage.DISCHARGED}),
    Stage.AUTHORIZATION: frozenset({Stage.PROGRAM, Stage.DISCHARGED}),
    Stage.PROGRAM: frozenset({Stage.PAUSED, Stage.RETURN_TO_WORK, Stage.DISCHARGED}),
    Stage.PAUSED: frozenset({Stage.PROGRAM, Stage.RETURN_TO_WORK, Stage.DISCHARGED}),
    # a setback below the first milestone sends the worker back to the program
    Stage.RETURN_TO_WORK: frozenset({Stage.PROGRAM, Stage.PAUSED, Stage.DISCHARGED}),
    Stage.DISCHARGED: frozenset({Stage.CLOSED}),
    Stage.CLOSED: frozenset(),
}

# stages in which the program is still running: sessions may be logged
ACTIVE_STAGES = frozenset({Stage.PROGRAM, Stage.RETURN_TO_WORK})
OPEN_STAGES = frozenset(Stage) - {Stage.CLOSED}


def can_transition(current: Stage, target: Stage) -> bool:
    """True when the state machine allows `current` -> `target`."""
    return target in TRANSITIONS[Stage(current)]


def transition(current: Stage, target: Stage) -> Stage:
    """Return `target` if the move is allowed; raise IllegalTransition otherwise."""
    current, target = Stage(current), Stage(target)
    if not can_transition(current, target):
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        raise IllegalTransition(
            f"a case in stage '{current}' cannot move to '{target}' (allowed: {allowed})",
            field="stage",
        )
    return target
