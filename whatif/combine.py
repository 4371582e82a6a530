"""A comparison made per partition and added up: what a Dask worker sends back, and how the client
combines those into the comparison one process would have made.

A partition's comparison is reduced where it was made: its changes without the row numbers, its
households per effect, its cost per municipality, its first example rows, and its changed rows
written as one Parquet file to a shared folder. Every count and sum of the report is additive over
disjoint sets of households, and the examples are the first rows in (case, option) order, so the
first EXAMPLES of each partition hold the first EXAMPLES of all. The client never holds a case table.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .compare import (EXAMPLES, Comparison, examples_of, flips_by, flips_by_direction, flips_by_rule, totals)
from .frame import CASE_ID
from .outcomes import Outcomes

EFFECTS = ("helped", "hurt", "mixed", "open")


@dataclass
class Partial:
    """One partition's comparison, reduced: a few kilobytes however many households it holds."""

    cases: int
    option_checks: int
    changes: pl.DataFrame  # compare.changes without `rows`
    effects: dict[str, int]  # households helped, hurt, mixed, open
    cost: pl.DataFrame
    flipped: pl.DataFrame  # the first EXAMPLES flipped rows of flips()
    changed: pl.DataFrame  # the first EXAMPLES rows of flips()
    flips: Path | None  # where its changed rows were written (None: none changed, or not asked)


def partial(c: Comparison, flips: Path | None = None) -> Partial:
    """Reduce `c`; with `flips`, its changed rows are written there (one Parquet file)."""
    rows = c.flips()
    written = None
    if flips is not None and not rows.is_empty():
        rows.write_parquet(flips)
        written = flips
    t = c.totals
    return Partial(cases=t["cases"], option_checks=t["option_checks"], changes=c.changes.drop("rows"),
                   effects={e: t[f"households_{e}"] for e in EFFECTS}, cost=c.cost,
                   flipped=examples_of(rows, True), changed=examples_of(rows, False), flips=written)


@dataclass
class Combined(Comparison):
    """A comparison added up from partials: no case table (`pairs` and `households` are None); the
    changed rows are read from the partitions' files when an export asks for them."""

    sample: pl.DataFrame | None = None
    parts: tuple[Path, ...] = ()

    def flips(self) -> pl.DataFrame:
        if not self.parts:
            return pl.DataFrame(schema={CASE_ID: pl.String})
        return pl.scan_parquet(list(self.parts)).sort(CASE_ID, "option").collect()

    def examples(self) -> pl.DataFrame:
        return self.sample


def _first(frames: list[pl.DataFrame]) -> pl.DataFrame:
    frames = [f for f in frames if not f.is_empty()]
    if not frames:
        return pl.DataFrame(schema={CASE_ID: pl.String})
    return pl.concat(frames, how="diagonal_relaxed").sort(CASE_ID, "option").head(EXAMPLES)


def combine(partials: list[Partial], before: Outcomes, after: Outcomes) -> Comparison:
    """The comparison of all partitions together (`before` and `after` name the sides, without cases)."""
    ch = pl.concat([p.changes for p in partials], how="diagonal_relaxed")
    cost = (pl.concat([p.cost for p in partials]).group_by("municipality", maintain_order=True).sum()
            .sort("municipality"))
    effects = {e: sum(p.effects[e] for p in partials) for e in EFFECTS}
    t = totals(sum(p.cases for p in partials), sum(p.option_checks for p in partials), ch, effects, cost)
    sample = _first([p.flipped for p in partials]) if t["flips"] else _first([p.changed for p in partials])
    return Combined(before=before, after=after, pairs=None, changes=ch, by_direction=flips_by_direction(ch),
                    by_rule=flips_by_rule(ch), by_municipality=flips_by(ch, "municipality"),
                    by_household_type=flips_by(ch, "household_type"), by_option=flips_by(ch, "option"),
                    households=None, cost=cost, totals=t, sample=sample,
                    parts=tuple(p.flips for p in partials if p.flips is not None))
