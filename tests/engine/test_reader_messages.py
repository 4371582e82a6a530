"""A file or body the JSON or YAML reader refuses gets a Dutch sentence of ours, never the reader's English,
and never a piece of what the sender typed."""
import pytest
from hypothesis import given, settings, strategies as st

from engine import reader_messages
from engine.yamlsource import SourceError, parse_text

OURS_NL = {nl for _, nl, _ in reader_messages._YAML + reader_messages._JSON} | {
    reader_messages._YAML_OTHER[0], reader_messages._JSON_OTHER[0]}


def refused(text: str, name: str):
    with pytest.raises(SourceError) as info:
        parse_text(text, name)
    return info.value.problem


@pytest.mark.parametrize("text, line, words", [
    ("case_id: x\nreference_date: 2025-03-01 gemeente: zaanstad\n", 2, "dubbele punt die er niet kan staan"),
    ("case_id: [x\n", 2, "komma of een sluithaak ]"),
    ("case_id: {a: 1\n", 2, "komma of een sluithaak }"),
    ("case_id: x\nhousehold:\n\tadults: 1\n", 3, "zoals een tab"),
    ('case_id: "x\n', 2, "houdt onverwacht op"),
    ('case_id: "a\\qb"\n', 1, "onbekend teken"),
    ("case_id: x\n---\ncase_id: y\n", 2, "meer dan één document"),
    ("case_id: *onbekend\n", 1, "anker"),
    ("case_id: !geheim x\n", 1, "onbekende tag"),
    ("household:\n    adults: 1\n  children: 2\n", 3, "hier hoort een sleutel"),
    ("case_id: x\ntoelichting: |x\n  tekst\n", 2, "alleen nog commentaar"),
])
def test_a_yaml_syntax_error_is_told_in_dutch_at_its_line(text, line, words):
    problem = refused(text, "case.yaml")
    assert problem.message.startswith("ongeldige YAML: ") and words in problem.message
    assert problem.line == line and problem.file == "case.yaml"
    assert problem.message.removeprefix("ongeldige YAML: ") in OURS_NL
    assert problem.message_en.startswith("invalid YAML: ")


@pytest.mark.parametrize("text, words, english", [
    ('{"case_id": "x" "municipality": "zaanstad"}', "ontbreekt een komma", "a comma"),
    ('{"options": ["cash_gift",]}', "komma te veel", "one comma too many"),
    ('{"case_id": "x",}', "komma te veel", "one comma too many"),
    ('{case_id: "x"}', "dubbele aanhalingstekens", "double quotes"),
    ('{"case_id" "x"}', "dubbele punt", "colon"),
    ('{"case_id": "x\\q"}', "onbekend teken", "unknown character"),
    ('{"case_id": "x"} {"case_id": "y"}', "na het einde van de JSON", "follows the end"),
    ('{"case_id": "x', "afsluitend aanhalingsteken", "closing quote"),
])
def test_a_json_syntax_error_is_told_in_dutch_and_english(text, words, english):
    problem = refused(text, "case.json")
    assert problem.message.startswith("ongeldige JSON: ") and words in problem.message
    assert english in problem.message_en and problem.line == 1
    assert problem.message.removeprefix("ongeldige JSON: ") in OURS_NL


@pytest.mark.parametrize("text", ["case_id: *bsn-111-22-2333\n", "case_id: !111222333 x\n", "a: &a 1\nb: &a 2\nc: *Jansen\n"])
def test_the_sender_s_words_are_not_repeated(text):
    problem = refused(text, "case.yaml")
    for said in (problem.render(), problem.render("en")):
        assert "111" not in said and "Jansen" not in said and "bsn" not in said


# Broken documents: a valid case with one character put in, taken out or changed at random.
_CASE = 'case_id: x\nreference_date: 2025-03-01\nmunicipality: zaanstad\noptions: [cash_gift]\nhousehold: {adults: 1}\n'
_JSON_CASE = ('{"case_id": "x", "reference_date": "2025-03-01", "municipality": "zaanstad", '
              '"options": ["cash_gift"], "household": {"adults": 1}}')


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([(_CASE, "case.yaml"), (_JSON_CASE, "case.json")]), st.data())
def test_whatever_the_reader_refuses_is_told_in_our_words(base, data):
    text, name = base
    at = data.draw(st.integers(0, len(text) - 1))
    put = data.draw(st.sampled_from(["", ":", "[", "]", "{", "}", ",", '"', "'", "\t", "\\", "&", "*", "!", "-", "#", "\n  ", "|"]))
    cut = data.draw(st.integers(0, 2))
    broken = text[:at] + put + text[at + cut:]
    try:
        parse_text(broken, name)
    except SourceError as exc:
        problem = exc.problem
        kind, _, what = problem.message.partition(": ")
        if what.startswith(("getal", "te diep", "geen bestaande", "dubbele sleutel")):  # our own refusals
            return
        assert kind in ("ongeldige YAML", "ongeldige JSON")
        assert what.removesuffix(" (tekst die met { of [ begint, wordt als JSON gelezen)") in OURS_NL, problem.message
