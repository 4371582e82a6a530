from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from engine.registry import Registry
from engine.yamlsource import load_file

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
# The acceptance cases and expected.yaml: the project's own copy of the shared contract, so a plain
# clone tests itself (.ci/run checks that the copy still equals the shared cases when they are there).
CASES = ROOT / "tests" / "cases" / "acceptance"
EXAMPLES = ROOT / "examples"


def case_names(folder: Path = CASES) -> list[str]:
    """The cases in `folder` (not expected.yaml). A missing or empty folder fails the run: a
    parametrised test must not quietly collect nothing."""
    names = sorted(p.stem for p in folder.glob("*.yaml") if p.name != "expected.yaml")
    if not names:
        raise FileNotFoundError(f"no cases in {folder}")
    return names


# CI sets CI=true: there a test that cannot run (no browser, a PostgreSQL it cannot use) fails instead of skipping.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def cannot_run(reason: str, module: bool = False) -> None:
    """Skip, saying why; in CI fail instead, so a missing server or browser is seen, not counted as a pass."""
    if IN_CI:
        pytest.fail(f"in CI moet dit draaien: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


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
    """One acceptance case, read from the project's copy of the shared cases."""
    return load_file(CASES / f"{name}.yaml")
