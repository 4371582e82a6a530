"""Every YAML rule-set test (`rulesets/**/*.test.yaml`) as its own pytest item, and lint without errors."""
from __future__ import annotations

import pytest

from decision.decide import decide
from engine.lint import lint
from engine.ruletests import RuleTestFileError, discover, load_test_file, run_test
from tests.conftest import RULESETS


def _collect():
    items, broken = [], []
    for f in discover(RULESETS):
        try:
            items += load_test_file(f, str(f.relative_to(RULESETS)))
        except RuleTestFileError as exc:
            broken.append(pytest.param(exc.render(), id=str(f.relative_to(RULESETS))))
    return items, broken


TESTS, BROKEN = _collect()


@pytest.mark.parametrize("test", TESTS, ids=[t.nodeid for t in TESTS])
def test_ruleset(test, registry):
    result = run_test(test, registry, decide)
    assert result.passed, f"{test.where} {test.id}:\n" + "\n".join(f"  - {f.message}" for f in result.failures)


@pytest.mark.parametrize("problem", BROKEN or [pytest.param(None, id="geen")])
def test_every_test_file_is_valid(problem):
    assert problem is None, problem


def test_there_are_rule_set_tests():
    assert len(TESTS) >= 200


def test_lint_finds_no_errors():
    errors = [d.render() for d in lint(RULESETS) if d.severity == "error"]
    assert not errors, "\n".join(errors)
