"""Amounts with their reasons: what the law fixes for an option, computed step by step (ADR 0015).

A rule set declares an amount on the derive rule whose fact it is (`amount:` with a unit and the
options it belongs to). The steps are not written twice: they are the derive rules the amount reads,
found once per bundle (`plans`), and per case only those its value read are shown (`compute`): the
branch of an `a if c else b` not taken (the cost-sharing norm where it does not apply, the draagkracht
period where no income exceeds the norm) is no step; the test that chose the branch is.

An amount whose value rests on a missing fact or an open term (NOT FOUND, a figure the college sets)
is `value: null` with `unknown_because`, in words, never a guess.

Shared, read-only parts (decision record 0019): the input of a figure whose link names no reference date
is one dict per parameter, value and language (`_figure`), and a step two amounts of a case show is one dict.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Sequence

from .expressions import run_for
from .facts import Vocabulary
from .loader import CompiledRule
from .model import Parameter
from .sources import dated, link_head, public
from .unknown import Unknown

CENT = Decimal("0.01")


@dataclass(frozen=True)
class AmountPlan:
    """One declared amount in a bundle: its rule, the options it belongs to, and the derives it may read."""

    rule: CompiledRule
    options: frozenset[str]
    chain: dict[str, CompiledRule]  # derived fact -> its rule, for every derive the amount may read
    rank: dict[str, int]  # derived fact -> its place in the bundle's derive order (dependencies first)
    order: tuple[tuple[str, CompiledRule], ...]  # (fact, rule) of the chain in derive order, to evaluate what
    # the decision did not need
    unverified: frozenset[str]  # the derived facts of the chain whose rule is not verified
    # derived fact -> the names that choose what it reads (engine.reads), in a fixed order for the memo key:
    # cases repeat household types and ages, so most derives are traced once per value, not once per case
    choosers: dict[str, tuple[str, ...]]
    # language -> input name -> (the words of the input: what the case does not change, and for a figure
    # whose source does not change with the day, the value it has in the bundle and its input: `_figure`)
    inputs: dict[str, dict[str, tuple[dict, Any, dict | None]]] = field(default_factory=dict, compare=False)


_ABSENT = object()
_MEMO_MAX = 20_000


def plans(derive: Sequence[CompiledRule]) -> tuple[AmountPlan, ...]:
    """The amounts a bundle declares (built once per bundle: the single case only evaluates)."""
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
                              order=tuple((r.rule.fact, r) for r in derive if r.rule.fact in chain),
                              unverified=frozenset(f for f, r in chain.items() if not r.rule.verified),
                              choosers={f: tuple(sorted(r.reads.choosers)) for f, r in chain.items()}))
    return tuple(out)


def plain(value: Any) -> Any:
    """A value as the public decision writes it: money exact (at least cents), nothing rounded away."""
    kind = type(value)
    if kind is Decimal:
        text = str(value)
        # two digits after the point: the exponent is -2, written as it is (a number in scientific notation
        # ends in its exponent, "E-7", never in ".dd"; as_tuple() costs more than str())
        if len(text) > 3 and text[-3] == ".":
            return text
        exponent = value.as_tuple().exponent
        if exponent > -2 or value == value.quantize(CENT):
            return str(value.quantize(CENT))
        return str(value.normalize())
    if value is _ABSENT or kind is Unknown:
        return None
    if kind in (bool, int, str):
        return value
    if kind is dt.date:
        return value.isoformat()
    if kind in (tuple, list):
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
    words = {"name": name, "kind": "parameter", "title": _title(p, lang), "unit": p.unit, "source": p.source.public()}
    if not p.verified:  # its own line says so (the AOW age of 2026-2028, legal audit D-49)
        words["verified"] = False
    return words


def _inputs(names: list[str], words: dict[str, tuple], env: dict, vocab: Vocabulary, parameters: dict,
            labels: dict[str, str], lang: str, day: dt.date | None) -> list[dict]:
    """The inputs of one step: their words (kept per bundle and language in `words`) and their values;
    `labels`: the value labels of the language. A figure the case holds as the bundle does is its shared input."""
    out = []
    for name in names:
        known = words.get(name)
        if known is None:
            known = words[name] = _words(name, env, vocab, parameters, lang)
        input_, fixed, shared = known
        value = env.get(name, _ABSENT)
        if value is fixed:
            out.append(shared)
            continue
        input_ = dict(input_)
        input_["value"] = None if value is _ABSENT else plain(value)
        if "source" in input_:
            input_["source"] = dated(input_["source"], day)
        elif isinstance(value, str):
            label = labels.get(value)
            if label:
                input_["value_label"] = label
        out.append(input_)
    return out


_NEVER = object()  # a value no environment holds: the input is built per case


def _words(name: str, env: dict, vocab: Vocabulary, parameters: dict, lang: str) -> tuple[dict, Any, dict | None]:
    """The words of an input; for a figure whose source no day changes, also its value in the bundle (the
    object, compared by identity: a case that holds another is written as it is) and its shared input."""
    input_ = _input_words(name, vocab, parameters, lang)
    if input_["kind"] != "parameter" or not _timeless(input_["source"].get("url")):
        return input_, _NEVER, None
    value = env.get(name, _ABSENT)
    return input_, value, _figure(input_, parameters[name][0], value, lang)


def _timeless(url: str | None) -> bool:
    """True if a source with this link is dated alike on every day (`dated`)."""
    return link_head(url) is False


def _figure(words: dict, parameter: Parameter, value: Any, lang: str) -> dict:
    """The input of a figure whose source does not change with the day: one dict per parameter, value object
    and language, shared by every bundle with that parameter's version and every decision that shows it
    (read-only, ADR 0019), so the explanation finds its line by identity (explain.lines._input)."""
    key = (words["name"], id(parameter), id(value), lang)
    hit = _FIGURES.get(key)
    if hit is None or hit[0] is not parameter or hit[1] is not value:
        if len(_FIGURES) >= _FIGURES_MAX:
            _FIGURES.clear()
        shared = dict(words, value=None if value is _ABSENT else plain(value))
        # (the parameter and value are kept with the entry, so their ids are not reused)
        hit = _FIGURES[key] = (parameter, value, shared)
    return hit[2]


_FIGURES: dict[tuple[str, int, int, str], tuple[Parameter, Any, dict]] = {}
_FIGURES_MAX = 20_000


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
        note = _for_reader(known[0].note) if known and known[0].note else ""
        reason = (f"Not known (open term): {title}." if lang == "en" else f"Niet bekend (open norm): {title}.") \
            + (f" {note}" if note and lang != "en" else "")
        out.append({"name": name, "kind": "open_term", "reason": reason.strip()})
    return out


# A figure's note is written for the rule set's author (law-facts' markers, its sections); the professional reads
# it in plain Dutch: the markers said in words, the references to law-facts left out.
_MARKERS = (("NOT FOUND", "niet gevonden"), ("NOT CONFIRMED", "niet bevestigd"))
_LAW_FACTS = re.compile(r"\s*\((?:law-facts[^()]*|[^()]*§[^()]*)\)")


@functools.lru_cache(maxsize=256)  # a figure's note is the same text in every case that shows it
def _for_reader(note: str) -> str:
    for marker, words in _MARKERS:
        if note.startswith(marker):
            note = words[0].upper() + words[1:] + note[len(marker):]
        note = note.replace(marker, words)
    return _LAW_FACTS.sub("", note)


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


def _step(rule: CompiledRule, value: Any, inputs: list[dict], lang: str, day: dt.date | None) -> dict:
    words = rule.words.get(lang)
    if words is None:
        words = rule.words[lang] = _step_words(rule, lang)
    step = dict(words, value=plain(value))
    if day is not None:
        step["source"] = dated(step["source"], day)
    step["inputs"] = inputs
    return step


def compute(plans_: Iterable[AmountPlan], env: dict, options: Sequence[str], vocab: Vocabulary,
            parameters: dict[str, tuple[Parameter, str]], stale: frozenset[str], lang: str,
            day: dt.date | None = None) -> list[dict]:
    """The amounts that belong to this case, each with its steps (dependencies first); `day`: law links
    dated to it (engine.sources.dated)."""
    out = []
    labels = vocab.value_labels.get(lang, {})
    read_by: dict[str, list[str]] = {}  # derived fact -> the names it read (shared by the amounts)
    made: dict[str, dict] = {}  # derived fact -> its step: alike in every amount of the case that shows it
    for plan in plans_:
        rule = plan.rule
        if plan.options.isdisjoint(options):
            if rule.amount_when is None or run_for(rule, rule.amount_when, env) is not True:
                continue
            asked = []
        else:
            asked = [o for o in options if o in plan.options]
        for fact, r in plan.order:  # derives only amounts read are left to here (Bundle.core_derive)
            if fact not in env:
                env[fact] = run_for(r, r.value, env)
        needed, inputs, seen = [plan.rule.rule.fact], {}, {plan.rule.rule.fact}
        i = 0
        while i < len(needed):
            fact = needed[i]
            i += 1
            inputs[fact] = []
            names = read_by.get(fact)
            if names is None:
                r = plan.chain[fact]
                key = tuple([env.get(n, _ABSENT) for n in plan.choosers[fact]])
                names = r.memo.get(key)
                if names is None:
                    read: set[str] = set()
                    r.reads.trace(env, read)
                    if len(r.memo) >= _MEMO_MAX:
                        r.memo.clear()
                    names = r.memo[key] = sorted(read)
                read_by[fact] = names
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
            "source": dated(public(rule.rule.source), day), "confidence": rule.rule.confidence,
        }
        if isinstance(value, Unknown):
            item["unknown_because"] = _unknown_because(value, vocab, parameters, lang)
        if stale and any(n in stale for f in needed for n in inputs[f]):
            item["provisional"] = True
        if plan.unverified and not plan.unverified.isdisjoint(needed):
            item["verified"] = False
        words = plan.inputs.get(lang)
        if words is None:
            words = plan.inputs[lang] = {}
        steps = []
        for f in needed:
            step = made.get(f)
            if step is None:
                step = made[f] = _step(plan.chain[f], env.get(f, _ABSENT),
                                       _inputs(inputs[f], words, env, vocab, parameters, labels, lang, day), lang, day)
            steps.append(step)
        item["steps"] = steps
        out.append(item)
    return out
