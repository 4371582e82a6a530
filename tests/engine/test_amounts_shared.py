"""The amounts' shared parts (engine.amounts): a figure's input is one dict shared by the decisions that show
it, and a step shown by two amounts of a case is one dict. Shared or not, a decision is the one built from
empty caches: on a new day, in English after Dutch, and for a case that holds an equal value of another type."""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import orjson

from decision.decide import decide
from engine import amounts
from engine.case import parse_case
from engine.evaluator import _environment
from tests.conftest import lasmasker
from tests.strategies import Universe, random_cases

BIJZONDERE = "participatiewet.bijzondere_bijstand_bedrag"


def _cold(registry, data: dict, lang: str) -> dict:
    case = parse_case(data)
    for plan in registry.bundle(case.municipality, case.reference_date).amounts:
        plan.inputs.clear()
    amounts._FIGURES.clear()
    return decide(data, registry, lang)


def _figures(decision: dict) -> list[dict]:
    return [i for a in decision["amounts"] for s in a["steps"] for i in s["inputs"] if i["kind"] == "parameter"]


def test_warm_is_cold_on_every_day_and_in_both_languages(registry):
    cases = list(random_cases(Universe.from_registry(registry), 60, seed=23))
    cases += [dict(lasmasker(), reference_date=day) for day in ("2024-03-01", "2025-09-15", "2026-09-15")]
    for i, data in enumerate(cases):
        for lang in (("nl", "en") if i % 2 else ("en", "nl")):
            warm = decide(data, registry, lang)
            assert orjson.dumps(warm) == orjson.dumps(_cold(registry, data, lang))


def test_a_figure_is_one_input_shared_by_the_decisions_that_show_it(registry):
    first, again = decide(lasmasker(), registry), decide(dict(lasmasker(), reference_date="2025-09-16"), registry)
    english = decide(lasmasker(), registry, "en")
    assert _figures(first) and all(f["source"].get("url") for f in _figures(first))
    assert all(a is b for a, b in zip(_figures(first), _figures(again)))  # (a figure's link names no day)
    assert all(a is not b and a["title"] != b["title"] for a, b in zip(_figures(first), _figures(english)))
    before = copy.deepcopy(first)
    decide(dict(lasmasker(), reference_date="2026-09-15"), registry)
    assert first == before


def test_a_value_equal_to_the_figure_but_of_another_type_is_written_as_it_is(registry):
    case = parse_case(lasmasker())
    bundle, env, _ = _environment(case, registry, "nl", day=case.reference_date)
    vocab = registry.vocabulary

    def compute(env: dict) -> list[dict]:
        return amounts.compute(bundle.amounts, dict(env), case.options, vocab, bundle.parameters, frozenset(), "nl",
                               case.reference_date)

    shared = {i["name"]: i for a in compute(env) for s in a["steps"] for i in s["inputs"] if i["kind"] == "parameter"}
    name = next(n for n, i in shared.items() if type(env[n]) is int)
    other = dict(env, **{name: Decimal(env[name])})  # equal in Python, written "67.00" and not 67
    shown = [i for a in compute(other) for s in a["steps"] for i in s["inputs"] if i["name"] == name]
    assert shown and all(i["value"] == amounts.plain(Decimal(env[name])) and i is not shared[name] for i in shown)
    assert all(i is shared[name] for a in compute(env) for s in a["steps"] for i in s["inputs"] if i["name"] == name)


def test_a_step_two_amounts_show_is_one_step(registry):
    data = next(c for c in random_cases(Universe.from_registry(registry), 200, seed=5)
                if len(decide(c, registry)["amounts"]) > 1)
    d = decide(data, registry)
    by_fact: dict[str, list[dict]] = {}
    for a in d["amounts"]:
        for s in a["steps"]:
            by_fact.setdefault(s["fact"], []).append(s)
    assert any(len(steps) > 1 for steps in by_fact.values())
    assert all(s is steps[0] for steps in by_fact.values() for s in steps)


def test_only_a_link_that_names_no_day_of_its_own_is_timeless():
    assert amounts._timeless(None) and amounts._timeless("https://wetten.overheid.nl/BWBR0015703/2024-01-01")
    assert amounts._timeless("https://example.org/verordening")
    assert not amounts._timeless("https://wetten.overheid.nl/BWBR0015703")
    assert not amounts._timeless("https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel=31")
    # a link dated to one of the probe days is dated anew on every other day
    assert not amounts._timeless(f"https://wetten.overheid.nl/jci1.3:c:BWBR0015703&artikel=31&g={dt.date(2000, 1, 1)}")
