"""Which rules and routes matter for an option, and which names they read: worked out once.

A name read by a derived fact is read by whatever reads that fact, so every "what does this read"
question is a closure through the derived facts (`through_derived`). The bundle (engine.registry) uses
these functions for `Bundle.reads` and the derived facts a decision needs, the linter (engine.lint)
for conditions that read no fact of the case, and the columnar evaluator (whatif.columnar) for the
facts an unknown can depend on (`unknowable`). Decision record 0029.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Mapping, Union

if TYPE_CHECKING:  # the loader imports engine.horizon, which uses this module
    from .loader import CompiledRoute, CompiledRule

Item = Union["CompiledRule", "CompiledRoute"]


def through_derived(names: Iterable[str], derived: Mapping[str, CompiledRule]) -> frozenset[str]:
    """`names` and every name they read through the derived facts among them (`derived`: fact -> its rule)."""
    out: set[str] = set()
    todo = list(names)
    while todo:
        n = todo.pop()
        if n in out:
            continue
        out.add(n)
        rule = derived.get(n)
        if rule is not None and rule.value is not None:
            todo.extend(rule.value.names)
    return frozenset(out)


def option_items(rules: Iterable[CompiledRule],
                 routes_for_block: Mapping[str, tuple[CompiledRoute, ...]]) -> list[Item]:
    """An option's rules (`rules`: its blocks and grounds) and every route that can lift one of them."""
    rules = list(rules)
    return [*rules, *(route for r in rules for route in routes_for_block.get(r.id, ()))]


def condition_names(items: Iterable[Item]) -> set[str]:
    """The names the conditions of `items` read directly."""
    used: set[str] = set()
    for item in items:
        if item.when is not None:
            used |= item.when.names
    return used


def shown_names(items: Iterable[Item]) -> set[str]:
    """The names the conditions, texts and ground amounts of `items` read directly (what a decision shows)."""
    used = condition_names(items := list(items))
    for item in items:
        for t in item.reason.values():
            used.update(name for name, _ in t.parts)
        for ts in getattr(item, "conditions", {}).values():
            for t in ts:
                used.update(name for name, _ in t.parts)
        for _, e in getattr(item, "amounts", {}).values():
            used |= e.names
    return used


def unknowable(bundle, options: Iterable[str]) -> list[str]:
    """The names an unknown can depend on when `bundle` (an engine.registry.Bundle) decides `options`:
    the case facts their conditions read that no presumption fills, and the parameters left open, sorted."""
    reads: set[str] = set()
    for o in options:
        reads |= bundle.reads.get(o, frozenset())
    derived = {r.rule.fact for r in bundle.derive}
    presumed = {p.fact for p, _ in bundle.presumptions}
    return sorted(n for n in reads if n not in derived and n not in bundle.params and n not in presumed)
