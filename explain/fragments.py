"""Lines of an explanation that recur from case to case, built once and shared (decision record 0024).

A fragment is a run of lines `(level, kind, text)` in reading order (level = depth in the explanation
tree). It is kept per key, and the key holds every input its text depends on; its wrapped text is kept
with it per (depth, width) by the text renderer. Fragments are shared between explanations: read-only.
"""
from __future__ import annotations

from decimal import Decimal


class Fragment:
    __slots__ = ("entries", "level", "text")

    def __init__(self, entries: list[tuple[int, str, str]]):
        self.entries = tuple(entries)
        self.level = self.entries[0][0]
        # (depth, width, wrapped text, depth updates), set by explain.text: a fragment sits at one depth
        self.text: tuple | None = None


_FRAGMENTS: dict[tuple, Fragment] = {}
_MAX = 50_000  # bounded: cleared when full (fragments in use live on in their explanations)


def fragment(key: tuple, make, *args) -> Fragment:
    """The fragment for `key`, made by `make(*args)` (a list of lines) the first time."""
    hit = _FRAGMENTS.get(key)
    if hit is None:
        if len(_FRAGMENTS) >= _MAX:
            _FRAGMENTS.clear()
        hit = _FRAGMENTS[key] = Fragment(make(*args))
    return hit


def line(level: int, kind: str, text: str) -> Fragment:
    """One line whose text is already known (a heading, a question): shared for its wrapped text."""
    return fragment((level, kind, text), _one, level, kind, text)


def _one(level: int, kind: str, text: str) -> list[tuple[int, str, str]]:
    return [(level, kind, text)]


UNCACHED = object()


def exact(value):
    """`value` as a key part that tells apart what is written differently: 1, True, Decimal("1.0") and
    Decimal("1.00") are equal in Python but not on paper. `UNCACHED` for values not worth keying."""
    t = type(value)
    if t is str or value is None:
        return value
    if t is int or t is bool:
        return (t, value)
    if t is Decimal:  # its text is exact: digits, exponent and sign (Decimal(str(d)) is d, to the last zero)
        return (t, str(value))
    return UNCACHED

