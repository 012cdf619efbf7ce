"""Who may run which command on a case."""

import pytest

from coordinator.domain.actors import SYSTEM, Actor, Role
from coordinator.domain.permissions import COMMAND_ROLES, CaseParties, NotPermitted, can, require

PARTIES = CaseParties(clinic_id=1, employer_id=2, insurer_id=3, physician_id=40, therapist_id=41)
THERAPIST = Actor(41, Role.THERAPIST, 1)
PHYSICIAN = Actor(40, Role.PHYSICIAN, 9)
EMPLOYER = Actor(50, Role.EMPLOYER, 2)
INSURER = Actor(60, Role.INSURER, 3)


@pytest.mark.parametrize("actor, command", [
    (PHYSICIAN, "record_clearance"), (INSURER, "decide_authorization"), (EMPLOYER, "propose_duty_offer"),
    (EMPLOYER, "confirm_milestone"), (THERAPIST, "log_session"), (PHYSICIAN, "resume_program"),
])
def test_the_party_named_by_the_rule_may_act(actor, command):
    assert can(actor, command, PARTIES)


@pytest.mark.parametrize("actor, command", [
    (EMPLOYER, "record_clearance"), (THERAPIST, "decide_authorization"), (INSURER, "propose_duty_offer"),
    (THERAPIST, "confirm_milestone"), (EMPLOYER, "log_session"), (THERAPIST, "resume_program"),
])
def test_other_roles_may_not(actor, command):
    assert not can(actor, command, PARTIES)
    with pytest.raises(NotPermitted):
        require(actor, command, PARTIES)


def test_an_employer_of_another_company_is_not_on_the_case():
    assert not can(Actor(51, Role.EMPLOYER, 99), "confirm_milestone", PARTIES)


def test_only_the_cases_physician_may_clear():
    assert not can(Actor(77, Role.PHYSICIAN, 9), "record_clearance", PARTIES)


def test_the_system_actor_runs_only_automatic_steps():
    assert can(SYSTEM, "request_clearance", PARTIES) and not can(SYSTEM, "record_clearance", PARTIES)


def test_every_command_names_at_least_one_role():
    assert all(COMMAND_ROLES.values())


def test_only_a_case_manager_of_the_clinic_reassigns_the_case():
    assert can(Actor(42, Role.CASE_MANAGER, 1), "reassign_case", PARTIES)
    assert not can(Actor(43, Role.CASE_MANAGER, 99), "reassign_case", PARTIES)   # another clinic's
    for actor in (THERAPIST, PHYSICIAN, EMPLOYER, INSURER, SYSTEM):
        with pytest.raises(NotPermitted):
            require(actor, "reassign_case", PARTIES)
