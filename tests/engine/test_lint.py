"""Lint: every code of the catalogue is raised by the mistake it names, and a clean folder has none."""
import datetime as dt

import pytest

from engine.lint import CATALOGUE, LintInputError, lint
from tests import demo_rulesets as demo
from tests.conftest import RULESETS


def codes(root):
    return {(d.code, d.id) for d in lint(root)}


def test_the_demo_folder_is_clean(tmp_path):
    assert lint(demo.write(tmp_path)) == []


def test_every_code_has_a_name_a_severity_and_both_languages():
    for code, (name, severity, nl, en) in CATALOGUE.items():
        assert code.startswith("RR") and name.isupper() and severity in ("error", "warning", "info") and nl and en


V24 = demo.V2024


@pytest.mark.parametrize("files, expected", [
    # a rule without its article
    ({"demo/2024-01-01/rules.yaml": V24.replace('source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/jci1.3:c:BWBR0000001&artikel=2"}',
                                               "source: {law: Demowet}")}, ("RR001", "demo.2.grens")),
    # a parameter value with neither a dated URL nor a note
    ({"demo/2024-01-01/rules.yaml": V24.replace('url: "https://wetten.overheid.nl/BWBR0000001/2024-01-01"',
                                               'url: "https://wetten.overheid.nl/BWBR0000001"')}, ("RR002", "grens")),
    # the first version ends a day early: a gap
    ({"demo/2024-01-01/rules.yaml": V24.replace("  changes: Basisversie.", "  changes: Basisversie.\n  valid_to: 2024-12-30")},
     ("RR003", "demo")),
    # ... or a day late: an overlap
    ({"demo/2024-01-01/rules.yaml": V24.replace("  changes: Basisversie.", "  changes: Basisversie.\n  valid_to: 2025-01-01")},
     ("RR004", "demo")),
    # a route lifting a rule that does not exist
    ({"demo/2024-01-01/rules.yaml": V24.replace("lifts: [demo.2.grens]", "lifts: [demo.2.gren]")}, ("RR005", "demo.3.ouderen")),
    # a rule no test shows firing
    ({"demo/2024-01-01/demo.test.yaml": demo.TESTS.replace("      blocks: {opt_a: [demo.2.grens]}\n", "")}, ("RR006", "demo.2.grens")),
    # an option no rule mentions
    ({"facts.yaml": demo.FACTS + "  opt_b: {title: Optie B, title_en: Option B}\n"}, ("RR007", "opt_b")),
    # English missing
    ({"demo/2024-01-01/rules.yaml": V24.replace("    reason_en: Income is too high.\n", "")}, ("RR008", "demo.2.grens")),
    # an open term
    ({"demo/2025-01-01/version.yaml": demo.V2025.replace('value: "1100"', 'value: null\n    verified: false\n    note: NOT FOUND')},
     ("RR009", "grens")),
    # a route no test shows closed
    ({"demo/2024-01-01/demo.test.yaml": demo.TESTS.replace("      routes: {opt_a: {demo.3.ouderen: unavailable}}\n", "")},
     ("RR010", "demo.3.ouderen")),
    # no test after the boundary of 2025
    ({"demo/2024-01-01/demo.test.yaml": demo.TESTS.split("  - id: nieuwe-grens")[0]}, ("RR011", "demo")),
    # a rule citing article 2 with a link to article 3
    ({"demo/2024-01-01/rules.yaml": V24.replace("artikel=2", "artikel=3")}, ("RR012", "demo.2.grens")),
    # a ground setting aside a rule that does not exist
    ({"demo/2024-01-01/rules.yaml": V24.replace("routes:", """  - id: demo.4.uitzondering
    kind: ground
    title: Uitzondering
    title_en: Exception
    applies_to: [opt_a]
    overrides: [demo.9.niets]
    reason: Uitzondering.
    reason_en: Exception.
    source: {law: Demowet, article: "4", url: "https://wetten.overheid.nl/jci1.3:c:BWBR0000001&artikel=4"}
routes:""")}, ("RR013", "demo.4.uitzondering")),
    # an unknown option
    ({"demo/2024-01-01/rules.yaml": V24.replace("applies_to: [opt_a]", "applies_to: [opt_x]")}, ("RR014", "demo.2.grens")),
    # an unknown name in a condition
    ({"demo/2024-01-01/rules.yaml": V24.replace("income.net_monthly > demo.grens", "income.netto > demo.grens")},
     ("RR015", "demo.2.grens")),
    # a test naming a rule that does not exist
    ({"demo/2024-01-01/demo.test.yaml": demo.TESTS.replace("not_blocked: {opt_a: [demo.2.grens]}", "not_blocked: {opt_a: [demo.2.grnes]}")},
     ("RR016", "op-de-grens")),
    # a parameter nothing reads
    ({"demo/2025-01-01/version.yaml": demo.V2025 + """  extra:
    title: Extra
    title_en: Extra
    unit: EUR
    value: "5"
    source: {law: Demowet, article: "5", url: "https://wetten.overheid.nl/BWBR0000001/2025-01-01"}
"""}, ("RR017", "extra")),
    # a version restating unchanged what it inherits
    ({"demo/2025-01-01/version.yaml": demo.V2025.replace('"1100"', '"1000"').replace("2025-01-01\"}", "2024-01-01\"}")},
     ("RR018", "grens")),
    # a version without a note
    ({"local/stad/2024-01-01/version.yaml": "parameters: {}\n"}, ("RR019", "stad")),
    # a condition that reads no case fact
    ({"demo/2024-01-01/rules.yaml": V24.replace("when: applicant.age >= 60", "when: demo.grens > 5")}, ("RR020", "demo.3.ouderen")),
    # an id without the rule set's prefix
    ({"demo/2024-01-01/rules.yaml": V24.replace("id: demo.3.ouderen", "id: x.3.ouderen").replace("demo.3.ouderen", "x.3.ouderen"),
      "demo/2024-01-01/demo.test.yaml": demo.TESTS.replace("demo.3.ouderen", "x.3.ouderen")}, ("RR021", "x.3.ouderen")),
    # an interpretation without a basis
    ({"demo/2024-01-01/rules.yaml": V24.replace("    applies_to: [opt_a]\n", "    applies_to: [opt_a]\n    confidence: assessment\n")},
     ("RR022", "demo.2.grens")),
    # an id used twice in one version
    ({"demo/2024-01-01/more.yaml": "rules:\n" + V24.split("rules:\n")[1].split("routes:")[0]}, ("RR023", "demo.2.grens")),
    # a placeholder in text that is not filled in
    ({"demo/2024-01-01/rules.yaml": V24.replace("argue: Leg uit waarom.", "argue: Leg uit waarom {demo.grens}.")},
     ("RR024", "demo.3.ouderen")),
    # a power to refuse ("kan weigeren") whose only route has conditions: it would read as a prohibition
    ({"demo/2024-01-01/rules.yaml": V24.replace("    applies_to: [opt_a]\n", "    applies_to: [opt_a]\n    discretionary: true\n")},
     ("RR030", "demo.2.grens")),
    # a 2024 rule reading a figure that only the 2025 version defines: it would read as unknown, silently
    ({"demo/2024-01-01/rules.yaml": V24.replace("income.net_monthly > demo.grens", "income.net_monthly > demo.extra"),
      "demo/2025-01-01/version.yaml": demo.V2025 + """  extra:
    title: Extra
    title_en: Extra
    unit: EUR
    value: "5"
    source: {law: Demowet, article: "5", url: "https://wetten.overheid.nl/BWBR0000001/2025-01-01"}
"""}, ("RR031", "demo.2.grens")),
])
def test_each_mistake_gives_its_code(tmp_path, files, expected):
    found = codes(demo.write(tmp_path, files))
    assert expected in found, sorted(found)


def test_findings_name_file_and_line_and_only_the_path_asked_for(tmp_path):
    root = demo.write(tmp_path, {"demo/2024-01-01/rules.yaml": V24.replace("    reason_en: Income is too high.\n", "")})
    [d] = [d for d in lint(root) if d.code == "RR008"]
    assert d.file.endswith("demo/2024-01-01/rules.yaml") and d.line == 11 and d.severity == "warning"
    assert "fout" not in d.render() and "RR008 MISSING_ENGLISH [demo.2.grens]" in d.render()
    assert [x for x in lint(root / "local") if x.code == "RR008"] == []


def test_unreadable_yaml_is_reported_as_such(tmp_path):
    root = demo.write(tmp_path, {"demo/2025-01-01/version.yaml": "version: [\n"})
    assert {d.code for d in lint(root)} == {"RR100"}


def test_no_rule_set_folder_is_input_error(tmp_path):
    with pytest.raises(LintInputError):
        lint(tmp_path)
    with pytest.raises(LintInputError):
        lint(tmp_path / "missing")


def test_the_bundled_rule_sets_have_no_errors_and_list_their_open_terms():
    diags = lint(RULESETS)
    assert not [d for d in diags if d.severity == "error"]
    open_terms = {d.id for d in diags if d.code == "RR009"}
    assert {"draagkrachtperiode_maanden", "vrijlating_31_2_n_max", "percentage_inkomensgrens", "pw.22a.1.kostendelersnorm"} <= open_terms


def _with_horizon(tmp_path):
    """The demo with figures of 1 January 2025 that change every 1 January: known until 31 December 2025."""
    return demo.write(tmp_path, {
        "demo/ruleset.yaml": demo.RULESET + 'indexation: {dates: ["01-01"], source: {law: Demowet}}\n',
        "demo/2025-01-01/version.yaml": demo.V2025.replace("  changes: Nieuwe grens.\n",
                                                           "  changes: Nieuwe grens.\n  figures: {as_of: 2025-01-01}\n")})


@pytest.mark.parametrize("today, warned", [
    (dt.date(2025, 11, 15), False),  # 46 days left
    (dt.date(2025, 11, 16), True),   # 45 days left: time to add the new figures
    (dt.date(2025, 12, 31), True),   # the last known day
    (dt.date(2026, 3, 1), True),     # already past
])
def test_the_horizon_warning_counts_from_the_injected_day(tmp_path, today, warned):
    found = [d for d in lint(_with_horizon(tmp_path), today=today) if d.code == "RR025"]
    assert bool(found) is warned
    if warned:
        [d] = found
        assert d.id == "demo" and d.severity == "warning" and d.file.endswith("demo/2025-01-01")
        assert "2025-12-31" in d.message and "2026-01-01" in d.message


def test_a_rule_set_without_figures_never_gets_the_horizon_warning(tmp_path):
    assert [d for d in lint(demo.write(tmp_path), today=dt.date(2040, 1, 1)) if d.code == "RR025"] == []


AMOUNT = """\
  - id: demo.4.rest
    kind: derive
    title: Wat boven de grens overblijft
    title_en: What is left above the limit
    fact: demo.rest
    formula: Het inkomen min de grens.
    formula_en: Income minus the limit.
    value: income.net_monthly - demo.grens
    amount: {unit: EUR/maand, applies_to: [opt_a]}
    source: {law: Demowet, article: "4", url: "https://wetten.overheid.nl/jci1.3:c:BWBR0000001&artikel=4"}
routes:"""


def _with_amount(tmp_path, rule: str = AMOUNT, facts: str = demo.FACTS):
    return demo.write(tmp_path, {"facts.yaml": facts, "demo/2024-01-01/rules.yaml": V24.replace("routes:", rule, 1)})


def test_a_declared_amount_with_its_formula_in_both_languages_gives_no_amount_finding(tmp_path):
    found = codes(_with_amount(tmp_path))
    assert not {c for c, i in found if i == "demo.4.rest" and c in ("RR050", "RR051", "RR008")}


@pytest.mark.parametrize("change, facts, expected", [
    # an amount that does not say how it is computed
    (("    formula: Het inkomen min de grens.\n    formula_en: Income minus the limit.\n", ""), demo.FACTS, "RR050"),
    # a formula without its English
    (("    formula_en: Income minus the limit.\n", ""), demo.FACTS, "RR008"),
    # an amount for an option no rule decides
    (("applies_to: [opt_a]}", "applies_to: [opt_b]}"),
     demo.FACTS + "  opt_b: {title: Optie B, title_en: Option B}\n", "RR051"),
])
def test_amount_mistakes_give_their_code(tmp_path, change, facts, expected):
    assert (expected, "demo.4.rest") in codes(_with_amount(tmp_path, AMOUNT.replace(*change), facts))


# The figure checks on figures kept as series (parameters/<group>.yaml): the finding names the value's line.
GRENZEN = "demo/parameters/grenzen.yaml"


def test_the_demo_with_series_is_clean(tmp_path):
    assert lint(demo.write_series(tmp_path)) == []


@pytest.mark.parametrize("files, expected", [
    # a value with neither a dated URL nor a note
    ({GRENZEN: demo.SERIES.replace("BWBR0000001/2025-01-01", "BWBR0000001")}, ("RR002", "grens")),
    # a value whose URL is the text of another date than its own
    ({GRENZEN: demo.SERIES.replace("BWBR0000001/2025-01-01", "BWBR0000001/2024-01-01")}, ("RR012", "grens")),
    # an open term
    ({GRENZEN: demo.SERIES.replace('value: "1100"', "value: null\n        verified: false\n        note: NOT FOUND")},
     ("RR009", "grens")),
    # a figure nothing reads
    ({GRENZEN: demo.SERIES + demo.EXTRA_FROM_2025}, ("RR017", "extra")),
    # a value equal to the one before: the version restates what it inherits
    ({GRENZEN: demo.SERIES.replace('"1100"', '"1000"').replace("BWBR0000001/2025-01-01", "BWBR0000001/2024-01-01")},
     ("RR018", "grens")),
    # a 2024 rule reading a figure whose series starts in 2025
    ({GRENZEN: demo.SERIES + demo.EXTRA_FROM_2025,
      "demo/2024-01-01/rules.yaml": demo.AS_SERIES["demo/2024-01-01/rules.yaml"].replace("demo.grens", "demo.extra")},
     ("RR031", "demo.2.grens")),
    # a value dated where no version starts
    ({GRENZEN: demo.SERIES.replace("2025-01-01:", "2025-02-01:")}, ("RR033", "grens")),
    # a figure that a rule reads, defined nowhere
    ({GRENZEN: demo.SERIES.replace("  grens:", "  grenzen:")}, ("RR015", "demo.2.grens")),
])
def test_each_mistake_in_a_series_gives_its_code(tmp_path, files, expected):
    found = codes(demo.write_series(tmp_path, files))
    assert expected in found, sorted(found)


def test_a_series_finding_names_the_line_of_the_value(tmp_path):
    root = demo.write_series(tmp_path, {GRENZEN: demo.SERIES.replace("BWBR0000001/2025-01-01", "BWBR0000001")})
    [d] = [d for d in lint(root) if d.code == "RR002"]
    assert d.file.endswith(GRENZEN) and d.line == 10


def test_the_horizon_warning_of_a_rule_set_with_series_points_to_them(tmp_path):
    root = demo.write_series(tmp_path, {
        "demo/ruleset.yaml": demo.RULESET + 'indexation: {dates: ["01-01"], source: {law: Demowet}}\n',
        "demo/2025-01-01/version.yaml": "version:\n  changes: Nieuwe grens.\n  figures: {as_of: 2025-01-01}\n"})
    [d] = [d for d in lint(root, today=dt.date(2025, 12, 1)) if d.code == "RR025"]
    assert "reeksen in parameters/ de waarden per 2026-01-01" in d.message


def test_a_condition_on_an_open_term_alone_is_no_constant_condition(tmp_path):
    # Gemeentewet art. 255 lid 3 (decision record 0039): a rule that rests only on a municipal choice not found is
    # unknown in every case on purpose; filled in, the same condition is constant again and warned about
    on_term = V24.replace("when: applicant.age >= 60", "when: demo.grens > 5")
    open_term = on_term.replace('    value: "1000"\n', '    value: null\n    verified: false\n    note: "NIET GEVONDEN"\n')
    root = demo.write(tmp_path, {"demo/2024-01-01/rules.yaml": open_term})
    assert ("RR020", "demo.3.ouderen") not in codes(root)
    root = demo.write(tmp_path / "filled", {"demo/2024-01-01/rules.yaml": on_term})
    assert ("RR020", "demo.3.ouderen") in codes(root)
