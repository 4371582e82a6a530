import datetime as dt
from dataclasses import dataclass

from engine.versions import implied_ends, in_force, overlaps_and_gaps

D = dt.date


@dataclass
class V:
    valid_from: dt.date
    valid_to: dt.date | None = None


def test_implied_ends_run_to_the_day_before_the_next_version():
    assert implied_ends([D(2025, 1, 1), D(2025, 7, 1)], [None, None]) == [D(2025, 6, 30), None]


def test_in_force_at_the_boundaries():
    vs = [V(D(2025, 1, 1), D(2025, 6, 30)), V(D(2025, 7, 1))]
    assert in_force(vs, D(2024, 12, 31)) is None
    assert in_force(vs, D(2025, 1, 1)) is vs[0]
    assert in_force(vs, D(2025, 6, 30)) is vs[0]
    assert in_force(vs, D(2025, 7, 1)) is vs[1]


def test_an_ended_rule_set_is_in_force_nowhere_after_its_end():
    assert in_force([V(D(2017, 4, 1), D(2021, 3, 31))], D(2021, 4, 1)) is None


def test_overlaps_and_gaps():
    a, b, c = V(D(2024, 1, 1), D(2024, 12, 31)), V(D(2025, 2, 1), D(2025, 12, 31)), V(D(2025, 6, 1))
    overlaps, gaps = overlaps_and_gaps([a, b, c])
    assert gaps == [(a, b)] and overlaps == [(b, c)]
