"""The status rule (engine.status.status_rule), which the core and the columnar path both follow (the
columnar path as a table; tests/whatif compares the two paths case by case)."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.status import (BLOCK_STANDING, FACTS_ASKED, GROUND_MISSING, GROUND_STANDING, POSSIBLE, ROUTE_DECIDES,
                           ROUTE_FACTS_ASKED, ROUTE_STATUS, OptionPlan, Outcome, compile_plan, lift_of, outcome, plan,
                           status_of, status_rule, truth_of)
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



def test_the_flat_steps_of_a_plan_say_what_its_rules_say(registry):
    bundle = registry.bundle("amsterdam", dt.date(2026, 9, 1))
    for option in bundle.by_option:
        p = plan(bundle, option)
        assert [(rid, r, g) for rid, r, g in p.steps] == [(r.id, r, r.rule.kind == "ground") for r in p.rules]
        assert p.exception_ids == {b: tuple(g.id for g in gs) for b, gs in p.exceptions.items()}
        assert p.route_steps == {b: tuple((r.id, r) for r in rs) for b, rs in p.routes.items()}


def _reference_outcome(p, holds):
    """The status algorithm as first written (ADR 0019), item by item: what the flat `outcome` must equal."""
    blocks_true, blocks_unknown, grounds = [], [], []
    for rule in p.rules:
        held = holds(rule)
        if rule.rule.kind == "ground":
            if held is not False:
                grounds.append((rule, held))
        elif held is True:
            blocks_true.append(rule)
        elif held is not False:
            blocks_unknown.append((rule, held))

    def exception(block):
        verdicts = [holds(g) for g in p.exceptions[block.id]]
        if any(v is True for v in verdicts):
            return True
        unknown = [v for v in verdicts if isinstance(v, Unknown)]
        return Unknown(frozenset().union(*(u.facts for u in unknown))) if unknown else False

    active, possible = [], []
    for b in blocks_true:
        ex = exception(b)
        if ex is False:
            active.append(b)
        elif isinstance(ex, Unknown):
            possible.append((b, ex))
    for b, held in blocks_unknown:
        if exception(b) is not True:
            possible.append((b, held))
    missing = set()
    for _, u in possible:
        missing |= u.facts
    routes, lift_state = {}, {}
    for b in active + [b for b, _ in possible]:
        best = "none"
        for route in p.routes[b.id]:
            held = holds(route)
            status = "available" if held is True else "unavailable" if held is False else "conditional"
            entry = routes.setdefault(route.id, [route, status, [], sorted(held.facts) if isinstance(held, Unknown) else []])
            entry[2].append(b.id)
            if status == "available" or (status == "conditional" and best == "none"):
                best = status
        lift_state[b.id] = best
    route_missing = set()
    status = status_rule(any(lift_state[b.id] == "none" for b in active), bool(active),
                         any(lift_state[b.id] != "available" for b in active), bool(possible),
                         any(lift_state[b.id] != "available" for b, _ in possible))
    if status == "needs_information":
        for _, rstatus, lifts, facts in routes.values():
            if rstatus == "conditional" and any(lift_state[b] == "conditional" for b in lifts):
                route_missing |= set(facts)
    kept = []
    possible_ids = {b.id for b, _ in possible}
    for g, held in grounds:
        gmissing = sorted(held.facts) if isinstance(held, Unknown) else []
        if held is not True:
            if not any(t in possible_ids for t in g.rule.overrides):
                continue
            missing.update(gmissing)
        kept.append((g, held, gmissing))
    ordered = [] if status == "blocked" else sorted(missing) + sorted(route_missing - missing)
    return Outcome(status, active, possible, [tuple(r) for r in routes.values()], kept, ordered)


class _Given:
    """Holds with fixed answers per id, kept in `memo` as the evaluator's are."""

    def __init__(self, answers):
        self.answers, self.memo = answers, {}

    def __call__(self, item):
        return self.memo.setdefault(item.id, self.answers(item.id))


TRUTHS = st.sampled_from([True, False, Unknown(frozenset({"a.x"})), Unknown(frozenset({"b.y", "pw.norm"}))])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_outcome_equals_the_algorithm_as_first_written(registry, data):
    bundle = registry.bundle(data.draw(st.sampled_from(sorted(registry.municipalities))), dt.date(2026, 9, 1))
    p = plan(bundle, data.draw(st.sampled_from(sorted(bundle.by_option))))
    answers = {}

    def answer(rid):
        if rid not in answers:
            answers[rid] = data.draw(TRUTHS, label=rid)
        return answers[rid]
    assert outcome(p, _Given(answer)) == _reference_outcome(p, _Given(answers.__getitem__))


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
    p = compile_plan("o", (*blocks, *grounds),
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
    out = outcome(p, _Given(truth.__getitem__))
    assert _by_tables(p, truth) == (out.status, sorted(b.id for b in out.active), sorted(b.id for b, _ in out.possible),
                                    [g.id for g, _, _ in out.grounds], out.missing)
