"""The status algorithm of one option, written once, over a plan compiled once per (bundle, option).

Per option, with A the blocks that hold (and no statutory exception sets aside) and U the blocks
that may hold (their outcome depends on unknown facts):

- some block in A has no route that is available or conditional  -> blocked
- A and U are empty                                                -> allowed
- U is empty and every block in A has an available route           -> route_available
- otherwise (a block may hold, or its only routes are conditional)  -> needs_information

The plan holds what the bundle says about the option whatever the case (its blocks and grounds, the
grounds that set each block aside, the routes that can lift each block); `outcome` only asks the
truth of conditions and applies the rules above. The columnar path (whatif/columnar.py:
`_option_outputs`) states the same rules over columns and is differential-tested against this one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .loader import CompiledRoute, CompiledRule
from .unknown import Unknown

Truth = bool | Unknown
Holds = Callable[[CompiledRule | CompiledRoute], Truth]  # the truth of one rule's or route's condition


@dataclass(frozen=True)
class OptionPlan:
    """What the bundle says about one option, whatever the case."""
    option: str
    rules: tuple[CompiledRule, ...]  # its blocks and grounds, in the bundle's order
    exceptions: dict[str, tuple[CompiledRule, ...]]  # block id -> the grounds of this option that set it aside
    routes: dict[str, tuple[CompiledRoute, ...]]  # block id -> the routes that can lift it for this option


def plan(bundle, option: str) -> OptionPlan:
    """The plan of `option` in `bundle` (an engine.registry.Bundle), compiled on first use and kept."""
    hit = bundle.plans.get(option)
    if hit is None:
        rules = bundle.by_option.get(option, ())
        blocks = [r.id for r in rules if r.rule.kind != "ground"]
        hit = bundle.plans[option] = OptionPlan(
            option, rules,
            {b: tuple(g for g in bundle.overridden_by.get(b, ()) if option in g.rule.applies_to) for b in blocks},
            {b: tuple(r for r in bundle.routes_for_block.get(b, ())
                      if not r.route.applies_to or option in r.route.applies_to) for b in blocks})
    return hit


def status_rule(blocked: bool, active: bool, active_unlifted: bool, possible: bool, possible_unlifted: bool) -> str:
    """The status of an option from five facts about its blocks (the rules of the module docstring):
    `blocked` some block that holds has no route available or conditional; `active` some block holds;
    `active_unlifted` some block that holds has no available route; `possible` some block may hold;
    `possible_unlifted` some block that may hold has no available route. The columnar path uses this
    function as a table (`STATUS_TABLE`)."""
    if blocked:
        return "blocked"
    if not active and not possible:
        return "allowed"
    # Determinate only when every value the missing facts can take gives the same status: with a block that
    # holds and every block (holding or possible) lifted by an available route, it is route_available either way.
    if not active_unlifted and (not possible or (active and not possible_unlifted)):
        return "route_available"
    return "needs_information"


# `status_rule` for every combination of its arguments, indexed by their bits (blocked = 1, active = 2, ...)
STATUS_TABLE = tuple(status_rule(*(bool(i >> bit & 1) for bit in range(5))) for i in range(32))


@dataclass
class Outcome:
    """The status of one option in one case, and the items it rests on (each with its truth)."""
    status: str
    active: list[CompiledRule]  # blocks that hold and that no exception sets aside
    possible: list[tuple[CompiledRule, Unknown]]  # blocks that may hold, with the facts that decide it
    routes: list[tuple[CompiledRoute, str, list[str], list[str]]]  # route, status, blocks it lifts, its unknown facts
    grounds: list[tuple[CompiledRule, Truth, list[str]]]  # grounds that apply or may matter, with their unknown facts
    missing: list[str]  # the facts that decide the status, those of blocks first (none when blocked)


def _facts_of(value) -> list[str]:
    return sorted(value.facts) if isinstance(value, Unknown) else []


def outcome(p: OptionPlan, holds: Holds) -> Outcome:
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

    # statutory exceptions (grounds with `overrides`) set blocks aside, or may do so
    def exception(block: CompiledRule) -> bool | Unknown:
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
    missing: set[str] = set()  # facts that decide whether a block holds
    for _, u in possible:
        missing |= u.facts

    # routes for every block that holds or may hold
    routes: dict[str, list] = {}
    lift_state: dict[str, str] = {}
    for b in active + [b for b, _ in possible]:
        best = "none"
        for route in p.routes[b.id]:
            held = holds(route)
            status = "available" if held is True else "unavailable" if held is False else "conditional"
            entry = routes.setdefault(route.id, [route, status, [], _facts_of(held)])
            entry[2].append(b.id)
            if status == "available" or (status == "conditional" and best == "none"):
                best = status
        lift_state[b.id] = best

    route_missing: set[str] = set()  # facts that decide whether a route is open
    status = status_rule(blocked=any(lift_state[b.id] == "none" for b in active), active=bool(active),
                         active_unlifted=any(lift_state[b.id] != "available" for b in active),
                         possible=bool(possible),
                         possible_unlifted=any(lift_state[b.id] != "available" for b, _ in possible))
    if status == "needs_information":
        for _, rstatus, lifts, facts in routes.values():
            if rstatus == "conditional" and any(lift_state[b] == "conditional" for b in lifts):
                route_missing |= set(facts)

    kept = []
    possible_ids = {b.id for b, _ in possible}
    for g, held in grounds:
        gmissing = _facts_of(held)
        if held is not True:
            if not any(t in possible_ids for t in g.rule.overrides):
                continue  # a ground that may apply matters only where it could set a block aside
            missing.update(gmissing)
        kept.append((g, held, gmissing))

    # a block that holds for certain with no route at all decides the option: no fact can change it, so none is asked
    ordered = [] if status == "blocked" else sorted(missing) + sorted(route_missing - missing)
    return Outcome(status, active, possible, [tuple(r) for r in routes.values()], kept, ordered)


# ---------------------------------------------------------------------------------------------
# The parts of `outcome` as tables over three-valued truth, for the columnar path (whatif/columnar.py
# compiles each to Polars from these definitions); tests/engine/test_status.py checks `outcome` against
# them. Truth here is its kind only: a condition holds, may hold (its facts unknown), or does not hold.

TRUE, UNKNOWN, FALSE = "true", "unknown", "false"
TRUTHS = (TRUE, UNKNOWN, FALSE)


def truth_of(value: Truth) -> str:
    return TRUE if value is True else FALSE if value is False else UNKNOWN


def block_standing(held: str, exception: str) -> str | None:
    """A block's standing from the truth of its condition and of the statutory exceptions that set it aside
    (Kleene `or` over them): "active", possible because an exception may set it aside ("possible_exception",
    decided by the exceptions' facts), possible because it may hold ("possible_condition", decided by its own
    facts), or None (it does not count)."""
    if held == TRUE:
        return {FALSE: "active", UNKNOWN: "possible_exception", TRUE: None}[exception]
    if held == UNKNOWN and exception != TRUE:
        return "possible_condition"
    return None


BLOCK_STANDING = {(h, e): block_standing(h, e) for h in TRUTHS for e in TRUTHS}
# the facts that decide a possible block: those of the exceptions that may set it aside, or its own
POSSIBLE = {"possible_exception": "exceptions", "possible_condition": "condition"}

ROUTE_STATUS = {TRUE: "available", UNKNOWN: "conditional", FALSE: "unavailable"}
# a block's lift is the first of these that one of its routes has, else "none"
LIFTS = ("available", "conditional")


def lift_of(route_statuses) -> str:
    """How well the routes of one block (their statuses) lift it: "available", "conditional" or "none"."""
    return next((s for s in LIFTS if s in route_statuses), "none")


# `status_rule`'s five facts, each "some block of this standing whose lift is one of these"
STATUS_FACTS = ((("active",), ("none",)), (("active",), (*LIFTS, "none")), (("active",), ("conditional", "none")),
                (tuple(POSSIBLE), (*LIFTS, "none")), (tuple(POSSIBLE), ("conditional", "none")))


def status_of(blocks) -> str:
    """The status from the (standing, lift) of the blocks that count."""
    return status_rule(*(any(s in standings and lift in lifts for s, lift in blocks) for standings, lifts in STATUS_FACTS))


def ground_standing(held: str, sets_aside_possible: bool) -> str | None:
    """Whether a ground is kept: it "applies", or it may apply ("conditional") where it could set a possible
    block aside; otherwise None. The facts of a conditional ground are missing facts."""
    if held == TRUE:
        return "applies"
    return "conditional" if held == UNKNOWN and sets_aside_possible else None


GROUND_STANDING = {(h, s): ground_standing(h, s) for h in TRUTHS for s in (True, False)}
GROUND_MISSING = ("conditional",)  # the kept grounds whose facts are missing facts

# a route's facts decide the status when it is conditional and lifts a block whose lift is conditional
ROUTE_DECIDES = ("conditional", "conditional")
# the statuses for which facts are asked: none where a block without any route decides the option; those that
# only decide a route only where the status needs information
FACTS_ASKED = ("allowed", "route_available", "needs_information")
ROUTE_FACTS_ASKED = ("needs_information",)
