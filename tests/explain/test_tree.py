"""The tree is the line stream nested by level, fresh for each call."""
from __future__ import annotations

from decision.decide import decide
from explain import lines
from explain.tree import build, nest


def test_the_tree_nests_the_stream_and_is_fresh_each_time(registry, welding_case):
    d = decide(welding_case, registry)
    tree = build(d)
    assert tree == nest(lines.stream(d)) and [n["kind"] for n in tree[:3]] == ["title", "intro", "advice"]
    routes = next(n for n in tree[3]["children"] if n["kind"] == "section")
    assert [n["kind"] for n in routes["children"]] == ["route", "route"]
    assert [n["kind"] for n in routes["children"][0]["children"]] == ["detail", "detail"]  # argue, evidence
    tree[3]["children"].clear()  # the caller's own
    assert build(d) == nest(lines.stream(d)) != tree
