"""The open norms of the rule sets reach the casebook (review item 1): the `missing_facts` rows hold a
decision's open terms as kind "open_term", next to the household's missing facts, so the report, the CSV
and Parquet tables and the page's "Open normen in de regelsets" count them; migration 0005 adds them to
a casebook stored before."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

from casebook import db
from casebook.exports import table_csv
from casebook.report import build_report
from casebook.store import Filters, Store
from casebook.synthetic import generate
from decision.decide import fact_labels
from tests.casebook.conftest import add_records, database_url

OPEN = "open norm in regelset"


def _open_terms_per_case(store: Store) -> dict[str, set[str]]:
    """Per case, the open terms its current decision names (the decision's top-level `open_terms`)."""
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT case_id, decision_json FROM decisions WHERE \"current\"")).all()
    out = {}
    for case_id, doc in rows:
        doc = doc if isinstance(doc, dict) else json.loads(doc)
        names = {t["parameter"] for t in doc.get("open_terms") or ()}
        if names:
            out[case_id] = names
    return out


def _counted(report) -> dict[str, int]:
    return {r["fact"]: r["cases"] for r in report.tables["missing_facts"].rows if r["kind"] == OPEN}


def _expected(per_case: dict[str, set[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for names in per_case.values():
        for n in names:
            counts[n] = counts.get(n, 0) + 1
    return counts


@pytest.fixture
def filled(store, registry):
    add_records(store, registry, generate(300, seed=7, registry=registry))
    return store


def test_open_norms_are_counted_as_open_norms_of_the_rule_sets(filled, registry):
    per_case = _open_terms_per_case(filled)
    assert per_case, "the synthetic cases should reach open norms (municipal percentages)"
    report = build_report(filled, Filters(), fact_labels(registry, "nl"))
    counted = _counted(report)
    assert counted == _expected(per_case)
    assert any(name.endswith("percentage_inkomensgrens") for name in counted)
    # the household's facts are still facts, and a name is one kind only
    kinds = {r["fact"]: r["kind"] for r in report.tables["missing_facts"].rows}
    assert "feit" in kinds.values() and all(kinds[n] == OPEN for n in counted)
    # the CSV the analyst downloads has them too
    rows = list(csv.DictReader(io.StringIO(table_csv(report.tables["missing_facts"]))))
    assert {r["fact"] for r in rows if r["kind"] == OPEN} == set(counted)
    # an option that waits for an open norm only now has a reason stored
    with filled.engine.connect() as conn:
        silent = conn.execute(text(
            "SELECT count(*) FROM decision_options o WHERE o.status = 'needs_information' AND NOT EXISTS "
            "(SELECT 1 FROM missing_facts m WHERE m.decision_id = o.decision_id AND m.option = o.option)")).scalar()
    assert silent == 0


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migration_0005_adds_the_open_norms_of_decisions_stored_before(kind, tmp_path, registry):
    url, drop = database_url(kind, tmp_path)
    engine = db.make_engine(url)
    try:
        store = Store(engine)
        db.migrate(engine)
        add_records(store, registry, generate(120, seed=7, registry=registry))
        expected = _counted(build_report(store, Filters(), fact_labels(registry, "nl")))
        assert expected
        db.downgrade(engine, "0004")  # back to a casebook as it was stored before 0005: no open norms
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM missing_facts WHERE fact LIKE '%percentage%'")).scalar() == 0
        db.migrate(engine)
        assert _counted(build_report(store, Filters(), fact_labels(registry, "nl"))) == expected
        assert store.check() == []
    finally:
        engine.dispose()
        drop()
