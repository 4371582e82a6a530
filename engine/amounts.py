"""Amounts with their reasons: what the law fixes for an option, computed step by step (ADR 0015).

A rule set declares an amount on the derive rule whose fact it is (`amount:` with a unit and the
options it belongs to). The steps are not written twice: they are the derive rules the amount reads,
found once per bundle (`plans`), and per case only those that decided its value are shown (`compute`).
A derive or input "decided" the value when, set to unknown, it makes the value unknown: so the branch
of an `a if c else b` not taken, or the cost-sharing norm where it does not apply, is not a step.

An amount whose value rests on a missing fact or an open term (NOT FOUND, a figure the college sets)
is `value: null` with `unknown_because`, in words, never a guess.
"""
from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Sequence

from .errors import Problem, RulesetError
from .expressions import ExpressionError
from .facts import Vocabulary
from .loader import CompiledRule
from .model import Parameter
from .unknown import Unknown

CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountPlan:
    """One declared amount in a bundle: its rule, the options it belongs to, and the derives it may read."""

    rule: CompiledRule
    options: frozenset[str]
    chain: dict[str, CompiledRule]  # derived fact -> its rule, for every derive the amount may read
    rank: dict[str, int]  # derived fact -> its place in the bundle's derive order (dependencies first)
    branching: frozenset[str]  # derived facts whose value may not read every name (if/else, and/or, any/all)
    names: dict[str, tuple[str, ...]]  # derived fact -> the names it reads, sorted
    case_names: dict[str, tuple[str, ...]]  # derived fact -> those that are not the bundle's figures
    # (derived fact, the values of its case names) -> the names that decided it: the figures are fixed in a
    # bundle and cases repeat household types and ages, so a branching derive is mostly probed once per bundle
    memo: dict = field(default_factory=dict, compare=False, repr=False)
    static: dict = field(default_factory=dict, compare=False, repr=False)  # (name, lang) -> the words of a step or input


_MEMO_MAX = 20_000
_ABSENT = object()


_BRANCHES = (ast.IfExp, ast.BoolOp, ast.GeneratorExp, ast.ListComp)


def _branches(source: str) -> bool:
    """Whether an expression can leave a name it mentions unread; without branches every name decides its value."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError:  # pragma: no cover - compiled expressions parse
        return True
    return any(isinstance(n, _BRANCHES) for n in ast.walk(tree))


def plans(derive: Sequence[CompiledRule], params: Iterable[str] = ()) -> tuple[AmountPlan, ...]:
    """The amounts a bundle declares (built once per bundle: the single case only evaluates);
    `params`: the names of the bundle's figures."""
    figures = frozenset(params)
    derived = {r.rule.fact: r for r in derive}
    rank = {r.rule.fact: i for i, r in enumerate(derive)}
    out = []
    for rule in derive:
        if rule.rule.amount is None:
            continue
        chain, todo = {}, [rule.rule.fact]
        while todo:
            name = todo.pop()
            r = derived.get(name)
            if r is None or name in chain:
                continue
            chain[name] = r
            todo.extend(r.value.names)
        out.append(AmountPlan(rule=rule, options=frozenset(rule.rule.amount.applies_to), chain=chain,
                              rank={f: rank[f] for f in chain},
                              branching=frozenset(f for f, r in chain.items() if _branches(r.value.source)),
                              names={f: tuple(sorted(r.value.names)) for f, r in chain.items()},
                              case_names={f: tuple(n for n in sorted(r.value.names) if n not in figures)
                                          for f, r in chain.items()}))
    return tuple(out)


def _run(rule: CompiledRule, expression, env: dict) -> Any:
    try:
        return expression.fn(env, None)
    except ExpressionError as exc:
        o = rule.origin
        raise RulesetError([Problem(f"fout bij evalueren: {exc}", f"evaluation error: {exc}",
                                    file=o.file, line=o.line, rule=rule.id)]) from None


def _decides(rule: CompiledRule, env: dict, name: str) -> bool:
    """Whether `name` decided the value of `rule` in this case: unknown, it leaves the value unknown.
    (`env` is the case's own: the name is set aside and put back, not copied.)"""
    missing = object()
    old = env.get(name, missing)
    env[name] = Unknown(frozenset((name,)))
    try:
        value = _run(rule, rule.value, env)
    finally:
        if old is missing:
            del env[name]
        else:
            env[name] = old
    return isinstance(value, Unknown) and name in value.facts


def plain(value: Any) -> Any:
    """A value as the public decision writes it: money exact (at least cents), nothing rounded away."""
    if value is _ABSENT or isinstance(value, Unknown):
        return None
    if isinstance(value, bool) or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        if value == value.quantize(CENT):
            return str(value.quantize(CENT))
        return str(value.normalize())
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return str(value)


def _title(obj, lang: str) -> str:
    return obj.title_en if lang == "en" and obj.title_en else obj.title


def _input_words(name: str, vocab: Vocabulary, parameters: dict[str, tuple[Parameter, str]], lang: str) -> dict:
    spec = vocab.facts.get(name)
    if spec is not None:
        return {"name": name, "kind": "fact", "title": spec.text(lang)[0]}
    known = parameters.get(name)
    if known is None:  # a name of the engine itself (none today): shown as it is
        return {"name": name, "kind": "fact", "title": name}
    p, _ = known
    return {"name": name, "kind": "parameter", "title": _title(p, lang), "unit": p.unit, "source": p.source.public()}


def _input(plan: AmountPlan, name: str, env: dict, vocab: Vocabulary, parameters: dict, lang: str) -> dict:
    words = plan.static.get((name, lang))
    if words is None:
        words = plan.static[(name, lang)] = _input_words(name, vocab, parameters, lang)
    value = env.get(name, _ABSENT)
    out = dict(words, value=None if value is _ABSENT else plain(value))
    if "source" in out:
        out["source"] = dict(out["source"])  # the decision is the caller's (links get dated in place)
    elif isinstance(value, str):
        label = vocab.value_labels.get(lang, {}).get(value)
        if label:
            out["value_label"] = label
    return out


def _unknown_because(value: Unknown, vocab: Vocabulary, parameters: dict, lang: str) -> list[dict]:
    out = []
    for name in sorted(value.facts):
        spec = vocab.facts.get(name)
        if spec is not None:
            label = spec.text(lang)[0]
            reason = f"{label[0].upper()}{label[1:]}: not known." if lang == "en" else \
                f"Niet bekend: {label}."
            out.append({"name": name, "kind": "fact", "reason": reason})
            continue
        known = parameters.get(name)
        title = _title(known[0], lang) if known else name
        note = known[0].note if known and known[0].note else ""
        reason = (f"Not known (open term): {title}." if lang == "en" else f"Niet bekend (open norm): {title}.") \
            + (f" {note}" if note and lang != "en" else "")
        out.append({"name": name, "kind": "open_term", "reason": reason.strip()})
    return out


def _step_words(rule: CompiledRule, lang: str) -> dict:
    r = rule.rule
    words = {"fact": r.fact, "rule": r.id, "ruleset": rule.ruleset, "title": _title(r, lang)}
    formula = r.formula_en if lang == "en" and r.formula_en else r.formula
    if formula:
        words["formula"] = " ".join(formula.split())
    words["source"] = r.source.public()
    words["confidence"] = r.confidence
    if not r.verified:
        words["verified"] = False
    return words


def _step(plan: AmountPlan, fact: str, value: Any, inputs: list[dict], lang: str) -> dict:
    key = ("\x00step", fact, lang)
    words = plan.static.get(key)
    if words is None:
        words = plan.static[key] = _step_words(plan.chain[fact], lang)
    step = dict(words, value=plain(value), source=dict(words["source"]))
    step["inputs"] = inputs
    return step


def compute(plans_: Iterable[AmountPlan], env: dict, options: Sequence[str], vocab: Vocabulary,
            parameters: dict[str, tuple[Parameter, str]], stale: frozenset[str], lang: str) -> list[dict]:
    """The amounts that belong to this case, each with its steps (dependencies first)."""
    out = []
    decided: dict[str, list[str]] = {}  # derived fact -> the names that decided it (shared by the amounts)
    for plan in plans_:
        rule = plan.rule
        asked = [o for o in options if o in plan.options]
        if not asked and (rule.amount_when is None or _run(rule, rule.amount_when, env) is not True):
            continue
        needed, inputs, seen = [plan.rule.rule.fact], {}, {plan.rule.rule.fact}
        i = 0
        while i < len(needed):
            fact = needed[i]
            i += 1
            r = plan.chain[fact]
            inputs[fact] = []
            names = decided.get(fact)
            if names is None:
                names = plan.names[fact]
                if fact in plan.branching:
                    key = (fact, tuple([env.get(n, _ABSENT) for n in plan.case_names[fact]]))
                    hit = plan.memo.get(key)
                    if hit is None:
                        if len(plan.memo) >= _MEMO_MAX:
                            plan.memo.clear()
                        hit = plan.memo[key] = [n for n in names if _decides(r, env, n)]
                    names = hit
                decided[fact] = names
            for name in names:
                if name in plan.chain:
                    if name not in seen:
                        seen.add(name)
                        needed.append(name)
                else:
                    inputs[fact].append(name)
        needed.sort(key=plan.rank.__getitem__)  # dependencies before what uses them
        value = env.get(rule.rule.fact, Unknown(frozenset((rule.rule.fact,))))
        a = rule.rule.amount
        item = {
            "amount": rule.rule.fact, "rule": rule.id, "ruleset": rule.ruleset, "title": _title(rule.rule, lang),
            "unit": a.unit, "value": plain(value), "options": asked,
            "source": rule.rule.source.public(), "confidence": rule.rule.confidence,
        }
        if isinstance(value, Unknown):
            item["unknown_because"] = _unknown_because(value, vocab, parameters, lang)
        if any(n in stale for f in needed for n in inputs[f]):
            item["provisional"] = True
        if any(not plan.chain[f].rule.verified for f in needed):
            item["verified"] = False
        item["steps"] = [_step(plan, f, env.get(f, _ABSENT),
                               [_input(plan, n, env, vocab, parameters, lang) for n in inputs[f]], lang) for f in needed]
        out.append(item)
    return out
