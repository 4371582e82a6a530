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


_SOURCES = ("wages", "self_employment", "bijstand", "other_benefit", "alimony", "other")
_NEED = ("kind", "purpose", "amount", "needed_within_days", "at_risk", "obligation", "duration_months",
         "expected_earnings_monthly")


def case_from_row(row: dict[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """A row of a case table as a case file (the public format): what `regelruimte check` reads.

    The inverse of `case_row` for the facts a case file can carry: money back to decimal strings,
    the income back to one item per source with an amount (a known income of nothing is `[]`).
    """
    money = money_facts(vocabulary)

    def value(name: str):
        v = row.get(name)
        if v is None:
            return None
        if name in money:
            return str((Decimal(v) / 100).quantize(CENT))
        return v.isoformat() if hasattr(v, "isoformat") else v

    case: dict[str, Any] = {"case_id": row[CASE_ID], "reference_date": value("case.reference_date"),
                            "municipality": row["case.municipality"], "options": list(row[OPTIONS] or [])}
    household = {k: value(f"household.{k}") for k in ("composition", "children", "cost_sharers")}
    members = [{"role": role, "age": row[f"{role}.age"]} for role in ("applicant", "partner")
               if row.get(f"{role}.age") is not None]
    for m in members:
        if row.get(f"{m['role']}.student_finance_possible") is not None:
            m["student_finance_possible"] = row[f"{m['role']}.student_finance_possible"]
    household = {k: v for k, v in household.items() if v is not None} | ({"members": members} if members else {})
    if household:
        case["household"] = household
    if row.get("income.net_monthly") is not None:
        items = [{"source": s, "net_monthly": value(f"income.{s}")} for s in _SOURCES if row.get(f"income.{s}")]
        if all(row.get(f"income.{s}") is None for s in _SOURCES) and row["income.net_monthly"]:
            items = [{"net_monthly": value("income.net_monthly")}]  # only the total is known, not its source
        elif sum(row[f"income.{s}"] for s in _SOURCES if row.get(f"income.{s}")) != row["income.net_monthly"]:
            items = [{"source": "other", "net_monthly": value("income.net_monthly")}] if row["income.net_monthly"] else []
        case["income"] = items
    for name in ("assets", "benefit", "work"):
        if row.get(name) is not None:
            case[name] = value(name)
    debts = {k: value(f"debts.{k}") for k in ("regime", "since", "free_allowance_monthly")}
    if any(v is not None for v in debts.values()):
        case["debts"] = {k: v for k, v in debts.items() if v is not None}
    need = {k: value(f"need.{k}") for k in _NEED}
    if need["kind"] is not None:
        case["need"] = {k: v for k, v in need.items() if v is not None}
    circumstances = {n.split(".", 1)[1]: value(n) for n in vocabulary.facts
                     if n.startswith("circumstances.") and row.get(n) is not None}
    if circumstances:
        case["circumstances"] = circumstances
    bridge = {n.rsplit(".", 1)[1]: row[n] for n in vocabulary.facts if n.startswith("assessment.bridge.") and row.get(n) is not None}
    if bridge:
        case["assessment"] = {"bridge": bridge}
    avoided = {k: value(f"avoided_costs.{k}") for k in ("per_year", "once")}
    if any(v is not None for v in avoided.values()):
        case["avoided_costs"] = [{"item": "voorkomen kosten", **{k: v for k, v in avoided.items() if v is not None}}]
    return case
