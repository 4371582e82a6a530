"""The rule-set test runner: building cases from fragments, reading test files, and judging decisions."""
import datetime as dt

import pytest

from engine.registry import Registry
from engine.ruletests import BASE_CASE, RuleTestFileError, assertions, load_test_file, merge, run_test
from tests import demo_rulesets as demo


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
