import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pytest

from casebook import synthetic
from casebook.importers import RawRecord, to_prepared
from casebook.evaluation import evaluate
from engine.bsn import bsn_paths


@pytest.fixture(scope="module")
def sample(registry):
    return list(synthetic.generate(3000, seed=11, registry=registry))


def test_the_same_seed_gives_the_same_casebook_and_prefixes_agree(registry, sample):
    assert list(synthetic.generate(50, seed=11, registry=registry)) == sample[:50]
    assert list(synthetic.generate(50, seed=12, registry=registry)) != sample[:50]
    assert list(synthetic.generate(5, seed=11, registry=registry, start=10)) == sample[10:15]


def test_every_case_is_valid_and_evaluates(registry, sample):
    outcomes = Counter()
    for i, record in enumerate(sample[:600]):
        prepared = to_prepared(RawRecord("syn", i + 1, record))
        outcomes[evaluate(prepared, registry)["outcome"]] += 1
    assert set(outcomes) == {"allowed", "route_available", "needs_information", "blocked"}


def test_no_number_looks_like_a_bsn(sample):
    assert not any(list(bsn_paths(r)) for r in sample)
    assert len({r["case"]["case_id"] for r in sample}) == len(sample)


@pytest.mark.parametrize("name, weights, key", [
    ("municipality", synthetic.MUNICIPALITIES, lambda r: r["case"]["municipality"]),
])
def test_the_documented_distributions_hold(sample, name, weights, key):
    counts = Counter(key(r) for r in sample)
    for value, weight in weights.items():
        assert abs(counts[value] / len(sample) - weight) < 0.03, (name, value)


def test_shares_of_signals_and_first_conversations(sample):
    signals = sum("signal" in r for r in sample) / len(sample)
    first = sum("eerste-gesprek" in r["tags"] for r in sample) / len(sample)
    assert abs(signals - synthetic.SIGNAL) < 0.03
    assert abs(first - synthetic.INCOMPLETE) < 0.03


def test_reference_dates_lie_in_the_period(sample):
    days = [dt.date.fromisoformat(r["case"]["reference_date"]) for r in sample]
    assert synthetic.PERIOD[0] <= min(days) and max(days) <= synthetic.PERIOD[1]


def test_law_figures_come_from_the_rule_sets(registry, sample):
    """A bijstand income is the norm in force for that municipality and date; a VTLB is 95% of it."""
    checked = 0
    for r in sample:
        case = r["case"]
        day = dt.date.fromisoformat(case["reference_date"])
        params = registry.bundle(case["municipality"], day).params
        composition = case["household"]["composition"]
        norm = params["participatiewet.norm_gehuwden" if composition == "couple" else "participatiewet.norm_alleenstaande"]
        income = case.get("income") or []
        if income and income[0]["source"] == "bijstand":
            assert Decimal(income[0]["net_monthly"]) == norm
            checked += 1
        vtlb = (case.get("debts") or {}).get("free_allowance_monthly")
        if vtlb:
            assert Decimal(vtlb) == (norm * Decimal("0.95")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert checked > 100
