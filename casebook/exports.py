"""Every table of a report as CSV (UTF-8, comma-separated, column names as header) or Parquet.

Types survive: counts are integers, money is decimal(18,2) in Parquet and a plain decimal string
in CSV ("1100.00"), shares are decimal(7,3), dates are dates. Never floats.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .report import Report, Table

ARROW = {"text": pa.string(), "int": pa.int64(), "money": pa.decimal128(18, 2), "share": pa.decimal128(7, 3),
         "ratio": pa.decimal128(14, 2), "date": pa.date32(), "bool": pa.bool_(), "status": pa.string()}  # status: a code, in words on the page


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), =cmd|…, @SUM(…)).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# A Dutch spreadsheet splits a CSV line on ";" too, so a cell "zie dossier;=cmd|…" holds a second cell that would run.
AFTER_SEMICOLON = re.compile(r"(;\s*)(?=[=+\-@])")


def neutral_text(text: str) -> str:
    """Text as a spreadsheet shows it and never runs it: a leading ' makes a would-be formula text, at the start
    of the cell and after every ";" (where a spreadsheet that separates by ";" starts a cell)."""
    if ";" in text:
        text = AFTER_SEMICOLON.sub(r"\1'", text)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):  # text a user typed (team, signal, labels); numbers keep their minus sign
        return neutral_text(value)
    return str(value)


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_value(row.get(c.name)) for c in table.columns])
    return out.getvalue()


def _arrow_value(value, kind: str):
    if value is None:
        return None
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind in ("money", "share", "ratio"):
        return Decimal(value)
    if kind == "bool":
        return bool(value)
    return value


def table_arrow(table: Table) -> pa.Table:
    schema = pa.schema([pa.field(c.name, ARROW[c.kind]) for c in table.columns])
    columns = [pa.array([_arrow_value(r.get(c.name), c.kind) for r in table.rows], type=ARROW[c.kind])
               for c in table.columns]
    return pa.Table.from_arrays(columns, schema=schema)


def table_parquet(table: Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table_arrow(table), sink)
    return sink.getvalue()


def write_tables(report: Report, folder: Path, fmt: str) -> list[Path]:
    """Write every table of `report` to `folder` as <name>.csv or <name>.parquet."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in report.tables.items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            path.write_text(table_csv(table), encoding="utf-8")
        elif fmt == "parquet":
            pq.write_table(table_arrow(table), path)
        else:
            raise ValueError(f"unknown export format {fmt!r}")
        written.append(path)
    return written
