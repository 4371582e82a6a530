"""The quick look at circumstances (engine.case._plain) accepts only what the full walk accepts."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.case import _plain, _walked_problem

KEYS = ["a", "ok_key", "x1", "Bad", "1a", "a-b", "a\nb", "a\n", "", "a" * 60, "a" * 61, "ä", "a b", 5, None]
key = st.sampled_from(KEYS) | st.text(alphabet="ab_1\nA -", max_size=8)
scalar = st.sampled_from([None, True, False, "", "tekst", 0, 5, -3, 10**10, 1.5, Decimal("1.005"), Decimal("2.50")])
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(key, inner, max_size=3),
                     max_leaves=12)
circumstances = st.dictionaries(key, value, max_size=6)


@settings(max_examples=1500)
@given(circumstances)
def test_what_the_quick_look_accepts_the_full_walk_accepts(v):
    assert not _plain(v) or _walked_problem(v) is None


def test_the_quick_look_takes_what_cases_send():
    assert _plain({}) and _plain({"duty_breached": False, "blameworthy": None, "skills": ["welding", "lassen"]})
    assert _plain({"low_income_years": 3, "months_before_report": 9_999_999_999})


def test_the_quick_look_leaves_numbers_nesting_and_odd_keys_to_the_walk():
    for v in ({"months": 10**10}, {"months": -10**10}, {"n": 1.0}, {"n": [1]}, {"d": {"x": True}}, {"a\nb": True}, {"a": True, "b\n": None},
              {"a" * 61: True}, {5: True}, {"x": [[None]]}):
        assert not _plain(v)
