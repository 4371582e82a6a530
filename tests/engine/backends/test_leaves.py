"""Leaves: conditions split into comparisons over exact integers, recombined with Kleene's logic."""
from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal

import pytest
from hypothesis import given, settings

from engine.backends.leaves import CoreDecides, combine, core_value, integer, prepare, split, texts
from engine.case import parse_case
from engine.evaluator import core_conditions, evaluate
from engine.expressions import compile_expression
from engine.registry import Registry
from engine.unknown import Unknown
from tests.conftest import RULESETS
from tests.strategies import Universe, cases

REGISTRY = Registry.load(RULESETS)
UNIVERSE = Universe.from_registry(REGISTRY)
NAMES = {"a", "b", "s", "flag", "kids", "d"}
OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def condition(src: str):
    return split(compile_expression(src, NAMES.__contains__))


@pytest.mark.parametrize("value, expected", [
    (Decimal("1505.97"), ("number", 1_505_970)),
    (Decimal("1.10"), ("number", 1_100)),
    (Decimal("-0.001"), ("number", -1)),
    (27, ("number", 27_000)),
    (True, ("bool", 1)),
    (dt.date(2025, 7, 1), ("date", dt.date(2025, 7, 1).toordinal())),
    ("wsnp", ("text", 1)),
    ("anything else", ("text", 0)),
    (Decimal("0.0001"), None),          # finer than a thousandth: no exact integer
    (Decimal("1E+40"), None),           # beyond what a double holds exactly
    (2 ** 60, None),
    (Decimal("NaN"), None),
    (1.5, None),                        # floats never reach the backend
    (("a",), None),
])
def test_integers_are_exact_or_nothing(value, expected):
    assert integer(value, {"wsnp": 1}) == expected


@pytest.mark.parametrize("src, kinds", [
    ("a > 1 and (b <= a or not flag)", ["compare", "compare", "truth"]),
    ('s in ["x", "y"] or s not in ["z"]', ["member", "member"]),
    ("1 < a", ["compare"]),                                   # the literal goes to the right
    ("round_cents(a * 1.10) >= b", ["compare"]),              # an operand computed by the core
    ("any(k < 5 for k in kids)", ["core"]),                   # a quantifier stays with the core
    ("1 < a < 3", ["core"]),                                  # so does a chained comparison
    ("known(a)", ["core"]),
    ("1 == 1", ["core"]),
])
def test_what_a_leaf_is(src, kinds):
    assert [leaf.kind for leaf in condition(src).leaves] == kinds


def test_a_literal_on_the_left_is_turned_round():
    leaf = condition("1 < a").leaves[0]
    assert (leaf.op, leaf.right.constant) == (">", 1)


def test_unknown_operands_are_decided_here_and_never_sent():
    c = condition("a > b")
    assert prepare(c.leaves[0], {"a": Decimal("3")}, {}) == Unknown(frozenset({"b"}))
    assert prepare(c.leaves[0], {"a": Decimal("3"), "b": 2}, {}) == {"a0": 3000, "b0": 2000}


@pytest.mark.parametrize("src, env", [
    ("a > b", {"a": "150", "b": 110}),          # durable-rules would match "150" > 110
    ("a == b", {"a": True, "b": 1}),            # and 1 == True
    ("s == a", {"s": "x", "a": "y"}),           # two texts that are not literals
    ("s < 'x'", {"s": "a"}),                    # an order on texts
    ("a > 1", {"a": Decimal("0.0001")}),        # no exact integer
    ("flag", {"flag": 3}),                      # not a yes/no value
])
def test_values_the_backend_would_get_wrong_stay_with_the_core(src, env):
    c = condition(src)
    assert prepare(c.leaves[0], env, texts(c.leaves)) is None


def test_a_core_error_hands_the_whole_condition_to_the_core():
    c = condition("flag and a > 1")
    with pytest.raises(CoreDecides):
        combine(c.tree, lambda i: core_value(c.leaves[i], {"flag": 3, "a": 2}))


def test_kleene_and_order_are_the_cores():
    c = condition("a > 1 and b > 1 or flag")
    env = {"b": 5}
    values = {leaf.index: core_value(leaf, env) for leaf in c.leaves}
    assert combine(c.tree, values.__getitem__) == Unknown(frozenset({"a", "flag"}))


def environments(case: dict):
    """The environment the evaluator builds for `case` (read through the oracle it is given)."""
    seen = []

    def spy(bundle, env, options):
        seen.append((bundle, env))
        return core_conditions(bundle, env, options)
    evaluate(parse_case(case), REGISTRY, conditions=spy)
    return seen[0]


@settings(max_examples=150, deadline=None)
@given(cases(UNIVERSE))
def test_every_condition_of_the_rule_sets_recombines_to_the_cores_value(case):
    bundle, env = environments(case)
    for v in bundle.versions:
        items = [i for i in [*v.rules.values(), *v.routes.values()] if i.when is not None]
        conditions = {i.id: split(i.when) for i in items}
        codes = texts(leaf for c in conditions.values() for leaf in c.leaves)
        for item in items:
            c = conditions[item.id]
            for leaf in c.leaves:
                ready = prepare(leaf, env, codes)
                if isinstance(ready, dict):  # what durable-rules gets: the integer test must agree
                    a = ready[f"a{leaf.index}"]
                    if leaf.kind == "compare":
                        b = ready.get(f"b{leaf.index}", None)
                        b = integer(leaf.right.constant, codes)[1] if b is None else b
                        assert OPS[leaf.op](a, b) == leaf.fn(env, None), leaf.source
                    elif leaf.kind == "member":
                        inside = a in {codes[t] for t in leaf.members}
                        assert (inside if leaf.op == "in" else not inside) == leaf.fn(env, None), leaf.source
                    else:
                        assert bool(a) == leaf.fn(env, None), leaf.source
                elif isinstance(ready, Unknown):
                    assert leaf.fn(env, None) == ready, leaf.source
            whole = item.when.fn(env, None)
            assert combine(c.tree, lambda i: core_value(c.leaves[i], env)) == whole, item.id
