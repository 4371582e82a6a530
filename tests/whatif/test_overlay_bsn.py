"""A BSN-like number anywhere in an overlay or a sweep is refused, naming the file, field and line, never the
number (docs/decisions/0031-bsn-in-any-spelling.md; attack of 2026-12-05: all of these were accepted and
echoed in the report)."""
import pytest

from engine.errors import RegelruimteError, RulesetError
from engine.expressions import ExpressionError, compile_expression
from whatif.overlay import load_overlay, overlay_from_text, parse_overlay
from whatif.run import parse_sweep

HEADER = """overlay:
  title: Test overlay
  ruleset: zaanstad
  from: 2026-01-01
"""
RULE = """rules:
  - id: zaanstad.nieuw
    kind: block
    title: {title}
    applies_to: [special_assistance]
    when: {when}
    reason: Te veel inkomen.
    source: {{law: Concept}}
"""


@pytest.mark.parametrize("text, field, line", [
    (HEADER.replace("Test overlay", "klant 111222333"), "overlay.title", 2),
    (HEADER.replace("Test overlay", "klant 111 - 222 - 333"), "overlay.title", 2),
    (HEADER + "  note: klant 111.222.333\n", "overlay.note", 5),
    (HEADER + "  title_en: client 111  222  333\n", "overlay.title_en", 5),
    (HEADER + "parameters:\n  percentage_inkomensgrens:\n    value: \"111222333\"\n",
     "parameters.percentage_inkomensgrens.value", 7),
    (HEADER + "parameters:\n  percentage_inkomensgrens:\n    value: 111222333\n", "parameters.percentage_inkomensgrens.value", 7),
    (HEADER + "parameters:\n  percentage_inkomensgrens:\n    value: \"1.20\"\n    note: (111) 222-333\n",
     "parameters.percentage_inkomensgrens.note", 8),
    (HEADER + RULE.format(title="Blokkade 111-222.333", when="assets > 100"), "rules.0.title", 8),
    (HEADER + RULE.format(title="Blokkade", when="assets > 111222333"), "rules.0.when", 10),
    (HEADER + RULE.format(title="Blokkade", when="assets ** 2 > 111222333"), "rules.0.when", 10),
    (HEADER + "removed: [zaanstad.r111_222_333]\n", "removed.0", 5),
])
def test_a_bsn_like_number_anywhere_in_an_overlay_is_refused_by_place_never_shown(tmp_path, text, field, line):
    path = tmp_path / "overlay.yaml"
    path.write_text(text)
    for read in (lambda: load_overlay(path), lambda: overlay_from_text(text, "wijziging.yaml")):
        with pytest.raises(RulesetError) as err:
            read()
        (problem,) = err.value.problems
        assert problem.field == field and problem.line == line and "BSN" in problem.message
        shown = problem.render() + problem.render("en")
        assert "111" not in shown and "333" not in shown


def test_an_overlay_sent_as_json_is_refused_the_same_way():
    data = {"overlay": {"title": "Test", "ruleset": "zaanstad", "from": "2026-01-01", "title_en": "111~222~333"},
            "parameters": {"percentage_inkomensgrens": {"value": 111222333}}}
    with pytest.raises(RulesetError) as err:
        parse_overlay(data, "change")
    assert sorted(p.field for p in err.value.problems) == ["overlay.title_en", "parameters.percentage_inkomensgrens.value"]
    assert "111" not in str([p.render() for p in err.value.problems])


@pytest.mark.parametrize("name", ["111222333.yaml", "klant 111.222.333.yaml"])
def test_an_overlay_file_whose_name_looks_like_a_bsn_is_refused_without_its_name(tmp_path, name):
    path = tmp_path / name
    path.write_text(HEADER + "parameters:\n  percentage_inkomensgrens:\n    value: \"1.20\"\n")
    with pytest.raises(RulesetError) as err:
        load_overlay(path)
    (problem,) = err.value.problems
    assert "bestandsnaam" in problem.message and "111" not in problem.render() and problem.file is None


@pytest.mark.parametrize("sweep", ["zaanstad.percentage_inkomensgrens=111222333:111222334:1",
                                   "zaanstad.percentage_inkomensgrens=111222330:111222340:1",  # passes 111222333
                                   "zaanstad.percentage_inkomensgrens=1:111222333:111222332"])
def test_a_sweep_with_a_bsn_like_value_is_refused_without_it(sweep):
    with pytest.raises(RegelruimteError) as err:
        parse_sweep(sweep)
    (problem,) = err.value.problems
    assert problem.field == "sweep" and "BSN" in problem.message and "111" not in problem.render()


def test_an_ordinary_sweep_still_runs():
    assert len(parse_sweep("zaanstad.percentage_inkomensgrens=1.00:1.50:0.05").values) == 11


@pytest.mark.parametrize("condition", ["assets ** 2 > 111222333", "p111222333 > 1", "assets ** 2 > 111 - 222 - 333"])
def test_a_bad_condition_with_a_bsn_like_number_is_not_quoted(condition):
    with pytest.raises(ExpressionError) as err:
        compile_expression(condition, lambda name: name == "assets")
    assert "111" not in str(err.value) and "333" not in str(err.value) and "kolom" in str(err.value)


def test_a_bad_condition_without_one_is_still_quoted():
    with pytest.raises(ExpressionError) as err:
        compile_expression("assets ** 2 > 5", lambda name: name == "assets")
    assert "'assets ** 2 > 5'" in str(err.value)
