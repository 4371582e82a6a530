"""The core evaluator: one case against a bundle of rule-set versions, every rule evaluated.

The status of each option follows engine.status (the algorithm, once); this module turns it into the
public items. The case outcome follows ../shared/cases/README.md. The result is the public decision format as
plain data; the same input gives the same output, byte for byte.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Sequence

from . import horizon
from .amounts import compute as compute_amounts
from .case import Case
from .errors import Problem, RulesetError
from .expressions import ExpressionError, evaluation_error, run_for
from .facts import Vocabulary, case_facts
from .loader import CompiledRoute, CompiledRule
from .registry import Bundle, Registry
from .sources import dated as dated_source, public
from .status import Truth, outcome, plan
from .unknown import Unknown

_NEGATE = {">": "<=", ">=": "<", "<": ">=", "<=": ">"}


# The truth of the condition (`when`) of one rule or route in the case at hand.
Oracle = Callable[[Any], Truth]
# Given the bundle, the case's environment and its options: the oracle for that case. The core
# evaluates each condition's compiled closure; another backend (engine.backends.durable) may
# decide conditions its own way. Everything else (status, routes, reasons) is shared.
Conditions = Callable[[Bundle, dict, Sequence[str]], Oracle]


def core_conditions(bundle: Bundle, env: dict, options: Sequence[str]) -> Oracle:
    return lambda item: run_for(item, item.when, env)


class _Holds:
    """Whether a rule's or route's condition holds: True, False or Unknown (asked once per case; the answers
    are kept in `memo` by id, which engine.status reads directly)."""

    __slots__ = ("oracle", "env", "memo")

    def __init__(self, oracle: Oracle | None, env: dict):
        self.oracle = oracle  # None: the core's own closures, called here without a wrapper
        self.env = env
        self.memo: dict[str, Truth] = {}

    def __call__(self, item) -> Truth:
        key = item.id
        if key in self.memo:
            return self.memo[key]
        when = item.when
        if when is None:
            result = True
        elif self.oracle is None:
            try:
                result = when.fn(self.env, None)
            except ExpressionError as exc:
                raise evaluation_error(item, exc) from None
        else:
            result = self.oracle(item)
        if not (result is True or result is False or type(result) is Unknown):
            o = item.origin
            raise RulesetError([Problem(f"de voorwaarde levert geen ja/nee op maar {result!r}",
                                        "the condition does not give true/false", file=o.file, line=o.line, rule=key)])
        self.memo[key] = result
        return result


def _prototype(item, lang: str, build: Callable) -> dict:
    """The parts of a rule's or route's item that the case does not change, built once per (item, language)
    and copied per decision (its lists and sources are shared: decisions are read-only)."""
    key = (id(item), lang)
    hit = _PROTOTYPES.get(key)
    if hit is None or hit[0] is not item:
        if len(_PROTOTYPES) >= 100_000:
            _PROTOTYPES.clear()
        hit = _PROTOTYPES[key] = (item, build(item, lang))
    return hit[1]


_PROTOTYPES: dict[tuple[int, str], tuple[object, dict]] = {}


def _text(templates: dict, env: dict, lang: str) -> str | None:
    t = templates.get(lang) or templates.get("nl")
    return t.render(env, lang, env.get(_WORDS)) if t else None


_WORDS = "\x00words"  # where the evaluator keeps the value labels of the case's language in `env`


def _title(obj, lang: str) -> str:
    return (obj.title_en if lang == "en" and obj.title_en else obj.title)


def _thresholds(rule: CompiledRule, env: dict, vocab: Vocabulary, lang: str) -> list[dict]:
    """For a block that holds: each numeric limit it crossed, and what the fact would have to be."""
    out = []
    for t in rule.when.thresholds if rule.when else ():
        spec = vocab.facts.get(t.fact)
        # only what a household could change: its own money and counts, never an age or a rule set's figure
        if spec is None or spec.type not in ("money", "integer") or t.fact.endswith(".age"):
            continue
        value, limit = env.get(t.fact), t.limit(env, None)
        if not isinstance(value, (int, Decimal)) or not isinstance(limit, (int, Decimal)) or isinstance(value, bool):
            continue
        money = spec.type == "money" or isinstance(limit, Decimal)
        out.append({"fact": t.fact, "label": spec.text(lang)[0] if spec else t.fact,
                    "value": str(value), "operator": _NEGATE[t.op],
                    "limit": str(limit.quantize(Decimal("0.01"), ROUND_HALF_UP)) if money else str(limit),
                    "money": money})
    return out


def _rule_prototype(rule: CompiledRule, lang: str) -> dict:
    r = rule.rule
    item = {"rule": r.id, "ruleset": rule.ruleset, "version": rule.version, "title": _title(r, lang),
            "source": public(r.source), "reason": None, "confidence": r.confidence}
    if r.discretionary:
        item["discretionary"] = True
    if not r.verified:
        item["verified"] = False
    return item


def _rule_item(rule: CompiledRule, env: dict, lang: str, day) -> dict:
    item = dict(_prototype(rule, lang, _rule_prototype))
    item["reason"] = _text(rule.reason, env, lang)
    if day is not None:
        item["source"] = dated_source(item["source"], day)
    return item


def _route_prototype(route: CompiledRoute, lang: str) -> dict:
    r = route.route
    en = lang == "en"
    return {
        "route": r.id, "ruleset": route.ruleset, "version": route.version, "title": _title(r, lang),
        "source": public(r.source), "lifts": None, "status": None, "decided_by": r.decided_by,
        "discretionary": r.discretionary, "lead_time_days": r.lead_time.days,
        "lead_time_basis": r.lead_time.basis_en if en and r.lead_time.basis_en else r.lead_time.basis,
        "lead_time_verified": r.lead_time.verified, "in_time": None,
        "argue": r.argue_en if en and r.argue_en else r.argue,
        "evidence": list(r.evidence_en if en and r.evidence_en else r.evidence),
        "confidence": r.confidence, "missing_facts": None,
    }


def _route_item(route: CompiledRoute, status: str, lifts: list[str], missing: list[str], env: dict,
                lang: str, day, open_terms: list[str] = ()) -> dict:
    r = route.route
    within = env.get("need.needed_within_days")
    days = r.lead_time.days
    item = dict(_prototype(route, lang, _route_prototype))
    if day is not None:
        item["source"] = dated_source(item["source"], day)
    item["lifts"] = lifts
    item["status"] = status
    # a lead time from practice is no fact: only a verified one says whether help comes in time
    item["in_time"] = None if days is None or not r.lead_time.verified or not isinstance(within, int) else days <= within
    item["missing_facts"] = missing
    reason = _text(route.reason, env, lang) if status == "available" else None
    if reason:
        item["reason"] = reason
    if open_terms:  # the rule set's unknown figures the route depends on: not questions for the household
        item["open_terms"] = list(open_terms)
    if not r.verified:
        item["verified"] = False
    return item


def _ground_item(rule: CompiledRule, status: str, missing: list[str], env: dict, lang: str, day) -> dict:
    item = _rule_item(rule, env, lang, day)
    conditions = rule.conditions.get(lang) or rule.conditions.get("nl") or ()
    item["conditions"] = [c.render(env, lang, env.get(_WORDS)) for c in conditions]
    amounts = {}
    for name, (amount, expression) in rule.amounts.items():
        value = run_for(rule, expression, env)
        amounts[name] = {"title": amount.title_en if lang == "en" and amount.title_en else amount.title,
                         "unit": amount.unit,
                         "value": None if isinstance(value, Unknown) else str(
                             value.quantize(Decimal("0.01"), ROUND_HALF_UP) if isinstance(value, Decimal) else value)}
    if amounts:
        item["amounts"] = amounts
    if rule.rule.overrides:
        item["overrides"] = list(rule.rule.overrides)
    item["status"] = status
    item["missing_facts"] = missing
    return item


def _possible_item(rule: CompiledRule, held: Unknown, env: dict, vocab: Vocabulary, lang: str, day) -> dict:
    names = sorted(held.facts)
    item = _rule_item(rule, env, lang, day)
    item["missing_facts"] = [f for f in names if f in vocab.facts]
    item["open_terms"] = [f for f in names if f not in vocab.facts]
    return item


def _option(option: str, bundle: Bundle, env: dict, holds: _Holds, vocab: Vocabulary, lang: str, day) -> dict:
    """The public form of one option: its status (engine.status) and the items it rests on."""
    result = outcome(plan(bundle, option), holds)
    blocked_by = []
    for b in result.active:
        item = _rule_item(b, env, lang, day)
        limits = _thresholds(b, env, vocab, lang)
        if limits:
            item["thresholds"] = limits
        blocked_by.append(item)
    return {
        "option": option,
        "title": vocab.option_title(option, lang),
        "status": result.status,
        "blocked_by": blocked_by,
        "possible_blocks": [_possible_item(b, u, env, vocab, lang, day) for b, u in result.possible],
        "routes": [_route_item(route, st, lifts, [f for f in facts if f in vocab.facts], env, lang, day,
                               [f for f in facts if f not in vocab.facts]) for route, st, lifts, facts in result.routes],
        "grounds": [_ground_item(g, "applies" if held is True else "conditional", gmissing, env, lang, day)
                    for g, held, gmissing in result.grounds],
        # what the household can tell, apart from the rule set's own figures that are not known (open terms)
        "missing_facts": [f for f in result.missing if f in vocab.facts],
        "open_terms": [f for f in result.missing if f not in vocab.facts],
    }


def _outcome(statuses: list[str]) -> str:
    for wanted in ("allowed", "route_available", "needs_information"):
        if wanted in statuses:
            return wanted
    return "blocked"


def _kassabon(env: dict) -> dict | None:
    cost, per_year, once = env.get("need.amount"), env.get("avoided_costs.per_year"), env.get("avoided_costs.once")
    if not isinstance(cost, Decimal) or not isinstance(per_year, Decimal) or cost <= 0:
        return None
    cent = Decimal("0.01")
    out = {"cost_once": str(cost), "avoided_per_year": str(per_year), "avoided_once": str(once or Decimal("0.00")),
           "ratio_per_year": str((per_year / cost).quantize(cent, ROUND_HALF_UP))}
    if per_year > 0:
        out["payback_days"] = int((cost * 365 / per_year).to_integral_value(ROUND_HALF_UP))
    return out


def _environment(case: Case, registry: Registry, lang: str, every: bool = False,
                 day: dt.date | None = None) -> tuple[Bundle, dict, list[dict]]:
    """The bundle for `case`, every name the conditions and texts of its options can read, and the presumptions
    relied on; `every`: every derived fact, also those of other options and those only amounts read
    (engine.amounts evaluates those it shows)."""
    vocab = registry.vocabulary
    facts = case_facts(case, vocab)
    bundle = registry.bundle(case.municipality, case.reference_date)
    env = dict(bundle.params)
    env.update(facts)
    env[_WORDS] = vocab.value_labels.get(lang, {})
    presumed, derives = _asked(bundle, tuple(case.options))
    presumptions = []
    for p, ruleset in bundle.presumptions:
        if p.fact in facts:
            continue
        env[p.fact] = p.value
        if p.fact in presumed:
            presumptions.append({"fact": p.fact, "value": p.value, "ruleset": ruleset,
                                 "title": _title(p, lang), "source": dated_source(public(p.source), day)})
    if every:
        for rule in bundle.derive:
            env[rule.rule.fact] = run_for(rule, rule.value, env)
    else:  # only those the asked options read
        for rule in derives:
            env[rule.rule.fact] = run_for(rule, rule.value, env)
    return bundle, env, presumptions


def _asked(bundle: Bundle, options: tuple[str, ...]) -> tuple[frozenset[str], tuple[CompiledRule, ...]]:
    """For the asked `options`: the presumed facts their conditions read (transitively), and the derives a
    decision on them needs, in the bundle's order (dependencies first). Kept per bundle and tuple of options;
    cases combine options in many ways (1,967 tuples in 3,000 generated cases), so a new combination merges what
    is kept per option (`Bundle.asked_places`) instead of uniting the names every option reads and filtering
    every derive."""
    hit = bundle.asked.get(options)
    if hit is None:
        places = bundle.asked_places
        presumed: set[str] = set()
        merged: set[int] = set()
        for o in options:
            mine = places.get(o)
            if mine is None:
                wanted = bundle.derived_for.get(o, bundle.derived_for[""])
                reads = bundle.reads.get(o, frozenset())
                mine = places[o] = (tuple(i for i, r in enumerate(bundle.core_derive) if r.rule.fact in wanted),
                                    frozenset(p.fact for p, _ in bundle.presumptions if p.fact in reads))
            merged.update(mine[0])
            presumed |= mine[1]
        core = bundle.core_derive
        if len(bundle.asked) >= 10_000:
            bundle.asked.clear()
        hit = bundle.asked[options] = (frozenset(presumed), tuple([core[i] for i in sorted(merged)]))
    return hit


def environment(case: Case, registry: Registry) -> dict:
    """Facts, parameters, presumed and derived values for `case` (an absent name is unknown)."""
    _, env, _ = _environment(case, registry, "nl", every=True)
    env.pop(_WORDS, None)
    return env


def evaluate(case: Case, registry: Registry, lang: str = "nl", conditions: Conditions = core_conditions,
             dated: bool = False) -> dict:
    """The public decision for `case` (without the explanation text); `conditions` decides the
    truth of each rule's and route's condition (the core's closures unless said otherwise); `dated`: every
    law link points at the text valid on the reference date (engine.sources.dated; as decision.decide shows it)."""
    vocab = registry.vocabulary
    day = case.reference_date if dated else None
    bundle, env, presumptions = _environment(case, registry, lang, day=day)
    # the core's conditions are its closures: called directly, not through an oracle per condition
    holds = _Holds(None if conditions is core_conditions else conditions(bundle, env, case.options), env)
    options = [_option(o, bundle, env, holds, vocab, lang, day) for o in case.options]
    warnings = horizon.warnings(bundle.versions, case.reference_date, lang)
    parts = horizon.stale(bundle, case.reference_date) if warnings else None
    if parts is not None:
        _mark_provisional(options, parts)
    amounts = compute_amounts(bundle.amounts, env, case.options, vocab, bundle.parameters,
                              parts.figures if parts is not None else frozenset(),
                              lang, day) if bundle.amounts else []
    for o in options:
        o["amounts"] = [a["amount"] for a in amounts if o["option"] in a["options"]]
    missing = list(dict.fromkeys(f for o in options for f in o["missing_facts"]))
    questions = []
    for f in missing:
        spec = vocab.facts.get(f)
        if spec is not None:
            questions.append({"fact": f, "question": spec.text(lang)[1]})
    open_terms = []
    route_terms = (t for o in options for r in o["routes"] for t in r.get("open_terms", ()))
    for name in dict.fromkeys([*(t for o in options for t in o["open_terms"]), *route_terms]):
        known = bundle.parameters.get(name)
        open_terms.append({"parameter": name, "ruleset": known[1] if known else name.split(".", 1)[0],
                           "title": _title(known[0], lang) if known else name})
    return {
        "case_id": case.case_id,
        "reference_date": case.reference_date.isoformat(),
        "municipality": case.municipality,
        "outcome": _outcome([o["status"] for o in options]),
        "warnings": warnings,
        "options": options,
        "missing_facts": missing,
        "questions": questions,
        "open_terms": open_terms,
        "presumptions": presumptions,
        "rulesets": [{"id": v.id, "version": v.version, "digest": v.digest} for v in bundle.versions],
        "kassabon": _kassabon(env),
        "need": _need_summary(env, lang),
        "amounts": amounts,
    }


def _mark_provisional(options: list[dict], parts: horizon.Stale) -> None:
    """`provisional: true` on each option whose status rests on a condition that reads a figure past
    its horizon, and on each ground whose amounts do."""
    for o in options:
        if o["option"] in parts.options:
            o["provisional"] = True
        for g in o["grounds"]:
            if g["rule"] in parts.grounds:
                g["provisional"] = True


def _need_summary(env: dict, lang: str) -> dict | None:
    kind = env.get("need.kind")
    if kind is None:
        return None
    out = {"kind": kind}
    for key in ("amount", "needed_within_days", "at_risk", "obligation", "duration_months"):
        value = env.get(f"need.{key}")
        if value is not None:
            out[key] = str(value) if isinstance(value, Decimal) else value
    return out

