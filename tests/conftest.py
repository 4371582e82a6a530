from __future__ import annotations

import copy
from pathlib import Path

import pytest

from engine.registry import Registry
from engine.yamlsource import load_file

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
CASES = ROOT.parent / "shared" / "cases"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load(RULESETS)


def lasmasker() -> dict:
    """The welding-mask case, as in the public acceptance set (a copy the test may change)."""
    return {
        "case_id": "zaanstad-lasmasker", "reference_date": "2025-09-15", "municipality": "zaanstad",
        "household": {"composition": "single", "members": [{"role": "applicant", "age": 41}], "children": [],
                      "cost_sharers": 0},
        "income": [{"source": "wages", "net_monthly": "1720.00"}], "assets": "0.00",
        "debts": {"regime": "wsnp", "since": "2025-03-01", "free_allowance_monthly": "1310.00"},
        "benefit": "none", "work": "employed",
        "need": {"kind": "one_off_cost", "purpose": "work", "description": "Welding mask", "amount": "1100.00",
                 "needed_within_days": 14, "at_risk": "job_loss"},
        "options": ["wage_deduction", "special_assistance", "cash_gift", "in_kind"],
        "avoided_costs": [{"item": "bijstand benefit after losing the job", "per_year": "16428.72"}],
    }


@pytest.fixture
def welding_case() -> dict:
    return copy.deepcopy(lasmasker())


def shared_case(name: str) -> dict:
    return load_file(CASES / f"{name}.yaml")
