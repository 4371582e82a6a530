"""One evaluation of a set of cases, in the one form the comparison reads.

Both evaluators end here: the single-case evaluator (case files, a casebook: every detail as
lists, and the Dutch reason of the first block) and the columnar one (a population: the details
as bit sets, decoded only for the combinations a comparison needs).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

import polars as pl

from engine.case import Case

from .columnar import BUNDLE, STATUS, Codebook, ColumnarResult, col
from .frame import CASE_ID, to_cents

# What is compared per option, as lists of rule, route or fact ids.
# (`open_terms`: the rule set's own figures that are not known, NOT FOUND, and decide the status; the
# single-case evaluator lists them apart from the household's missing facts, and so does this)
DETAILS = ("blocks", "possible", "routes_available", "routes_conditional", "routes_unavailable", "missing_facts",
           "open_terms")
META = {CASE_ID: pl.String, "municipality": pl.String, "household_type": pl.String,
        "amount_cents": pl.Int64, "avoided_cents": pl.Int64}
BITS = ("blocks", "possible", "routes_available", "routes_conditional", "routes_unavailable", "missing", "route_missing")


@dataclass
class Outcomes:
    """Per case: who it is (META) and, per option, `status:<o>`, `first_block:<o>` and the details."""

    cases: pl.DataFrame
    options: tuple[str, ...]
    label: str
    versions: tuple[str, ...]
    codebooks: dict[int, Codebook] | None = None  # set when the details are bit sets
    # with bit sets: the household facts; a missing name that is none is a rule set's open term, which the
    # single-case evaluator lists apart (`open_terms`), so `missing_facts` leaves it out here too
    facts: frozenset[str] | None = None

    def detail_columns(self, option: str) -> list[str]:
        if self.codebooks is None:
            return [col(k, option) for k in DETAILS]
        return [BUNDLE, *(col(k, option) for k in BITS)]

    def lists(self, rows: pl.DataFrame, option: str, prefix: str) -> dict[str, list[list[str]]]:
        """The details of `rows` (which hold this side's detail columns under `prefix`) as id lists."""
        if self.codebooks is None:
            return {k: [x or [] for x in rows[prefix + col(k, option)].to_list()] for k in DETAILS}
        out: dict[str, list] = {k: [] for k in DETAILS}
        names = [prefix + c for c in self.detail_columns(option)]
        for values in rows.select(names).iter_rows():
            bundle, bits = values[0], dict(zip(BITS, values[1:]))
            if bundle is None:  # the option was not asked on this side
                for k in DETAILS:
                    out[k].append([])
                continue
            book = self.codebooks[bundle]
            for k in DETAILS[:-2]:
                out[k].append(book.names(k, option).decode(bits[k]))
            asked = [n for k in ("missing", "route_missing") for n in sorted(book.facts.decode(bits[k]))]
            out["missing_facts"].append([n for n in asked if self.facts is None or n in self.facts])
            out["open_terms"].append([n for n in asked if self.facts is not None and n not in self.facts])
        return out


def household_type(composition: pl.Expr) -> pl.Expr:
    return composition.fill_null("unknown")


def from_columnar(result: ColumnarResult, label: str) -> Outcomes:
    t = result.table
    meta = [
        pl.col(CASE_ID),
        pl.col("case.municipality").alias("municipality"),
        household_type(pl.col("household.composition")).alias("household_type"),
        pl.col("need.amount").alias("amount_cents"),
        pl.col("avoided_costs.per_year").alias("avoided_cents"),
    ]
    per_option = [col(k, o) for o in result.options for k in ("status", "first_block", *BITS)]
    return Outcomes(cases=t.select(*meta, BUNDLE, *per_option), options=result.options, label=label,
                    versions=versions_of(result.codebooks), codebooks=result.codebooks, facts=result.facts or None)


def versions_of(codebooks: dict[int, Codebook]) -> tuple[str, ...]:
    """The rule-set versions the bundles of a columnar evaluation used."""
    return tuple(sorted({v for b in codebooks.values() for v in b.versions}))


def from_decisions(pairs: Iterable[tuple[Case, dict]], label: str) -> Outcomes:
    """Outcomes of the single-case evaluator: (case, decision) per case."""
    rows, options, versions = [], [], set()
    for case, decision in pairs:
        amount = case.need.amount if case.need is not None else None
        avoided = None
        if case.avoided_costs is not None:
            avoided = sum((a.per_year for a in case.avoided_costs if a.per_year is not None), Decimal("0"))
        row = {CASE_ID: case.case_id, "municipality": case.municipality,
               "household_type": (case.household.composition if case.household else None) or "unknown",
               "amount_cents": None if amount is None else to_cents(amount, "need.amount"),
               "avoided_cents": None if avoided is None else to_cents(avoided, "avoided_costs")}
        versions |= {f"{r['id']}@{r['version']}" for r in decision["rulesets"]}
        for o in decision["options"]:
            name = o["option"]
            if name not in options:
                options.append(name)
            row[col("status", name)] = o["status"]
            row[col("first_block", name)] = o["blocked_by"][0]["rule"] if o["blocked_by"] else None
            row[col("reason", name)] = o["blocked_by"][0]["reason"] if o["blocked_by"] else None
            row[col("blocks", name)] = [b["rule"] for b in o["blocked_by"]]
            row[col("possible", name)] = [b["rule"] for b in o["possible_blocks"]]
            for status in ("available", "conditional", "unavailable"):
                row[col(f"routes_{status}", name)] = [r["route"] for r in o["routes"] if r["status"] == status]
            row[col("missing_facts", name)] = o["missing_facts"]
            row[col("open_terms", name)] = o["open_terms"]
        rows.append(row)
    options = tuple(sorted(options))
    schema = dict(META)
    for o in options:
        schema |= {col("status", o): STATUS, col("first_block", o): pl.String, col("reason", o): pl.String,
                   **{col(k, o): pl.List(pl.String) for k in DETAILS}}
    return Outcomes(cases=pl.DataFrame(rows, schema=schema), options=options, label=label,
                    versions=tuple(sorted(versions)))
