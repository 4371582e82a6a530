"""Migration 0006 (decision record 0044) on SQLite and PostgreSQL: every row kept, the cases of a casebook
of before it split per scope where an id's versions spanned teams, and a downgrade that refuses in Dutch when
an id is used in more than one scope."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from casebook import db
from casebook.models import Base
from casebook.store import Store
from tests.casebook.conftest import add_records, database_url
from tests.casebook.two_municipalities import record

COUNTED = ("cases", "decisions", "decision_options", "blocks", "routes", "route_lifts", "missing_facts", "case_tags")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url, drop = database_url(request.param, tmp_path)
    engine = db.make_engine(url)
    db.migrate(engine)
    yield engine
    engine.dispose()
    drop()


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED}


def test_a_casebook_goes_back_to_0005_and_up_again_with_every_row(engine, registry):
    store = Store(engine)
    add_records(store, registry, [{**record("a", "zaanstad", "wijkteam-oost"), "tags": ["wsnp"]},
                                  record("b", "amsterdam", None)])
    before, rows = [store.case(c) for c in ("a", "b")], counts(engine)
    db.downgrade(engine, "0005")
    assert counts(engine) == rows
    db.migrate(engine)
    assert counts(engine) == rows and [store.case(c) for c in ("a", "b")] == before
    assert store.check() == []
    with engine.connect() as conn:  # the same schema as a casebook made at 0006
        assert compare_metadata(MigrationContext.configure(conn, opts={"version_table": db.VERSION_TABLE}),
                                Base.metadata) == []


def test_an_id_whose_versions_spanned_teams_becomes_a_case_per_team(engine, registry):
    """Before 0006 a record of another team became version 2 of the case (written here as 0005's code did);
    after it each team's part is its own case: version 1, the latest, with its decision current."""
    store = Store(engine)
    add_records(store, registry, [record("a", "zaanstad", "wijkteam-oost")])
    db.downgrade(engine, "0005")
    with engine.begin() as conn:  # version 2, for another team: a copy of version 1 with its decision
        cols = "case_id, municipality, reference_date, signal, tags, case_json, origin, batch_id, created_at, updated_at"
        conn.execute(text(f"INSERT INTO cases (id, version, latest, digest, team, {cols}) SELECT 1000, 2, true, "
                          f"'other', 'wijkteam-west', {cols} FROM cases"))
        conn.execute(text("UPDATE cases SET latest = false WHERE id <> 1000"))
        dcols = list(("case_id", "municipality", "reference_date", "evaluation", "as_of", "rulesets",
                             "rulesets_digest", "outcome", "cost_once_cents", "avoided_per_year_cents",
                             "avoided_once_cents", "primary_route", "usable_routes", "sole_route",
                             "discretionary_only", "decision_json", "batch_id", "evaluated_at"))
        conn.execute(text(f"INSERT INTO decisions (id, case_row_id, current, {', '.join(dcols)}) SELECT 1000, 1000, "
                          f"true, {', '.join(dcols)} FROM decisions"))
        conn.execute(text("UPDATE decisions SET current = false WHERE id <> 1000"))
        conn.execute(text("INSERT INTO decision_options SELECT 1000, option, status, blocks, usable_routes, "
                          "discretionary_only FROM decision_options"))
        conn.execute(text("UPDATE batches SET cases = cases + 1, decisions = decisions + 1"))
    rows = counts(engine)
    db.migrate(engine)
    assert counts(engine) == rows
    versions = store.case("a")["versions"]
    assert [(v["team"], v["version"], v["latest"], [d["current"] for d in v["decisions"]]) for v in versions] == \
        [("wijkteam-oost", 1, True, [True]), ("wijkteam-west", 1, True, [True])]
    assert store.check() == []


def test_the_downgrade_refuses_in_dutch_when_an_id_is_used_in_two_scopes(engine, registry):
    store = Store(engine)
    add_records(store, registry, [record("casus-001", "zaanstad", "wijkteam-oost"),
                                  record("casus-001", "zaanstad", "wijkteam-west")])
    rows = counts(engine)
    with pytest.raises(RuntimeError) as exc:
        db.downgrade(engine, "0005")
    message = str(exc.value)
    assert "kan niet" in message and "case_id" in message and "er is niets veranderd" in message
    assert "casus-001" not in message and "wijkteam" not in message  # counted, never named
    assert db.current_revision(engine) == db._head() and counts(engine) == rows
    assert store.check() == []
