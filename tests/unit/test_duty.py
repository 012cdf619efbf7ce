"""Modified-duty offers: bona fide elements, conflicts with restrictions, negotiation, response window."""

from dataclasses import replace
from datetime import date

import pytest

from coordinator.domain.demands import Frequency as F
from coordinator.domain.demands import TaskKind as T
from coordinator.domain.duty import (
    DEFAULT_DUTY_POLICY as POLICY,
    OFFER_TRANSITIONS,
    Answer,
    ConflictKind,
    Verdict,
    check_due,
    check_round,
    DutyOffer,
    DutyPolicy,
    OfferedTask,
    OfferStatus,
    Wage,
    check_offer,
    is_response_overdue,
    missing_elements,
    propose,
    respond,
    response_due,
    revise,
    transition_offer,
    validate_offer,
)
from coordinator.domain.errors import IllegalTransition, InvalidValue, RuleViolation
from coordinator.domain.restrictions import RestrictionSet

V3 = RestrictionSet(
    version=3, issued_on=date(2026, 3, 2), issued_by="physician", signed_by="Dr Ames",
    load_limits={(T.CARRY, F.FREQUENT): 10}, max_lift_kg=12, max_hours_per_day=6, avoid={T.CLIMB},
)
SORTING = OfferedTask("sort parcels", T.CARRY, 8, F.FREQUENT, hours=4)
OFFER = DutyOffer(
    tasks=(SORTING,), hours_per_day=6, schedule="Mon-Fri 7:00-13:00", location="Depot 2",
    wage=Wage(24.5, "hourly"), start_date=date(2026, 3, 16),
)


def heavier(**task_changes):
    return replace(OFFER, tasks=(replace(SORTING, **task_changes),))


# -- bona fide elements -----------------------------------------------------------------------------------


def test_a_complete_offer_is_bona_fide():
    assert validate_offer(OFFER) is OFFER and missing_elements(OFFER) == ()


@pytest.mark.parametrize("field, empty", [
    ("tasks", ()), ("hours_per_day", None), ("schedule", ""), ("location", "  "), ("wage", None),
    ("start_date", None),
])
def test_an_offer_missing_a_bona_fide_element_is_invalid(field, empty):
    with pytest.raises(InvalidValue) as err:
        validate_offer(replace(OFFER, **{field: empty}))
    assert err.value.field == field and field in err.value.message


def test_every_missing_element_is_listed():
    assert missing_elements(DutyOffer()) == ("tasks", "hours_per_day", "wage", "start_date", "schedule", "location")


def test_an_offered_task_needs_a_written_description():
    with pytest.raises(InvalidValue) as err:
        validate_offer(heavier(description=""))
    assert err.value.field == "tasks[0].description"


@pytest.mark.parametrize("amount", [0, -5, None])
def test_a_wage_must_be_above_zero(amount):
    with pytest.raises(InvalidValue) as err:
        Wage(amount, "weekly")
    assert err.value.field == "wage"


def test_a_wage_is_hourly_or_weekly():
    with pytest.raises(InvalidValue):
        Wage(20, "monthly")


def test_a_negative_task_amount_is_invalid():
    with pytest.raises(InvalidValue) as err:
        OfferedTask("sort", T.CARRY, -1, F.OCCASIONAL)
    assert err.value.field == "amount"


@pytest.mark.parametrize("hours", [0, 24.5])
def test_hours_per_day_must_be_above_zero_and_at_most_24(hours):
    with pytest.raises(InvalidValue) as err:
        replace(OFFER, hours_per_day=hours)
    assert err.value.field == "hours_per_day"


def test_a_full_24_hour_day_is_a_valid_value():
    assert replace(OFFER, hours_per_day=24).hours_per_day == 24


def test_offer_rounds_are_numbered_from_one():
    with pytest.raises(InvalidValue):
        replace(OFFER, round_number=0)


# -- check against restrictions -------------------------------------------------------------------------------


def test_an_offer_within_the_restrictions_has_no_conflicts():
    check = check_offer(OFFER, V3)
    assert check.ok and check.restriction_version == 3 and check.policy == POLICY.ref
    assert [r.code for r in check.reasons] == ["fits_restrictions"]


def test_a_load_at_the_limit_is_no_conflict():
    assert check_offer(heavier(amount=10), V3).ok


def test_a_load_above_the_limit_is_a_conflict_that_explains_itself():
    (conflict,) = check_offer(heavier(amount=15), V3).conflicts
    assert conflict.kind is ConflictKind.LOAD and conflict.task is T.CARRY
    assert conflict.text == "carry 15 kg frequently exceeds the restriction of 10 kg frequently (restriction v3)"


def test_a_limit_at_a_frequency_binds_more_frequent_offers():
    (conflict,) = check_offer(heavier(amount=11, frequency=F.CONSTANT), V3).conflicts
    assert conflict.allowed == "10 kg frequently or more often"


def test_a_load_allowed_at_less_frequent_use_is_no_conflict():
    assert check_offer(heavier(amount=15, frequency=F.OCCASIONAL), V3).ok


def test_a_lift_above_the_general_max_lift_is_a_conflict():
    (conflict,) = check_offer(heavier(task=T.LIFT_FLOOR_TO_WAIST, amount=13, frequency=F.OCCASIONAL), V3).conflicts
    assert conflict.allowed == "12 kg for any lift"


def test_an_avoided_task_is_a_conflict():
    (conflict,) = check_offer(heavier(task=T.CLIMB, amount=10), V3).conflicts
    assert conflict.kind is ConflictKind.AVOIDED_TASK and "avoid" in conflict.text


def test_hours_per_day_above_the_limit_are_a_conflict():
    (conflict,) = check_offer(replace(OFFER, hours_per_day=8), V3).conflicts
    assert conflict.kind is ConflictKind.HOURS
    assert conflict.text == "8 hours per day exceeds the restriction of 6 hours per day (restriction v3)"


def test_hours_per_day_at_the_limit_are_no_conflict():
    assert check_offer(replace(OFFER, hours_per_day=6), V3).ok


def test_task_hours_above_the_daily_limit_are_a_conflict():
    assert check_offer(heavier(hours=7), V3).conflicts[0].kind is ConflictKind.HOURS


def test_every_conflict_is_listed():
    loft = OfferedTask("stock the loft", T.CLIMB, 5, F.OCCASIONAL)
    offer = replace(OFFER, hours_per_day=8, tasks=(replace(SORTING, amount=15), loft))
    check = check_offer(offer, V3)
    assert [c.kind for c in check.conflicts] == [ConflictKind.LOAD, ConflictKind.AVOIDED_TASK, ConflictKind.HOURS]
    assert len(check.reasons) == 3


def test_an_offer_cannot_be_checked_without_restrictions_in_force():
    with pytest.raises(RuleViolation):
        check_offer(OFFER, None)


# -- negotiation -----------------------------------------------------------------------------------------------


def test_proposing_stamps_the_round_with_the_restriction_version():
    first = propose(heavier(amount=15), V3)
    assert (first.status, first.offer.round_number, first.offer.restriction_version) == (OfferStatus.PROPOSED, 1, 3)
    assert not first.check.ok   # conflicts are listed, not blocked


def test_proposing_an_incomplete_offer_is_invalid():
    with pytest.raises(InvalidValue):
        propose(replace(OFFER, location=""), V3)


def test_a_clinician_passes_a_fitting_offer_to_the_worker():
    checked = check_round(propose(OFFER, V3).offer, OfferStatus.PROPOSED, Verdict.FITS, V3)
    assert checked.status is OfferStatus.CHECKED and checked.restriction_version == 3 and not checked.conflicts


def test_an_offer_with_conflicts_cannot_go_to_the_worker():
    with pytest.raises(RuleViolation) as err:
        check_round(heavier(amount=15), OfferStatus.PROPOSED, "fits", V3)
    assert ("cannot be passed to the worker while it conflicts with restriction v3: carry 15 kg frequently exceeds "
            "the restriction of 10 kg frequently (restriction v3)") in err.value.message


def test_the_worker_accepts_a_checked_offer_within_restrictions():
    answer = respond(propose(OFFER, V3).offer, OfferStatus.CHECKED, Answer.ACCEPT, V3)
    assert answer.status is OfferStatus.ACCEPTED and answer.restriction_version == 3


def test_the_worker_cannot_answer_before_the_check():
    for status in (OfferStatus.PROPOSED, OfferStatus.REVISED):
        with pytest.raises(RuleViolation, match="checked against your restrictions first"):
            respond(OFFER, status, Answer.ACCEPT, V3)


def test_accept_is_checked_against_the_restrictions_now_in_force():
    v4 = replace(V3, version=4, load_limits={(T.CARRY, F.FREQUENT): 5})
    with pytest.raises(RuleViolation, match="cannot be accepted while it conflicts with restriction v4"):
        respond(propose(OFFER, V3).offer, OfferStatus.CHECKED, Answer.ACCEPT, v4)


def test_answer_notes_when_restrictions_changed_since_the_round_was_checked():
    v4 = replace(V3, version=4, max_hours_per_day=8)
    answer = respond(propose(OFFER, V3).offer, OfferStatus.CHECKED, Answer.ACCEPT, v4)
    assert "restrictions_changed" in [r.code for r in answer.reasons]


def test_the_worker_s_decline_records_their_reason():
    answer = respond(OFFER, OfferStatus.CHECKED, Answer.DECLINE, V3, reason="too far from home")
    assert (answer.status, answer.reason) == (OfferStatus.DECLINED, "too far from home")


@pytest.mark.parametrize("text", ["", "  "])
def test_decline_without_a_reason_is_invalid(text):
    with pytest.raises(InvalidValue) as err:
        respond(OFFER, OfferStatus.CHECKED, Answer.DECLINE, V3, reason=text)
    assert err.value.field == "reason"


def test_the_worker_has_no_counter_the_clinician_does():
    with pytest.raises(InvalidValue):
        respond(OFFER, OfferStatus.CHECKED, "counter", V3, reason="less carrying")
    countered = check_round(heavier(amount=15), OfferStatus.PROPOSED, Verdict.COUNTER, V3,
                            requested_changes="carry 10 kg")
    assert (countered.status, countered.requested_changes) == (OfferStatus.COUNTERED, "carry 10 kg")
    assert len(countered.conflicts) == 1


def test_counter_without_requested_changes_is_invalid():
    with pytest.raises(InvalidValue) as err:
        check_round(OFFER, OfferStatus.PROPOSED, Verdict.COUNTER, V3)
    assert err.value.field == "requested_changes"


def test_revision_after_a_counter_is_the_next_round_checked_again():
    v4 = replace(V3, version=4)
    second = revise(propose(OFFER, V3).offer, OfferStatus.COUNTERED, heavier(amount=9), v4)
    assert (second.status, second.offer.round_number, second.offer.restriction_version) == (OfferStatus.REVISED, 2, 4)


def test_a_revised_offer_is_checked_then_accepted():
    checked = check_round(OFFER, OfferStatus.REVISED, Verdict.FITS, V3)
    assert respond(OFFER, checked.status, Answer.ACCEPT, V3).status is OfferStatus.ACCEPTED


def test_the_employer_may_revise_a_checked_round_before_the_worker_answers():
    assert revise(OFFER, OfferStatus.CHECKED, heavier(amount=9), V3).status is OfferStatus.REVISED


def test_a_check_is_due_within_three_business_days_and_never_after_the_window():
    assert check_due(date(2026, 3, 2)) == date(2026, 3, 5)          # Monday -> Thursday
    short = DutyPolicy(response_business_days=1)
    assert check_due(date(2026, 3, 2), short) == date(2026, 3, 3)


@pytest.mark.parametrize("status", [OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.WITHDRAWN,
                                    OfferStatus.EXPIRED])
def test_a_closed_negotiation_takes_no_answer(status):
    with pytest.raises(IllegalTransition):
        respond(OFFER, status, Answer.ACCEPT, V3)
    assert OFFER_TRANSITIONS[status] == frozenset()


def test_a_countered_offer_waits_for_the_employer_not_another_answer():
    with pytest.raises(IllegalTransition):
        respond(OFFER, OfferStatus.COUNTERED, Answer.ACCEPT, V3)
    with pytest.raises(IllegalTransition):
        check_round(OFFER, OfferStatus.COUNTERED, Verdict.FITS, V3)


@pytest.mark.parametrize("current, target", [
    (OfferStatus.PROPOSED, OfferStatus.WITHDRAWN), (OfferStatus.PROPOSED, OfferStatus.EXPIRED),
    (OfferStatus.COUNTERED, OfferStatus.REVISED), (OfferStatus.REVISED, OfferStatus.COUNTERED),
    (OfferStatus.PROPOSED, OfferStatus.CHECKED), (OfferStatus.CHECKED, OfferStatus.DECLINED),
    (OfferStatus.CHECKED, OfferStatus.WITHDRAWN),
])
def test_allowed_offer_transitions(current, target):
    assert transition_offer(current, target) is target


def test_an_unknown_offer_status_is_invalid():
    with pytest.raises(InvalidValue):
        transition_offer("haggling", OfferStatus.ACCEPTED)


# -- response window ----------------------------------------------------------------------------------------


def test_response_window_is_ten_business_days():
    assert response_due(date(2026, 3, 2)) == date(2026, 3, 16)


def test_response_window_skips_holidays():
    assert response_due(date(2026, 3, 2), holidays={date(2026, 3, 9)}) == date(2026, 3, 17)


def test_a_payer_may_set_its_own_response_window():
    assert response_due(date(2026, 3, 2), DutyPolicy(response_business_days=5)) == date(2026, 3, 9)


def test_a_response_window_of_zero_days_is_invalid():
    with pytest.raises(InvalidValue):
        DutyPolicy(response_business_days=0)


def test_response_on_last_day_of_window_is_not_overdue():
    assert not is_response_overdue(date(2026, 3, 16), date(2026, 3, 16))


def test_response_the_day_after_window_is_overdue():
    assert is_response_overdue(date(2026, 3, 16), date(2026, 3, 17))
