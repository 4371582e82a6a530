"""Dependencies first (engine.dependencies): the laws of the one ordering the loader, the registry and the layering use."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from engine.dependencies import dependencies_first
from engine.errors import RulesetError
from engine.loader import load_rulesets
from tests import demo_rulesets as demo

# a graph: node i needs some of the nodes listed for it (any node, so cycles occur)
graphs = st.integers(1, 12).flatmap(lambda n: st.lists(st.lists(st.integers(0, n - 1), max_size=4),
                                                       min_size=n, max_size=n))


def _order(needs: list[list[int]], cycles: list | None = None) -> list[int]:
    nodes = list(range(len(needs)))
    return dependencies_first(nodes, lambda i: needs[i], cycles.append if cycles is not None else None, key=int)


def _acyclic(needs: list[list[int]]) -> list[list[int]]:
    return [[j for j in row if j < i] for i, row in enumerate(needs)]  # only earlier nodes: no cycle


@given(graphs)
def test_every_item_is_placed_once(needs):
    assert sorted(_order(needs)) == list(range(len(needs)))


@given(graphs)
def test_without_a_cycle_each_item_comes_after_what_it_needs_and_none_is_reported(needs):
    needs, cycles = _acyclic(needs), []
    place = {n: i for i, n in enumerate(_order(needs, cycles))}
    assert cycles == []
    assert all(place[j] < place[i] for i, row in enumerate(needs) for j in row)


@given(graphs)
def test_items_already_in_dependency_order_keep_it(needs):
    assert _order(_acyclic(needs)) == list(range(len(needs)))


@given(graphs)
def test_a_reported_cycle_is_a_walk_that_returns_to_an_item_on_it(needs):
    cycles: list[list[int]] = []
    _order(needs, cycles)
    for path in cycles:
        assert path[-1] in path[:-1]
        assert all(b in needs[a] for a, b in zip(path, path[1:]))  # each step is a need


def test_a_self_need_and_a_two_cycle_are_reported_with_their_walk():
    cycles: list[list[int]] = []
    assert sorted(_order([[0], [2], [1]], cycles)) == [0, 1, 2]
    assert cycles == [[0, 0], [1, 2, 1]]


def test_a_deep_chain_does_not_reach_the_recursion_limit():
    n = 20_000
    assert _order([[i + 1] if i + 1 < n else [] for i in range(n)]) == list(range(n))[::-1]


def test_the_loader_names_a_cycle_between_derived_facts_with_its_file_and_line(tmp_path):
    cyclic = demo.V2024.replace("routes:", """\
  - id: demo.a
    kind: derive
    fact: demo.a
    title: Eerste afgeleide
    value: demo.b + 1
    source: {law: Demowet, article: "4"}
  - id: demo.b
    kind: derive
    fact: demo.b
    title: Tweede afgeleide
    value: demo.a + 1
    source: {law: Demowet, article: "4"}
routes:""")
    with pytest.raises(RulesetError) as exc:
        load_rulesets(demo.write(tmp_path, {"demo/2024-01-01/rules.yaml": cyclic}))
    [problem] = [p for p in exc.value.problems if "kringverwijzing" in p.message]
    assert "demo.a → demo.b → demo.a" in problem.message
    assert problem.file.endswith("rules.yaml") and problem.line is not None
