"""Which version of a rule set is in force on a date.

A version is in force from its `valid_from` up to and including its `valid_to`. A version without
an explicit `valid_to` runs until the day before the next version starts (or indefinitely).
"""
from __future__ import annotations

import datetime as dt
from typing import Protocol, Sequence, TypeVar


class Dated(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None


V = TypeVar("V", bound=Dated)

ONE_DAY = dt.timedelta(days=1)


def implied_ends(starts: Sequence[dt.date], explicit_ends: Sequence[dt.date | None]) -> list[dt.date | None]:
    """The last day of each version: its explicit end, else the day before the next version starts."""
    ends = []
    for i, start in enumerate(starts):
        end = explicit_ends[i]
        if end is None and i + 1 < len(starts):
            end = starts[i + 1] - ONE_DAY
        ends.append(end)
    return ends


def in_force(versions: Sequence[V], day: dt.date) -> V | None:
    """The version in force on `day`, or None. `versions` are sorted by `valid_from`."""
    found = None
    for v in versions:
        if v.valid_from > day:
            break
        if v.valid_to is None or day <= v.valid_to:
            found = v
    return found


def overlaps_and_gaps(versions: Sequence[V]) -> tuple[list[tuple[V, V]], list[tuple[V, V]]]:
    """Pairs of consecutive versions that overlap, and pairs with days between them in force by neither."""
    overlaps, gaps = [], []
    for a, b in zip(versions, versions[1:]):
        if a.valid_to is None or a.valid_to >= b.valid_from:
            overlaps.append((a, b))
        elif a.valid_to + ONE_DAY < b.valid_from:
            gaps.append((a, b))
    return overlaps, gaps
