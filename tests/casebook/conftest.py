"""Casebook tests run against SQLite always and against PostgreSQL when
REGELRUIMTE_TEST_DATABASE_URL is set (each test in its own schema, dropped afterwards)."""
from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casebook.evaluation import evaluation_label
from casebook.importers import RawRecord, import_records
from casebook.store import Store
from tests.conftest import IN_CI, RULESETS, cannot_run

PG_ENV = "REGELRUIMTE_TEST_DATABASE_URL"
PG_SKIP = f"PostgreSQL overgeslagen: {PG_ENV} is niet gezet (bv. postgresql+psycopg://postgres@127.0.0.1:5432/test)"


def postgres_base() -> str | None:
    return os.environ.get(PG_ENV) or None


def postgres_listening(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class PostgresSchema:
    """A fresh schema on the test server; its URL puts it first on the search path."""

    def __init__(self, base: str):
        self.base = base
        self.name = f"cb_test_{uuid.uuid4().hex[:12]}"
        self.engine = create_engine(base)
        with self.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={self.name}"})
        self.url = url.render_as_string(hide_password=False)

    def drop(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        self.engine.dispose()


def database_url(kind: str, tmp_path: Path):
    """(url, cleanup) for 'sqlite' or 'postgresql'; skips PostgreSQL, saying why, when it is not configured."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'casebook.sqlite'}", lambda: None
    base = postgres_base()
    if not base:
        if IN_CI and postgres_listening():  # in CI a PostgreSQL that is there must be used (.ci/run sets the URL)
            cannot_run(f"PostgreSQL luistert op 127.0.0.1:5432 maar {PG_ENV} is niet gezet")
        pytest.skip(PG_SKIP)
    schema = PostgresSchema(base)
    return schema.url, schema.drop


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    url, cleanup = database_url(request.param, tmp_path)
    yield url
    cleanup()


@pytest.fixture
def store(db_url):
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def postgres_store(tmp_path):
    """A store on PostgreSQL only: for what SQLite does not have (skipped outside CI without a server)."""
    url, cleanup = database_url("postgresql", tmp_path)
    s = Store.open(url)
    yield s
    s.close()
    cleanup()


@pytest.fixture
def sqlite_store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'casebook.sqlite'}")
    yield s
    s.close()


def add_records(store: Store, registry, records, batch_size: int = 500, **kwargs):
    """Import plain records (cases or envelopes) into `store`."""
    raws = [RawRecord("test", i + 1, r) for i, r in enumerate(records)]
    return import_records(store, registry, raws, evaluation_label(registry, RULESETS), batch_size=batch_size,
                          **kwargs)


def pytest_terminal_summary(terminalreporter):
    base = postgres_base()
    if base:
        shown = make_url(base).render_as_string(hide_password=True)
        terminalreporter.write_line(f"casebook: PostgreSQL-tests gedraaid tegen {shown}")
    else:
        terminalreporter.write_line(f"casebook: {PG_SKIP}", yellow=True)
