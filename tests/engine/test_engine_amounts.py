"""Amounts with their reasons (ADR 0015): the acceptance cases worked out by hand from law-facts, the shape
of the decision's `amounts`, unknown inputs, the 2027 horizon, and properties that hold for every case."""
from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision.decide import decide
from engine.yamlsource import load_file
from tests.conftest import CASES, lasmasker


def _case(name: str) -> dict:
    return dict(load_file(CASES / f"{name}.yaml"))


def _amount(decision: dict, fact: str) -> dict | None:
    return next((a for a in decision["amounts"] if a["amount"] == fact), None)


def _steps(amount: dict) -> dict:
    return {s["fact"]: s["value"] for s in amount["steps"]}


BIJSTAND = "participatiewet.bijstand_per_maand"

# Hand computations (law-facts §2.1 for the norms, §2.3 for the vrijlating; AOW age 67, law-facts-2 §3.8).
# Each: case, reference date's norm, the income beside the bijstand, the amount.
HAND = {
    # 2026-02-10: alleenstaande 38 jaar, 21.a per 1-1-2026 = € 1.401,50; inkomen alleen de bijstand zelf
    # (€ 1.401,50 - € 1.401,50 = € 0 naast de bijstand); geen kostendelers. 1.401,50 - 0 = € 1.401,50.
    "groningen-ontheffing-sollicitatieplicht": ("1401.50", "0.00", "1401.50"),
    # 2025-10-01: alleenstaande 34 jaar, 21.a per 1-7-2025 = € 1.369,06; inkomen alleen bijstand. € 1.369,06.
    "groningen-zzp-start": ("1369.06", "0.00", "1369.06"),
    # 2025-04-01: alleenstaande ouder 29 jaar (zelfde norm, law-facts §2.1), 21.a per 1-1-2025 = € 1.345,45. € 1.345,45.
    "maastricht-alleenstaande-ouder": ("1345.45", "0.00", "1345.45"),
    # 2026-02-01: alleenstaande 22 jaar (21+), 21.a per 1-1-2026 = € 1.401,50; geen inkomen. € 1.401,50.
    "utrecht-jongere-zoektermijn": ("1401.50", "0.00", "1401.50"),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_monthly_bijstand_of_the_acceptance_cases_equals_the_hand_computation(registry, name):
    norm, beside, expected = HAND[name]
    decision = decide(_case(name), registry)
    a = _amount(decision, BIJSTAND)
    assert a is not None and a["value"] == expected
    assert Decimal(norm) - Decimal(beside) == Decimal(expected)
    steps = _steps(a)
    assert steps["participatiewet.bijstandsnorm"] == norm
    assert steps["participatiewet.middelen_naast_bijstand"] == beside
    assert steps[BIJSTAND] == expected  # the last step is the amount itself
    assert a["steps"][-1]["fact"] == BIJSTAND
    assert a["unit"] == "EUR/maand" and "unknown_because" not in a


def test_no_monthly_bijstand_where_it_does_not_apply(registry):
    # lasmasker: no bijstand asked, benefit none; onvolledig: benefit not known, option special_assistance
    for name in ("zaanstad-lasmasker", "zaanstad-onvolledig"):
        assert _amount(decide(_case(name), registry), BIJSTAND) is None


def test_earnings_left_free_and_bijstand_beside_them_zzp(registry):
    # € 400 verwacht; 25% = € 100 (onder het maximum € 278 per 1-7-2025, law-facts §2.3);
    # bijstand ernaast: 1.369,06 - (400 - 100) = € 1.069,06.
    d = decide(_case("groningen-zzp-start"), registry)
    assert _amount(d, "participatiewet.vrijlating_verwachte_inkomsten")["value"] == "100.00"
    assert _amount(d, "participatiewet.bijstand_bij_verwachte_inkomsten")["value"] == "1069.06"
    option = next(o for o in d["options"] if o["option"] == "earnings_exemption")
    assert option["amounts"] == ["participatiewet.vrijlating_verwachte_inkomsten",
                                 "participatiewet.bijstand_bij_verwachte_inkomsten"]


def test_lasmasker_special_assistance_after_draagkracht(registry):
    # Wsnp: het vrij te laten bedrag € 1.310 telt (law-facts §1.6), onder de norm € 1.369,06: geen draagkracht uit
    # inkomen; vermogen € 0. Bijzondere bijstand: 1.100 - 0 = € 1.100.
    d = decide(lasmasker(), registry)
    a = _amount(d, "participatiewet.bijzondere_bijstand_bedrag")
    assert a["value"] == "1100.00" and a["unit"] == "EUR"
    steps = _steps(a)
    assert steps["participatiewet.beschikbaar_inkomen"] == "1310.00"
    assert steps["participatiewet.draagkracht"] == "0.00"
    # the period the college sets did not decide it: not a step input
    inputs = [i["name"] for s in a["steps"] for i in s["inputs"]]
    assert "participatiewet.draagkrachtperiode_maanden" not in inputs
    assert set(a["options"]) == {"special_assistance", "in_kind"}


def test_open_draagkracht_period_makes_the_amount_unknown_with_its_reason(registry):
    case = lasmasker()
    case["debts"] = {"regime": "none"}  # now the € 1.720 counts: above the norm
    a = _amount(decide(case, registry), "participatiewet.bijzondere_bijstand_bedrag")
    assert a["value"] is None
    assert [u["name"] for u in a["unknown_because"]] == ["participatiewet.draagkrachtperiode_maanden"]
    assert a["unknown_because"][0]["kind"] == "open_term"
    assert "Niet bekend (open norm): Draagkrachtperiode" in a["unknown_because"][0]["reason"]


def test_missing_fact_makes_the_amount_unknown_and_says_which(registry):
    d = decide(_case("zaanstad-onvolledig"), registry)
    a = _amount(d, "participatiewet.bijzondere_bijstand_bedrag")
    assert a["value"] is None
    reasons = {u["name"]: u["reason"] for u in a["unknown_because"]}
    assert reasons["income.net_monthly"] == "Niet bekend: het netto maandinkomen van het huishouden."
    # the amount asks nothing: the option's questions stay what the statuses need
    assert d["missing_facts"] == decide(_case("zaanstad-onvolledig"), registry)["missing_facts"]


def test_cost_sharers_step_is_shown_where_it_decides(registry):
    case = _case("utrecht-jongere-zoektermijn")
    case["household"]["members"][0]["age"] = 30
    case["household"]["cost_sharers"] = 1
    # A = 2: (40 + 60) / 2 = 50% van de gehuwdennorm 21.b per 1-1-2026 € 2.002,13 = € 1.001,065 → € 1.001,07
    a = _amount(decide(case, registry), BIJSTAND)
    assert a["value"] == "1001.07"
    steps = _steps(a)
    assert steps["participatiewet.kostendelers_aantal"] == 2
    assert steps["participatiewet.kostendelersnorm"] == "1001.07"
    assert a["verified"] is False  # the formula of art. 22a lid 1 is not verified in the law text


def test_steps_carry_sources_dated_to_the_reference_date(registry):
    a = _amount(decide(_case("utrecht-jongere-zoektermijn"), registry), BIJSTAND)
    for step in a["steps"]:
        assert step["source"]["law"] and step["title"]
        if "jci1.3" in step["source"].get("url", ""):
            assert step["source"]["url"].endswith("&g=2026-02-01")
    norm = next(s for s in a["steps"] if s["fact"] == "participatiewet.basisnorm")
    param = next(i for i in norm["inputs"] if i["name"] == "participatiewet.norm_alleenstaande")
    assert param == {"name": "participatiewet.norm_alleenstaande", "kind": "parameter", "unit": "EUR/maand",
                     "title": param["title"], "value": "1401.50",
                     "source": {"law": "Participatiewet", "article": "21", "onderdeel": "a",
                                "url": "https://wetten.overheid.nl/BWBR0015703/2026-01-01"}}  # the text of the figure


@pytest.mark.parametrize("day, norm, provisional", [
    ("2024-01-01", "1283.83", False), ("2024-07-01", "1308.45", False), ("2025-01-01", "1345.45", False),
    ("2025-07-01", "1369.06", False), ("2026-01-01", "1401.50", False), ("2026-07-01", "1419.46", False),
    ("2026-12-31", "1419.46", False),
    # 2027 figures are NOT FOUND (law-facts-2 §1): the last known ones, marked provisional, with the warning
    ("2027-01-01", "1419.46", True),
])
def test_every_version_gives_the_norm_of_its_date(registry, day, norm, provisional):
    case = _case("utrecht-jongere-zoektermijn")
    case["reference_date"] = day
    d = decide(case, registry)
    a = _amount(d, BIJSTAND)
    assert a["value"] == norm
    assert a.get("provisional", False) is provisional
    assert bool(d["warnings"]) is provisional


def test_english_titles_on_request(registry):
    a = _amount(decide(_case("utrecht-jongere-zoektermijn"), registry, lang="en"), BIJSTAND)
    assert a["title"].startswith("General assistance per month")
    assert all(s["title"] for s in a["steps"])


def _bijstand_case(income: Decimal, age: int, sharers: int, stage: str | None) -> dict:
    case = copy.deepcopy(_case("utrecht-jongere-zoektermijn"))
    case["household"]["members"][0]["age"] = age
    case["household"]["cost_sharers"] = sharers
    case["income"] = [{"source": "wages", "net_monthly": str(income)}] if income else []
    case["circumstances"] = {} if stage is None else {"earnings_exemption": stage}
    return case


money = st.decimals(min_value=0, max_value=4000, places=2, allow_nan=False, allow_infinity=False)
ages = st.integers(min_value=18, max_value=80)
stages = st.sampled_from([None, "none", "art31_2_n", "art31_2_r"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=money, extra=money, age=ages, sharers=st.integers(0, 3), stage=stages)
def test_more_income_never_raises_the_bijstand_and_it_is_never_negative(registry, low, extra, age, sharers, stage):
    a = _amount(decide(_bijstand_case(low, age, sharers, stage), registry), BIJSTAND)
    b = _amount(decide(_bijstand_case(low + extra, age, sharers, stage), registry), BIJSTAND)
    for x in (a, b):
        assert (x["value"] is None) == ("unknown_because" in x)
        if x["value"] is not None:
            assert Decimal(x["value"]) >= 0
    if a["value"] is not None and b["value"] is not None:
        assert Decimal(b["value"]) <= Decimal(a["value"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(income=money.filter(lambda m: m > 0), age=st.integers(27, 66))
def test_unknown_exemption_stage_with_earnings_means_an_unknown_amount(registry, income, age):
    # under pension age the college decides the exemption: without that fact, no amount (never a guess)
    a = _amount(decide(_bijstand_case(income, age, 0, None), registry), BIJSTAND)
    assert a["value"] is None
    assert [u["name"] for u in a["unknown_because"]] == ["circumstances.earnings_exemption"]


def test_a_rule_set_declares_an_amount_without_engine_changes(tmp_path):
    # what the beslagvrije voet and kwijtschelding rule sets do: a derive with `amount:` and its chain
    from engine.registry import Registry
    from tests import demo_rulesets as demo
    from tests.engine.test_lint import AMOUNT

    chain = AMOUNT.replace("routes:", """  - id: demo.4.helft
    kind: derive
    title: De helft van wat overblijft
    title_en: Half of what is left
    fact: demo.helft
    formula: De helft.
    formula_en: Half.
    value: demo.rest / 2 if demo.rest > 0 else 0.00
    amount: {unit: EUR/maand, applies_to: [opt_a]}
    source: {law: Demowet, article: "4", url: "https://wetten.overheid.nl/jci1.3:c:BWBR0000001&artikel=4"}
routes:""")
    root = demo.write(tmp_path, {"demo/2024-01-01/rules.yaml": demo.V2024.replace("routes:", chain, 1)})
    registry = Registry.load(root)
    case = {"case_id": "t", "reference_date": "2024-06-01", "municipality": "stad", "options": ["opt_a"],
            "income": [{"source": "wages", "net_monthly": "1300.01"}]}
    d = decide(case, registry)
    half = _amount(d, "demo.helft")
    # (1300,01 - 1000) / 2 = 150,005: exact, no rounding the law does not name
    assert half["value"] == "150.005"
    assert [s["fact"] for s in half["steps"]] == ["demo.rest", "demo.helft"]
    assert half["steps"][0]["inputs"][0]["name"] == "demo.grens"
    assert half["steps"][0]["formula"] == "Het inkomen min de grens."
    assert d["options"][0]["amounts"] == ["demo.rest", "demo.helft"]
    assert "150,01 (precies 150,005)" in d["explanation"]
    case["income"] = None
    assert _amount(decide(case, registry), "demo.helft")["unknown_because"] == [
        {"name": "income.net_monthly", "kind": "fact", "reason": "Niet bekend: inkomen."}]


def test_beslagvrije_voet_maximum_as_an_amount(registry):
    # 2025-07-01, alleenstaande: maximum of art. 475da lid 1 € 2.093,67 (law-facts-2 §4.1); 95% of € 1.720 income
    # = € 1.634,00 (art. 475dc lid 1) is lower: the maximum for this household is € 1.634,00.
    case = lasmasker()
    case["options"] = ["seizure_protection"]
    case["circumstances"] = {"seizure_running": True, "dutch_address": True}
    a = _amount(decide(case, registry), "beslagvrije_voet.maximum")
    assert a["value"] == "1634.00" and a["options"] == ["seizure_protection"]
    steps = _steps(a)
    assert steps["beslagvrije_voet.maximum_lid_1"] == "2093.67"
    assert steps["beslagvrije_voet.inkomensgrens"] == "1634.00"
    case["income"] = None  # income not known: the 95% limit, and so the maximum, is not known
    a = _amount(decide(case, registry), "beslagvrije_voet.maximum")
    assert a["value"] is None
    assert "income.net_monthly" in [u["name"] for u in a["unknown_because"]]


def test_kwijtschelding_costs_of_living_as_an_amount(registry):
    # 2025-04-01, alleenstaande ouder 29: norm € 1.345,45 (law-facts §2.1); 90% (URI art. 16, law-facts-2 §4.5)
    # = € 1.210,905 → € 1.210,91 (the rule set rounds to cents).
    case = _case("maastricht-alleenstaande-ouder")
    case["options"] = ["tax_remission"]
    d = decide(case, registry)
    a = _amount(d, "kwijtschelding.kosten_van_bestaan")
    assert a["value"] == "1210.91"
    assert _steps(a)["participatiewet.bijstandsnorm"] == "1345.45"
    assert a["verified"] is False  # URI art. 16 is known only as a gist


def _plain_as_first_written(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    if exponent == -2:
        return str(value)
    if exponent > -2 or value == value.quantize(Decimal("0.01")):
        return str(value.quantize(Decimal("0.01")))
    return str(value.normalize())


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**9, max_value=10**9, places=None)
       | st.builds(lambda d, e: Decimal(d).scaleb(e), st.integers(-10**6, 10**6), st.integers(-12, 6)))
@settings(max_examples=500)
def test_a_value_in_the_decision_is_written_as_the_exponent_says(value):
    # plain() reads the exponent from the text (no as_tuple() per value): "1.50" stays, "1.5" gets its cent,
    # "1.505" stays exact, "1.5E-7" and "1E+2" are not mistaken for cents
    from engine.amounts import plain
    assert plain(value) == _plain_as_first_written(value)


def test_an_open_figure_is_explained_in_plain_dutch_without_the_authors_markers(registry):
    """The 2028 vrijlating maximum is an open norm: its note reached the client file as "NOT CONFIRMED: … (law-facts-2
    §0.2, §3.4)" (independent legal review, 5 December)."""
    case = {"case_id": "e67-2028", "reference_date": "2028-03-01", "municipality": "groningen",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 67}], "children": []},
            "income": [{"source": "bijstand", "net_monthly": "1000.00"}, {"source": "wages", "net_monthly": "400.00"}],
            "benefit": "bijstand", "work": "employed",
            "need": {"kind": "earn_extra", "expected_earnings_monthly": "400.00"}, "options": ["earnings_exemption"]}
    decision = decide(case, registry)
    reasons = [u["reason"] for a in decision["amounts"] for u in a.get("unknown_because", ()) if u["kind"] == "open_term"]
    assert reasons and any("Niet bevestigd: de tekst per 1-7-2026" in r for r in reasons)
    for text in (*reasons, decision["explanation"]):
        assert "NOT CONFIRMED" not in text and "NOT FOUND" not in text and "law-facts" not in text
