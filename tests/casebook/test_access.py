"""The store keeps municipalities and teams apart: every query takes the caller's scope, and each
refused attempt lands in the audit log (against SQLite and PostgreSQL)."""
import datetime as dt
import json

import pytest
from sqlalchemy import inspect, select

from casebook import audit
from casebook.access import LOCAL, Access, Forbidden
from casebook.db import downgrade, make_engine, migrate
from casebook.evaluation import evaluate
from casebook.importers import RawRecord, to_prepared
from casebook.models import AuditRow
from casebook.records import case_ref
from casebook.report import build_report
from casebook.store import Filters, Store
from casebook.users import add_user
from tests.casebook.conftest import add_records
from tests.casebook.two_municipalities import CASES, MARKER, USERS, fill, of, record, refs_of


def access(name: str) -> Access:
    return Access.of(USERS[name], via="test")


@pytest.fixture
def shared(store, registry):
    fill(store, registry)
    return store


def log(store) -> list[dict]:
    return list(audit.entries(store.engine))


def refused(store, user: str, action: str) -> dict:
    entry = log(store)[0]
    assert (entry["user_name"], entry["action"], entry["allowed"]) == (user, action, False)
    return entry


@pytest.mark.parametrize("mine, theirs", [("zaanstad", "amsterdam"), ("amsterdam", "zaanstad")])
def test_an_analyst_reads_lists_and_exports_only_their_municipality(shared, mine, theirs):
    me = access(f"ana-{mine}")
    total, rows = shared.list_cases(Filters(), access=me)
    assert {r["case_id"] for r in rows} == of(mine) and total == 2
    assert {v["case_id"] for v in shared.export(mine, me)} == of(mine)
    assert shared.case(sorted(of(mine))[0], me)["versions"][0]["municipality"] == mine
    assert [m["municipality"] for m in shared.stats(me)["municipalities"]] == [mine]
    assert shared.stats(me)["cases"] == 2

    other = sorted(of(theirs))[0]
    with pytest.raises(Forbidden):
        shared.case(other, me)
    assert refused(shared, f"ana-{mine}", "read")["case_ids"] == [case_ref(other, CASES[other][1])]
    with pytest.raises(Forbidden):
        shared.export(theirs, me)
    assert refused(shared, f"ana-{mine}", "export")["municipalities"] == [theirs]
    with pytest.raises(Forbidden):
        shared.list_cases(Filters(municipalities=(theirs,)), access=me)
    refused(shared, f"ana-{mine}", "read")


def test_a_delete_outside_scope_deletes_nothing_and_is_logged(shared):
    me = access("ana-zaanstad")
    with pytest.raises(Forbidden) as exc:
        shared.delete_cases(["zaanstad-oost-1", "amsterdam-oost-1"], access=me)
    assert "verwijderen" in exc.value.message and "amsterdam" not in exc.value.message
    assert refused(shared, "ana-zaanstad", "delete")["case_ids"] == [case_ref("amsterdam-oost-1", "wijkteam-oost")]
    assert shared.stats()["cases"] == 4  # not even the own case of the same request
    with pytest.raises(Forbidden):
        shared.delete_cases(municipality="amsterdam", access=me)
    assert shared.stats()["cases"] == 4
    assert shared.delete_cases(["zaanstad-oost-1"], access=me) == 1
    entry = log(shared)[0]
    assert (entry["action"], entry["allowed"], entry["case_ids"]) == \
        ("delete", True, [case_ref("zaanstad-oost-1", "wijkteam-oost")])


def test_the_report_counts_only_the_callers_cases(shared, registry):
    report = build_report(shared, access=access("ana-amsterdam"))
    assert report.overview["cases"] == 2
    assert {r["case_id"] for r in report.tables["signals"].rows} == of("amsterdam")
    assert [r["municipality"] for r in report.tables["municipalities"].rows] == ["amsterdam"]
    entry = log(shared)[0]
    assert (entry["action"], set(entry["case_ids"])) == ("report", refs_of("amsterdam"))
    with pytest.raises(Forbidden):
        build_report(shared, Filters(municipalities=("zaanstad",)), access=access("ana-amsterdam"))


def test_a_professional_sees_only_their_team_in_their_municipality(shared, registry):
    me = access("pro-zaanstad-oost")
    total, rows = shared.list_cases(Filters(), access=me)
    assert [r["case_id"] for r in rows] == ["zaanstad-oost-1"]  # not amsterdam's team of the same name
    assert build_report(shared, access=me).overview["cases"] == 1
    with pytest.raises(Forbidden):
        shared.case("zaanstad-west-1", me)
    with pytest.raises(Forbidden):
        shared.list_cases(Filters(team="wijkteam-west"), access=me)
    for action in (lambda: shared.export("zaanstad", me), lambda: shared.delete_cases(["zaanstad-oost-1"], access=me)):
        with pytest.raises(Forbidden) as exc:
            action()
        assert exc.value.message.startswith("als professional mag u geen")
    assert shared.stats()["cases"] == 4


def test_a_professional_saves_into_their_own_team_only(shared, registry):
    me = access("pro-zaanstad-oost")

    def prepared(rec):
        p = to_prepared(RawRecord("test", 1, rec))
        p.decision = evaluate(p, registry)
        return p

    shared.add([prepared(record("zaanstad-oost-2", "zaanstad", None))], None, "test", access=me)
    assert shared.case("zaanstad-oost-2")["versions"][0]["team"] == "wijkteam-oost"  # their team, given
    for rec in (record("zaanstad-oost-3", "zaanstad", "wijkteam-west"),
                record("amsterdam-oost-2", "amsterdam", None)):  # another team or municipality
        rec["case"]["need"]["amount"] = "1200.00"
        with pytest.raises(Forbidden):
            shared.add([prepared(rec)], None, "test", access=me)
        assert refused(shared, "pro-zaanstad-oost", "save")
    # the id of another team's case is their own case (decision record 0044): west's is left as it was
    rec = record("zaanstad-west-1", "zaanstad", None)
    rec["case"]["need"]["amount"] = "1200.00"
    assert shared.add([prepared(rec)], None, "test", access=me).added == 1
    assert [(v["team"], v["version"]) for v in shared.case("zaanstad-west-1")["versions"]] == \
        [("wijkteam-oost", 1), ("wijkteam-west", 1)]
    assert shared.stats()["cases"] == 6


def test_a_policy_officer_sees_reports_not_cases(shared, registry):
    me = access("beleid")
    with pytest.raises(Forbidden, match="fewer than 10 cases"):  # four cases: too few to stay a group
        build_report(shared, access=me)
    add_records(shared, registry, [record(f"zaanstad-extra-{i}", "zaanstad", "wijkteam-oost") for i in range(8)],
                access=Access("test-beheer"))
    assert build_report(shared, access=me).overview["cases"] == 10  # Zaanstad's September; Amsterdam's 2 too few
    for action in (lambda: shared.list_cases(Filters(), access=me), lambda: shared.case("zaanstad-oost-1", me),
                   lambda: shared.export("zaanstad", me)):
        with pytest.raises(Forbidden) as exc:
            action()
        assert exc.value.message.startswith("als beleidsmedewerker mag u geen")


def test_the_audit_log_never_holds_case_contents(shared):
    for name in ("ana-zaanstad", "ana-amsterdam", "pro-zaanstad-oost", "beheer"):
        me = access(name)
        shared.list_cases(Filters(), access=me)
        build_report(shared, access=me)
        for cid in CASES:
            try:
                shared.case(cid, me)
            except Forbidden:
                pass
    with shared.engine.connect() as conn:
        # every column but the time, whose digits could contain an amount by chance ("14.110026")
        columns = [c for c in AuditRow.__table__.columns if c.name != "at"]
        text = json.dumps([list(r) for r in conn.execute(select(*columns))], default=str)
    assert len(log(shared)) > 20
    for content in (MARKER, "Welding mask", "1100", "wijkteam"):
        assert content not in text


def test_the_local_mode_sees_everything_and_logs_nothing(shared):
    assert shared.list_cases(Filters())[0] == 4
    assert shared.case("amsterdam-oost-1", LOCAL) is not None
    assert log(shared) == []


def test_once_there_are_users_a_caller_without_one_gets_nothing(shared, registry):
    add_user(shared.engine, USERS["beheer"], dt.datetime.now(dt.timezone.utc))
    for action in (lambda: shared.list_cases(Filters()), lambda: shared.case("amsterdam-oost-1"),
                   lambda: shared.export("zaanstad"), lambda: shared.stats(), lambda: build_report(shared),
                   lambda: shared.delete_cases(["zaanstad-oost-1"]),
                   lambda: add_records(shared, registry, [record("zaanstad-nieuw", "zaanstad", None)])):
        with pytest.raises(Forbidden) as exc:
            action()
        assert "zonder gebruiker" in exc.value.message
    assert shared.stats(access("beheer"))["cases"] == 4


def test_an_existing_casebook_upgrades_and_keeps_its_cases(db_url, registry, welding_case):
    engine = make_engine(db_url)
    migrate(engine)
    add_records(Store(engine), registry, [welding_case])
    before = Store(engine).case("zaanstad-lasmasker")
    downgrade(engine, "0001")  # back to the casebook as it was before users existed, its case kept
    assert "users" not in inspect(engine).get_table_names()
    migrate(engine)
    assert {"users", "api_tokens", "audit_log"} <= set(inspect(engine).get_table_names())
    assert Store(engine).case("zaanstad-lasmasker") == before  # also through jsonb and back (0004)
    engine.dispose()
