"""The one reader of YAML and JSON (engine/yamlsource.py): what the attack review of 2026-12-05 sent it.
Every refusal is a SourceError with a Dutch message and the line, never another exception."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml

from engine import yamlsource
from engine.yamlsource import SourceError, line_of_field, parse_text

NOT_A_DATE = ["2025-02-30", "2025-13-45", "0000-01-01", "2025-09-15 99:99:99", "2025-09-15t10:00:00+99:99",
              "!!timestamp geen-datum"]


def loaders():
    return [yamlsource._PythonLoader] + ([yamlsource._LibyamlLoader] if yaml.__with_libyaml__ else [])


@pytest.mark.parametrize("written", NOT_A_DATE)
def test_a_date_that_does_not_exist_is_refused_naming_its_line(written):
    with pytest.raises(SourceError) as info:
        parse_text(f"case_id: a\nmunicipality: zaanstad\nreference_date: {written}\n", "bad.yaml")
    problem = info.value.problem
    assert (problem.file, problem.line) == ("bad.yaml", 3)
    assert "geen bestaande datum" in problem.message
    assert "not an existing date" in problem.as_dict("en")["message"]
    assert written.split()[-1] not in problem.render()  # the value is not repeated


@pytest.mark.parametrize("loader", loaders(), ids=lambda c: c.__name__)
@pytest.mark.parametrize("written", NOT_A_DATE)
def test_both_readers_refuse_it_as_yaml_does_any_other_error(loader, written):
    with pytest.raises(yaml.YAMLError):
        yaml.load(f"x: [{written}]\n", Loader=loader)  # noqa: S506 - bounded safe loaders



JSON_TEXTS = ['{"amount": 1e5}', '{"amount": 1112223.33e2, "x": [1.5E-1, -0]}', ' \n[{"a": 11.5e2}]',
              '\ufeff{"a": {"b": 1e0}}']


@pytest.mark.parametrize("text", JSON_TEXTS)
@pytest.mark.parametrize("name, fmt", [("<stdin>", None), ("geplakte casus", "yaml"), ("case.yaml", None)])
def test_text_that_is_json_is_read_by_the_json_reader_whatever_its_name(text, name, fmt):
    # YAML read the JSON number 1e5 as the text "1e5": `check -` and the paste decided and guarded otherwise
    data = parse_text(text, name, fmt)
    assert data == parse_text(text, "case.json")
    assert repr(data) == repr(parse_text(text, "case.json"))  # Decimal where JSON has a number, never a str


@pytest.mark.parametrize("text, what", [('{"a": 1, "a": 2}', "twee keer"), ('{"a": 1e999999999}', "te groot"),
                                        ('[' * 3000 + ']' * 3000, "te diep")])
def test_text_that_is_json_is_refused_as_json_is(text, what):
    # YAML would read 1e999999999 as the text "1e999999999": JSON that the JSON reader refuses stays refused
    with pytest.raises(SourceError) as info:
        parse_text(text, "<stdin>")
    assert what in info.value.problem.message


def test_a_yaml_flow_mapping_is_still_yaml():
    # `{case_id: a, …}` is no JSON at all (keys without quotes): it was a valid YAML case before and stays one
    text = "{case_id: flow-1, reference_date: 2025-09-15, municipality: zaanstad, options: [in_kind]}"
    assert parse_text(text, "flow.yaml") == {"case_id": "flow-1", "reference_date": dt.date(2025, 9, 15),
                                             "municipality": "zaanstad", "options": ["in_kind"]}
    with pytest.raises(SourceError):
        parse_text(text, "flow.json")  # a .json file is JSON, whatever it holds


def test_the_line_of_a_field_under_a_key_of_other_digits_is_looked_up_not_a_value_error():
    # "²" is a digit to str.isdigit(), and int("²") raised: parse_case of {"²": "\x00"} (a NUL refused) crashed
    data = parse_text("circumstances:\n  x: 1\n  '²': 2\n", "case.yaml")
    assert line_of_field(data, "circumstances.²") == 3


BSN_KEYS = ["a111222333", "bsn_111_22_2333", "x111-22-2333"]


@pytest.mark.parametrize("key", BSN_KEYS)
@pytest.mark.parametrize("inner, what", [("1e999", "getal te groot"), ('{"x": 1, "x": 2}', "twee keer"),
                                         ("[" * 70 + "]" * 70, "te diep genest")])
def test_a_json_problem_under_a_key_that_looks_like_a_bsn_names_the_field_that_holds_it(key, inner, what):
    # field_path showed every key that is a field name: "circumstances.a111222333"
    for text, field in (('{"circumstances": {"%s": %s}}' % (key, inner), "circumstances"), ('{"%s": %s}' % (key, inner), None)):
        with pytest.raises(SourceError) as info:
            parse_text(text, "case.json")
        problem = info.value.problem
        assert what in problem.message and problem.field == field
        assert "111" not in problem.render() and "333" not in problem.render("en")


@pytest.mark.parametrize("text", ["case_id: !111222333 x\n", "case_id: *bsn-111-22-2333\n", "case_id: !<tag:111222333> x\n",
                                  "a: &a 1\nb: *111222333\n"])
def test_a_yaml_tag_or_alias_that_looks_like_a_bsn_is_not_quoted_back(text):
    with pytest.raises(SourceError) as info:
        parse_text(text, "case.yaml")
    problem = info.value.problem
    assert problem.message.startswith("ongeldige YAML: ") and problem.line
    assert "111" not in problem.render() and "333" not in problem.render("en")


@pytest.mark.parametrize("path, shown", [
    ("circumstances.home_equity", "circumstances.home_equity"), ("circumstances.urgent_reasons.0", "circumstances.urgent_reasons.0"),
    ("circumstances.Jan de Vries, Dorpsstraat 1", "circumstances.…"), ("circumstances.a111222333.x", "circumstances"),
    ("111222333", "(root)")])
def test_a_path_in_a_problem_repeats_field_names_only(path, shown):
    assert yamlsource.shown_field(path) == shown


def test_a_bad_text_under_a_key_of_the_senders_own_words_does_not_repeat_the_key():
    from engine.case import parse_case
    from engine.errors import CaseError
    for bad in ("\ud800", "\x00"):
        with pytest.raises(CaseError) as info:
            parse_case({"case_id": "a", "reference_date": "2026-01-01", "municipality": "zaanstad",
                        "options": ["in_kind"], "circumstances": {"Jan de Vries, Dorpsstraat 1": bad}})
        assert [p.field for p in info.value.problems] == ["circumstances.…"]


@pytest.mark.parametrize("text, line", [("a: &x {b: 1}\nc:\n  <<: *x\n", 3), ("c:\n  <<: {b: 1}\n", 2)])
def test_a_merge_key_is_said_as_a_merge_not_an_unknown_tag(text, line):
    """'<<' was "een onbekende tag (!…)" (attacker review): the writer used no tag."""
    with pytest.raises(SourceError) as info:
        parse_text(text, "m.yaml")
    assert info.value.problem.line == line and "samenvoegen met '<<'" in info.value.problem.message
