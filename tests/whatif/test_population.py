"""The synthetic population: seeded, partition-independent, exact money, as documented."""
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from engine.case import parse_case
from engine.errors import CaseError
from engine.evaluator import evaluate as evaluate_one
from engine.registry import Registry
from tests.conftest import RULESETS
from tests.whatif.test_columnar import batch, single
from whatif import columnar, population
from whatif.frame import case_from_row, case_table

REGISTRY = Registry.load(RULESETS)
DAY = dt.date(2025, 9, 15)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "whatif.md"


@pytest.fixture(scope="module")
def people() -> pl.DataFrame:
    return population.generate(20_000, 42, REGISTRY, DAY)


def test_the_same_seed_gives_the_same_households_in_any_partitioning(people):
    assert population.generate(20_000, 42, REGISTRY, DAY).equals(people)
    halves = [population.generate(10_000, 42, REGISTRY, DAY, offset=o) for o in (0, 10_000)]
    assert pl.concat(halves).equals(people)
    assert not population.generate(20_000, 43, REGISTRY, DAY)["income.net_monthly"].equals(people["income.net_monthly"])


def test_money_is_integer_cents_and_nothing_is_a_float(people):
    assert not [c for c, t in people.schema.items() if t in (pl.Float32, pl.Float64)]
    assert people.schema["income.net_monthly"] == pl.Int64 and people.schema["need.amount"] == pl.Int64
    known = people.filter(pl.col("income.net_monthly").is_not_null())
    parts = sum(known[f"income.{s}"] for s in ("wages", "self_employment", "bijstand", "other_benefit", "alimony", "other"))
    assert (parts == known["income.net_monthly"]).all()


def test_incomes_are_drawn_relative_to_the_norm_of_the_rule_set_in_force(people):
    pw = REGISTRY.bundle("zaanstad", DAY).params
    singles = people.filter((pl.col("household.composition") == "single") & pl.col("applicant.age").is_between(21, 66)
                            & pl.col("income.net_monthly").is_not_null())
    norm = int(pw["participatiewet.norm_alleenstaande"] * 100)
    ratio = singles["income.net_monthly"] / norm
    assert ratio.min() >= 0.8 - 1 / norm and ratio.max() <= 2.5  # cents are rounded down
    # A4: 35% below the norm
    assert abs((ratio < 1).mean() - 0.35) < 0.03


def test_the_shares_are_the_documented_assumptions(people):
    def share(column, value):
        return (people[column] == value).mean()
    assert abs(share("household.composition", "single") - 0.55) < 0.02  # A1
    assert abs(share("need.kind", "one_off_cost") - 0.50) < 0.02  # A9
    assert abs(people["debts.regime"].is_null().mean() - 0.04) < 0.01  # A12
    assert abs(share("debts.regime", "wsnp") - 0.08 * 0.96) < 0.01  # A7
    wsnp = people.filter(pl.col("debts.regime") == "wsnp")
    assert abs(wsnp["debts.free_allowance_monthly"].is_not_null().mean() - 0.85) < 0.03  # A8
    assert set(people["case.municipality"].unique()) == set(REGISTRY.municipalities)  # A14


def test_every_assumption_is_in_the_documentation():
    text = DOCS.read_text(encoding="utf-8")
    for a in population.ASSUMPTIONS:
        assert re.search(rf"\|\s*{a.id}\s*\|", text), f"{a.id} ontbreekt in docs/whatif.md"


def test_households_are_consistent_cases(people):
    singles = people.filter(pl.col("household.composition") == "single")
    assert singles["partner.age"].is_null().all() and (singles["household.children"].list.len() == 0).all()
    parents = people.filter(pl.col("household.composition") == "single_parent")
    assert (parents["household.children"].list.len() >= 1).all()
    assert people["household.children"].explode().drop_nulls().is_between(0, 17).all()
    assert people.filter(pl.col("debts.regime") != "wsnp")["debts.free_allowance_monthly"].is_null().all()
    kinds = people.group_by("need.kind").agg(pl.col("case.options").first())
    assert {k: o for k, o in kinds.iter_rows()} == population.OPTIONS_BY_NEED


def test_every_household_is_a_valid_case_with_the_same_decision_in_both_evaluators(people):
    sample = people.head(1500)
    cases = [parse_case(case_from_row(r, REGISTRY.vocabulary)) for r in sample.iter_rows(named=True)]
    # the case files carry exactly the facts of the table
    assert case_table(cases, REGISTRY.vocabulary).select(sample.columns).drop("avoided_costs.once").equals(
        sample.drop("avoided_costs.once"))
    got = batch(columnar.evaluate(sample, REGISTRY).decode())
    assert all(got[c.case_id] == single(evaluate_one(c, REGISTRY)) for c in cases)


def test_written_partitions_read_back_as_the_population(tmp_path):
    parts = population.write(tmp_path, 2_500, 42, REGISTRY, DAY, rows_per_part=1_000)
    assert [p.name for p in parts] == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    assert population.scan(tmp_path).collect().equals(population.generate(2_500, 42, REGISTRY, DAY))
    assert (tmp_path / population.META).exists()


def test_an_unknown_municipality_is_refused():
    with pytest.raises(CaseError, match="geen lokale regelset") as info:
        population.generate(10, 1, REGISTRY, DAY, ["zaandam"])
    assert "zaandam" not in str(info.value) and info.value.problems[0].field == "municipalities.0"
