"""The status algorithm of one option, written once, over a plan compiled once per (bundle, option).

Per option, with A the blocks that hold (and no statutory exception sets aside) and U the blocks
that may hold (their outcome depends on unknown facts):

- some block in A has no route that is available or conditional  -> blocked
- A and U are empty                                                -> allowed
- U is empty and every block in A has an available route           -> route_available
- otherwise (a block may hold, or its only routes are conditional)  -> needs_information

The plan holds what the bundle says about the option whatever the case (its blocks and grounds, the
grounds that set each block aside, the routes that can lift each block); `outcome` only asks the
truth of conditions and applies the rules above. The parts of these rules are also stated as small
tables at the end of this module; the columnar path (whatif/columnar.py: `_option_outputs`) compiles
those tables to Polars, a property test holds `outcome` to the same tables, and the two paths are
differential-tested case by case (decision record 0029).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .loader import CompiledRoute, CompiledRule
from .unknown import Unknown

Truth = bool | Unknown
Holds = Callable[[CompiledRule | CompiledRoute], Truth]  # the truth of one rule's or route's condition (+ `memo`)


@dataclass(frozen=True)
class OptionPlan:
    """What the bundle says about one option, whatever the case."""
    option: str
    rules: tuple[CompiledRule, ...]  # its blocks and grounds, in the bundle's order
    exceptions: dict[str, tuple[CompiledRule, ...]]  # block id -> the grounds of this option that set it aside
    routes: dict[str, tuple[CompiledRoute, ...]]  # block id -> the routes that can lift it for this option
    # the same, flat for `outcome` (ids and kinds read once here, not per case):
    steps: tuple[tuple[str, CompiledRule, bool], ...] = ()  # (id, rule, is a ground) per rule
    exception_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)  # block id -> ids of its exceptions
    route_steps: dict[str, tuple[tuple[str, CompiledRoute], ...]] = field(default_factory=dict)  # (id, route)
    # language -> what engine.evaluator builds the option's items from (its `_Kit`), built on first use
    kits: dict = field(default_factory=dict, compare=False, repr=False)


def compile_plan(option: str, rules: tuple, exceptions: dict, routes: dict) -> OptionPlan:
    """An option's plan from its rules, exceptions and routes, with the flat steps `outcome` walks."""
    return OptionPlan(option, rules, exceptions, routes,
                      steps=tuple((r.id, r, r.rule.kind == "ground") for r in rules),
                      exception_ids={b: tuple(g.id for g in gs) for b, gs in exceptions.items()},
                      route_steps={b: tuple((r.id, r) for r in rs) for b, rs in routes.items()})


def plan(bundle, option: str) -> OptionPlan:
    """The plan of `option` in `bundle` (an engine.registry.Bundle), compiled on first use and kept."""
    hit = bundle.plans.get(option)
    if hit is None:
        rules = bundle.by_option.get(option, ())
        blocks = [r.id for r in rules if r.rule.kind != "ground"]
        hit = bundle.plans[option] = compile_plan(
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


_ASK = object()  # not asked yet


def _exception(ids: tuple[str, ...], truth: dict) -> Truth:
    """Whether a statutory exception sets a block aside: True if one holds, else the union of the unknown
    ones, else False (every exception is a ground of the option, so `outcome` has asked it already)."""
    unknown = None
    for gid in ids:
        v = truth[gid]
        if v is True:
            return True
        if v is not False:
            unknown = v.facts if unknown is None else unknown | v.facts
    return False if unknown is None else Unknown(unknown)


def outcome(p: OptionPlan, holds: Holds) -> Outcome:
    """The status of the option of `p`; `holds` answers a condition once per case and keeps the answer in
    `holds.memo` (by id), which is read here directly."""
    truth = holds.memo
    ask = truth.get
    blocks_true, blocks_unknown, grounds = [], [], []
    for rid, rule, is_ground in p.steps:
        held = ask(rid, _ASK)
        if held is _ASK:
            held = holds(rule)
        if is_ground:
            if held is not False:
                grounds.append((rule, held))
        elif held is True:
            blocks_true.append((rid, rule))
        elif held is not False:
            blocks_unknown.append((rid, rule, held))

    # statutory exceptions (grounds with `overrides`) set blocks aside, or may do so
    exceptions = p.exception_ids
    active, possible, possible_ids = [], [], []
    lifted = []  # (block id, holds for certain) of each block that holds or may hold: what routes may lift
    for rid, b in blocks_true:
        ids = exceptions[rid]
        ex = _exception(ids, truth) if ids else False
        if ex is False:
            active.append(b)
            lifted.append((rid, True))
        elif ex is not True:
            possible.append((b, ex))
            possible_ids.append(rid)
    for rid, b, held in blocks_unknown:
        ids = exceptions[rid]
        if not ids or _exception(ids, truth) is not True:
            possible.append((b, held))
            possible_ids.append(rid)
    missing: set[str] = set()  # facts that decide whether a block holds
    for _, u in possible:
        missing |= u.facts
    lifted += [(rid, False) for rid in possible_ids]

    # routes for every block that holds or may hold
    routes: dict[str, list] = {}
    blocked = active_unlifted = possible_unlifted = False
    conditional_blocks = set()
    for bid, certain in lifted:
        best = "none"
        for route_id, route in p.route_steps[bid]:
            held = ask(route_id, _ASK)
            if held is _ASK:
                held = holds(route)
            status = "available" if held is True else "unavailable" if held is False else "conditional"
            entry = routes.get(route_id)
            if entry is None:
                entry = routes[route_id] = [route, status, [], _facts_of(held)]
            entry[2].append(bid)
            if status == "available" or (status == "conditional" and best == "none"):
                best = status
        if best == "conditional":
            conditional_blocks.add(bid)
        if certain:
            blocked = blocked or best == "none"
            active_unlifted = active_unlifted or best != "available"
        else:
            possible_unlifted = possible_unlifted or best != "available"

    status = status_rule(blocked, bool(active), active_unlifted, bool(possible), possible_unlifted)
    route_missing: set[str] = set()  # facts that decide whether a route is open
    if status == "needs_information":
        for _, rstatus, lifts, facts in routes.values():
            if rstatus == "conditional" and any(b in conditional_blocks for b in lifts):
                route_missing.update(facts)

    kept = []
    for g, held in grounds:
        if held is True:
            kept.append((g, held, []))
            continue
        if not any(t in possible_ids for t in g.rule.overrides):
            continue  # a ground that may apply matters only where it could set a block aside
        gmissing = sorted(held.facts)
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
