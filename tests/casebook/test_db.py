"""casebook/db.py: the JSON columns' text, and bulk inserts with ids reserved under the write lock."""
from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casebook import db
from casebook.importers import split_record
from casebook.models import Batch, CaseTag
from casebook.records import case_document
from casebook.synthetic import generate
from engine.case import parse_case
from decision.decide import decide_case


def stdlib(value) -> str:
    """The JSON columns' text before orjson (commit a05db52)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def test_generated_cases_and_decisions_are_written_as_before(registry):
    for record in generate(400, seed=13, registry=registry):
        case_data, meta = split_record(record)
        case = parse_case(case_data)
        decision = decide_case(case, registry, "nl", explanation=False)
        for value in (case_document(case), decision, decision["rulesets"], list(meta.tags)):
            assert db.dumps(value) == stdlib(value)


# floats are left out: the casebook writes none (amounts are text), and orjson writes 1e-07 as 1e-7
scalars = (st.none() | st.booleans() | st.text() | st.integers(min_value=-2**80, max_value=2**80)
           | st.decimals(allow_nan=False) | st.dates() | st.datetimes(timezones=st.just(dt.timezone.utc)))
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text() | st.integers(), inner, max_size=4), max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(documents)
def test_any_document_is_written_byte_for_byte_as_the_standard_library_writes_it(value):
    written = stdlib(value)
    assert db.dumps(value) == written
    if not any("\ud800" <= c <= "\udfff" for c in written):  # a lone surrogate is no UTF-8
        assert db.dumps_bytes(value) == written.encode()


def test_a_decimal_and_a_date_are_written_as_text():
    assert db.dumps({"a": Decimal("1.10"), "d": dt.date(2026, 1, 2)}) == '{"a":"1.10","d":"2026-01-02"}'


def test_reserved_ids_are_new_and_bulk_rows_land_as_sqlalchemy_would_store_them(db_url):
    engine = db.make_engine(db_url)
    try:
        db.migrate(engine)
        t = dt.datetime(2026, 12, 4, 23, 30, 1, 250, tzinfo=dt.timezone.utc)
        table = Batch.__table__

        def work(conn):
            conn.execute(table.insert(), {"kind": "import", "source": "a", "evaluation": "e", "cases": 0,
                                          "decisions": 0, "created_at": t})
            ids = db.reserve_ids(conn, table, 3)
            db.insert_rows(conn, table, ("id", "kind", "source", "evaluation", "cases", "decisions", "created_at"),
                           [(i, "import", None, "e", i, 0, t) for i in ids])
            return ids

        first = db.write_transaction(engine, work)
        second = db.write_transaction(engine, work)
        assert len(set(first + second)) == 6
        with engine.connect() as conn:
            rows = conn.execute(select(table).order_by(table.c.id)).all()
        assert len(rows) == 8 and len({r.id for r in rows}) == 8
        assert {r.created_at.replace(tzinfo=dt.timezone.utc) for r in rows} == {t}
        assert [r.cases for r in rows if r.id in first] == first
    finally:
        engine.dispose()


def test_a_bulk_row_that_breaks_a_key_is_a_retryable_conflict(db_url):
    engine = db.make_engine(db_url)
    try:
        db.migrate(engine)
        with pytest.raises(db.WriteConflict):  # the unique key of case_tags; its case row is missing too
            db.write_transaction(engine, lambda conn: db.insert_rows(
                conn, CaseTag.__table__, ("case_row_id", "tag"), [(1, "a"), (1, "a")]), attempts=2)
    finally:
        engine.dispose()


def test_encoded_rows_land_as_sqlalchemys_own_insert_stores_them(db_url):
    """A case row encoded in a worker (Codec.part) and inserted by the writer (Codec.insert) is stored as
    SQLAlchemy's insert stores it: every column, its text and (SQLite) its type, with the characters COPY
    must escape."""
    from casebook.store import CASE_ADDED, CASE_ENCODED, cases_t
    engine = db.make_engine(db_url)
    try:
        db.migrate(engine)
        t = dt.datetime(2026, 12, 4, 23, 30, 1, 250, tzinfo=dt.timezone.utc)
        values = {"case_id": "a", "municipality": "zaanstad", "reference_date": dt.date(2026, 1, 2),
                  "team": "wijk\tteam", "team_key": "wijk\tteam", "signal": "r1\nr2 \\N \\t \r € \"x\"", "tags": ["a:b", "c"],
                  "case_json": {"x": "é\t\\", "n": [1, None, True], "a": "1100.00"}, "origin": None}

        def work(conn):
            batch = conn.execute(Batch.__table__.insert().returning(Batch.__table__.c.id), {
                "kind": "import", "source": None, "evaluation": "e", "cases": 2, "decisions": 0,
                "created_at": t}).scalar_one()
            conn.execute(cases_t.insert(), {**values, "id": 1, "digest": "core", "version": 1, "latest": True,
                                            "batch_id": batch, "created_at": t, "updated_at": t})
            codec = db.codec(conn.dialect)
            other = {**values, "case_id": "b", "digest": "codec"}
            part = codec.part(cases_t, CASE_ENCODED, [other[c] for c in CASE_ENCODED])
            codec.insert(conn, cases_t, CASE_ADDED, CASE_ENCODED, [((2, 1, True, batch, t, t), part)])

        db.write_transaction(engine, work)
        columns = [c.name for c in cases_t.c if c.name not in ("id", "case_id", "digest")]
        shown = (", ".join(f"{c}, typeof({c})" for c in columns) if db.is_sqlite(engine)
                 else ", ".join(f"{c}::text" for c in columns))
        with engine.connect() as conn:
            core, encoded = conn.exec_driver_sql(f"SELECT {shown} FROM cases ORDER BY id").all()
        assert encoded == core
    finally:
        engine.dispose()


class _Status(str, enum.Enum):  # a str subclass whose str() is not its text
    AVAILABLE = "route_available"
    ODD = "a\tb\\"


class _Level(enum.IntEnum):
    HIGH = 3


_FIELD = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2 ** 63, max_value=2 ** 63 - 1),
                   st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
                   st.sampled_from(["\\", "\t", "\n", "\r", "\\N", "a\\tb", "€\r\n", *_Status, _Level.HIGH]),
                   st.dates())


_UNESCAPE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _read_copy_row(line: bytes) -> list[str | None]:
    """A line of COPY's text format as the server reads it (fields split at tabs; \\N is NULL; the backslash
    sequences psycopg or we may write)."""
    fields = []
    for field in line.decode().split("\t"):
        if field == "\\N":
            fields.append(None)
            continue
        out, i = [], 0
        while i < len(field):
            if field[i] == "\\":
                out.append(_UNESCAPE[field[i + 1]])
                i += 2
            else:
                out.append(field[i])
                i += 1
        fields.append("".join(out))
    return fields


@settings(max_examples=400, deadline=None)
@given(st.lists(_FIELD, min_size=1, max_size=8))
def test_copy_fields_are_read_as_what_psycopg_itself_sends(row):
    """The worker's COPY text (db._copy_fields) is read by the server as psycopg's own text format for the same
    row: escapes, NULL, booleans, integers, dates, non-ASCII (psycopg also escapes \\b, \\f and \\v, which
    COPY accepts either way)."""
    from psycopg._copy_base import format_row_text
    from psycopg.adapt import Transformer

    theirs = bytearray()
    format_row_text(row, Transformer(), theirs)
    ours = db._copy_fields(row)
    assert b"\n" not in ours and _read_copy_row(ours) == _read_copy_row(bytes(theirs).removesuffix(b"\n"))
