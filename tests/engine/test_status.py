"""The status rule (engine.status.status_rule), which the core and the columnar path both follow (the
columnar path as a table; tests/whatif compares the two paths case by case)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.status import status_rule

# five facts about an option's blocks that can occur together: a block that is blocked or unlifted holds
facts = st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans()).filter(
    lambda f: (not f[0] or f[2]) and (not f[2] or f[1]) and (not f[4] or f[3]))


@given(facts)
def test_a_block_without_any_route_decides(f):
    blocked, active, active_unlifted, possible, possible_unlifted = f
    assert (status_rule(*f) == "blocked") == blocked


@given(facts)
def test_allowed_exactly_when_no_block_holds_or_may_hold(f):
    assert (status_rule(*f) == "allowed") == (not f[1] and not f[3])


@given(facts)
def test_a_route_is_certain_only_when_every_block_that_holds_has_one_and_no_possible_block_can_change_that(f):
    blocked, active, active_unlifted, possible, possible_unlifted = f
    if status_rule(*f) == "route_available":
        assert active and not active_unlifted and (not possible or not possible_unlifted)
    if possible and not active:  # only a block that may hold: never more than "needs information"
        assert status_rule(*f) == "needs_information"

