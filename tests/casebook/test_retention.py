"""Retention with a fixed clock: exactly the cases not stored or changed within the period go, from
every table, every export and (SQLite) the database file and its write-ahead log."""
import datetime as dt
from pathlib import Path

import pytest

from engine.errors import RegelruimteError

from casebook import audit, retention, store as store_module
from casebook.access import Access, User
from casebook.users import add_user
from tests.casebook.conftest import add_records
from tests.casebook.two_municipalities import record

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CUTOFF = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # 12 months before NOW


def at(moment: dt.datetime, monkeypatch):
    monkeypatch.setattr(store_module, "now", lambda: moment)


def stored(store, registry, monkeypatch, moment, case_id, amount="1100.00", **meta):
    at(moment, monkeypatch)
    rec = record(case_id, "zaanstad", meta.get("team"))
    rec["signal"] = meta.get("signal", f"systeemprobleem: teken-{case_id}")
    rec["case"]["need"]["amount"] = amount
    add_records(store, registry, [rec])


@pytest.fixture
def aged(store, registry, monkeypatch):
    stored(store, registry, monkeypatch, dt.datetime(2025, 1, 10, tzinfo=UTC), "zaanstad-oud")
    stored(store, registry, monkeypatch, CUTOFF - dt.timedelta(seconds=1), "zaanstad-net-te-oud")
    stored(store, registry, monkeypatch, CUTOFF, "zaanstad-precies-op-de-grens")
    stored(store, registry, monkeypatch, dt.datetime(2026, 5, 1, tzinfo=UTC), "zaanstad-vers")
    # an old case with a newer version, and an old case whose signal was changed lately, are kept
    stored(store, registry, monkeypatch, dt.datetime(2024, 1, 1, tzinfo=UTC), "zaanstad-nieuwe-versie")
    stored(store, registry, monkeypatch, dt.datetime(2026, 1, 1, tzinfo=UTC), "zaanstad-nieuwe-versie", "1200.00")
    stored(store, registry, monkeypatch, dt.datetime(2024, 1, 1, tzinfo=UTC), "zaanstad-bijgewerkt")
    stored(store, registry, monkeypatch, dt.datetime(2026, 2, 1, tzinfo=UTC), "zaanstad-bijgewerkt",
           signal="systeemprobleem: aangevuld")
    monkeypatch.undo()
    return store


EXPIRED = ["zaanstad-net-te-oud", "zaanstad-oud"]


def test_a_dry_run_lists_exactly_the_expired_cases_and_deletes_nothing(aged):
    found = retention.run(aged, 12, NOW, dry_run=True)
    assert [e.case_id for e in found] == EXPIRED
    assert aged.stats()["cases"] == 6


def test_a_run_deletes_exactly_the_expired_cases_everywhere(aged, db_url):
    assert [e.case_id for e in retention.run(aged, 12, NOW)] == EXPIRED
    left = {v["case_id"] for v in aged.export("zaanstad")}
    assert left == {"zaanstad-precies-op-de-grens", "zaanstad-vers", "zaanstad-nieuwe-versie", "zaanstad-bijgewerkt"}
    assert aged.check() == []
    assert retention.run(aged, 12, NOW) == []  # nothing left to do
    if db_url.startswith("sqlite"):
        files = Path(db_url.removeprefix("sqlite:///")).parent.glob("casebook.sqlite*")
        data = b"".join(f.read_bytes() for f in files)
        assert b"teken-zaanstad-vers" in data  # the check can see text that is there
        for case_id in EXPIRED:
            assert f"teken-{case_id}".encode() not in data


def test_a_run_is_in_the_audit_log_once_the_casebook_has_users(aged):
    add_user(aged.engine, User("beheer", "admin", ("*",)), NOW)
    retention.run(aged, 12, NOW, access=Access("retentie", via="test"))
    entry = next(audit.entries(aged.engine))
    assert (entry["user_name"], entry["action"], entry["case_ids"]) == ("retentie", "retention", EXPIRED)


@pytest.mark.parametrize("moment, months, expected", [
    (dt.datetime(2026, 3, 31, tzinfo=UTC), 1, dt.datetime(2026, 2, 28, tzinfo=UTC)),
    (dt.datetime(2024, 3, 31, tzinfo=UTC), 1, dt.datetime(2024, 2, 29, tzinfo=UTC)),
    (dt.datetime(2026, 1, 15, 8, 30, tzinfo=UTC), 13, dt.datetime(2024, 12, 15, 8, 30, tzinfo=UTC)),
    (dt.datetime(2026, 6, 1, tzinfo=UTC), 12, dt.datetime(2025, 6, 1, tzinfo=UTC)),
])
def test_months_are_calendar_months(moment, months, expected):
    assert retention.months_before(moment, months) == expected


def test_the_setting_is_a_whole_number_of_months_or_refused():
    env = retention.ENV_MONTHS
    assert retention.configured_months({}) is None
    assert retention.configured_months({env: " 18 "}) == 18
    for bad in ("0", "-3", "zes", "1.5", "99999", "²", "١٢", "1" * 5000):  # "²".isdigit(), then int() failed
        with pytest.raises(RegelruimteError) as exc:
            retention.configured_months({env: bad})
        assert exc.value.problems[0].field == env
        assert bad not in exc.value.problems[0].message or bad in ("0", "1")  # (the message names 1 and 1200)
