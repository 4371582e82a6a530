"""Shared fragments: one per key, read-only, bounded; keys tell apart values written differently."""
from __future__ import annotations

from decimal import Decimal

import pytest

from explain import fragments
from explain.fragments import UNCACHED, exact, fragment, line


def test_a_key_is_made_once_and_shared():
    made = []
    first = fragment(("test-shared", 1), lambda: made.append(1) or [(0, "detail", "x")])
    assert fragment(("test-shared", 1), lambda: made.append(2) or [(0, "detail", "y")]) is first
    assert made == [1] and first.entries == ((0, "detail", "x"),) and first.level == 0


def test_entries_cannot_be_changed():
    with pytest.raises(TypeError):
        line(1, "question", "Wat is het inkomen?").entries[0] = (1, "question", "iets anders")


def test_the_store_is_bounded(monkeypatch):
    monkeypatch.setattr(fragments, "_MAX", 10)
    fragments._FRAGMENTS.clear()
    for i in range(25):
        line(0, "detail", f"regel {i}")
    assert len(fragments._FRAGMENTS) <= 10


@pytest.mark.parametrize("a, b", [(1, True), (0, False), (Decimal("1.0"), Decimal("1.00")), (1, Decimal(1)),
                                  (Decimal("1E+1"), Decimal("10")), (Decimal("0"), Decimal("-0")),
                                  (Decimal("0.00"), Decimal("0E-7"))])
def test_values_equal_in_python_but_written_differently_are_different_keys(a, b):
    assert a == b and hash(a) == hash(b)  # one dict key, were they keys as they are
    assert exact(a) != exact(b)


def test_values_without_an_exact_key_are_not_keyed():
    assert exact(1.0) is UNCACHED and exact(["a"]) is UNCACHED
