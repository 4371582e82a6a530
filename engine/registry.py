"""The loaded rule sets, and the bundle of versions that applies to one municipality on one date.

A bundle is every national rule set plus the municipality's local one, each in the version in
force on the reference date, in layering order (a rule set after those it layers on). Bundles are
compiled once and cached: the case-independent work (which rules apply to which option, which
routes lift which blocks) is done here, not per case.
"""
from __future__ import annotations

import datetime as dt
import difflib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .amounts import AmountPlan, plans
from .dependencies import dependencies_first
from .errors import CaseError, NoRulesetInForce, Problem
from .loader import CompiledRoute, CompiledRule, LoadedRulesets, Ruleset, RulesetVersion, load_rulesets
from .model import Parameter, Presumption
from .relevance import condition_names, option_items, shown_names, through_derived
from .versions import ONE_DAY, in_force


@dataclass
class Bundle:
    versions: tuple[RulesetVersion, ...]
    params: dict[str, Any]
    presumed_params: dict[str, Any]  # `params` with the value of every presumption (what a case's facts overlay)
    presumptions: tuple[tuple[Presumption, str], ...]
    derive: tuple[CompiledRule, ...]
    rules: dict[str, CompiledRule]
    by_option: dict[str, tuple[CompiledRule, ...]]  # block and ground rules per option
    routes_for_block: dict[str, tuple[CompiledRoute, ...]]
    lifted_by_route: dict[str, frozenset[str]]
    overridden_by: dict[str, tuple[CompiledRule, ...]]  # block id -> grounds that set it aside
    reads: dict[str, frozenset[str]] = field(default_factory=dict)  # option -> names its rules read
    # every parameter "<ruleset>.<name>" in force, with the rule set that states it (open terms included)
    parameters: dict[str, tuple[Parameter, str]] = field(default_factory=dict)
    amounts: tuple[AmountPlan, ...] = ()  # the amounts its derive rules declare (engine.amounts)
    # the derives a decision needs whatever it asks (conditions, texts, ground amounts); the others only
    # serve amounts and are evaluated when an amount that reads them is shown (engine.amounts)
    core_derive: tuple[CompiledRule, ...] = ()
    # option -> the derived facts a decision on it reads (of core_derive; "" for an option without rules)
    derived_for: dict[str, frozenset[str]] = field(default_factory=dict)
    # option -> its engine.status.OptionPlan, compiled on first use (what the bundle says whatever the case)
    plans: dict = field(default_factory=dict)
    # which versions are past their horizon -> engine.horizon.Stale (what their figures touch), on first use
    stale: dict = field(default_factory=dict)
    # asked options (a tuple) -> the derives they need (engine.evaluator._asked); option -> the places in
    # core_derive of the derives it needs
    asked: dict = field(default_factory=dict)
    asked_places: dict = field(default_factory=dict)
    # the conditions that may read a presumed fact, per option, and the derived facts that may: engine.presumed
    presumed_readers: dict = field(default_factory=dict)
    # each version as a decision lists it, (id, version, digest), and the last day on which the figures of every
    # version are known (None: no version has a horizon); both what a case would otherwise work out per version
    listed: tuple[tuple[str, str, str], ...] = ()
    figures_until: dt.date | None = None
    # the derives that check the case itself (`warning: true`): asked in every case, a true one is a warning
    warns: tuple[CompiledRule, ...] = ()


def _layer_order(rulesets: dict[str, Ruleset]) -> list[str]:
    """Rule set ids, each after the rule sets it layers on (those not loaded are left out)."""
    return dependencies_first(sorted(rulesets), lambda rid: [d for d in rulesets[rid].meta.layers_on if d in rulesets],
                              key=str)


def _dependencies_first(derive: list[CompiledRule]) -> list[CompiledRule]:
    """The derives in layering order, except that a derive reading a derived fact of a rule set later in that order
    (the Participatiewet's draagkracht reads the Wsnp term, `wsnp.regeling_loopt`) comes after it. Each version's
    own order is already dependencies first, so where no derive reads forward the order is unchanged. A cycle
    across rule sets (not possible within one: the loader refuses it) keeps the layering order."""
    by_fact: dict[str, list[CompiledRule]] = {}
    for r in derive:
        by_fact.setdefault(r.rule.fact, []).append(r)
    return dependencies_first(derive, lambda r: [d for name in sorted(r.value.names) for d in by_fact.get(name, ())])


def build_bundle(versions: tuple[RulesetVersion, ...]) -> Bundle:
    params: dict[str, Any] = {}
    presumptions, derive, rules = [], [], {}
    routes: list[CompiledRoute] = []
    parameters: dict[str, tuple[Parameter, str]] = {}
    for v in versions:
        params.update(v.param_env)
        parameters.update({f"{v.id}.{k}": (p, v.id) for k, p in v.parameters.items()})
        presumptions.extend((p, v.id) for p in v.presumptions.values())
        derive.extend(v.derive_order)
        rules.update({rid: r for rid, r in v.rules.items() if r.rule.kind != "derive"})
        routes.extend(v.routes.values())
    derive = _dependencies_first(derive)
    by_option: dict[str, list[CompiledRule]] = {}
    for r in rules.values():
        for option in r.rule.applies_to:
            by_option.setdefault(option, []).append(r)
    lifted_by_route, routes_for_block = {}, {}
    for route in routes:
        targets = set()
        for t in route.route.lifts:
            if t.startswith("tag:"):
                targets |= {rid for rid, r in rules.items() if t[4:] in r.rule.tags and r.rule.kind == "block"}
            elif t in rules:
                targets.add(t)
        lifted_by_route[route.id] = frozenset(targets)
        for rid in sorted(targets):
            routes_for_block.setdefault(rid, []).append(route)
    overridden_by: dict[str, list[CompiledRule]] = {}
    for r in rules.values():
        for target in r.rule.overrides:
            overridden_by.setdefault(target, []).append(r)
    derived = {r.rule.fact: r for r in derive}
    derived_facts = frozenset(derived)
    shown = set()  # what decides whether an amount is shown apart from the options asked
    for r in derive:
        if r.amount_when is not None:
            shown |= r.amount_when.names
    warns = tuple(r for r in derive if r.rule.warning)
    shown |= {r.rule.fact for r in warns}  # a check on the case is asked whatever the options
    core = through_derived(shown_names([*rules.values(), *routes]) | shown, derived)
    derived_for = {option: through_derived(shown_names(option_items(option_rules, routes_for_block)) | shown,
                                           derived) & derived_facts
                   for option, option_rules in by_option.items()}
    derived_for[""] = through_derived(shown, derived) & derived_facts  # an option without rules
    reads = {option: through_derived(condition_names(option_items(option_rules, routes_for_block)), derived)
             for option, option_rules in by_option.items()}
    presumed_params = dict(params)
    presumed_params.update((p.fact, p.value) for p, _ in presumptions)
    return Bundle(versions=versions, params=params, presumed_params=presumed_params,
                  presumptions=tuple(presumptions), derive=tuple(derive),
                  rules=rules, by_option={k: tuple(v) for k, v in by_option.items()},
                  routes_for_block={k: tuple(v) for k, v in routes_for_block.items()},
                  lifted_by_route=lifted_by_route, overridden_by={k: tuple(v) for k, v in overridden_by.items()},
                  reads=reads, parameters=parameters, amounts=plans(derive),
                  core_derive=tuple(r for r in derive if r.rule.fact in core), derived_for=derived_for,
                  listed=tuple((v.id, v.version, v.digest) for v in versions),
                  figures_until=min((v.horizon.known_until for v in versions if v.horizon is not None), default=None),
                  warns=warns)


class Registry:
    """Every rule set under one folder, and the bundles drawn from them."""

    def __init__(self, loaded: LoadedRulesets):
        self.loaded = loaded
        self.vocabulary = loaded.vocabulary
        self.rulesets = loaded.rulesets
        self.order = _layer_order(self.rulesets)
        self._bundles: dict[tuple[str, ...], Bundle] = {}
        # municipality -> the days on which a version of one of its rule sets starts or stops being in force;
        # (municipality, place of a day among those) -> its bundle: the same on every day between two of them
        self._changes: dict[str, list[dt.date]] = {}
        self._by_span: dict[tuple[str, int], Bundle] = {}
        self._municipalities = {rs.meta.jurisdiction: rs for rs in self.rulesets.values() if not rs.national}

    @classmethod
    def load(cls, root: Path | str) -> "Registry":
        return cls(load_rulesets(Path(root)))

    @property
    def municipalities(self) -> dict[str, Ruleset]:
        return self._municipalities

    def select(self, municipality: str, day: dt.date) -> tuple[RulesetVersion, ...]:
        """The versions in force on `day`: every national rule set and the municipality's own."""
        local = self.municipalities.get(municipality)
        if local is None:
            known = sorted(self.municipalities)
            hint = difflib.get_close_matches(municipality, known, n=1)
            raise CaseError([Problem(
                f"geen lokale regelset voor gemeente '{municipality}'" + (f"; bedoelde u '{hint[0]}'?" if hint else "")
                + f" (bekend: {', '.join(known)})",
                f"no local rule set for municipality '{municipality}' (known: {', '.join(known)})",
                field="municipality")])
        chosen, problems = [], []
        for rid in self.order:
            rs = self.rulesets[rid]
            if not rs.national and rs is not local:
                continue
            v = in_force(rs.versions, day)
            if v is None:
                first = rs.versions[0].valid_from.isoformat() if rs.versions else "-"
                problems.append(Problem(
                    f"geen versie van regelset '{rid}' geldig op {day.isoformat()} (eerste versie: {first})",
                    f"no version of rule set '{rid}' in force on {day.isoformat()} (first version: {first})",
                    field="reference_date"))
            else:
                chosen.append(v)
        if problems:
            raise NoRulesetInForce(problems)
        return tuple(chosen)

    def bundle(self, municipality: str, day: dt.date) -> Bundle:
        """The bundle in force on `day`. Kept per span of days between two days on which a version of one of
        the municipality's rule sets starts or stops (most cases bring a day no case before had)."""
        changes = self._changes.get(municipality)
        if changes is None:
            if municipality not in self.municipalities:
                self.select(municipality, day)  # raises: no such municipality (not kept: the name is the sender's)
            changes = self._changes[municipality] = self._change_days(municipality)
        span = (municipality, bisect_right(changes, day))
        found = self._by_span.get(span)
        if found is None:
            versions = self.select(municipality, day)  # raises, naming the day, where a rule set has no version
            key = tuple(v.key for v in versions)
            found = self._bundles.get(key)
            if found is None:
                found = self._bundles[key] = build_bundle(versions)
            self._by_span[span] = found
        return found

    def _change_days(self, municipality: str) -> list[dt.date]:
        """The first day of every version of the rule sets `select` reads for `municipality`, and the day after
        each explicit end: between two of them, `versions.in_force` answers alike for every rule set."""
        local = self.municipalities[municipality]
        days = set()
        for rid in self.order:
            rs = self.rulesets[rid]
            if not rs.national and rs is not local:
                continue
            for v in rs.versions:
                days.add(v.valid_from)
                if v.valid_to is not None:
                    days.add(v.valid_to + ONE_DAY)
        return sorted(days)

    def version(self, ruleset_id: str, version: str) -> RulesetVersion | None:
        rs = self.rulesets.get(ruleset_id)
        return next((v for v in rs.versions if v.version == version), None) if rs else None
