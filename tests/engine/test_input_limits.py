"""What a hostile or careless sender can put in a file or body, refused by the one reader of YAML and
JSON, the case format, the BSN guard and the condition language (docs/decisions/0010-input-limits.md)."""
from __future__ import annotations

import time
import tracemalloc
from decimal import Decimal

import pytest

from engine.bsn import bsn_paths, contains_bsn, looks_like_bsn
from engine.case import parse_case
from engine.errors import CaseError
from engine.expressions import ExpressionError, compile_expression
from engine.yamlsource import SourceError, parse_text


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    """The classic: each level is a list of `width` aliases of the level below; width**levels leaves."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def case(**fields) -> dict:
    return {"case_id": "t-1", "reference_date": "2025-09-15", "municipality": "zaanstad", "options": ["loan"],
            **fields}


def refused(text: str, fmt: str = "yaml") -> str:
    with pytest.raises(SourceError) as info:
        parse_text(text, "x." + fmt, fmt)
    return info.value.problem.message


# -- resource exhaustion --------------------------------------------------------------------------

def test_a_yaml_bomb_is_refused_in_under_a_second_and_100_mb():
    bomb = billion_laughs()  # 2 kB of text, 387 million leaves
    assert len(bomb) < 3000
    tracemalloc.start()
    start = time.perf_counter()
    try:
        message = refused(bomb)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "alias" in message
    assert elapsed < 1.0
    assert peak < 100 * 2**20


def test_a_bomb_of_few_aliases_but_big_ones_is_refused_too():
    # 8 aliases, each of a list of 2,000 values: few aliases, 16,000 values stood for
    text = "a: &a [" + ", ".join(["1"] * 2000) + "]\nb: [" + ", ".join(["*a"] * 8) + "]\n"
    assert "aliassen" in refused(text)


def test_an_alias_inside_its_own_anchor_is_refused():
    assert "zichzelf" in refused("a: &a [1, *a]\n")


def test_a_few_aliases_of_small_values_still_read():
    data = parse_text("gemeente: &g {municipality: zaanstad}\neen: *g\ntwee: *g\n", "x.yaml")
    assert data["een"] == data["twee"] == {"municipality": "zaanstad"}


@pytest.mark.parametrize("fmt, text", [("yaml", "[" * 200 + "]" * 200), ("json", "[" * 200 + "]" * 200),
                                       ("json", "[" * 100_000 + "]" * 100_000), ("yaml", "a:\n" + "".join(
                                           " " * i + "b:\n" for i in range(1, 100)) + " " * 100 + "c: 1\n")])
def test_deep_nesting_is_refused_not_a_recursion_error(fmt, text):
    assert "diep" in refused(text, fmt)


@pytest.mark.parametrize("fmt, text", [("json", '{"age": ' + "9" * 5000 + "}"), ("yaml", "age: " + "9" * 5000),
                                       ("json", '{"age": -' + "9" * 40 + "}")])
def test_integers_beyond_4300_digits_or_any_count_are_refused(fmt, text):
    assert "cijfers" in refused(text, fmt)


@pytest.mark.parametrize("fmt, text", [("json", '{"a": 1, "a": 2}'), ("yaml", "a: 1\nb: 2\na: 3\n")])
def test_a_key_given_twice_is_refused_not_silently_the_last(fmt, text):
    assert "twee keer" in refused(text, fmt)


@pytest.mark.parametrize("text", ["options: !!set {loan, '111222333'}\n", "x: !!omap [{a: 1}]\n", "x: !!binary aGk=\n"])
def test_yaml_types_a_case_never_has_are_refused_without_the_value(text):
    message = refused(text)
    assert "YAML-type" in message and "111222333" not in message


# -- the BSN guard ----------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["111-222-333", "111\u00a0222\u00a0333", "111\u200b222\u200b333", "111_222_333",
                                     "111222333.0", "111222333,00", "1112\u202f22\u202f333", "bsn: 111\u2011222\u2011333",
                                     Decimal("111222333.0"), 111222333.0, {"111222333"}, frozenset({"111-222-333"})])
def test_the_bsn_guard_sees_every_way_of_writing_the_number(written):
    assert looks_like_bsn(written) or contains_bsn(written)
    assert contains_bsn({"signal": written}) and list(bsn_paths({"signal": written}))


@pytest.mark.parametrize("harmless", ["2025-09-15", "1100.50", "12345678.50", "06-1234567", "1.234.567", "€ 1.100,00"])
def test_the_bsn_guard_lets_dates_and_amounts_pass(harmless):
    assert not contains_bsn({"x": harmless})


def test_a_case_with_a_spelled_out_bsn_is_refused_without_the_number():
    with pytest.raises(CaseError) as info:
        parse_case(case(need={"kind": "one_off_cost", "purpose": "voor 111-222-333"}))
    assert [p.field for p in info.value.problems] == ["need.purpose"]
    assert "111" not in str(info.value)


# -- the case format: deliberate refusals -----------------------------------------------------------

@pytest.mark.parametrize("fields, where", [
    ({"reference_date": "1700000000"}, "reference_date"),            # a Unix timestamp as text
    ({"reference_date": 1757894400}, "reference_date"),              # ... or as a number
    ({"reference_date": "2025-09-15T00:00:00"}, "reference_date"),   # a date and time
    ({"household": {"members": [{"role": "applicant", "age": True}]}}, "household.members.0.age"),
    ({"assets": "1_100.00"}, "assets"),
    ({"need": {"kind": "one_off_cost", "amount": "1 100.00"}}, "need.amount"),
    ({"circumstances": {"gifts_this_year": Decimal("1e999999999")}}, "circumstances"),
    ({"circumstances": {"gifts_this_year": Decimal("0.001")}}, "circumstances"),
    ({"circumstances": {"months_before_report": 10**40}}, "circumstances"),
    ({"circumstances": {f"k{i}": True for i in range(101)}}, "circumstances"),
    ({"circumstances": {"Jan Jansen, Dorpsstraat 1": True}}, "circumstances"),
    ({"need": {"kind": "one_off_cost", "purpose": "a\x00b"}}, "need.purpose"),
])
def test_input_a_person_would_not_mean_is_refused_naming_the_field(fields, where):
    with pytest.raises(CaseError) as info:
        parse_case(case(**fields))
    assert where in [p.field for p in info.value.problems]
    assert "Jan Jansen" not in str(info.value)


def test_a_date_object_and_trimmed_amounts_still_read():
    import datetime as dt
    parsed = parse_case(case(reference_date=dt.date(2025, 9, 15), assets=" 1100.00 "))
    assert parsed.assets == Decimal("1100.00")


# -- the condition language --------------------------------------------------------------------------

def compile_(text: str):
    return compile_expression(text, lambda name: True)


@pytest.mark.parametrize("text", [
    " and ".join(["a > 1"] * 2000),            # 54 s in the what-if before
    "x in [" + ", ".join(map(str, range(8000))) + "]",
    "not " * 3000 + "a",
    "a" * 5000,
    # within the length: too deep, too many parts, too long a list
    "not " * 500 + "a",
    " or ".join(["a"] * 700),
    "x in [" + ", ".join(["1"] * 300) + "]",
    "-" * 100 + "a > 1",
])
def test_a_condition_too_large_is_refused_quickly_at_compile_time(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        compile_(text)
    assert time.perf_counter() - start < 1.0
    assert len(str(info.value)) < 400  # the message names the limit; it does not copy the condition


@pytest.mark.parametrize("text", ['need.kind * 100000000 == "x"', 'sum(["a", "b"]) > 1', '"a" + "b" == "ab"',
                                  '[1] * 1000000 == x'])
def test_operators_that_build_large_values_from_small_ones_are_refused(text):
    with pytest.raises(ExpressionError):
        compiled = compile_(text)
        compiled.fn({"need.kind": "one_off_cost", "x": 1}, None)


def test_arithmetic_on_numbers_and_amounts_still_works():
    assert compile_("round_cents(a * 1.10) >= b").fn({"a": Decimal("1000"), "b": Decimal("1100.00")}, None) is True
    assert compile_("sum(xs) == 6").fn({"xs": (1, 2, 3)}, None) is True


# -- properties: whatever the text, the reader and the case format answer with their own errors ------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PIECES = ["&a ", "*a", "[", "]", "{", "}", ": ", "\n", "- ", "!!set ", "!!binary ", "9" * 40, "1e999999999", "\x00",
          "a", "'", '"', ",", "111-222-333", "<<: *a", "? ", "&b [*a, *a, *a]", " " * 2]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.sampled_from(["yaml", "json"]))
def test_the_reader_only_ever_raises_its_own_error(text, fmt):
    try:
        parse_text(text, "x." + fmt, fmt)
    except SourceError:
        pass


HOSTILE = st.sampled_from([10**40, Decimal("1e999999999"), Decimal("NaN"), True, "\x00", "1_100.00", "111-222-333",
                           "1700000000", "2025-09-15T10:00:00", [[[[[[[[[[[[1]]]]]]]]]]]], {"a": {"b": {}}}, -1, ""])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["reference_date", "assets", "options", "circumstances", "household", "need",
                                        "case_id", "income"]), HOSTILE | st.dictionaries(st.text(max_size=5), HOSTILE),
                       max_size=4))
def test_the_case_format_only_ever_raises_a_case_error(fields):
    try:
        parse_case(case(**fields))
    except CaseError:
        pass


def test_libyaml_and_pythons_parser_read_every_rule_set_alike():
    """The fast reader (libyaml's events) gives the same values and the same lines as PyYAML's own."""
    import yaml

    from engine import yamlsource
    from tests.conftest import RULESETS

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml here")
    assert yamlsource._Loader is yamlsource._LibyamlLoader

    def traced(data):
        if isinstance(data, yamlsource.LineDict):
            return ("map", data.line, sorted(data.lines.items(), key=str), [(k, traced(v)) for k, v in data.items()])
        if isinstance(data, yamlsource.LineList):
            return ("seq", data.line, list(data.lines), [traced(v) for v in data])
        return (type(data).__name__, data)

    files = sorted(RULESETS.rglob("*.yaml"))
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast = yaml.load(text, Loader=yamlsource._LibyamlLoader)  # noqa: S506 - bounded safe loaders
        slow = yaml.load(text, Loader=yamlsource._PythonLoader)  # noqa: S506
        assert traced(fast) == traced(slow), path


@pytest.mark.parametrize("loader", ["_PythonLoader", "_LibyamlLoader"])
def test_both_readers_refuse_a_bomb_and_a_set(loader):
    import yaml

    from engine import yamlsource

    cls = getattr(yamlsource, loader, None)
    if cls is None:
        pytest.skip("PyYAML is built without libyaml here")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    for text in (bomb, "options: !!set {a, b}\n"):
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=cls)  # noqa: S506


@pytest.mark.parametrize("text", ['{"a": 1100.10}', '\ufeff{"a": 1100.10}'])
def test_json_numbers_are_read_as_exact_decimals_with_or_without_a_byte_order_mark(text):
    assert parse_text(text, "case.json") == {"a": Decimal("1100.10")}  # never a binary float: money is exact
    assert type(parse_text(text, "case.json")["a"]) is Decimal


# -- a household's lists ----------------------------------------------------------------------------

@pytest.mark.parametrize("field, item, limit", [
    ("income", {"source": "wages", "net_monthly": "9999999999.99"}, 50),
    ("avoided_costs", {"item": "huur", "per_year": "1.00"}, 50),
    ("household.members", {"role": "other", "age": 30}, 40),
    ("household.children", 3, 40),
])
def test_a_list_of_a_household_is_bounded_and_the_refusal_names_it(field, item, limit):
    def with_items(n: int) -> dict:
        fields = {field: [item] * n} if "." not in field else {"household": {field.split(".")[1]: [item] * n}}
        return case(**fields)
    parse_case(with_items(limit))  # the limit itself is a household
    with pytest.raises(CaseError) as info:
        parse_case(with_items(limit + 1))
    [problem] = info.value.problems
    assert problem.field == field and problem.message == f"mag ten hoogste {limit} elementen bevatten"


def test_the_largest_income_list_is_decided_within_a_second(registry):
    from decision.decide import decide
    items = [{"source": "wages", "net_monthly": "9999999999.99"}] * 50
    start = time.process_time()
    decide(case(income=items, options=sorted(registry.vocabulary.options)), registry)
    assert time.process_time() - start < 1
