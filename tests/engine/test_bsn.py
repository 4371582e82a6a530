"""The one-pass BSN check agrees with the path-naming one on any data a case file can hold."""
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.bsn import (_whole_groups_hold_nine, _whole_groups_pass, as_json, bsn_paths, contains_bsn,
                        contains_bsn_exactly, looks_like_bsn)
from engine.case import nul_paths

# pieces that make (or nearly make) BSN-like numbers, with the separators and scripts around them
PIECES = ["1", "12", "123", "1234", "111222333", "123456782", "11222333", "10000008", "1112.22.333", "111 222 333", "0",
          ".", ",", " ", "-", "a", "\x00", "\n", "€", "?", "\u0663", "\uff11", "/", "0111222333", "22"]
text = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
scalar = text | st.sampled_from([111222333, 123456782, 12345678, 10000008, 5, -111222333, True, None, Decimal("111222333"),
                                 Decimal("111222333.50"), Decimal("1112223330.01"), Decimal("111222334.50"), 111222333.5])
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
                        "\u180e", "2026-10007", "2026 10.007,00",
                        # since the third review: short runs of separators, other punctuation, compatible digits
                        " - ", "  ", "   ", "    ", ". ", " / ", ":", "~", "*", "(", ")", ";", "\\\\", "\u00b9", "\u2460",
                        "\u2776", "\n\n", "\uff1a", "111 - 222 - 333", "(111) 222-333", "111-222.333", "1.234-56.789",
                        "14:30", "05-12-26", "\u00b9\u00b9\u00b9\u00b2\u00b2\u00b2\u00b3\u00b3\u00b3"]
json_text = st.lists(st.sampled_from(JSON_PIECES), max_size=10).map("".join)
json_scalar = json_text | st.sampled_from([111222333, 123456782, 12345678, 5, 111222333.0, 12345678.0, 1e8, 1.5,
                                           1111222333, -111222333, 1111222333.0, 11112223334,
                                           111222333.5, 111222333.25, -111222333.5, 11122233.5, 1112223330.01,
                                           111222334.5, 1112223.33, float("nan"), True, None])
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


# Where the pre-filter cannot rule a BSN out, contains_bsn scans only the strings and numbers that hold a
# candidate: random digits (about 1 in 11 runs of 9 pass the elfproef, so most candidates are none) in every
# spelling, next to escapes, quotes, other scripts and keys, in strings and as numbers.
digit_run = st.text(alphabet="0123456789", min_size=1, max_size=11)
SEPARATORS = [" ", "-", ".", ",", "/", "_", "+", "|", "'", "\n", "\r\n", "\r", "\t", "\u00a0", "\u2009", "\u2212", "\uff0c",
              "\u200b", "\u00ad", "- \n", "-\r\n", "  ", "\\", '"', "\\n", "\x00", "\x0b", "\x1f", "?", "a", ":", "\u0663",
              "\uff11", "€", "é", "\U0001f600", "e", "E",
              # since the third review
              " - ", "   ", "    ", ". ", ") ", "(", ")", "~", "*", ";", "\\\\", "\\\\\\\\", "\n\n", "\n \n", "\u00b9", "\u00b2",
              "\u2460", "\u2776", "\u2081", "\uff1a", "\u2013", " \u2013 ", "\\\\n", ":\\\\"]
candidate_text = st.lists(digit_run | st.sampled_from(SEPARATORS), max_size=12).map("".join)
candidate_number = (st.integers(-10**10, 10**10) | st.integers(10**7, 10**10) | st.integers(-2**63, 2**64 - 1)
                    | st.floats(allow_nan=True, allow_infinity=True) | st.integers(10**7, 10**10).map(float)
                    | st.integers(-10**12, 10**12).map(lambda cents: cents / 100)  # amounts with cents
                    | st.sampled_from([True, False, None]))
candidate_data = st.recursive(candidate_text | candidate_number,
                              lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                              | st.dictionaries(candidate_text, inner, max_size=5), max_leaves=25)


@settings(max_examples=3000)
@given(candidate_data)
def test_scanning_only_the_values_with_a_candidate_answers_as_the_exact_scan(value):
    assert contains_bsn(value) == contains_bsn(value, as_json(value)) == contains_bsn_exactly(value)


def test_a_case_id_with_a_year_and_a_serial_costs_no_walk(monkeypatch):
    def exact(data):
        raise AssertionError("the exact scan ran")
    monkeypatch.setattr("engine.bsn.contains_bsn_exactly", exact)
    assert not contains_bsn({"case_id": "syn025-0000000", "other": "2025-001234", "n": [1, 12345678, 1111222334],
                             "text": "zaak\n2025-000123-45 \"1234 567 890\""})


@settings(max_examples=2000)
@given(st.lists(digit_run, min_size=2, max_size=16), st.lists(st.sampled_from(" -.,/"), min_size=15, max_size=15))
def test_groups_that_cannot_make_nine_digits_are_not_weighed(groups, seps):
    lengths = list(map(len, groups))
    assume(sum(lengths) >= 9)  # as _chain_has_bsn asks
    kept = bytearray(b"\x01") * len(groups)
    assert _whole_groups_hold_nine(lengths) or not _whole_groups_pass(groups, seps, lengths, kept)


@given(st.integers(10**7, 10**10 - 1), st.integers(1, 99))
def test_a_number_with_cents_is_weighed_as_the_same_amount_written_as_text(whole, cents):
    # the text "111222333.50" was refused and the JSON number 111222333.50 accepted: the cents end the number
    # in both, and the whole-number part is what is weighed
    text = f"{whole}.{cents:02d}"
    assert looks_like_bsn(Decimal(text)) == looks_like_bsn(float(text)) == looks_like_bsn(text) == looks_like_bsn(whole)
