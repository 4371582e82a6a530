"""The one-pass BSN check agrees with the path-naming one on any data a case file can hold."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.bsn import as_json, bsn_paths, contains_bsn, contains_bsn_exactly
from engine.case import nul_paths

# pieces that make (or nearly make) BSN-like numbers, with the separators and scripts around them
PIECES = ["1", "12", "123", "1234", "111222333", "123456782", "11222333", "10000008", "1112.22.333", "111 222 333", "0",
          ".", ",", " ", "-", "a", "\x00", "\n", "€", "?", "\u0663", "\uff11", "/", "0111222333", "22"]
text = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
scalar = text | st.sampled_from([111222333, 123456782, 12345678, 10000008, 5, -111222333, True, None, Decimal("111222333")])
data = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text | st.just(111222333),
                                                                                      inner, max_size=4),
                    max_leaves=20)


@settings(max_examples=600)
@given(data)
def test_contains_bsn_is_true_exactly_when_bsn_paths_finds_one(value):
    assert contains_bsn(value) == any(True for _ in bsn_paths(value))


# What a case file written as JSON holds (no Decimals, string keys), so the pre-filter decides rather than
# falling back: tabs and backslashes (escaped in JSON), spaces and invisibles of other scripts, whole floats.
JSON_PIECES = PIECES + ["\t", "\\", '"', "\u00a0", "\u2009", "\u200b", "\u00ad", "\u2212", "_", ".0", ",00",
                        "1112\t22\t333", "111\u200b222\u200b333", "111222333.0", "2025-09-15", "16428.72",
                        "123,0 456 789", "1234.00 56 789", "111,222,333", "0\u00a0", "\u2007", "\n", "\r\n", "\r", "/",
                        "111/222/333", "111222\n333", "1 1 1 2 2 2 3 3 3", "0111222333", "1.234.515,89", "2026-12-05",
                        "\u2044", "\\n", "\x0b", "-,", "-\n", "- \n", "-\r\n", "\t\n", "+", "|", "'", "\u2062",
                        "\u180e", "2026-10007", "2026 10.007,00"]
json_text = st.lists(st.sampled_from(JSON_PIECES), max_size=10).map("".join)
json_scalar = json_text | st.sampled_from([111222333, 123456782, 12345678, 5, 111222333.0, 12345678.0, 1e8, 1.5,
                                           1111222333, -111222333, 1111222333.0, 11112223334,
                                           float("nan"), True, None])
json_data = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
                         max_leaves=20)


@settings(max_examples=1500)
@given(json_data)
def test_the_pre_filter_never_says_no_where_the_exact_scan_finds_one(value):
    assert contains_bsn(value) == contains_bsn_exactly(value) == any(True for _ in bsn_paths(value))


def test_the_pre_filter_rules_out_dates_and_amounts(monkeypatch):
    def exact(data):
        raise AssertionError("the exact scan ran")
    monkeypatch.setattr("engine.bsn.contains_bsn_exactly", exact)
    assert not contains_bsn({"since": "2025-03-01", "per_year": "16428.72", "amount": "1100.00", "id": "gen-1234"})


def test_the_pre_filter_lets_through_what_may_be_a_bsn():
    assert contains_bsn({"note": "bsn 1112\t22\t333"}) and contains_bsn(["111\u200b222\u200b333"])
    assert contains_bsn({"n": 111222333.0}) and not contains_bsn({"n": 111222334.0})


@settings(max_examples=500)
@given(json_data)
def test_json_without_an_escaped_nul_has_no_string_with_one(value):
    # engine.case.parse_case skips its NUL walk on this ground
    assert b"\\u0000" in as_json(value) or not any(True for _ in nul_paths(value))
