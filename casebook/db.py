"""Opening the casebook database: which URL, how to connect, migrations, and retrying conflicts.

SQLite is the default (a file next to where you work); PostgreSQL is used when the URL says so.
SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
`BEGIN IMMEDIATE`, so concurrent writers queue instead of failing half-way. A write that still
conflicts (a unique key another writer took first, a deadlock, a locked database) is rolled back
whole and retried; the retry sees the other writer's rows, so nothing is lost or duplicated.
Bulk inserts hand pre-encoded rows to the driver (executemany, COPY) with ids reserved in the
transaction (docs/decisions/0021-casebook-import-bulk-writes.md).
"""
from __future__ import annotations

import json
import os
import random
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
from sqlalchemy import Connection, Date, DateTime, Engine, Table, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

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


_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """A JSON column's text: `json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)`,
    byte for byte (tests/casebook/test_db.py), written by orjson at a fraction of the cost. Dates and
    dataclasses go to `str` as they did; a value orjson refuses (an integer beyond 64 bits) takes the
    standard library's path."""
    try:
        return orjson.dumps(value, default=str, option=_ORJSON).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def make_engine(url: str) -> Engine:
    u = make_url(url)
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
    with engine.connect() as conn:
        conn.execution_options(casebook_write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            if MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision() != head:
                command.upgrade(_alembic_config(conn), "head")


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


@lru_cache(maxsize=None)
def _converters(dialect, table: Table, columns: tuple[str, ...]) -> tuple[tuple[int, Callable], ...]:
    """Per column the conversion SQLAlchemy would apply to a date or time on this dialect (on SQLite the
    text it stores); JSON columns come encoded already, other values go to the driver as they are."""
    out = []
    for i, name in enumerate(columns):
        col_type = table.c[name].type
        if isinstance(col_type, (Date, DateTime)):
            process = col_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                out.append((i, process))
    return tuple(out)


def insert_rows(conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert `rows` (tuples in `columns` order; JSON columns encoded with `dumps`) in this transaction,
    handing them to the driver without SQLAlchemy's per-row parameter processing: one `executemany` on
    SQLite, `COPY` on PostgreSQL. A driver error is raised as SQLAlchemy's, so `write_transaction`
    retries a conflict as it does for any other statement."""
    if not rows:
        return
    columns = tuple(columns)
    converters = _converters(conn.dialect, table, columns)
    if converters:
        rows = [_converted(r, converters) for r in rows]
    names = ", ".join(columns)
    cursor = conn.connection.cursor()
    try:
        if is_sqlite(conn.engine):
            statement = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
            cursor.executemany(statement, rows)
        else:
            statement = f"COPY {table.name} ({names}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error,
                                  dialect=conn.dialect) from exc
    finally:
        cursor.close()


def _converted(row: tuple, converters: tuple[tuple[int, Callable], ...]) -> tuple:
    row = list(row)
    for i, process in converters:
        if row[i] is not None:
            row[i] = process(row[i])
    return tuple(row)


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
