"""The columnar evaluator against the single-case evaluator: the same decisions, case by case.

Per case and option both must give the same status, the same first blocking rule, the same
blocks, possible blocks, routes (with their status), grounds and missing facts (in the same
order). Routes and possible blocks are compared as sets: the columnar result lists them in
rule-set order, the single-case evaluator in the order it met them.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from engine.case import parse_case
from engine.evaluator import evaluate as evaluate_one
from engine.expressions import compile_expression
from engine.registry import Registry, build_bundle
from tests.conftest import CASES, RULESETS, case_names, lasmasker
from tests.whatif.cases import many, strategy
from whatif import columnar
from whatif.frame import case_table

REGISTRY = Registry.load(RULESETS)


def single(decision: dict) -> dict:
    out = {}
    for o in decision["options"]:
        out[o["option"]] = {
            "status": o["status"],
            "first_block": o["blocked_by"][0]["rule"] if o["blocked_by"] else None,
            "blocks": [b["rule"] for b in o["blocked_by"]],
            "possible": sorted(b["rule"] for b in o["possible_blocks"]),
            "routes": sorted((r["route"], r["status"]) for r in o["routes"]),
            "grounds": sorted((g["rule"], g["status"]) for g in o["grounds"]),
            "missing_facts": o["missing_facts"],
            "open_terms": o["open_terms"],
        }
    return out


def batch(long: pl.DataFrame) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in long.iter_rows(named=True):
        out.setdefault(r["case_id"], {})[r["option"]] = {
            "status": r["status"], "first_block": r["first_block"], "blocks": r["blocks"],
            "possible": sorted(r["possible"]),
            "routes": sorted([(x, "available") for x in r["routes_available"]]
                             + [(x, "conditional") for x in r["routes_conditional"]]
                             + [(x, "unavailable") for x in r["routes_unavailable"]]),
            "grounds": sorted([(x, "applies") for x in r["grounds"]] + [(x, "conditional") for x in r["grounds_conditional"]]),
            "missing_facts": r["missing_facts"],
            "open_terms": r["open_terms"],
        }
    return out


def differences(raw_cases: list[dict], registry: Registry = REGISTRY) -> list:
    cases = [parse_case(c) for c in raw_cases]
    result = columnar.evaluate(case_table(cases, registry.vocabulary), registry)
    got = batch(result.decode())
    outcomes = dict(zip(result.table["case_id"], result.table[columnar.OUTCOME]))
    diffs = []
    for case in cases:
        decision = evaluate_one(case, registry)
        want = single(decision)
        if got.get(case.case_id) != want or outcomes[case.case_id] != decision["outcome"]:
            diffs.append((case.case_id, want, got.get(case.case_id), decision["outcome"], outcomes[case.case_id]))
    return diffs


def test_the_acceptance_cases_give_the_same_decisions(registry):
    from engine.yamlsource import load_file
    raw = [load_file(CASES / f"{name}.yaml") for name in case_names()]
    assert len(raw) == 6
    assert differences(raw) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(strategy(REGISTRY))
def test_any_case_gives_the_same_decision(case):
    assert differences([case]) == []


def test_a_thousand_cases_at_once_over_every_municipality_and_version():
    raw = many(REGISTRY, 1000, seed=7)
    assert len({c["municipality"] for c in raw}) == len(REGISTRY.municipalities)
    assert differences(raw) == []


@pytest.mark.differential
def test_a_hundred_thousand_generated_cases_give_the_same_decisions():
    """The issue's differential test: 100,000 generated cases, every option, every detail."""
    raw = many(REGISTRY, 100_000, seed=2026)
    diffs = differences(raw)
    assert diffs[:3] == [] and len(diffs) == 0


def test_money_is_exact_at_the_cent(registry):
    case = lasmasker()
    frame = case_table([parse_case(dict(case, case_id=f"c{cents}", income=[{"source": "wages", "net_monthly": f"{cents / 100:.2f}"}]))
                        for cents in (150596, 150597, 150598)], registry.vocabulary)
    assert frame["income.net_monthly"].dtype == pl.Int64
    table = columnar.evaluate(frame, registry).table
    assert table[columnar.col("status", "special_assistance")].to_list() == ["allowed", "allowed", "route_available"]


def test_the_largest_amounts_a_case_takes_are_computed_exactly(registry):
    """The largest income list (engine.case.MAX_INCOME_ITEMS) of the largest amount, a sum of 5 · 10^13 cents, and
    the largest need, every option: the 64-bit columns give what the single-case evaluator gives (no wrap)."""
    from engine.case import MAX_INCOME_ITEMS
    most = "9999999999.99"
    base = dict(lasmasker(), options=sorted(registry.vocabulary.options), assets=most)
    base["need"] = dict(base["need"], amount=most, expected_earnings_monthly=most)
    cases = [dict(base, case_id=f"max-{n}", income=[{"source": "wages", "net_monthly": most}] * n)
             for n in (1, MAX_INCOME_ITEMS)]
    assert differences(cases) == []


def test_unknown_facts_name_themselves_per_option(registry):
    case = lasmasker()
    del case["income"]
    case["need"]["at_risk"] = "other"
    long = columnar.evaluate(case_table([parse_case(case)], registry.vocabulary), registry).decode()
    special = long.filter(pl.col("option") == "special_assistance").row(0, named=True)
    assert special["status"] == "needs_information"
    assert special["missing_facts"][0] == "income.net_monthly"
    assert special["possible"] == ["pw.35.1.draagkracht_dekt_kosten", "zaanstad.bb.inkomensgrens"]


def test_an_open_term_is_unknown_with_its_own_name(registry):
    case = dict(lasmasker(), municipality="groningen")
    long = columnar.evaluate(case_table([parse_case(case)], registry.vocabulary), registry).decode()
    special = long.filter(pl.col("option") == "special_assistance").row(0, named=True)
    assert "groningen.percentage_inkomensgrens" in special["open_terms"]
    assert "groningen.percentage_inkomensgrens" not in special["missing_facts"]


def test_a_construct_it_cannot_compile_is_named_with_file_and_line():
    own = Registry.load(RULESETS)  # a private copy: the test changes a compiled rule in place
    bundle = own.bundle("zaanstad", dt.date(2025, 9, 15))
    bundle.rules["zaanstad.bb.inkomensgrens"].when = compile_expression("household.children < 5", lambda _: True)
    with pytest.raises(columnar.Unsupported) as err:
        columnar.compile_plan(build_bundle(bundle.versions), own.vocabulary, ["special_assistance"])
    problem = err.value.problems[0]
    assert problem.rule == "zaanstad.bb.inkomensgrens" and problem.file.endswith("bijzondere_bijstand.yaml")
    assert problem.line and "kolomsgewijze" in problem.message


def test_a_constant_beyond_64_bits_is_named_not_a_crash():
    """99999999999999 * 99999999999999 * 99999999999999 is folded to 10**42: Polars refused it with an
    OverflowError, a 500 on the what-if API (independent attacker review)."""
    own = Registry.load(RULESETS)
    bundle = own.bundle("zaanstad", dt.date(2025, 9, 15))
    bundle.rules["zaanstad.bb.inkomensgrens"].when = compile_expression(
        "income.net_monthly > 99999999999999 * 99999999999999 * 99999999999999", lambda _: True)
    with pytest.raises(columnar.Unsupported) as err:
        columnar.compile_plan(build_bundle(bundle.versions), own.vocabulary, ["special_assistance"])
    assert "te groot is voor de berekening in kolommen" in err.value.problems[0].message


def test_rounding_is_half_away_from_zero():
    frame = pl.DataFrame({"x": [1005, -1005, 1004, -1004, 1015]})  # thousandths
    node = columnar.Node("num", pl.col("x"), scale=3)
    out = frame.select(columnar.round_to(node, 2, None, None)).to_series().to_list()
    assert [Decimal(v) / 100 for v in out] == [Decimal(str(x / 1000)).quantize(Decimal("0.01"), "ROUND_HALF_UP")
                                                 for x in (1005, -1005, 1004, -1004, 1015)]


def test_division_by_a_case_value_matches_the_core_after_rounding(registry):
    # the kostendelersnorm of art. 22a divides by the number of people; it must be exact to the cent
    cases = []
    for sharers in range(0, 5):
        for income in ("0.00", "900.00", "1250.00"):
            case = lasmasker()
            case.update(benefit="bijstand", options=["bijstand", "special_assistance"],
                        income=[{"source": "bijstand", "net_monthly": income}])
            case["household"]["cost_sharers"] = sharers
            case["case_id"] = f"kd-{sharers}-{income}"
            cases.append(parse_case(case))
    long = columnar.evaluate(case_table(cases, registry.vocabulary), registry).decode()
    for case in cases:
        core = evaluate_one(case, registry)
        for option in core["options"]:
            row = long.filter((pl.col("case_id") == case.case_id) & (pl.col("option") == option["option"])).row(0, named=True)
            assert row["status"] == option["status"], (case.case_id, option["option"])


@pytest.mark.parametrize("towns", [["zaanstad"] * 3, ["zaanstad", "amsterdam", "zaanstad"], []])
def test_each_town_and_day_is_one_key_whether_the_table_has_one_or_many(towns):
    # one town on one day takes a pass without hashing (whatif.columnar._keys); the result is the same
    day = dt.date(2025, 9, 15)
    lf = pl.DataFrame({"case.municipality": towns, "case.reference_date": [day] * len(towns)},
                      schema={"case.municipality": pl.String, "case.reference_date": pl.Date}).lazy()
    keys, plans = columnar.plans_for(lf, REGISTRY, ())
    assert keys.select("case.municipality", "case.reference_date").rows() == [(t, day) for t in sorted(set(towns))]
    assert keys.schema["case.reference_date"] == pl.Date and len(plans) == len(set(keys[columnar.BUNDLE]))


def test_a_table_in_memory_gives_what_the_same_table_read_lazily_gives():
    # in memory, facts known in every row leave out their fact masks (columnar.known_everywhere); lazily none do
    frame = case_table([parse_case(c) for c in many(REGISTRY, 300, seed=11)], REGISTRY.vocabulary)
    frame = frame.with_columns(pl.col("income.net_monthly").fill_null(0))  # one fact surely known everywhere
    assert "income.net_monthly" in columnar.known_everywhere(frame, REGISTRY.vocabulary)
    assert columnar.known_everywhere(frame.lazy(), REGISTRY.vocabulary) == frozenset()
    eager, lazy = columnar.evaluate(frame, REGISTRY), columnar.evaluate(frame.lazy(), REGISTRY)
    assert eager.table.equals(lazy.table) and eager.decode().equals(lazy.decode())


def test_date_arithmetic_gives_the_same_day_in_columns():
    """add_months / add_days (legal audit D-66): polars clamps a missing day to the month's end, the engine takes
    the first of the next month; the columnar path must say the same as the closures."""
    own = Registry.load(RULESETS)
    day = dt.date(2025, 2, 28)
    bundle = own.bundle("groningen", day)
    bundle.rules["bbz.2.3.laatste_maand"].when = compile_expression(
        "add_days(add_months(circumstances.preparation_start, 12), -1) == case.reference_date", lambda _: True)
    cases = []
    for i, start in enumerate([dt.date(2024, 2, 29), dt.date(2024, 2, 28), dt.date(2024, 3, 1), dt.date(2024, 2, 27)]):
        case = {"case_id": f"d-{i}", "reference_date": day.isoformat(), "municipality": "groningen",
                "benefit": "bijstand", "options": ["bbz_preparation"],
                "need": {"kind": "start_business"},
                "circumstances": {"preparation_started": True, "preparation_start": start.isoformat()}}
        cases.append(parse_case(case))
    long = columnar.evaluate(case_table(cases, own.vocabulary), own).decode()
    got = {r["case_id"]: sorted(r["grounds"]) for r in long.iter_rows(named=True)}
    want = {c.case_id: sorted(g["rule"] for o in evaluate_one(c, own)["options"] for g in o["grounds"]
                              if g["status"] == "applies") for c in cases}
    assert got == want
    assert "bbz.2.3.laatste_maand" in want["d-0"] and "bbz.2.3.laatste_maand" not in want["d-1"]
