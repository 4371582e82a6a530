"""Amounts typed the Dutch way: read as a Dutch reader means them; what could mean two things is asked back."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.case import parse_case
from engine.errors import CaseError
from service.web.amounts import LIMIT, read, write

amounts = st.decimals(min_value=-LIMIT, max_value=LIMIT, places=2, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("typed, meant", [
    ("1100", "1100"), ("1720", "1720"), ("1.100,00", "1100.00"), ("€ 1.720,-", "1720"), ("1.720,-", "1720"),
    ("€1.720,00", "1720.00"), ("1.100.000", "1100000"), ("1,5", "1.5"), ("1.100,5", "1100.5"), ("0", "0"),
    ("-250,00", "-250.00"), ("16.428,72", "16428.72"), ("1100.50", "1100.50"), ("1,100.50", "1100.50"),
    ("1 720,00", "1720.00"), ("EUR 45", "45"), ("1720,--", "1720"),
    # a point before three digits is the Dutch thousands point: eleven hundred euro, not asked back
    ("1.100", "1100"), ("€ 1.100", "1100"), ("€1.100", "1100"), ("-1.100", "-1100"), ("12.345", "12345"),
])
def test_what_a_dutch_reader_means(typed, meant):
    reading = read(typed)
    assert reading.kind == "ok" and reading.value == Decimal(meant)


@pytest.mark.parametrize("typed", ["1,100", "€ 1,100", "12,345", "-1,100"])
def test_one_comma_before_three_digits_is_asked_back(typed):
    reading = read(typed)
    assert reading.kind == "ambiguous"
    assert abs(reading.value) == 1000 * abs(reading.other)  # 1100 or 1,10: the two readings


@pytest.mark.parametrize("typed", ["duizend", "1.2.3", "1,10,5", "1.100,-5", "12,3456", "", "€", "1..100"])
def test_nonsense_is_not_read(typed):
    assert read(typed).kind == "unreadable"


def test_more_than_the_case_model_holds_is_too_large():
    assert read(write(LIMIT)).value == LIMIT
    assert read("10.000.000.000,00").kind == "too_large"
    parse_case({"case_id": "x", "reference_date": "2025-01-01", "municipality": "zaanstad", "options": ["in_kind"],
                "need": {"kind": "one_off_cost", "amount": str(LIMIT)}})
    with pytest.raises(CaseError):  # the limit is the model's: one cent more is refused there too
        parse_case({"case_id": "x", "reference_date": "2025-01-01", "municipality": "zaanstad", "options": ["in_kind"],
                    "need": {"kind": "one_off_cost", "amount": str(LIMIT + Decimal("0.01"))}})


@given(amounts)
def test_written_dutch_and_read_back_is_the_same_amount(value):
    reading = read(write(value))
    assert reading.kind == "ok" and reading.value == value


@given(amounts, st.sampled_from(["€ ", "€", "", "EUR "]))
def test_written_with_a_euro_sign_is_the_same_amount(value, prefix):
    assert read(prefix + write(value)).value == value


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_euros_typed_plainly_or_with_dash(n):
    assert read(str(n)).value == n
    assert read(f"{write(Decimal(n))[:-3]},-").value == n  # 1.720,-


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_every_single_comma_before_three_digits_is_ambiguous(head, tail):
    reading = read(f"{head},{tail:03d}")
    assert reading.kind == "ambiguous"
    assert reading.value == head * 1000 + tail and reading.other == Decimal(f"{head}.{tail:03d}")


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_a_point_before_three_digits_is_the_thousands_point(head, tail):
    assert read(f"{head}.{tail:03d}").value == head * 1000 + tail
    assert read(f"€ {head}.{tail:03d}").value == head * 1000 + tail


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_cents_or_a_dash_settle_it(head, tail):
    assert read(f"{head}.{tail:03d},00").value == head * 1000 + tail
    assert read(f"{head}.{tail:03d},-").value == head * 1000 + tail
