"""The rule-set test runner: building cases from fragments, reading test files, and judging decisions."""
import datetime as dt
import subprocess
import sys

import pytest

from engine.registry import Registry
from engine.ruletests import BASE_CASE, RuleTestFileError, assertions, load_test_file, merge, run_test
from tests import demo_rulesets as demo
from tests.conftest import ROOT, RULESETS


@pytest.fixture
def root(tmp_path):
    return demo.write(tmp_path)


def load_demo_tests(root, text):
    path = root / "demo" / "2024-01-01" / "x.test.yaml"
    path.write_text(text)
    return load_test_file(path, "x.test.yaml")


def test_fragments_merge_maps_replace_lists_and_null_removes():
    merged = merge(BASE_CASE, {"household": {"cost_sharers": 2}, "income": [{"source": "wages", "net_monthly": "5"}],
                               "debts": None})
    assert merged["household"]["composition"] == "single" and merged["household"]["cost_sharers"] == 2
    assert merged["income"] == [{"source": "wages", "net_monthly": "5"}] and "debts" not in merged
    assert BASE_CASE["household"]["cost_sharers"] == 0  # the base itself is untouched


def test_a_test_file_builds_full_cases(root):
    [t] = load_demo_tests(root, "defaults: {municipality: stad, options: [opt_a]}\n"
                         "tests:\n  - id: a\n    date: 2024-02-01\n    case: {assets: '5.00'}\n    expect: {}\n")
    assert (t.date, t.municipality, t.options, t.nodeid) == (dt.date(2024, 2, 1), "stad", ("opt_a",), "x.test.yaml::a")
    assert t.case["reference_date"] == "2024-02-01" and t.case["assets"] == "5.00" and t.case["case_id"] == "a"


@pytest.mark.parametrize("text, fragment", [
    ("tests:\n  - id: a\n    options: [opt_a]\n    expect: {}\n", "x.test.yaml:2 a: een test heeft een 'date'"),
    ("tests:\n  - id: a\n    date: 2024-01-01\n    expect: {}\n", "een test noemt de te toetsen 'options'"),
    ("tests:\n  - {id: a, date: 2024-01-01, options: [opt_a], expect: {}}\n  - {id: a, date: 2024-01-01, options: [opt_a], expect: {}}\n",
     "test-id 'a' komt twee keer voor"),
    ("tests:\n  - id: a\n    date: 2024-01-01\n    options: [opt_a]\n    expect: {statuss: {}}\n", "x.test.yaml:5 tests.0.expect.statuss: onbekend veld"),
    ("tests:\n  - id: A b\n    date: 2024-01-01\n    expect: {}\n", "tests.0.id: ongeldige opmaak"),
    ("tests: [\n", "ongeldige YAML"),
])
def test_bad_test_files_name_file_line_and_field(root, text, fragment):
    with pytest.raises(RuleTestFileError) as err:
        load_demo_tests(root, text)
    assert fragment in err.value.render()


def test_failures_say_what_was_expected_and_what_came(root):
    [t] = load_demo_tests(root, """\
defaults: {municipality: stad, options: [opt_a]}
tests:
  - id: a
    date: 2024-06-01
    case: {income: [{source: wages, net_monthly: "2000"}]}
    expect:
      status: {opt_a: allowed}
      not_blocked: {opt_a: [demo.2.grens]}
      routes: {opt_a: {demo.3.ouderen: available}}
      missing: {opt_a: []}
      facts: {demo.grens: "999", applicant.age: 35}
""")
    result = run_test(t, Registry.load(root))
    messages = [f.message for f in result.failures]
    assert messages == [
        "status van opt_a: verwacht allowed, kreeg blocked",
        "opt_a: demo.2.grens blokkeert of kan blokkeren, dat werd niet verwacht",
        "opt_a: route demo.3.ouderen verwacht met status available, kreeg unavailable",
        "demo.grens: verwacht 999, kreeg 1000",
    ]
    assert result.failures[0].text("en") == "status of opt_a: expected allowed, got blocked"


def test_unknown_values_and_missing_facts_can_be_expected(root):
    [t] = load_demo_tests(root, """\
defaults: {municipality: stad, options: [opt_a]}
tests:
  - id: a
    date: 2024-06-01
    case: {income: null}
    expect:
      status: {opt_a: needs_information}
      possible_blocks: {opt_a: [demo.2.grens]}
      missing: {opt_a: [income.net_monthly]}
      facts: {income.net_monthly: unknown}
""")
    assert run_test(t, Registry.load(root)).passed


def test_an_expectation_about_an_option_not_checked_fails(root):
    [t] = load_demo_tests(root, "tests:\n  - {id: a, date: 2024-06-01, municipality: stad, options: [opt_a], expect: {status: {opt_b: allowed}}}\n")
    assert "niet in de opties van de test" in run_test(t, Registry.load(root)).failures[0].message


def test_assertions_separate_firing_from_quiet(root):
    tests = load_test_file(root / "demo" / "2024-01-01" / "demo.test.yaml")
    seen = [assertions(t) for t in tests]
    assert seen[0] == {"fired": {"demo.2.grens"}, "quiet": {"demo.3.ouderen"}, "facts": set()}
    assert seen[2]["quiet"] == {"demo.2.grens"} and seen[2]["facts"] == {"demo.grens"}


# ---------------------------------------------------------------------------------------------
# Tests under an overlay (OpenFisca's `reforms:`)

HIGHER_LIMIT = """\
overlay: {title: Grens naar 1200, ruleset: demo, from: 2024-03-01}
parameters:
  grens: {value: "1200"}
"""

UNDER_THE_OVERLAY = """\
defaults: {municipality: stad, options: [opt_a], case: {income: [{source: wages, net_monthly: "1100"}]}}
tests:
  - id: voor-de-overlay
    date: 2024-02-01
    expect: {status: {opt_a: blocked}, facts: {demo.grens: "1000"}}
  - id: onder-de-overlay
    date: 2024-06-01
    expect: {status: {opt_a: allowed}, facts: {demo.grens: "1200"}}
"""


def test_a_test_file_naming_an_overlay_runs_on_the_amended_rules(root):
    # not in a version folder, where the loader would read it as rules
    (root / "grens-1200.yaml").write_text(HIGHER_LIMIT)
    tests = load_demo_tests(root, "overlay: ../../grens-1200.yaml\n" + UNDER_THE_OVERLAY)
    registry = Registry.load(root)
    assert [t.overlay for t in tests] == [root.resolve() / "grens-1200.yaml"] * 2
    assert [run_test(t, registry).failures for t in tests] == [[], []]
    plain = load_demo_tests(root, UNDER_THE_OVERLAY)  # the same tests without it: the limit is still 1000
    assert [t.overlay for t in plain] == [None, None]
    assert [f.message for f in run_test(plain[1], registry).failures] == [
        "status van opt_a: verwacht allowed, kreeg blocked", "demo.grens: verwacht 1200, kreeg 1000"]


def test_an_overlay_is_named_by_a_shipped_example():
    path = RULESETS / "local" / "zaanstad" / "2025-07-01" / "inkomensgrens-120.test.yaml"
    tests = load_test_file(path)
    assert {t.overlay for t in tests} == {(ROOT / "whatif" / "examples" / "zaanstad-120.yaml").resolve()}


@pytest.mark.parametrize("overlay, fragments", [
    ("grens-1300", ["x.test.yaml:1 overlay: overlay 'grens-1300' niet gevonden",
                    "bekend: amsterdam-maatwerkbudget, zaanstad-120"]),
    ("../../kapot.yaml", ["x.test.yaml:1 overlay: overlay '../../kapot.yaml' kan niet worden toegepast",
                          "kapot.yaml:1: onbekende regelset 'deom'; bedoelde u 'demo'?"]),
])
def test_an_overlay_that_cannot_be_used_is_a_dutch_error_with_file_and_line(root, overlay, fragments):
    (root / "kapot.yaml").write_text(HIGHER_LIMIT.replace("ruleset: demo", "ruleset: deom"))
    with pytest.raises(RuleTestFileError) as caught:
        load_demo_tests(root, f"overlay: {overlay}\n" + UNDER_THE_OVERLAY)
    text = caught.value.render()
    assert all(f in text for f in fragments), text


def test_regelruimte_test_exits_2_on_an_unknown_overlay(root):
    (root / "demo" / "2024-01-01" / "x.test.yaml").write_text("overlay: grens-1300\n" + UNDER_THE_OVERLAY)
    result = subprocess.run([sys.executable, "-m", "service.cli", "test", str(root / "demo")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "x.test.yaml:1 overlay: overlay 'grens-1300' niet gevonden" in result.stderr
