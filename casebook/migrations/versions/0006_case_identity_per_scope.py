"""A case is known by its scope and its id: (municipality, team, case_id), no longer by case_id alone.

Two teams, or two municipalities, may each keep a case "casus-001"; versions and digests count per case
(docs/decisions/0044-case-identity-per-scope.md). A column `team_key` holds the team as part of the key,
'' for a case without a team: a NULL never collides in a unique key, so two team-less cases of one
municipality with one id would both be allowed. The key starts with case_id, so a lookup by id keeps its
index. Every stored row is kept; the downgrade refuses when an id is used in more than one scope.

Before, the versions of one id could lie in several scopes (a case whose team changed, or that moved to
another municipality). Each scope's part is now a case of its own: its versions are numbered 1, 2, … in
their order, and its newest version is the latest, with its newest decision current.

SQLite cannot drop a table constraint: the table is copied, the old one dropped and the copy renamed, as
Alembic's batch mode does. With foreign keys on, dropping `cases` would first delete every decision and tag
that refers to it (ON DELETE CASCADE), so this migration refuses to run with them on; `casebook.db.migrate`
and `casebook.db.downgrade` switch them off for the migration (they cannot be switched inside its
transaction) and the copy is checked with `foreign_key_check` before it is committed.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD = {"uq_cases_case_id_digest": ("case_id", "digest"), "uq_cases_case_id_version": ("case_id", "version")}
NEW = {"uq_cases_scope_case_id_digest": ("case_id", "municipality", "team_key", "digest"),
       "uq_cases_scope_case_id_version": ("case_id", "municipality", "team_key", "version")}
# the column, as the last one (before the table's constraints, which start with its primary key)
WITH_TEAM_KEY = {"PRIMARY KEY (id)": "team_key VARCHAR(100) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id)"}

SHARED_IDS = """SELECT count(*) FROM (SELECT case_id FROM (SELECT DISTINCT case_id, municipality, team_key FROM cases) s
                GROUP BY case_id HAVING count(*) > 1) t"""


def _constraints(keys: dict) -> str:
    return ", \n\t".join(f"CONSTRAINT {name} UNIQUE ({', '.join(cols)})" for name, cols in keys.items())


def _sqlite_copy(bind, changes: dict[str, str], columns: dict[str, str]) -> None:
    """Copy `cases` into a table whose CREATE statement is the current one with each key of `changes` replaced
    by its value; `columns` says what each column of the copy is filled with. Its indexes are made again."""
    ddl, = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'cases'").one()
    if not all(before in ddl for before in changes):  # a casebook changed by hand: stop rather than guess
        raise RuntimeError("migratie 0006: de tabel cases is niet zoals verwacht; er is niets veranderd")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migratie 0006: op SQLite moet deze migratie draaien met foreign keys uit (gebruik "
                           "casebook.db.migrate of casebook.db.downgrade); er is niets veranderd")
    indexes = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' "
                                   "AND sql IS NOT NULL").scalars().all()
    ddl = re.sub(r'^CREATE TABLE "?cases"? \(', "CREATE TABLE cases_0006 (", ddl)  # quoted once renamed
    for before, after in changes.items():
        ddl = ddl.replace(before, after)
    bind.exec_driver_sql(ddl)
    bind.exec_driver_sql(f"INSERT INTO cases_0006 ({', '.join(columns)}) SELECT {', '.join(columns.values())} "
                         "FROM cases")
    bind.exec_driver_sql("DROP TABLE cases")
    bind.exec_driver_sql("ALTER TABLE cases_0006 RENAME TO cases")
    for sql in indexes:
        bind.exec_driver_sql(sql)
    if bind.exec_driver_sql("PRAGMA foreign_key_check").first():
        raise RuntimeError("migratie 0006: na het kopiëren van de tabel cases verwijst een rij naar een casus die "
                           "er niet meer is; er is niets veranderd")


def _columns(bind) -> list[str]:
    return [r[1] for r in bind.exec_driver_sql("PRAGMA table_info(cases)")]


def renumbered(rows: list) -> tuple[list[tuple[int, int]], list[int]]:
    """For the versions (id, case_id, municipality, team_key, version, latest) of ids that span scopes:
    (id, new version) of each row whose number changes, and the ids of rows that become the latest."""
    per: dict[tuple, list] = {}
    for r in sorted(rows, key=lambda r: r[4]):
        per.setdefault((r[1], r[2], r[3]), []).append(r)
    numbers = [(r[0], n) for versions in per.values() for n, r in enumerate(versions, 1) if r[4] != n]
    return numbers, [versions[-1][0] for versions in per.values() if not versions[-1][5]]


def _split_spanning_cases(bind) -> None:
    rows = bind.exec_driver_sql(
        "SELECT id, case_id, municipality, team_key, version, latest FROM cases WHERE case_id IN "
        "(SELECT case_id FROM (SELECT DISTINCT case_id, municipality, team_key FROM cases) s "
        "GROUP BY case_id HAVING count(*) > 1)").all()
    numbers, latest = renumbered(rows)
    cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("version", sa.Integer),
                     sa.column("latest", sa.Boolean))
    decisions = sa.table("decisions", sa.column("id", sa.Integer), sa.column("case_row_id", sa.Integer),
                         sa.column("current", sa.Boolean))
    for row_id, version in numbers:  # ascending: a number taken is always one already renumbered
        bind.execute(sa.update(cases).where(cases.c.id == row_id).values(version=version))
    for row_id in latest:
        bind.execute(sa.update(cases).where(cases.c.id == row_id).values(latest=True))
        newest = sa.select(sa.func.max(decisions.c.id)).where(decisions.c.case_row_id == row_id).scalar_subquery()
        bind.execute(sa.update(decisions).where(decisions.c.id == newest).values(current=True))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        columns = {c: c for c in _columns(bind)} | {"team_key": "COALESCE(team, '')"}
        _sqlite_copy(bind, {_constraints(OLD): _constraints(NEW), **WITH_TEAM_KEY}, columns)
    else:
        op.add_column("cases", sa.Column("team_key", sa.String(100), nullable=False, server_default=""))
        op.execute("UPDATE cases SET team_key = team WHERE team IS NOT NULL")
        for name in OLD:
            op.drop_constraint(name, "cases", type_="unique")
        for name, cols in NEW.items():
            op.create_unique_constraint(name, "cases", list(cols))
    _split_spanning_cases(bind)


def downgrade() -> None:
    bind = op.get_bind()
    shared = bind.exec_driver_sql(SHARED_IDS).scalar()
    if shared:
        raise RuntimeError(
            f"terugzetten naar migratie 0005 kan niet: {shared} casusnummer(s) (case_id) staan in meer dan één "
            "gemeente of team, en voor 0005 moet elk casusnummer uniek zijn in het hele casebook. Verwijder of "
            "hernoem die casussen eerst; er is niets veranderd.")
    if bind.dialect.name == "sqlite":
        columns = {c: c for c in _columns(bind) if c != "team_key"}
        _sqlite_copy(bind, {_constraints(NEW): _constraints(OLD), **{v: k for k, v in WITH_TEAM_KEY.items()}}, columns)
        return
    for name in NEW:
        op.drop_constraint(name, "cases", type_="unique")
    for name, cols in OLD.items():
        op.create_unique_constraint(name, "cases", list(cols))
    op.drop_column("cases", "team_key")
