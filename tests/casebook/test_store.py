import copy
import datetime as dt
import json
import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from casebook import db
from casebook import store as store_module
from casebook.db import VERSION_TABLE
from casebook.evaluation import evaluation_label, reevaluate
from casebook.importers import RawRecord, import_records
from casebook.models import Base
from casebook.store import Filters, Store
from engine.registry import Registry
from tests.casebook.conftest import add_records, database_url
from tests.conftest import RULESETS


def test_migrations_create_exactly_the_models(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}),
                                Base.metadata)
    assert diff == []


def test_opening_again_is_harmless(db_url, registry, welding_case):
    with Store.open(db_url) as a:
        add_records(a, registry, [welding_case])
    with Store.open(db_url) as b:
        assert b.stats()["cases"] == 1
        assert {"cases", "decisions", "blocks", "routes", "route_lifts", "missing_facts", "decision_options",
                "case_tags", "batches"} <= set(inspect(b.engine).get_table_names())


def test_import_is_idempotent_by_case_id_and_content(store, registry, welding_case):
    first = add_records(store, registry, [welding_case])
    again = add_records(store, registry, [welding_case])
    assert (first.added, first.batches) == (1, 1)
    assert (again.added, again.unchanged, again.batches) == (0, 1, 0)
    s = store.stats()
    assert (s["cases"], s["case_versions"], s["decisions"], s["batches"]) == (1, 1, 1, 1)


def test_changed_content_is_a_new_version_and_the_old_one_is_kept(store, registry, welding_case):
    add_records(store, registry, [welding_case])
    changed = copy.deepcopy(welding_case)
    changed["income"][0]["net_monthly"] = "1400.00"  # now under 110%: bijzondere bijstand is allowed
    result = add_records(store, registry, [changed])
    assert result.new_versions == 1
    versions = store.case("zaanstad-lasmasker")["versions"]
    assert [(v["version"], v["latest"]) for v in versions] == [(1, False), (2, True)]
    assert [d["current"] for v in versions for d in v["decisions"]] == [False, True]
    assert versions[1]["decisions"][0]["outcome"] == "allowed"
    # analysis sees only the newest version
    total, rows = store.list_cases(Filters())
    assert total == 1 and rows[0]["version"] == 2 and rows[0]["outcome"] == "allowed"
    # importing the old content again adds nothing: it is already stored (as version 1)
    assert add_records(store, registry, [welding_case]).unchanged == 1
    assert store.check() == []


def test_two_versions_in_one_batch(store, registry, welding_case):
    changed = copy.deepcopy(welding_case)
    changed["need"]["amount"] = "1200.00"
    result = add_records(store, registry, [welding_case, changed, welding_case])
    assert (result.added, result.new_versions, result.unchanged) == (1, 1, 1)
    versions = store.case("zaanstad-lasmasker")["versions"]
    assert [v["latest"] for v in versions] == [False, True]
    assert versions[1]["case"]["need"]["amount"] == "1200.00"
    assert store.check() == []


def test_metadata_of_a_stored_case_is_updated_not_versioned(store, registry, welding_case):
    add_records(store, registry, [{"case": welding_case, "team": "wijkteam-oost", "tags": ["wsnp"]}])
    result = add_records(store, registry, [{"case": welding_case, "team": "wijkteam-oost", "tags": ["werk"],
                                            "signal": "systeemprobleem: masker niet voor te schieten"}])
    assert (result.updated, result.added, result.new_versions) == (1, 0, 0)
    v = store.case("zaanstad-lasmasker")["versions"]
    assert len(v) == 1 and (v[0]["team"], v[0]["tags"]) == ("wijkteam-oost", ["werk"])
    assert store.list_cases(Filters(tag="werk"))[0] == 1
    assert store.list_cases(Filters(tag="wsnp"))[0] == 0


def test_the_team_is_part_of_a_case_not_its_metadata(store, registry, welding_case):
    """Decision record 0044: the same id under another team, or without a team, is another case."""
    add_records(store, registry, [{"case": welding_case, "team": "wijkteam-oost"}])
    assert add_records(store, registry, [{"case": welding_case, "team": "wijkteam-west"}]).added == 1
    assert add_records(store, registry, [welding_case]).added == 1
    assert add_records(store, registry, [welding_case]).unchanged == 1
    versions = store.case("zaanstad-lasmasker")["versions"]
    assert sorted((v["team"] or "", v["version"], v["latest"]) for v in versions) == \
        [("", 1, True), ("wijkteam-oost", 1, True), ("wijkteam-west", 1, True)]
    assert store.stats()["cases"] == 3 and store.check() == []


@pytest.fixture(scope="module")
def generous_rulesets(tmp_path_factory):
    """The bundled rule sets with Zaanstad's income limit at 130% instead of 110%."""
    root = tmp_path_factory.mktemp("rules") / "rulesets-130"
    shutil.copytree(RULESETS, root)
    path = root / "local" / "zaanstad" / "2024-01-01" / "bijzondere_bijstand.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'value: "1.10"' in text
    path.write_text(text.replace('value: "1.10"', 'value: "1.30"'), encoding="utf-8")
    return root


def test_reevaluation_keeps_both_decisions(store, registry, welding_case, generous_rulesets):
    add_records(store, registry, [welding_case])
    generous = Registry.load(generous_rulesets)
    label = evaluation_label(generous, generous_rulesets)
    assert label.startswith("rulesets-130@") and label != evaluation_label(registry, RULESETS)
    report = reevaluate(store, generous, label)
    assert (report.evaluated, report.written.decisions, report.problems) == (1, 1, [])
    decisions = store.case("zaanstad-lasmasker")["versions"][0]["decisions"]
    assert [d["current"] for d in decisions] == [False, True]
    options = {o["option"]: o["status"] for o in decisions[1]["decision"]["options"]}
    assert options["special_assistance"] == "allowed"  # 1720 is under 130% of the norm
    assert decisions[0]["decision"]["options"][1]["status"] == "route_available"
    # the same rule sets again: nothing new
    assert reevaluate(store, generous, label).written.decisions == 0
    # each evaluation can still be analysed on its own
    old = Filters(evaluation=evaluation_label(registry, RULESETS))
    assert store.list_cases(old)[1][0]["outcome"] == "route_available"
    assert store.list_cases(Filters())[1][0]["outcome"] == "allowed"
    assert store.check() == []


def test_reevaluation_as_of_another_date_uses_that_version(store, registry, welding_case):
    add_records(store, registry, [welding_case])
    report = reevaluate(store, registry, "as-of-2026", as_of=dt.date(2026, 1, 1))
    assert report.written.decisions == 1
    decision = store.case("zaanstad-lasmasker")["versions"][0]["decisions"][1]
    assert decision["as_of"] == "2026-01-01"
    assert {"id": "participatiewet", "version": "2026-01-01"}.items() <= \
        next(r for r in decision["rulesets"] if r["id"] == "participatiewet").items()
    # a date before any rule set: reported per case, nothing stored
    report = reevaluate(store, registry, "too-early", as_of=dt.date(2019, 1, 1))
    assert report.written.decisions == 0 and report.problems and "zaanstad-lasmasker" in report.problems[0].message


def test_delete_removes_the_case_everywhere(store, registry, welding_case):
    other = copy.deepcopy(welding_case)
    other["case_id"] = "zaanstad-ander"
    changed = copy.deepcopy(welding_case)
    changed["need"]["amount"] = "999.00"
    add_records(store, registry, [{"case": welding_case, "tags": ["wsnp"]}, other])
    add_records(store, registry, [changed])
    assert store.delete_cases(["zaanstad-lasmasker"]) == 1
    assert store.case("zaanstad-lasmasker") is None
    s = store.stats()
    assert (s["cases"], s["case_versions"], s["decisions"]) == (1, 1, 1)
    report_tables = _row_counts(store)
    assert report_tables["case_tags"] == 0
    assert report_tables["blocks"] == _row_counts_for_one(store)
    assert store.check() == []  # the batch counts follow the deletion
    assert store.delete_cases(["zaanstad-lasmasker"]) == 0


def _row_counts(store):
    from sqlalchemy import func, select
    from casebook.store import TABLES
    with store.engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(t)).scalar_one() for name, t in TABLES.items()}


def _row_counts_for_one(store):
    doc = store.case("zaanstad-ander")["versions"][0]["decisions"][0]["decision"]
    return sum(len(o["blocked_by"]) + len({b["rule"] for b in o["possible_blocks"]} -
                                          {b["rule"] for b in o["blocked_by"]}) for o in doc["options"])


def test_delete_a_municipality(store, registry, welding_case):
    other = copy.deepcopy(welding_case)
    other.update(case_id="utrecht-1", municipality="utrecht")
    add_records(store, registry, [welding_case, other])
    assert store.delete_cases(municipality="zaanstad") == 1
    assert [r["case_id"] for r in store.list_cases(Filters())[1]] == ["utrecht-1"]


def test_export_of_a_municipality_imports_back(store, registry, welding_case, tmp_path):
    changed = copy.deepcopy(welding_case)
    changed["need"]["amount"] = "999.00"
    other = copy.deepcopy(welding_case)
    other.update(case_id="utrecht-1", municipality="utrecht")
    add_records(store, registry, [{"case": welding_case, "team": "t1", "signal": "systeemprobleem: a"}, other])
    add_records(store, registry, [{"case": changed, "team": "t1"}])  # the same case: its team and id
    exported = list(store.export("zaanstad"))
    assert [(v["case_id"], v["version"]) for v in exported] == [("zaanstad-lasmasker", 1), ("zaanstad-lasmasker", 2)]
    assert all(v["decisions"] and v["case"]["municipality"] == "zaanstad" for v in exported)
    assert exported[0]["signal"] == "systeemprobleem: a" and exported[0]["team"] == "t1"
    json.dumps(exported)  # plain JSON
    with Store.open(f"sqlite:///{tmp_path / 'copy.sqlite'}") as copy_store:
        raws = [RawRecord("export.jsonl", i + 1, json.loads(json.dumps(v))) for i, v in enumerate(exported)]
        result = import_records(copy_store, registry, raws, "copy")
        assert (result.added, result.new_versions, result.rejected) == (1, 1, [])
        again = list(copy_store.export("zaanstad"))
        assert [(v["digest"], v["version"], v["latest"]) for v in again] == \
            [(v["digest"], v["version"], v["latest"]) for v in exported]


def test_filters_select_municipality_period_team_tag_and_outcome(store, registry, welding_case):
    records = []
    for i, (m, day) in enumerate([("zaanstad", "2025-01-10"), ("zaanstad", "2025-06-10"), ("utrecht", "2025-06-11")]):
        c = copy.deepcopy(welding_case)
        c.update(case_id=f"c{i}", municipality=m, reference_date=day)
        records.append({"case": c, "team": f"team-{m}", "tags": ["even" if i % 2 == 0 else "odd"]})
    add_records(store, registry, records)

    def ids(**kw):
        return sorted(r["case_id"] for r in store.list_cases(Filters(**kw))[1])

    assert ids() == ["c0", "c1", "c2"]
    assert ids(municipalities=("zaanstad",)) == ["c0", "c1"]
    assert ids(date_from=dt.date(2025, 6, 1)) == ["c1", "c2"]
    assert ids(date_to=dt.date(2025, 6, 10)) == ["c0", "c1"]
    assert ids(team="team-utrecht") == ["c2"]
    assert ids(tag="even") == ["c0", "c2"]
    assert ids(outcome="blocked") == []


def test_check_finds_a_torn_batch(sqlite_store, registry, welding_case):
    add_records(sqlite_store, registry, [welding_case])
    with sqlite_store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM decision_options WHERE option = 'cash_gift'")
        conn.exec_driver_sql("UPDATE batches SET cases = cases + 1")
    problems = sqlite_store.check()
    assert any("batch" in p and "cases" in p for p in problems)
    assert any("option rows" in p for p in problems)


def test_a_stored_decision_keeps_its_horizon_warning(store, registry):
    from tests.engine.test_horizon import NOTICE_2027, household_case
    late, early = household_case("2027-02-01"), household_case("2026-09-01")
    add_records(store, registry, [late, early])
    [stored_late] = store.case(late["case_id"])["versions"][0]["decisions"]
    [stored_early] = store.case(early["case_id"])["versions"][0]["decisions"]
    assert [(w["ruleset"], w["message"]) for w in stored_late["decision"]["warnings"]][0] == ("participatiewet", NOTICE_2027)
    assert stored_early["decision"]["warnings"] == []


def test_a_deleted_case_leaves_no_text_in_the_sqlite_file_or_its_log(sqlite_store, registry, welding_case, tmp_path):
    """What docs/casebook.md promises of a delete: the text is overwritten in the database file
    (secure_delete) and the write-ahead log is emptied (checkpoint), not left for a disk reader."""
    marker = "Kwartelkoning-oranjerie"  # a word no rule set or page has
    case = copy.deepcopy(welding_case)
    case["need"]["purpose"] = f"werk; {marker}"
    add_records(sqlite_store, registry, [case])
    files = [tmp_path / "casebook.sqlite", tmp_path / "casebook.sqlite-wal"]

    def on_disk() -> bool:
        return any(marker.encode() in f.read_bytes() for f in files if f.exists())
    assert on_disk()  # the test can see the text where it is stored
    assert sqlite_store.delete_cases([case["case_id"]]) == 1
    assert not on_disk()


def test_the_bulk_inserts_write_every_column_of_their_tables():
    """A column added to a model but not to the bulk insert's tuple would silently stay empty."""
    assert sorted(store_module.CASE_ADDED + store_module.CASE_ENCODED) == sorted(c.name for c in store_module.cases_t.c)
    assert sorted(store_module.DECISION_ADDED + store_module.DECISION_ENCODED) == sorted(
        c.name for c in store_module.decisions_t.c)
    for table in store_module.DETAIL_TABLES:
        assert sorted(("decision_id",) + store_module.DETAIL_ENCODED[table.name]) == sorted(c.name for c in table.c)


def test_postgresql_compresses_decisions_and_cases_with_lz4(postgres_store):
    """Migration 0003: the server compresses a decision's JSON for less CPU (decision record 0030)."""
    with postgres_store.engine.connect() as conn:
        methods = dict(conn.exec_driver_sql(
            "SELECT attrelid::regclass::text || '.' || attname, attcompression FROM pg_attribute "
            "WHERE (attrelid, attname) IN (('decisions'::regclass, 'decision_json'), ('cases'::regclass, 'case_json'))"
        ).all())
    assert methods == {"decisions.decision_json": "l", "cases.case_json": "l"}


def test_postgresql_migration_0004_keeps_stored_decisions_lz4_compressed(tmp_path, registry, welding_case):
    """A casebook at 0003 with decisions: after 0004 they read the same and are still stored with lz4 (the
    type change rewrites every row; a compression reset in between would store them with pglz)."""
    url, drop = database_url("postgresql", tmp_path)
    engine = db.make_engine(url)
    try:
        db.migrate(engine)  # stored now, then taken back to 0003: the models are of the newest schema
        big = dict(welding_case, need=dict(welding_case["need"], description="x" * 3000))  # stored out of line
        add_records(Store(engine), registry, [welding_case, dict(big, case_id="groot")])
        before = [Store(engine).case(c) for c in (welding_case["case_id"], "groot")]
        db.downgrade(engine, "0003")
        db.migrate(engine)
        with engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT DISTINCT pg_column_compression(decision_json) FROM decisions "
                                         "WHERE pg_column_compression(decision_json) IS NOT NULL").scalars().all()
        assert kinds == ["lz4"]
        assert [Store(engine).case(c) for c in (welding_case["case_id"], "groot")] == before
    finally:
        engine.dispose()
        drop()


def test_postgresql_keeps_a_decision_as_written(postgres_store, registry, welding_case):
    """Migration 0004: the decision is json, not jsonb (decision record 0034): what is read back is what was
    written, keys in their order, still compressed with lz4."""
    add_records(postgres_store, registry, [welding_case])
    with postgres_store.engine.connect() as conn:
        kind, method = conn.exec_driver_sql(
            "SELECT format_type(atttypid, atttypmod), attcompression FROM pg_attribute "
            "WHERE attrelid = 'decisions'::regclass AND attname = 'decision_json'").one()
        stored = conn.exec_driver_sql("SELECT decision_json::text FROM decisions").scalar_one()
    assert (kind, method) == ("json", "l")
    decision = json.loads(stored)
    assert stored == json.dumps(decision, ensure_ascii=False, separators=(",", ":"))  # as the writer wrote it
    read = postgres_store.case(welding_case["case_id"])["versions"][0]["decisions"][0]["decision"]
    assert json.dumps(read, ensure_ascii=False, separators=(",", ":")) == stored  # jsonb sorted the keys
