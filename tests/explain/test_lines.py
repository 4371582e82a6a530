"""The line stream and its shared fragments: an explanation written from warm caches is the one written from
empty caches, whatever changed in the decision."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from decision.decide import decide, fact_labels
from explain import explain, fragments, lines, text
from explain.phrases import phrases
from explain.tree import build


def _cold(decision: dict, lang: str, labels: dict) -> str:
    fragments._FRAGMENTS.clear()
    text._BODIES.clear()
    lines._SHOWN.clear()
    lines._euros_of.cache_clear()
    return explain(decision, lang, "text", labels)


def _route(d, name):
    return next(r for o in d["options"] for r in o["routes"] if r["route"] == name)


BUDGET, ART16 = "zaanstad.maatwerkbudget", "pw.16.1.zeer_dringende_redenen"
CHANGES = {
    "route title": lambda d: _route(d, BUDGET).update(title="Budget Maatwerk (nieuw)"),
    "route argue": lambda d: _route(d, BUDGET).update(argue="Anders onderbouwen."),
    "route evidence": lambda d: _route(d, BUDGET).update(evidence=["Alleen een offerte"]),
    "route case law": lambda d: _route(d, BUDGET).update(
        source=dict(_route(d, BUDGET)["source"], case_law=["ECLI:NL:CRVB:2020:1"])),
    "route article": lambda d: _route(d, BUDGET).update(source=dict(_route(d, BUDGET)["source"], article="99")),
    "lead time": lambda d: _route(d, BUDGET).update(lead_time_days=2),
    "lead time from practice": lambda d: _route(d, BUDGET).update(lead_time_verified=False),
    "needed within": lambda d: d["need"].update(needed_within_days=15),
    "too late": lambda d: _route(d, BUDGET).update(in_time=False),
    "route flags": lambda d: _route(d, ART16).update(confidence="assessment", verified=False),
    "decided by": lambda d: _route(d, ART16).update(decided_by="uwv"),
    "not discretionary": lambda d: _route(d, ART16).update(discretionary=False),
    "route status": lambda d: _route(d, ART16).update(status="conditional", missing_facts=["income.net_monthly"]),
    "route reason": lambda d: _route(d, ART16).update(reason="Een andere reden."),
    "block title": lambda d: d["options"][0]["blocked_by"][0].update(title="Een andere blokkade"),
    "block is a power": lambda d: d["options"][0]["blocked_by"][0].update(discretionary=True),
    "block verified": lambda d: d["options"][0]["blocked_by"][0].update(confidence="law"),
    "option status": lambda d: d["options"][0].update(status="allowed"),
    "option provisional": lambda d: d["options"][0].update(provisional=True),
    "ground title": lambda d: d["options"][1]["grounds"][0].update(title="Een andere grond"),
    "threshold": lambda d: d["options"][1]["blocked_by"][0]["thresholds"][0].update(limit="1505.98"),
    "step value": lambda d: d["amounts"][0]["steps"][0].update(value="1310.01"),
    "step formula": lambda d: d["amounts"][0]["steps"][-1].update(formula="Een andere formule."),
    "input value": lambda d: next(s for s in d["amounts"][0]["steps"] if s["fact"] == "participatiewet.basisnorm")[
        "inputs"][2].update(value="1369.07"),
    "input unit": lambda d: d["amounts"][0]["steps"][0]["inputs"][1].update(unit="maanden"),
    "presumption": lambda d: d["presumptions"][0].update(title="Iets anders wordt aangenomen"),
    "receipt": lambda d: d["kassabon"].update(cost_once="1100.01"),
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_any_input_shows_in_the_text(registry, welding_case, change, lang):
    labels = fact_labels(registry, lang)
    original = decide(welding_case, registry, lang)
    changed = copy.deepcopy(original)
    CHANGES[change](changed)
    warm = explain(changed, lang, "text", labels)  # the caches hold the original's fragments
    assert warm != original["explanation"]
    assert warm == _cold(changed, lang, labels)


def test_decimals_equal_in_value_but_written_differently_stay_apart(registry, welding_case):
    labels = fact_labels(registry, "nl")
    d = decide(welding_case, registry)
    written = []
    for value in (Decimal("1310.0"), Decimal("1310.00"), 1, True):
        d["amounts"][0]["steps"][0]["value"] = value
        written.append(explain(d, "nl", "text", labels))
        assert written[-1] == _cold(d, "nl", labels)
    assert len(set(written)) == 4


def test_a_figure_shared_by_decisions_is_written_per_language_and_as_it_reads(registry, welding_case):
    # the line of a figure is kept by the identity of its input (engine.amounts shares it): English after
    # Dutch gets its own line, and a copy with another value is written anew
    nl, en = decide(welding_case, registry), decide(welding_case, registry, "en")
    pairs = ((nl, "nl"), (en, "en"), (nl, "en"), (en, "nl"))
    warm = [explain(d, lang, "text", fact_labels(registry, lang)) for d, lang in pairs]
    assert warm == [_cold(d, lang, fact_labels(registry, lang)) for d, lang in pairs]
    step = next(s for s in nl["amounts"][0]["steps"] if any(i["kind"] == "parameter" for i in s["inputs"]))
    figure = next(i for i in step["inputs"] if i["kind"] == "parameter")
    changed = copy.deepcopy(nl)
    for s in changed["amounts"][0]["steps"]:
        if s["fact"] == step["fact"]:
            s["inputs"] = [dict(i, value="4.04") if i["name"] == figure["name"] else i for i in s["inputs"]]
    labels = fact_labels(registry, "nl")
    written = explain(changed, "nl", "text", labels)
    assert written != nl["explanation"] and written == _cold(changed, "nl", labels)


# A wage seizure, nothing said about debts or recovered bijstand: the Wsnp ground of art. 299 Fw may apply.
SEIZURE = {"case_id": "beslag-op-loon", "reference_date": "2026-01-15", "municipality": "zaanstad",
           "household": {"composition": "single", "members": [{"role": "applicant", "age": 41}], "children": [],
                         "cost_sharers": 0},
           "income": [{"source": "wages", "net_monthly": "1500.00"}], "assets": "0.00", "benefit": "none",
           "work": "employed", "options": ["seizure_protection"],
           "circumstances": {"seizure_running": True, "seizure_on_wages": True, "seizure_on_benefit": False}}


@pytest.mark.parametrize("lang, head, applies", [("nl", "Kan gelden (hangt af van ontbrekende feiten)", "Grond"),
                                                 ("en", "May apply (depends on missing facts)", "Ground")])
def test_a_ground_that_may_apply_is_not_stated_as_fact(registry, lang, head, applies):
    """Its reason is written for a ground that applies: with unknown facts it would read "sinds onbekend ... dus
    vóór de schuldsanering". It is shown as a possible block is: its title, then what is still missing."""
    decision = decide(SEIZURE, registry, lang)
    grounds = decision["options"][0]["grounds"]
    conditional = next(g for g in grounds if g["status"] == "conditional")
    applying = next(g for g in grounds if g["status"] == "applies")
    written = " ".join(decision["explanation"].split())
    assert f"{head}: {conditional['title']}" in written
    assert " ".join(conditional["reason"].split()) not in written
    assert phrases(lang)["missing"].format(facts="")[:12] in written.split(conditional["title"], 1)[1]
    assert f"{applies}: {applying['title']}" in written
    assert " ".join(applying["reason"].split()) in written


def _advice(registry, case) -> list[str]:
    return [n["text"] for n in build(decide(case, registry)) if n["kind"] == "advice"]


def test_advice_says_in_time_only_when_the_case_gives_a_deadline(registry, welding_case):
    assert _advice(registry, welding_case) == [
        "Snelste route die op tijd kan: Budget Maatwerkondersteuning, rechtstreeks betaald aan de leverancier "
        "(het sociaal wijkteam, ca. 1 dag)."]
    del welding_case["need"]["needed_within_days"]
    [advice] = _advice(registry, welding_case)
    assert advice.startswith("Snelste route: Budget Maatwerkondersteuning") and "op tijd kan" not in advice
    assert "dat staat niet in de casus" in advice


def test_no_advice_for_a_route_that_lifts_only_a_block_that_may_hold(registry):
    """With every fact still open, the facts come first: no route is advised for a block that may not hold."""
    case = {"case_id": "intake", "reference_date": "2025-11-03", "municipality": "zaanstad", "options": ["debt_help"]}
    decision = decide(case, registry)
    assert any(r["status"] == "available" for o in decision["options"] for r in o["routes"])
    assert _advice(registry, case) == []
