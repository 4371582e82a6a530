"""Opening the casebook database: which URL, how to connect, migrations, and retrying conflicts.

SQLite is the default (a file next to where you work); PostgreSQL is used when the URL says so.
SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
`BEGIN IMMEDIATE`, so concurrent writers queue instead of failing half-way. A write that still
conflicts (a unique key another writer took first, a deadlock, a locked database) is rolled back
whole and retried; the retry sees the other writer's rows, so nothing is lost or duplicated.
Bulk inserts hand rows encoded in advance (`Codec`: in the import's worker processes) to the driver
(executemany, COPY) with ids reserved in the transaction (docs/decisions/0021 and 0030).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, TypeVar

import orjson

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, Connection, Date, DateTime, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from engine.errors import Problem, RegelruimteError

ENV_URL = "REGELRUIMTE_DATABASE_URL"
DEFAULT_URL = "sqlite:///casebook.sqlite"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "casebook_alembic_version"
BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 0x52524342  # "RRCB": the PostgreSQL advisory lock held while migrating

T = TypeVar("T")


def resolve_url(given: str | None = None) -> str:
    """The database URL: `given` (a URL or a file path), else $REGELRUIMTE_DATABASE_URL, else casebook.sqlite."""
    value = given or os.environ.get(ENV_URL) or DEFAULT_URL
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser()}"
    return value


_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _orjson(value: Any) -> bytes:
    """orjson's bytes for `dumps`; keys that are not strings (written as json.dumps writes them) only on a
    second try, as that option costs a third more on every document (a decision: 14 against 9 µs)."""
    try:
        return orjson.dumps(value, default=str, option=_ORJSON)
    except orjson.JSONEncodeError:
        return orjson.dumps(value, default=str, option=_ORJSON | orjson.OPT_NON_STR_KEYS)


def dumps(value: Any) -> str:
    """A JSON column's text: `json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)`,
    byte for byte (tests/casebook/test_db.py), written by orjson at a fraction of the cost. Dates and
    dataclasses go to `str` as they did; a value orjson refuses (an integer beyond 64 bits) takes the
    standard library's path."""
    try:
        return _orjson(value).decode()
    except orjson.JSONEncodeError:
        return _stdlib(value)


def _stdlib(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


SUPPORTED = ("sqlite", "postgresql")


def checked_url(url: str):
    """`url` read as a database URL of a kind the casebook runs on (SQLite or PostgreSQL); anything else is refused
    in words before a driver is looked for (mysql:// gave a ModuleNotFoundError traceback, in the service a 500)."""
    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001 - sqlalchemy's ArgumentError and ValueError: the URL cannot be read
        u = None
    if u is None or u.get_backend_name() not in SUPPORTED:
        raise RegelruimteError([Problem(
            "geef een SQLite-pad of een PostgreSQL-URL (postgresql+psycopg://gebruiker@host:5432/database)",
            "give a SQLite path or a PostgreSQL URL (postgresql+psycopg://user@host:5432/database)", field="database")])
    return u


def database_url_checked() -> str:
    """The service's database URL ($REGELRUIMTE_DATABASE_URL or casebook.sqlite), checked before the port opens."""
    url = resolve_url()
    checked_url(url)
    return url


def make_engine(url: str) -> Engine:
    u = checked_url(url)
    if u.get_backend_name() == "sqlite":
        engine = create_engine(u, json_serializer=dumps, connect_args={"check_same_thread": False,
                                                                       "timeout": BUSY_TIMEOUT_MS / 1000})
        _sqlite_setup(engine)
        return engine
    return create_engine(u, json_serializer=dumps, pool_pre_ping=True)


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see below)
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # durable against process crashes in WAL mode
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # a deleted case is overwritten with zeros, not left in free pages
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection):
        # a writer takes the write lock at the start, so two writers never deadlock on an upgrade
        immediate = conn.get_execution_options().get("casebook_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def checkpoint(engine: Engine) -> None:
    """After a delete: copy the write-ahead log into the database file and empty it, so the deleted
    text is not left in casebook.sqlite-wal either (docs/casebook.md, "What deleting guarantees").
    A reader that holds the log open can make this incomplete; the next delete or checkpoint finishes it."""
    if is_sqlite(engine) and engine.url.database not in (None, "", ":memory:"):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _alembic_config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def _head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe when several processes open a new database at once."""
    head = _head()
    if current_revision(engine) == head:
        return
    with _schema_connection(engine) as conn:
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            if MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision() != head:
                command.upgrade(_alembic_config(conn), "head")


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` (a migration that cannot keep the data refuses, changing nothing)."""
    with _schema_connection(engine) as conn:
        with conn.begin():
            command.downgrade(_alembic_config(conn), revision)


@contextmanager
def _schema_connection(engine: Engine) -> Iterator[Connection]:
    """A writer's connection for a migration; on SQLite with foreign keys off while it runs. A migration that
    changes a constraint copies the table and drops the old one, and with them on SQLite would first delete
    every row that refers to it (ON DELETE CASCADE). They can only be switched outside a transaction."""
    with engine.connect() as conn:
        conn.execution_options(casebook_write=True)
        raw = conn.connection.dbapi_connection if is_sqlite(engine) else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            yield conn
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


# -- bulk writes -----------------------------------------------------------------------------------

def reserve_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """`n` new ids for `table`, to be inserted in this write transaction. SQLite: the transaction holds
    the write lock (BEGIN IMMEDIATE), so nobody else can take max(id) + 1 … max(id) + n, the ids SQLite
    itself would have given (the tables have no AUTOINCREMENT). PostgreSQL: `nextval` of the column's
    sequence, which no other transaction can get again, committed or not."""
    if n == 0:
        return []
    if is_sqlite(conn.engine):
        top = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table.name}").scalar_one()
        return list(range(top + 1, top + n + 1))
    return list(conn.execute(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                             {"t": table.name, "n": n}).scalars())


def dumps_bytes(value: Any) -> bytes:
    """`dumps(value)` as UTF-8."""
    try:
        return _orjson(value)
    except orjson.JSONEncodeError:
        return _stdlib(value).encode()


class Codec:
    """A dialect's encoding of rows for `insert`, split in two: `part` encodes the columns that do not
    depend on what is stored (in the process that evaluated the case: a worker), `insert` adds the ones
    that do (ids, versions, the batch) and hands the rows to the driver in one call per table, without
    SQLAlchemy's per-row parameter processing (docs/decisions/0030-import-pipeline-workers-encode-one-writer.md).

    SQLite: a part is a tuple of driver values, dates and times as the text SQLAlchemy stores and JSON as
    its UTF-8 bytes, which the statement casts to TEXT (stored as text, as before, but never decoded to a
    Python string and encoded again). PostgreSQL: a part is the columns in COPY's text format."""

    def __init__(self, dialect):
        self.dialect = dialect
        self.sqlite = dialect.name == "sqlite"
        self._plans: dict = {}

    def _plan(self, table: Table, columns: tuple[str, ...]) -> tuple:
        """Per column how its value is encoded: None (as it is), "json", or a date/time bind processor."""
        key = (table.name, columns)
        plan = self._plans.get(key)
        if plan is None:
            plan = []
            for name in columns:
                col_type = table.c[name].type
                if isinstance(col_type, JSON):
                    plan.append("json")
                elif isinstance(col_type, (Date, DateTime)) and self.sqlite:
                    plan.append(col_type.dialect_impl(self.dialect).bind_processor(self.dialect))
                else:
                    plan.append(None)
            plan = self._plans[key] = tuple(plan)
        return plan

    def part(self, table: Table, columns: Sequence[str], values: Sequence) -> Any:
        """`values` of `columns` of one row, encoded."""
        plan = self._plan(table, tuple(columns))
        if self.sqlite:
            if not any(plan):
                return tuple(values)
            return tuple(dumps_bytes(v) if how == "json" else v if how is None or v is None else how(v)
                         for how, v in zip(plan, values))
        return b"\t".join([_copy_json(values[start]) if whole else _copy_fields(values[start:end])
                           for whole, start, end in _runs(plan)])

    def insert(self, conn: Connection, table: Table, dynamic: Sequence[str], static: Sequence[str],
               rows: Sequence[tuple[tuple, Any]]) -> None:
        """Insert `rows`, each (the values of `dynamic`, the `part` of `static`), in this transaction: one
        `executemany` (SQLite) or one `COPY` (PostgreSQL). A driver error is raised as SQLAlchemy's, so
        `write_transaction` retries a conflict as it does for any other statement."""
        if not rows:
            return
        columns = (*dynamic, *static)
        names = ", ".join(columns)
        cursor = conn.connection.cursor()
        try:
            if self.sqlite:
                plan = self._plan(table, tuple(dynamic))
                marks = ", ".join("CAST(? AS TEXT)" if how == "json" else "?" for how in self._plan(table, columns))
                statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
                if any(plan):  # dates and times among the values added here: each distinct one converted once
                    seen: dict = {}
                    rows = [(tuple(v if how is None or v is None else seen.get(v) or seen.setdefault(v, how(v))
                                   for how, v in zip(plan, values)), part) for values, part in rows]
                cursor.executemany(statement, [values + part for values, part in rows])
            else:
                statement = f"COPY {table.name} ({names}) FROM STDIN"
                tab = b"\t" if static else b""
                prefixes: dict = {}  # the detail rows of a decision share theirs: encoded once

                def prefix(values: tuple) -> bytes:
                    encoded = prefixes.get(values)
                    if encoded is None:
                        encoded = prefixes[values] = _copy_fields(values) + tab
                    return encoded

                data = b"\n".join([prefix(values) + part for values, part in rows]) + b"\n"
                with cursor.copy(statement) as copy:
                    copy.write(data)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error,
                                      dialect=conn.dialect) from exc
        finally:
            cursor.close()


@lru_cache(maxsize=None)
def _runs(plan: tuple) -> tuple[tuple[bool, int, int], ...]:
    """A plan's columns in runs: each JSON column alone, the others together (encoded with one call)."""
    runs: list[tuple[bool, int, int]] = []
    for i, how in enumerate(plan):
        whole = how == "json"
        if runs and not whole and not runs[-1][0]:
            runs[-1] = (False, runs[-1][1], i + 1)
        else:
            runs.append((whole, i, i + 1))
    return tuple(runs)


@lru_cache(maxsize=None)
def codec(dialect) -> Codec:
    return Codec(dialect)


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in `columns` order, no JSON columns) in this transaction (`Codec.insert`)."""
    c = codec(conn.dialect)
    nothing = c.part(table, (), ())  # no encoded part: every column is given here
    c.insert(conn, table, columns, (), [(tuple(r), nothing) for r in rows])


def _copy_text(data: bytes) -> bytes:
    """UTF-8 text as a field of COPY's text format: backslash, tab, newline and carriage return escaped."""
    if b"\\" in data:
        data = data.replace(b"\\", b"\\\\")
    if b"\t" in data or b"\n" in data or b"\r" in data:
        data = data.replace(b"\t", b"\\t").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
    return data


def _copy_json(value: Any) -> bytes:
    return _copy_text(dumps_bytes(value))


def _copy_fields(values: Sequence) -> bytes:
    """Values as fields of COPY's text format, tab-separated (what psycopg's `write_row` would send). One
    test for the characters to escape over all the row's texts, and one encode: a row is mostly short texts,
    and calls per field were most of a worker's encoding."""
    texts, strings = [], []
    for value in values:
        kind = type(value)
        if kind is str:
            texts.append(value)
            strings.append(value)
        elif value is None:
            texts.append("\\N")
        elif kind is bool:
            texts.append("t" if value else "f")
        elif kind is int:
            texts.append(str(value))
        else:
            texts.append(_copy_other(value))
    if strings and _COPY_ESCAPED.search("".join(strings)):
        texts = [t.translate(_COPY_ESCAPES) if type(v) is str else t for t, v in zip(texts, values)]
    return "\t".join(texts).encode()


_COPY_ESCAPED = re.compile("[\\\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_other(value: Any) -> str:
    """A field that is not an exact str, int, bool or None, as COPY's text (escaped where it is text)."""
    if isinstance(value, int):  # an IntEnum (bool has no subclasses)
        return "%d" % value
    if isinstance(value, str):  # its text, not what a subclass's __str__ makes of it (an Enum: "E.A")
        return str.__str__(value).translate(_COPY_ESCAPES)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"no COPY text for {type(value).__name__}")


# -- retrying a write transaction -----------------------------------------------------------------

_RETRY_PG_CODES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a unique key another writer took first: the retry sees its rows
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _RETRY_PG_CODES:
        return True
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower()


class WriteConflict(Exception):
    """A write kept conflicting with other writers; nothing of it was stored."""


def write_transaction(engine: Engine, work: Callable[[Connection], T], attempts: int = 8) -> T:
    """Run `work` in one write transaction; on a conflict roll back everything and run it again."""
    for attempt in range(1, attempts + 1):
        try:
            with _write_connection(engine) as conn:
                return work(conn)
        except DBAPIError as exc:
            if not _retryable(exc) or attempt == attempts:
                if _retryable(exc):
                    raise WriteConflict(str(exc.orig)) from exc
                raise
            time.sleep(min(2.0, 0.02 * 2 ** attempt) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


@contextmanager
def _write_connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.execution_options(casebook_write=True)
        with conn.begin():
            yield conn
