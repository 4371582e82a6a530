"""Decisions are read-only: their sources, evidence lists and item prototypes are shared with other
decisions (docs/decisions/0019-plan-per-option.md), so deciding one case never changes another's."""
from __future__ import annotations

import copy

from decision.decide import decide
from tests.conftest import lasmasker
from tests.strategies import Universe, random_cases


def test_a_decision_is_not_changed_by_the_decisions_after_it(registry):
    first = decide(lasmasker(), registry)
    before = copy.deepcopy(first)
    for day in ("2025-01-06", "2026-02-02", "2026-09-15"):  # other dates: other links to the law
        for lang in ("nl", "en"):
            decide(dict(lasmasker(), reference_date=day), registry, lang)
    for case in random_cases(Universe.from_registry(registry), 300, seed=19):
        decide(case, registry)
    assert first == before


def test_decisions_share_their_static_parts(registry):
    # what makes the contract necessary: the same route's evidence and source in two decisions are one object
    a, b = decide(lasmasker(), registry), decide(lasmasker(), registry)
    route_a = next(r for o in a["options"] for r in o["routes"] if r["evidence"])
    route_b = next(r for o in b["options"] for r in o["routes"] if r["route"] == route_a["route"])
    assert route_a is not route_b
    assert route_a["evidence"] is route_b["evidence"] and route_a["source"] is route_b["source"]


def test_a_dated_link_does_not_change_the_shared_source(registry):
    early, late = decide(lasmasker(), registry), decide(dict(lasmasker(), reference_date="2026-09-15"), registry)
    sources = [(r["source"], s["source"]) for o, p in zip(early["options"], late["options"])
               for r, s in zip(o["routes"], p["routes"]) if r["source"].get("url", "").count("&g=")]
    assert sources
    assert all(x["url"].endswith("&g=2025-09-15") and y["url"].endswith("&g=2026-09-15") for x, y in sources)
