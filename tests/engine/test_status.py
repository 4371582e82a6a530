"""The status rule (engine.status.status_rule), which the core and the columnar path both follow (the
columnar path as a table; tests/whatif compares the two paths case by case)."""
from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.status import (BLOCK_STANDING, FACTS_ASKED, GROUND_MISSING, GROUND_STANDING, POSSIBLE, ROUTE_DECIDES,
                           ROUTE_FACTS_ASKED, ROUTE_STATUS, OptionPlan, lift_of, outcome, status_of, status_rule,
                           truth_of)
from engine.unknown import Unknown

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



# ---------------------------------------------------------------------------------------------
# `outcome` agrees with the tables the columnar path is compiled from (engine.status, end of the module)

def _item(kind: str, i: int, overrides=()):
    return SimpleNamespace(id=f"{kind}{i}", rule=SimpleNamespace(kind=kind, overrides=tuple(overrides)))


@st.composite
def plans_and_truths(draw):
    blocks = [_item("block", i) for i in range(draw(st.integers(1, 4)))]
    ids = [b.id for b in blocks]
    grounds = [_item("ground", i, draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
               for i in range(draw(st.integers(0, 3)))]
    routes = [(SimpleNamespace(id=f"route{i}"), draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)))
              for i in range(draw(st.integers(0, 4)))]
    p = OptionPlan("o", (*blocks, *grounds),
                   {b: tuple(g for g in grounds if b in g.rule.overrides) for b in ids},
                   {b: tuple(r for r, lifts in routes if b in lifts) for b in ids})
    facts = st.frozensets(st.sampled_from("abcdef"), min_size=1, max_size=2).map(Unknown)
    truth = {i.id: draw(st.one_of(st.booleans(), facts)) for i in (*blocks, *grounds, *(r for r, _ in routes))}
    return p, truth


def _by_tables(p: OptionPlan, truth: dict):
    """`outcome` composed from the tables alone."""
    def kleene_or(values):
        unknown = [v for v in values if isinstance(v, Unknown)]
        return True if True in values else Unknown(frozenset().union(*(u.facts for u in unknown))) if unknown else False

    def facts(v):
        return v.facts if isinstance(v, Unknown) else frozenset()
    standing, why, lifts = {}, {}, {}
    for b in (r for r in p.rules if r.rule.kind == "block"):
        ex = kleene_or([truth[g.id] for g in p.exceptions[b.id]])
        s = BLOCK_STANDING[truth_of(truth[b.id]), truth_of(ex)]
        if s is not None:
            standing[b.id] = s
            why[b.id] = {"condition": facts(truth[b.id]), "exceptions": facts(ex)}.get(POSSIBLE.get(s), frozenset())
            lifts[b.id] = lift_of({ROUTE_STATUS[truth_of(truth[r.id])] for r in p.routes[b.id]})
    status = status_of([(standing[b], lifts[b]) for b in standing])
    possible = {b for b, s in standing.items() if s in POSSIBLE}
    missing = set().union(*(why[b] for b in possible))
    kept = []
    for g in (r for r in p.rules if r.rule.kind == "ground"):
        k = GROUND_STANDING[truth_of(truth[g.id]), any(t in possible for t in g.rule.overrides)]
        if k is not None:
            kept.append(g.id)
            missing |= facts(truth[g.id]) if k in GROUND_MISSING else frozenset()
    route_missing = set()
    for b in standing:
        for r in p.routes[b]:
            if (ROUTE_STATUS[truth_of(truth[r.id])], lifts[b]) == ROUTE_DECIDES:
                route_missing |= facts(truth[r.id])
    ordered = ((sorted(missing) if status in FACTS_ASKED else [])
               + (sorted(route_missing - missing) if status in ROUTE_FACTS_ASKED else []))
    return status, sorted(b for b, s in standing.items() if s == "active"), sorted(possible), kept, ordered


@settings(max_examples=400)
@given(plans_and_truths())
def test_the_core_follows_the_tables_the_columnar_path_is_compiled_from(case):
    p, truth = case
    out = outcome(p, lambda item: truth[item.id])
    assert _by_tables(p, truth) == (out.status, sorted(b.id for b in out.active), sorted(b.id for b, _ in out.possible),
                                    [g.id for g, _, _ in out.grounds], out.missing)
