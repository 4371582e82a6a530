import datetime as dt
from decimal import Decimal

import pytest

from casebook import analysis as a
from casebook.report import build_report
from casebook.store import Filters
from tests.casebook.conftest import add_records

FW, ZS, PW = "Faillissementswet", "Inkomensgrens minimavoorzieningen gemeente Zaanstad", "Participatiewet"


def test_blocks_are_ranked_by_cases_then_options_with_their_article():
    rows = [{"rule": "b", "law": PW, "article": "41", "paragraph": "4", "cases": 3, "options": 3},
            {"rule": "a", "law": FW, "article": "295", "paragraph": "1", "cases": 5, "options": 5},
            {"rule": "c", "law": FW, "article": "297", "paragraph": "2", "onderdeel": "a", "cases": 3, "options": 4}]
    ranked = a.rank_blocks(rows, total_cases=10, possible=[{"rule": "b", "cases": 2}])
    assert [(r["rank"], r["rule"]) for r in ranked] == [(1, "a"), (2, "c"), (3, "b")]
    assert ranked[1]["article"] == "art. 297 lid 2 onderdeel a"
    assert ranked[0]["share"] == Decimal("0.500")
    assert [r["possible_cases"] for r in ranked] == [0, 0, 2]


def welding_rows(decision_id=1):
    """The blocks of the welding mask: Wsnp on three options, Zaanstad's 110% on two."""
    return [{"decision_id": decision_id, "option": o, "rule": r, "law": law} for o, r, law in [
        ("wage_deduction", "wsnp.297.2.a.krediet", FW), ("wage_deduction", "wsnp.295.2.afdracht_boven_vtlb", FW),
        ("special_assistance", "zaanstad.bb.inkomensgrens", ZS), ("cash_gift", "wsnp.295.1.boedel", FW),
        ("in_kind", "zaanstad.bb.inkomensgrens", ZS)]]


def test_collisions_pair_only_rules_from_different_laws():
    pairs, sets, laws = a.collisions(welding_rows(1) + welding_rows(2))
    assert {(p["rule_a"], p["rule_b"]) for p in pairs} == {
        ("wsnp.295.1.boedel", "zaanstad.bb.inkomensgrens"), ("wsnp.295.2.afdracht_boven_vtlb", "zaanstad.bb.inkomensgrens"),
        ("wsnp.297.2.a.krediet", "zaanstad.bb.inkomensgrens")}
    assert all(p["cases"] == 2 and p["same_option"] == 0 for p in pairs)
    assert sets == [{"rank": 1, "rules": "wsnp.295.1.boedel × wsnp.295.2.afdracht_boven_vtlb × wsnp.297.2.a.krediet "
                                          "× zaanstad.bb.inkomensgrens", "laws": f"{FW} × {ZS}", "size": 4, "cases": 2}]
    assert laws == [{"rank": 1, "laws": f"{FW} × {ZS}", "size": 2, "cases": 2}]


def test_collisions_count_rules_blocking_the_same_option_and_skip_single_law_cases():
    rows = [{"decision_id": 1, "option": "special_assistance", "rule": "x", "law": PW},
            {"decision_id": 1, "option": "special_assistance", "rule": "y", "law": ZS},
            {"decision_id": 2, "option": "cash_gift", "rule": "z", "law": FW},
            {"decision_id": 2, "option": "loan", "rule": "w", "law": FW}]
    pairs, sets, _ = a.collisions(rows)
    assert pairs == [{"rank": 1, "rule_a": "x", "law_a": PW, "rule_b": "y", "law_b": ZS, "cases": 1, "same_option": 1}]
    assert [s["rules"] for s in sets] == ["x × y"]


def test_the_collision_matrix_is_symmetric_and_ordered_by_weight():
    pairs, _, _ = a.collisions(welding_rows(1) + welding_rows(2)[:3])
    labels, matrix = a.collision_matrix(pairs)
    assert labels[0] == "zaanstad.bb.inkomensgrens"
    assert all(matrix[i][j] == matrix[j][i] for i in range(len(labels)) for j in range(len(labels)))
    i, j = labels.index("wsnp.297.2.a.krediet"), labels.index("zaanstad.bb.inkomensgrens")
    assert matrix[i][j] == 2 and matrix[i][i] == 0


def test_routes_with_the_cases_they_are_the_only_way():
    rows = [{"route": "pw.16.1", "status": "available", "law": PW, "article": "16", "paragraph": "1",
             "discretionary": 1, "cases": 4},
            {"route": "pw.16.1", "status": "conditional", "law": PW, "article": "16", "paragraph": "1",
             "discretionary": 1, "cases": 1},
            {"route": "budget", "status": "available", "law": ZS, "discretionary": 1, "cases": 4},
            {"route": "vtlb", "status": "unavailable", "law": PW, "discretionary": 0, "cases": 2}]
    table = a.route_table(rows, sole=[{"route": "pw.16.1", "cases": 3}], total_cases=8)
    assert [r["route"] for r in table] == ["pw.16.1", "budget", "vtlb"]
    first = table[0]
    assert (first["available"], first["conditional"], first["sole_way"], first["article"]) == (4, 1, 3, "art. 16 lid 1")
    assert first["share_available"] == Decimal("0.500") and table[2]["discretionary"] is False


def test_which_route_lifts_which_block():
    rows = [{"block": "b1", "route": "r1", "status": "available", "cases": 2},
            {"block": "b1", "route": "r1", "status": "conditional", "cases": 1},
            {"block": "b1", "route": "r2", "status": "available", "cases": 5},
            {"block": "a0", "route": "r1", "status": "unavailable", "cases": 1}]
    assert a.lifts_table(rows) == [
        {"block": "a0", "route": "r1", "available": 0, "conditional": 0, "unavailable": 1},
        {"block": "b1", "route": "r2", "available": 5, "conditional": 0, "unavailable": 0},
        {"block": "b1", "route": "r1", "available": 2, "conditional": 1, "unavailable": 0}]


def test_no_route_cases_and_their_patterns():
    cases = [{"decision_id": i, "case_id": f"c{i}", "municipality": "utrecht", "reference_date": dt.date(2025, 1, i),
              "team": None, "signal": None} for i in (1, 2, 3)]
    blocks = [{"decision_id": 1, "rule": "pw.41.4", "law": PW}, {"decision_id": 2, "rule": "pw.41.4", "law": PW},
              {"decision_id": 3, "rule": "wsnp.295.1", "law": FW}, {"decision_id": 3, "rule": "pw.35.1", "law": PW}]
    table = a.no_route_table(cases, blocks)
    assert [r["blocks"] for r in table] == ["pw.41.4", "pw.41.4", "pw.35.1 · wsnp.295.1"]
    assert table[2]["laws"] == f"{FW} × {PW}"
    assert a.no_route_by_rules(table)[0] == {"rank": 1, "blocks": "pw.41.4", "laws": PW, "cases": 2}


def test_the_kassabon_per_help_path_is_exact():
    rows = [{"outcome": "route_available", "primary_route": "zaanstad.maatwerkbudget", "cases": 2,
             "cost_once_cents": 220000, "avoided_per_year_cents": 3285744, "avoided_once_cents": 0},
            {"outcome": "allowed", "primary_route": None, "cases": 1, "cost_once_cents": 45000,
             "avoided_per_year_cents": 1000000, "avoided_once_cents": 5000},
            {"outcome": "blocked", "primary_route": None, "cases": 1, "cost_once_cents": 10000,
             "avoided_per_year_cents": 0, "avoided_once_cents": 0}]
    summary, paths = a.kassabon(rows)
    assert summary["total"] == {"cases": 4, "cost_once": Decimal("2750.00"), "avoided_per_year": Decimal("42857.44"),
                                "avoided_once": Decimal("50.00"), "ratio_per_year": Decimal("15.58")}
    assert summary["helped"]["cases"] == 3 and summary["not_helped"]["cost_once"] == Decimal("100.00")
    assert [p["path"] for p in paths] == ["zaanstad.maatwerkbudget", a.PATH_NONE, a.PATH_ALLOWED]  # ties by name
    assert paths[0]["ratio_per_year"] == Decimal("14.94")  # the welding mask's 16,428.72 / 1,100


def test_periods_fold_days():
    assert a.period_of(dt.date(2025, 9, 15)) == "2025-K3"
    assert a.period_of(dt.date(2025, 9, 15), "month") == "2025-09"
    assert a.period_of(dt.date(2025, 9, 15), "year") == "2025"
    rows = [{"reference_date": dt.date(2025, 1, 5), "rule": "r", "cases": 2},
            {"reference_date": dt.date(2025, 3, 31), "rule": "r", "cases": 1},
            {"reference_date": dt.date(2025, 4, 1), "rule": "r", "cases": 4}]
    assert a.fold_periods(rows, "quarter") == [{"period": "2025-K1", "rule": "r", "cases": 3},
                                               {"period": "2025-K2", "rule": "r", "cases": 4}]
    with pytest.raises(ValueError):
        a.period_of(dt.date(2025, 1, 1), "week")


def test_missing_facts_tell_case_facts_from_open_norms():
    rows = [{"fact": "income.net_monthly", "cases": 3, "options": 4},
            {"fact": "amsterdam.percentage_inkomensgrens", "cases": 5, "options": 5}]
    ranked = a.rank_missing(rows, 10, {"income.net_monthly": "het netto maandinkomen"})
    assert [(r["fact"], r["kind"]) for r in ranked] == [("amsterdam.percentage_inkomensgrens", "open norm in regelset"),
                                                        ("income.net_monthly", "feit")]
    assert ranked[1]["label"] == "het netto maandinkomen"


def test_the_welding_mask_in_the_casebook_shows_wsnp_colliding_with_zaanstad(store, registry, welding_case):
    add_records(store, registry, [welding_case])
    report = build_report(store, Filters())
    sets = report.tables["collision_sets"].rows
    assert len(sets) == 1
    rules = sets[0]["rules"].split(" × ")
    assert {"wsnp.297.2.a.krediet", "zaanstad.bb.inkomensgrens", "wsnp.295.1.boedel"} <= set(rules)
    assert sets[0]["laws"] == f"{FW} × {ZS}"
    pairs = {(p["rule_a"], p["rule_b"]) for p in report.tables["collision_pairs"].rows}
    assert ("wsnp.295.1.boedel", "zaanstad.bb.inkomensgrens") in pairs
    assert report.kassabon["total"]["ratio_per_year"] == Decimal("14.94")
    assert report.tables["kassabon"].rows[0]["path"] == "zaanstad.maatwerkbudget"
    routes = {r["route"]: r for r in report.tables["routes"].rows}
    assert routes["pw.16.1.zeer_dringende_redenen"]["available"] == 1
    assert routes["pw.16.1.zeer_dringende_redenen"]["discretionary"] is True
