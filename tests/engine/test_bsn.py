"""The one-pass BSN check agrees with the path-naming one on any data a case file can hold."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.bsn import bsn_paths, contains_bsn

# pieces that make (or nearly make) BSN-like numbers, with the separators and scripts around them
PIECES = ["1", "12", "123", "1234", "111222333", "123456782", "11222333", "10000008", "1112.22.333", "111 222 333", "0",
          ".", ",", " ", "-", "a", "\x00", "\n", "€", "?", "\u0663", "\uff11"]
text = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
scalar = text | st.sampled_from([111222333, 123456782, 12345678, 10000008, 5, -111222333, True, None, Decimal("111222333")])
data = st.recursive(scalar, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text | st.just(111222333),
                                                                                      inner, max_size=4),
                    max_leaves=20)


@settings(max_examples=600)
@given(data)
def test_contains_bsn_is_true_exactly_when_bsn_paths_finds_one(value):
    assert contains_bsn(value) == any(True for _ in bsn_paths(value))
