"""Cases as a column table: one row per case, one column per fact of the vocabulary.

The columns carry the same facts, under the same names, as `engine.facts.case_facts` gives the
single-case evaluator; a fact the case does not give is null (unknown). Money is Int64 cents,
exact, never a float; lists stay lists. `case_id` and `case.options` identify the case and what
it asks.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

import polars as pl

from engine.case import Case
from engine.errors import CaseError, Problem
from engine.facts import Vocabulary, case_facts

CASE_ID = "case_id"
OPTIONS = "case.options"
CENT = Decimal("0.01")

_DTYPES = {
    "integer": pl.Int64, "money": pl.Int64, "date": pl.Date, "text": pl.String, "enum": pl.String,
    "boolean": pl.Boolean, "list_text": pl.List(pl.String), "list_integer": pl.List(pl.Int64),
}


def schema(vocabulary: Vocabulary) -> dict[str, pl.DataType]:
    """The column types of a case table for this vocabulary."""
    out: dict[str, pl.DataType] = {CASE_ID: pl.String, OPTIONS: pl.List(pl.String)}
    out.update({name: _DTYPES[spec.type] for name, spec in vocabulary.facts.items()})
    return out


def money_facts(vocabulary: Vocabulary) -> frozenset[str]:
    return frozenset(n for n, s in vocabulary.facts.items() if s.type == "money")


def to_cents(value: Decimal | int, name: str) -> int:
    d = Decimal(value)
    if d != d.quantize(CENT):
        raise CaseError([Problem(f"bedrag {d} heeft meer dan twee cijfers achter de komma",
                                 f"amount {d} has more than two decimals", field=name)])
    return int(d * 100)


def case_row(case: Case, vocabulary: Vocabulary, money: frozenset[str] | None = None) -> dict[str, Any]:
    """One case as a row: exactly the facts the single-case evaluator reads, money in cents."""
    money = money_facts(vocabulary) if money is None else money
    row: dict[str, Any] = {CASE_ID: case.case_id, OPTIONS: list(case.options)}
    for name, value in case_facts(case, vocabulary).items():
        if name not in vocabulary.facts:
            continue  # no condition can read a name outside the vocabulary
        if name in money:
            value = to_cents(value, name)
        elif isinstance(value, tuple):
            value = list(value)
        row[name] = value
    return row


def case_table(cases: Iterable[Case], vocabulary: Vocabulary) -> pl.DataFrame:
    money = money_facts(vocabulary)
    return pl.DataFrame([case_row(c, vocabulary, money) for c in cases], schema=schema(vocabulary))


def conform(frame: pl.DataFrame | pl.LazyFrame, vocabulary: Vocabulary | dict[str, pl.DataType]) -> pl.LazyFrame:
    """Every vocabulary column present with its type (absent columns are wholly unknown).

    `vocabulary` may also be the schema itself (what a Dask worker gets instead of the vocabulary).
    """
    lf = frame.lazy()
    have = lf.collect_schema()
    wanted = vocabulary if isinstance(vocabulary, dict) else schema(vocabulary)
    unknown = [c for c in have if c not in wanted and not c.startswith("_")]
    if unknown:
        raise CaseError([Problem(f"onbekende kolom '{c}' (geen feit uit rulesets/facts.yaml)",
                                 f"unknown column '{c}' (not a fact of rulesets/facts.yaml)", field=c) for c in unknown])
    exprs = []
    for name, dtype in wanted.items():
        if name not in have:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
        elif have[name] != dtype:
            exprs.append(pl.col(name).cast(dtype, strict=True))
    return lf.with_columns(exprs) if exprs else lf
