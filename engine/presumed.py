"""Which presumptions a decision relied on: those whose fact a condition it evaluated actually read.

A presumption fills a fact the case format has no field for (no detention, lawful residence), and the
decision lists every presumption it relied on, so the professional can say when one is wrong
(docs/architecture.md). Which ones an option *may* read is known per bundle (engine.evaluator._asked); whether
the case relied on one is known only in the case: `debts.regime == "wsnp" and circumstances.rc_consent`
reads the presumed `rc_consent` only for a household in (or maybe in) the Wsnp, and telling a household
outside it that "the rechter-commissaris has given no exemption" is noise at best. So the conditions the case
evaluated that may read a presumed fact are traced in its environment (engine.reads: an and/or reads its
operands until one settles it, an if/else its test and the branch taken), through the derived facts.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from .reads import Trace, reads as reads_of
from .relevance import option_items, through_derived


def relied_on(bundle, options: Sequence[str], candidates: Sequence[tuple[Any, str]], env: dict,
              evaluated: dict, shown: Iterable[str] = ()) -> list[tuple[Any, str]]:
    """Of `candidates` ((presumption, rule set), presumed facts the case does not give), those a condition
    in `evaluated` (item id -> its truth in this case) read in `env`, or among the names `shown` amounts read,
    in their order."""
    if not candidates:
        return []
    wanted = {p.fact for p, _ in candidates}
    readers, derives = _readers(bundle)
    read: set[str] = set(shown)
    for o in options:
        for item_id, trace, may_read in readers.get(o, ()):
            if item_id in evaluated and not may_read.isdisjoint(wanted):
                trace(env, read)
    # a derived fact read reads what its own value reads in this case
    todo, seen = [n for n in read if n in derives], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        trace, may_read = derives[name]
        if not may_read.isdisjoint(wanted):
            found: set[str] = set()
            trace(env, found)
            read |= found
            todo.extend(n for n in found if n in derives)
    return [c for c in candidates if c[0].fact in read]


def _readers(bundle) -> tuple[dict[str, tuple[tuple[str, Trace, frozenset[str]], ...]],
                              dict[str, tuple[Trace, frozenset[str]]]]:
    """Per bundle, once: for each option, its rules and routes whose condition may read a presumed fact (id,
    tracer, the presumed facts it may read through derived facts); for each derived fact, the same."""
    hit = bundle.presumed_readers
    if hit:
        return hit["options"], hit["derives"]
    presumed = frozenset(p.fact for p, _ in bundle.presumptions)
    derived = {r.rule.fact: r for r in bundle.derive}

    def may_read(names: Iterable[str]) -> frozenset[str]:
        return through_derived(names, derived) & presumed

    options = {}
    for option, rules in bundle.by_option.items():
        entries = {}  # (a route that lifts two of its blocks is listed once)
        for item in option_items(rules, bundle.routes_for_block):
            if item.id not in entries and item.when is not None and (facts := may_read(item.when.names)):
                entries[item.id] = (item.id, reads_of(item.when).trace, facts)
        options[option] = tuple(entries.values())
    derives = {fact: (r.reads.trace, facts) for fact, r in derived.items()
               if r.reads is not None and (facts := may_read(r.value.names))}
    bundle.presumed_readers.update(options=options, derives=derives)
    return options, derives
