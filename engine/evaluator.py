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
from .presumed import relied_on
from .registry import Bundle, Registry
from .sources import dated as dated_source, public
from .status import OptionPlan, Truth, outcome, plan
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
        money = spec.type == "money"  # a count compared with a figure in years or months stays a count
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


def _route_prototype(route: CompiledRoute, lang: str) -> dict:
    r = route.route
    en = lang == "en"
    return {
        "route": r.id, "ruleset": route.ruleset, "version": route.version, "title": _title(r, lang),
        "source": public(r.source), "lifts": None, "status": None, "decided_by": r.decided_by,
        "discretionary": r.discretionary, "lead_time_days": r.lead_time.days,
        "lead_time_basis": r.lead_time.basis_en if en and r.lead_time.basis_en else r.lead_time.basis,
        "lead_time_verified": r.lead_time.verified, **({"lead_time_maximum": True} if r.lead_time.maximum else {}),
        "in_time": None,
        "argue": r.argue_en if en and r.argue_en else r.argue,
        "evidence": list(r.evidence_en if en and r.evidence_en else r.evidence),
        "confidence": r.confidence, "missing_facts": None,
    }


def _template(templates: dict, lang: str):
    return templates.get(lang) or templates.get("nl")


class _Kit:
    """What the items of one option are built from in one language, whatever the case; built once per plan and
    language and kept with the plan (`OptionPlan.kits`), so a case only fills in what it decides.

    Keyed by the id() of the plan's compiled rules and routes (which the plan keeps alive): rules -> (item
    prototype, reason template or None); routes -> (item prototype, reason template or None, lead time in days
    when it is verified (else None), whether the route is unverified, whether the lead time is the law's maximum);
    grounds -> (condition templates, (name, title, unit, expression) per amount, overrides or None)."""

    __slots__ = ("rules", "routes", "grounds")

    def __init__(self, p: OptionPlan, lang: str):
        en = lang == "en"
        self.rules = {id(rule): (_prototype(rule, lang, _rule_prototype), _template(rule.reason, lang))
                      for _, rule, _ in p.steps}
        self.routes = {}
        for steps in p.route_steps.values():
            for _, route in steps:
                r = route.route
                # a lead time from practice is no fact: only a verified one says whether help comes in time
                days = r.lead_time.days if r.lead_time.verified else None
                self.routes[id(route)] = (_prototype(route, lang, _route_prototype), _template(route.reason, lang),
                                          days, not r.verified, r.lead_time.maximum)
        self.grounds = {id(rule): (rule.conditions.get(lang) or rule.conditions.get("nl") or (),
                                   tuple((name, amount.title_en if en and amount.title_en else amount.title,
                                          amount.unit, expression) for name, (amount, expression) in rule.amounts.items()),
                                   rule.rule.overrides or None)
                        for _, rule, is_ground in p.steps if is_ground}


def _kit(p: OptionPlan, lang: str) -> _Kit:
    kit = p.kits.get(lang)
    if kit is None:
        kit = p.kits[lang] = _Kit(p, lang)
    return kit


def _rule_item(entry: tuple, env: dict, lang: str, words, day) -> dict:
    """A rule's item from its kit `entry`: the prototype with the case's reason and dated source."""
    proto, template = entry
    item = proto.copy()
    if template is not None:
        item["reason"] = template.render(env, lang, words)
    if day is not None:
        item["source"] = dated_source(item["source"], day)
    return item


def _route_item(entry: tuple, status: str, lifts: list[str], facts: list[str], env: dict, vocab: Vocabulary,
                lang: str, words, day) -> dict:
    proto, template, days, unverified, maximum = entry
    within = env.get("need.needed_within_days")
    item = proto.copy()
    if day is not None:
        item["source"] = dated_source(item["source"], day)
    item["lifts"] = lifts
    item["status"] = status
    if days is None or not isinstance(within, int):
        item["in_time"] = None
    elif maximum:  # the law's maximum: in time when it fits; when it does not, the route may still be faster
        item["in_time"] = True if days <= within else None
    else:
        item["in_time"] = days <= within
    known = vocab.facts
    item["missing_facts"] = [f for f in facts if f in known]
    if status == "available" and template is not None:
        reason = template.render(env, lang, words)
        if reason:
            item["reason"] = reason
    # the rule set's unknown figures the route depends on: not questions for the household
    open_terms = [f for f in facts if f not in known]
    if open_terms:
        item["open_terms"] = open_terms
    if unverified:
        item["verified"] = False
    return item


def _ground_item(rule: CompiledRule, entry: tuple, ground: tuple, status: str, missing: list[str], env: dict,
                 lang: str, words, day) -> dict:
    item = _rule_item(entry, env, lang, words, day)
    conditions, amount_parts, overrides = ground
    item["conditions"] = [c.render(env, lang, words) for c in conditions]
    amounts = {}
    for name, title, unit, expression in amount_parts:
        value = run_for(rule, expression, env)
        amounts[name] = {"title": title, "unit": unit,
                         "value": None if isinstance(value, Unknown) else str(
                             value.quantize(Decimal("0.01"), ROUND_HALF_UP) if isinstance(value, Decimal) else value)}
    if amounts:
        item["amounts"] = amounts
    if overrides:
        item["overrides"] = list(overrides)
    item["status"] = status
    item["missing_facts"] = missing
    return item


def _option(option: str, bundle: Bundle, env: dict, holds: _Holds, vocab: Vocabulary, lang: str, day) -> dict:
    """The public form of one option: its status (engine.status) and the items it rests on."""
    p = plan(bundle, option)
    result = outcome(p, holds)
    kit = _kit(p, lang)
    rules, words, known = kit.rules, env.get(_WORDS), vocab.facts
    blocked_by = []
    for b in result.active:
        item = _rule_item(rules[id(b)], env, lang, words, day)
        limits = _thresholds(b, env, vocab, lang)
        if limits:
            item["thresholds"] = limits
        blocked_by.append(item)
    possible = []
    for b, held in result.possible:
        item = _rule_item(rules[id(b)], env, lang, words, day)
        names = sorted(held.facts)
        item["missing_facts"] = [f for f in names if f in known]
        item["open_terms"] = [f for f in names if f not in known]
        possible.append(item)
    routes = kit.routes
    grounds = kit.grounds
    return {
        "option": option,
        "title": vocab.option_title(option, lang),
        "status": result.status,
        "blocked_by": blocked_by,
        "possible_blocks": possible,
        "routes": [_route_item(routes[id(route)], st, lifts, facts, env, vocab, lang, words, day)
                   for route, st, lifts, facts in result.routes],
        "grounds": [_ground_item(g, rules[id(g)], grounds[id(g)], "applies" if held is True else "conditional",
                                 gmissing, env, lang, words, day)
                    for g, held, gmissing in result.grounds],
        # what the household can tell, apart from the rule set's own figures that are not known (open terms)
        "missing_facts": [f for f in result.missing if f in known],
        "open_terms": [f for f in result.missing if f not in known],
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
                 day: dt.date | None = None) -> tuple[Bundle, dict, list[tuple]]:
    """The bundle for `case`, every name the conditions and texts of its options can read, and the presumptions
    its options may rely on ((presumption, rule set); engine.presumed tells which they did); `every`: every
    derived fact, also those of other options and those only amounts read (engine.amounts evaluates those it
    shows)."""
    vocab = registry.vocabulary
    facts = case_facts(case, vocab)
    bundle = registry.bundle(case.municipality, case.reference_date)
    env = dict(bundle.presumed_params)  # a fact of the case is known: it sets its presumption aside
    env.update(facts)
    env[_WORDS] = vocab.value_labels.get(lang, {})
    derives = _asked(bundle, tuple(case.options))
    presumptions = [entry for entry in bundle.presumptions if entry[0].fact not in facts]
    if every:
        for rule in bundle.derive:
            env[rule.rule.fact] = run_for(rule, rule.value, env)
    else:  # only those the asked options read
        for rule in derives:
            env[rule.rule.fact] = run_for(rule, rule.value, env)
    return bundle, env, presumptions


def _asked(bundle: Bundle, options: tuple[str, ...]) -> tuple[CompiledRule, ...]:
    """The derives a decision on the asked `options` needs, in the bundle's order (dependencies first). Kept per
    bundle and tuple of options; cases combine options in many ways (1,967 tuples in 3,000 generated cases), so a
    new combination merges what is kept per option (`Bundle.asked_places`) instead of filtering every derive."""
    hit = bundle.asked.get(options)
    if hit is None:
        places = bundle.asked_places
        merged: set[int] = set()
        for o in options:
            mine = places.get(o)
            if mine is None:
                wanted = bundle.derived_for.get(o, bundle.derived_for[""])
                mine = places[o] = tuple(i for i, r in enumerate(bundle.core_derive) if r.rule.fact in wanted)
            merged.update(mine)
        core = bundle.core_derive
        if len(bundle.asked) >= 10_000:
            bundle.asked.clear()
        hit = bundle.asked[options] = tuple([core[i] for i in sorted(merged)])
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
    # most days are within every version's horizon: then no version needs asking
    until = bundle.figures_until
    warnings = horizon.warnings(bundle.versions, case.reference_date, lang) \
        if until is not None and case.reference_date > until else []
    parts = horizon.stale(bundle, case.reference_date) if warnings else None
    if bundle.warns:
        warnings = warnings + _case_warnings(bundle, env, lang)
    if parts is not None:
        _mark_provisional(options, parts, bundle)
    amounts = compute_amounts(bundle.amounts, env, case.options, vocab, bundle.parameters,
                              parts.figures if parts is not None else frozenset(),
                              lang, day) if bundle.amounts else []
    for o in options:
        o["amounts"] = [a["amount"] for a in amounts if o["option"] in a["options"]]
    if presumptions:  # those a condition read, or an amount shown (its steps name what they read)
        shown = {i["name"] for a in amounts for step in a["steps"] for i in step["inputs"]} if amounts else ()
        presumptions = [{"fact": p.fact, "value": p.value, "ruleset": ruleset, "title": _title(p, lang),
                         "source": dated_source(public(p.source), day)}
                        for p, ruleset in relied_on(bundle, case.options, presumptions, env, holds.memo, shown)]
    missing = list(dict.fromkeys(f for o in options for f in o["missing_facts"]))
    questions = []
    for f in missing:
        spec = vocab.facts.get(f)
        if spec is not None:
            questions.append({"fact": f, "question": spec.question_en if lang == "en" else spec.question})
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
        "rulesets": [{"id": i, "version": v, "digest": d} for i, v, d in bundle.listed],
        "kassabon": _kassabon(env),
        "need": _need_summary(env, lang),
        "amounts": amounts,
    }


CASE_WARNING = "case_inconsistent"


def _case_warnings(bundle: Bundle, env: dict, lang: str) -> list[dict]:
    """A `case_inconsistent` warning for each check on the case (a derive with `warning: true`) that holds: only
    a definite true warns; unknown facts are asked where a rule needs them, not warned about."""
    words = env.get(_WORDS)
    return [{"code": CASE_WARNING, "message": _template(r.reason, lang).render(env, lang, words),
             "ruleset": r.ruleset, "rule": r.id}
            for r in bundle.warns if env.get(r.rule.fact) is True]


def _mark_provisional(options: list[dict], parts: horizon.Stale, bundle: Bundle) -> None:
    """`provisional: true` on each option whose status rests on a condition that reads a figure past
    its horizon (not one blocked whatever those figures are: horizon.decided_without), and on each ground
    whose amounts do."""
    for o in options:
        if o["option"] in parts.options and not horizon.decided_without(parts, o, plan(bundle, o["option"])):
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

