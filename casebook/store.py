"""The casebook store: evaluated cases in SQLite or PostgreSQL.

Every query takes the caller's scope (`access`, casebook/access.py) and limits itself to it: this
is the one place that keeps the municipalities and teams of a shared casebook apart. A refused
attempt and every read of case-level data, export, save and delete of an audited caller are
written to the audit log (casebook/audit.py). The default, `LOCAL`, is the single-user local mode;
once the casebook has users it is refused, so a caller that is not passed on sees nothing.

Every write is one transaction that either lands whole or not at all: its batch row, its case
rows, its decisions and their detail rows. A case is known by its scope and id (`CaseKey`:
municipality, team, case id; decision record 0044), so two teams each keep their own "casus-001".
Writes are idempotent by case key + content digest, and a conflict with a concurrent writer rolls
the whole write back and runs it again (see db.py).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Sequence

from sqlalchemy import Connection, Engine, delete, func, insert, select, tuple_, union, update

from engine.errors import Problem, RegelruimteError

from . import audit, db, users
from .access import DELETE, EXPORT, LOCAL, MIN_GROUP, READ, REPORT, ROLE_EN, ROLE_NL, SAVE, Access, Forbidden
from .models import DETAIL_TABLES, Base, Batch, CaseRow, CaseTag, DecisionRow, OptionRow
from .records import CaseKey, Meta, Prepared, case_key, case_ref, detail_rows, summarise

cases_t = CaseRow.__table__
decisions_t = DecisionRow.__table__
batches_t = Batch.__table__
tags_t = CaseTag.__table__
TABLES = {t.name: t for t in Base.metadata.sorted_tables}

Evaluate = Callable[[Prepared], dict]


def _whole_months(filters: "Filters") -> bool:
    start, end = filters.date_from, filters.date_to
    return (start is None or start.day == 1) and (end is None or (end + dt.timedelta(days=1)).day == 1)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Filters:
    """Which decisions an analysis or listing looks at. No evaluation: each case's current decision."""

    municipalities: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    evaluation: str | None = None
    team: str | None = None
    tag: str | None = None
    outcome: str | None = None

    def describe(self) -> dict:
        return {"municipalities": list(self.municipalities), "from": self.date_from, "to": self.date_to,
                "evaluation": self.evaluation, "team": self.team, "tag": self.tag, "outcome": self.outcome}


@dataclass
class WriteResult:
    added: int = 0  # new cases (first version)
    new_versions: int = 0  # a known case id with changed content
    unchanged: int = 0  # already stored: nothing written
    updated: int = 0  # already stored, team/signal/tags changed
    decisions: int = 0
    batches: int = 0

    def merge(self, other: "WriteResult") -> None:
        for name in ("added", "new_versions", "unchanged", "updated", "decisions", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Evaluated:
    """A stored case version evaluated anew (re-evaluation)."""

    case_row_id: int
    case_id: str
    municipality: str
    reference_date: dt.date
    decision: dict


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, migrate: bool = True) -> "Store":
        engine = db.make_engine(db.resolve_url(url))
        if migrate:
            db.migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    # -- writing cases --------------------------------------------------------------------------

    def known(self, case_ids: Sequence[str]) -> set[tuple[CaseKey, str]]:
        """The (case key, digest) pairs stored of these case ids."""
        if not case_ids:
            return set()
        c = cases_t.c
        with self.engine.connect() as conn:
            return {(CaseKey(r.case_id, r.municipality, r.team_key), r.digest)
                    for chunk in _chunks(sorted(set(case_ids)), 500) for r in conn.execute(
                        select(c.case_id, c.municipality, c.team_key, c.digest).where(c.case_id.in_(list(chunk))))}

    def add(self, items: Sequence[Prepared], evaluate: Evaluate, evaluation: str, kind: str = "import",
            source: str | None = None, access: Access = LOCAL) -> WriteResult:
        """Store `items` in one transaction. A case already stored with this content is skipped (its
        team, signal and tags updated when given and different); changed content is a new version.
        `evaluate` gives the decision of an item that has none yet. A professional's records get their
        team; a record outside the caller's scope refuses them all. The same id in another scope is another
        case, so what is stored elsewhere is never looked at."""
        if access.team:
            items = [replace(p, meta=replace(p.meta, team=p.meta.team or access.team)) for p in items]
        codec = db.codec(self.engine.dialect)

        def complete(i: int) -> Ready:
            p = items[i]
            if p.decision is None:
                p.decision = evaluate(p)
            return ready(p, codec)

        # encoded only when written: a case stored already is neither evaluated nor encoded
        return self.write([Ready(p.case_id, p.digest, p.municipality, p.meta) for p in items], complete, evaluation,
                          kind, source, access)

    def write(self, items: Sequence[Ready], complete: Callable[[int], Ready], evaluation: str,
              kind: str = "import", source: str | None = None, access: Access = LOCAL) -> WriteResult:
        """`add` for cases encoded already (`ready`, in the import's worker processes); `complete(i)` gives
        item i with its rows when it has none but must be written. A professional's items carry their team."""
        if not items:
            return WriteResult()
        self._require(access, SAVE, [r.municipality for r in items])
        if not all(access.sees(r.municipality, r.meta.team) for r in items):
            self._deny(access, SAVE, [r.municipality for r in items], outside=True)
        result = db.write_transaction(self.engine, lambda conn: _write_cases(conn, items, complete, evaluation,
                                                                             kind, source))
        self.log_access(access, "save", [(case_ref(r.case_id, r.meta.team), r.municipality) for r in items])
        return result

    # -- the caller's scope and the audit log ---------------------------------------------------------

    def log_access(self, access: Access, action: str, cases: Iterable[tuple[str, str]] = (),
                   municipalities: Iterable[str] = (), allowed: bool = True) -> None:
        """Audit-log entries for an audited caller (nothing in the local mode): `cases` as (records.case_ref,
        municipality), `municipalities` for what names no case; one entry per municipality (audit.record)."""
        if access.audited:
            audit.record(self.engine, access, action, now(), cases, municipalities, allowed)

    def _deny(self, access: Access, action: str, municipalities: Iterable[str] = (),
              cases: Iterable[tuple[str, str]] = (), outside: bool = False):
        """Log a refused attempt, then refuse it. Only stored case ids and municipalities with stored
        cases are logged, never what was typed."""
        self.log_access(access, action, cases, self._stored_municipalities(municipalities), allowed=False)
        raise access.refusal(action, outside)

    def _stored_municipalities(self, names: Iterable[str]) -> list[str]:
        names = sorted(set(names))
        if not names:
            return []
        with self.engine.connect() as conn:
            return list(conn.execute(select(cases_t.c.municipality).where(cases_t.c.municipality.in_(names))
                                     .distinct()).scalars())

    def require(self, access: Access, action: str) -> None:
        """Refuse (logged) an action the caller's role does not allow, before a request reads or asks for what the
        action needs: a policy officer's save is refused before a form asks for a team or a body is read."""
        self._require(access, action)

    def _require(self, access: Access, action: str, municipalities: Iterable[str] = ()) -> None:
        """Refuse an action the caller's role does not allow, or one asking for a municipality outside scope.
        The local mode ends with the first user: a caller without a user (a route or page that does not pass
        its caller on) is then refused, never shown everything."""
        municipalities = list(municipalities)
        if access.user is None and users.has_users(self.engine):
            raise Forbidden("in een gedeeld casebook mag u niets zonder gebruiker",
                            "in a shared casebook you may do nothing without a user")
        if not access.may(action):
            self._deny(access, action, municipalities)
        if access.municipalities is not None and not set(municipalities) <= access.municipalities:
            self._deny(access, action, municipalities, outside=True)

    @staticmethod
    def _visible(q, table, access: Access):
        """`q` limited to the rows of `table` (cases or decisions) within the caller's scope."""
        if access.municipalities is not None:
            q = q.where(table.c.municipality.in_(sorted(access.municipalities)))
        if access.team is not None:
            team = cases_t.c.team == access.team
            q = q.where(team if table is cases_t else
                        table.c.case_row_id.in_(select(cases_t.c.id).where(team)))
        return q

    # -- re-evaluation ----------------------------------------------------------------------------

    def latest_cases(self, municipality: str | None = None, case_ids: Sequence[str] | None = None,
                     after_id: int = 0, limit: int = 500) -> list[Any]:
        q = (select(cases_t.c.id, cases_t.c.case_id, cases_t.c.municipality, cases_t.c.team,
                    cases_t.c.reference_date, cases_t.c.case_json)
             .where(cases_t.c.latest.is_(True), cases_t.c.id > after_id).order_by(cases_t.c.id).limit(limit))
        if municipality:
            q = q.where(cases_t.c.municipality == municipality)
        if case_ids:
            q = q.where(cases_t.c.case_id.in_(list(case_ids)))
        with self.engine.connect() as conn:
            return conn.execute(q).all()

    def evaluated(self, row_ids: Sequence[int], evaluation: str) -> set[int]:
        """Which of these case versions have a decision under `evaluation` already."""
        if not row_ids:
            return set()
        with self.engine.connect() as conn:
            return set(conn.execute(select(decisions_t.c.case_row_id).where(
                decisions_t.c.case_row_id.in_(list(row_ids)), decisions_t.c.evaluation == evaluation)).scalars())

    def add_decisions(self, items: Sequence[Evaluated], evaluation: str, as_of: dt.date | None = None,
                      source: str | None = None) -> WriteResult:
        """Add decisions under `evaluation` to stored case versions (earlier decisions are kept); a case
        version that already has a decision under this label is left alone."""
        if not items:
            return WriteResult()
        return db.write_transaction(self.engine, lambda conn: _write_decisions(conn, items, evaluation, as_of,
                                                                               source))

    # -- retention ----------------------------------------------------------------------------------

    def delete_cases(self, case_ids: Sequence[str] = (), municipality: str | None = None,
                     access: Access = LOCAL, action: str = DELETE, team: str | None = None,
                     single: bool = False) -> int:
        """Delete cases (every version) and all their decisions; returns the number of cases deleted.
        `municipality` and `team` ('' for no team) narrow which cases with these ids go; `single` refuses
        (RegelruimteError) when they leave more than one. A scoped caller deletes within their scope only; an
        id with no case there refuses the whole delete, the same whether it is stored elsewhere or nowhere."""
        self._require(access, DELETE, [municipality] if municipality else [])
        if not case_ids and not municipality:
            return 0
        gone: list[tuple[str, str]] = []
        missing: list[str] = []
        c = cases_t.c

        def work(conn: Connection) -> int:
            rows = conn.execute(_narrowed(self._visible(select(c.id, c.case_id, c.batch_id, c.municipality, c.team,
                                                               c.team_key), cases_t, access),
                                          case_ids, municipality, team)).all()
            if access.municipalities is not None or access.team is not None:
                missing[:] = sorted(set(case_ids) - {r.case_id for r in rows})
                if missing:
                    return 0
            if single:
                _one_case({CaseKey(r.case_id, r.municipality, r.team_key) for r in rows})
            gone[:] = sorted({(case_ref(r.case_id, r.team), r.municipality) for r in rows})
            row_ids = [r.id for r in rows]
            for chunk in _chunks(row_ids, 500):
                decs = conn.execute(select(decisions_t.c.id, decisions_t.c.batch_id)
                                    .where(decisions_t.c.case_row_id.in_(chunk))).all()
                for dchunk in _chunks([d.id for d in decs], 500):
                    for table in DETAIL_TABLES:
                        conn.execute(delete(table).where(table.c.decision_id.in_(dchunk)))
                    conn.execute(delete(decisions_t).where(decisions_t.c.id.in_(dchunk)))
                _uncount(conn, "decisions", [d.batch_id for d in decs])
                conn.execute(delete(tags_t).where(tags_t.c.case_row_id.in_(chunk)))
                conn.execute(delete(cases_t).where(cases_t.c.id.in_(chunk)))
            _uncount(conn, "cases", [r.batch_id for r in rows])
            return len({CaseKey(r.case_id, r.municipality, r.team_key) for r in rows})

        deleted = db.write_transaction(self.engine, work)
        if missing:
            elsewhere = self._stored_cases(missing)
            self._deny(access, DELETE, [m for _, m in elsewhere], elsewhere, outside=True)
        if deleted:
            db.checkpoint(self.engine)
            self.log_access(access, action, gone)
        return deleted

    def _stored_cases(self, case_ids: Sequence[str]) -> list[tuple[str, str]]:
        """(case_ref, municipality) of every stored case with one of these ids, in any scope: a refused
        attempt on an id is logged for each municipality that holds a case with it (never told the caller)."""
        with self.engine.connect() as conn:
            return sorted({(case_ref(r.case_id, r.team), r.municipality) for r in conn.execute(
                select(cases_t.c.case_id, cases_t.c.team, cases_t.c.municipality)
                .where(cases_t.c.case_id.in_(list(case_ids))))})

    def export(self, municipality: str, access: Access = LOCAL) -> Iterator[dict]:
        """Everything stored of one municipality: each case version with its metadata and all its decisions.
        Checked and logged when called, so a refusal comes before the first line is written."""
        self._require(access, EXPORT, [municipality])
        with self.engine.connect() as conn:
            cases = conn.execute(self._visible(select(cases_t.c.case_id, cases_t.c.team), cases_t, access)
                                 .where(cases_t.c.municipality == municipality)
                                 .distinct().order_by(cases_t.c.case_id)).all()
        self.log_access(access, "export", [(case_ref(r.case_id, r.team), municipality) for r in cases],
                        [municipality])
        case_ids = sorted({r.case_id for r in cases})
        return (v for chunk in _chunks(case_ids, 200) for v in self._versions(chunk, access, municipality))

    def case(self, case_id: str, access: Access = LOCAL, municipality: str | None = None,
             team: str | None = None, single: bool = False) -> dict | None:
        """Every version of every case with this id within the caller's scope (`municipality` and `team`, ''
        for no team, narrow it to one case; `single` refuses, RegelruimteError, when they leave more than
        one); None when there is none at all. For a caller with a scope, an id
        without a case in it is refused (logged, Forbidden), the same whether it is stored elsewhere or not at
        all, so the answer never tells that another municipality or team uses the id."""
        self._require(access, READ)
        versions = list(self._versions([case_id], access, municipality, team))
        if not versions:
            if access.municipalities is None and access.team is None:
                return None
            elsewhere = self._stored_cases([case_id])
            self._deny(access, READ, [m for _, m in elsewhere], elsewhere, outside=True)
        if single:
            _one_case({CaseKey(case_id, v["municipality"], v["team"] or "") for v in versions})
        self.log_access(access, "read", sorted({(case_ref(case_id, v["team"]), v["municipality"]) for v in versions}))
        return {"case_id": case_id, "versions": versions}

    def _versions(self, case_ids: Sequence[str], access: Access = LOCAL, municipality: str | None = None,
                  team: str | None = None) -> Iterator[dict]:
        """The versions of the cases with these ids, a case after another (by key), each by version. Every
        version of a case is in one scope, so the caller sees all of a case's versions or none."""
        c = cases_t.c
        with self.engine.connect() as conn:
            rows = conn.execute(_narrowed(self._visible(select(cases_t), cases_t, access), case_ids, municipality,
                                          team).order_by(c.case_id, c.municipality, c.team_key, c.version)).all()
            decs: dict[int, list] = {}
            for chunk in _chunks([r.id for r in rows], 500):
                for d in conn.execute(select(decisions_t).where(decisions_t.c.case_row_id.in_(chunk))
                                      .order_by(decisions_t.c.id)):
                    decs.setdefault(d.case_row_id, []).append(d)
        for r in rows:
            yield {
                "case_id": r.case_id, "version": r.version, "latest": r.latest, "digest": r.digest,
                "municipality": r.municipality, "reference_date": r.reference_date.isoformat(),
                "team": r.team, "signal": r.signal, "tags": list(r.tags or ()), "origin": r.origin,
                "created_at": r.created_at.isoformat(), "updated_at": r.updated_at.isoformat(),
                "case": r.case_json,
                "decisions": [{"evaluation": d.evaluation, "as_of": d.as_of.isoformat() if d.as_of else None,
                               "current": d.current, "outcome": d.outcome, "rulesets": d.rulesets,
                               "evaluated_at": d.evaluated_at.isoformat(), "decision": d.decision_json}
                              for d in decs.get(r.id, ())],
            }

    # -- reading --------------------------------------------------------------------------------

    def municipalities(self) -> list[str]:
        """Every municipality a stored case version has (for the command line, which sees everything)."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(cases_t.c.municipality).distinct()).scalars())

    def left_out(self, filters: Filters, access: Access) -> int:
        """For a caller who sees groups only: how many cases of this selection are left out because their
        (municipality, month) has fewer than MIN_GROUP cases (0 for anyone else). Checked like `scope`."""
        if not access.groups_only:
            return 0
        every = self.scope(filters, access, whole_cells=False)
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(every.subquery())).scalar_one()
            shown = conn.execute(select(func.count()).select_from(self._whole_cells(every).subquery())).scalar_one()
        return total - shown

    def scope(self, filters: Filters, access: Access = LOCAL, action: str = REPORT, whole_cells: bool = True):
        """The ids of the decisions an analysis looks at (a subquery), within the caller's scope. Filters
        asking for a municipality or team outside it are refused; so is, for a caller who sees groups only,
        a selection that could single out a household (access.MIN_GROUP)."""
        self._require(access, action, filters.municipalities)
        if access.team is not None and filters.team not in (None, access.team):
            self._deny(access, action, filters.municipalities, outside=True)
        if access.groups_only and (filters.team or filters.tag or filters.outcome or filters.evaluation
                                   or not _whole_months(filters)):
            self._refuse_group(access, action, filters, "selecteer alleen op gemeente en hele maanden, niet op team, "
                               "label, uitkomst, evaluatie of losse dagen", "select by municipality and whole months only")
        d = decisions_t
        q = self._visible(select(d.c.id), d, access)
        if filters.evaluation:
            q = q.join(cases_t, cases_t.c.id == d.c.case_row_id).where(d.c.evaluation == filters.evaluation,
                                                                        cases_t.c.latest.is_(True))
        else:
            q = q.where(d.c.current.is_(True))
        if filters.municipalities:
            q = q.where(d.c.municipality.in_(list(filters.municipalities)))
        if filters.date_from:
            q = q.where(d.c.reference_date >= filters.date_from)
        if filters.date_to:
            q = q.where(d.c.reference_date <= filters.date_to)
        if filters.outcome:
            q = q.where(d.c.outcome == filters.outcome)
        if filters.team:
            q = q.where(d.c.case_row_id.in_(select(cases_t.c.id).where(cases_t.c.team == filters.team)))
        if filters.tag:
            q = q.where(d.c.case_row_id.in_(select(tags_t.c.case_row_id).where(tags_t.c.tag == filters.tag)))
        if access.groups_only and whole_cells:
            q = self._whole_cells(q)
            with self.engine.connect() as conn:
                n = conn.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            if n < MIN_GROUP:
                self._refuse_group(access, action, filters, f"deze selectie heeft minder dan {MIN_GROUP} casussen; kies "
                                   "een grotere", f"this selection has fewer than {MIN_GROUP} cases")
        return q

    def _whole_cells(self, q):
        """The decisions of `q` in a (municipality, month) with at least MIN_GROUP of them. Every selection
        of who sees groups only is made of such cells, so the difference between two of their selections
        is a group too, never one household (a month more, a municipality less)."""
        d = decisions_t
        month = (func.strftime("%Y-%m", d.c.reference_date) if self.engine.dialect.name == "sqlite"
                 else func.to_char(d.c.reference_date, "YYYY-MM"))
        cells = (select(d.c.municipality, month).where(d.c.id.in_(q)).group_by(d.c.municipality, month)
                 .having(func.count() >= MIN_GROUP))
        return select(d.c.id).where(d.c.id.in_(q), tuple_(d.c.municipality, month).in_(cells))

    def _refuse_group(self, access: Access, action: str, filters: Filters, why: str, why_en: str):
        """A refused selection of a caller who sees groups only: logged, then a Forbidden that says why."""
        self.log_access(access, action, (), self._stored_municipalities(filters.municipalities), allowed=False)
        raise Forbidden(f"als {ROLE_NL.get(access.role, access.role)} ziet u groepen, geen casussen: {why}",
                        f"as {ROLE_EN.get(access.role, access.role)} you see groups, not cases: {why_en}")

    def list_cases(self, filters: Filters, limit: int = 50, offset: int = 0,
                   access: Access = LOCAL) -> tuple[int, list[dict]]:
        d, c = decisions_t, cases_t
        ids = self.scope(filters, access, READ).subquery()
        q = (select(c.c.case_id, c.c.version, c.c.municipality, c.c.reference_date, c.c.team, c.c.tags, c.c.signal,
                    c.c.created_at, d.c.outcome, d.c.evaluation)
             .join(d, d.c.case_row_id == c.c.id).where(d.c.id.in_(select(ids.c.id)))
             .order_by(c.c.reference_date.desc(), c.c.case_id).limit(limit).offset(offset))
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(ids)).scalar_one()
            rows = conn.execute(q).all()
        self.log_access(access, "list", [(case_ref(r.case_id, r.team), r.municipality) for r in rows])
        return total, [{"case_id": r.case_id, "version": r.version, "municipality": r.municipality,
                        "reference_date": r.reference_date.isoformat(), "team": r.team, "tags": list(r.tags or ()),
                        "signal": r.signal, "outcome": r.outcome, "evaluation": r.evaluation,
                        "created_at": r.created_at.isoformat()} for r in rows]

    def stats(self, access: Access = LOCAL) -> dict:
        """Counts within the caller's scope."""
        c, d, b = cases_t, decisions_t, batches_t
        self._require(access, REPORT)

        def cases(q):
            return self._visible(q, c, access)

        def decs(q):
            return self._visible(q, d, access)

        with self.engine.connect() as conn:
            out = {
                # a case is its key, not its id (decision record 0044): one latest version each
                "cases": conn.execute(cases(select(func.count()).select_from(c).where(c.c.latest.is_(True))))
                .scalar_one(),
                "case_versions": conn.execute(cases(select(func.count()).select_from(c))).scalar_one(),
                "decisions": conn.execute(decs(select(func.count()).select_from(d))).scalar_one(),
                "batches": conn.execute(select(func.count()).select_from(b)).scalar_one()
                if access.municipalities is None and access.team is None else
                conn.execute(select(func.count()).select_from(union(  # only the batches that hold their cases
                    cases(select(c.c.batch_id)).where(c.c.batch_id.is_not(None)),
                    decs(select(d.c.batch_id)).where(d.c.batch_id.is_not(None))).subquery())).scalar_one(),
            }
            out["municipalities"] = [
                {"municipality": r[0], "cases": r[1]} for r in conn.execute(
                    decs(select(d.c.municipality, func.count())).where(d.c.current.is_(True))
                    .group_by(d.c.municipality).order_by(d.c.municipality))]
            out["outcomes"] = {r[0]: r[1] for r in conn.execute(
                decs(select(d.c.outcome, func.count())).where(d.c.current.is_(True)).group_by(d.c.outcome))}
            out["evaluations"] = [
                {"evaluation": r[0], "decisions": r[1], "first": r[2].isoformat(), "last": r[3].isoformat()}
                for r in conn.execute(decs(select(d.c.evaluation, func.count(), func.min(d.c.evaluated_at),
                                                  func.max(d.c.evaluated_at))).group_by(d.c.evaluation)
                                      .order_by(func.min(d.c.evaluated_at)))]
            span = conn.execute(decs(select(func.min(d.c.reference_date), func.max(d.c.reference_date)))
                                .where(d.c.current.is_(True))).one()
            out["reference_dates"] = {"from": span[0].isoformat() if span[0] else None,
                                      "to": span[1].isoformat() if span[1] else None}
        if access.groups_only:  # no day or moment of a single case: months; no count of a handful of cases
            out["reference_dates"] = {k: v[:7] if v else None for k, v in out["reference_dates"].items()}
            out["municipalities"] = [{**m, "cases": m["cases"] if m["cases"] >= MIN_GROUP else None}
                                     for m in out["municipalities"]]
            out["outcomes"] = {k: v if v >= MIN_GROUP else None for k, v in out["outcomes"].items()}
            out["evaluations"] = [{**e, "first": e["first"][:7], "last": e["last"][:7]} for e in out["evaluations"]]
        return out

    def check(self, deep: bool = True) -> list[str]:
        """Integrity problems (empty when the store is consistent); `deep` also reads every decision."""
        c, d, b = cases_t, decisions_t, batches_t
        problems = []
        with self.engine.connect() as conn:
            case_counts = dict(conn.execute(select(c.c.batch_id, func.count()).group_by(c.c.batch_id)).all())
            dec_counts = dict(conn.execute(select(d.c.batch_id, func.count()).group_by(d.c.batch_id)).all())
            batch_ids = set()
            for batch in conn.execute(select(b)):
                batch_ids.add(batch.id)
                if case_counts.get(batch.id, 0) != batch.cases or dec_counts.get(batch.id, 0) != batch.decisions:
                    problems.append(f"batch {batch.id}: {case_counts.get(batch.id, 0)}/{batch.cases} cases, "
                                    f"{dec_counts.get(batch.id, 0)}/{batch.decisions} decisions")
            for orphan in (set(case_counts) | set(dec_counts)) - batch_ids:
                problems.append(f"rows of batch {orphan}, which does not exist")
            key = (c.c.case_id, c.c.municipality, c.c.team_key)  # a case (decision record 0044)
            for *case, n in conn.execute(select(*key, func.count()).where(c.c.latest.is_(True))
                                         .group_by(*key).having(func.count() != 1)):
                problems.append(f"case {_named(case)}: {n} latest versions")
            for *case, n, top in conn.execute(select(*key, func.count(), func.max(c.c.version))
                                              .group_by(*key).having(func.count() != func.max(c.c.version))):
                problems.append(f"case {_named(case)}: {n} versions numbered up to {top}")
            lacking = conn.execute(select(func.count()).select_from(c).where(
                ~c.c.id.in_(select(d.c.case_row_id)))).scalar_one()
            if lacking:
                problems.append(f"{lacking} case versions without a decision")
            for *case, n in conn.execute(select(*key, func.count()).select_from(d.join(c, c.c.id == d.c.case_row_id))
                                         .where(d.c.current.is_(True)).group_by(*key).having(func.count() != 1)):
                problems.append(f"case {_named(case)}: {n} current decisions")
            stale = conn.execute(select(func.count()).select_from(d.join(c, c.c.id == d.c.case_row_id))
                                 .where(d.c.current.is_(True), c.c.latest.is_(False))).scalar_one()
            if stale:
                problems.append(f"{stale} current decisions of a case version that is not the latest")
            if deep:
                problems += _check_details(conn)
        return problems


# -- the write transactions -------------------------------------------------------------------------

def _one_case(keys: set[CaseKey]) -> None:
    """Refuse an id that names more than one case where one is meant (to explain or delete it). Only cases
    within the caller's scope are counted, so this tells nothing about other teams."""
    if len(keys) > 1:
        raise RegelruimteError([Problem(
            f"dit casusnummer hoort bij {len(keys)} casussen binnen uw bereik (van verschillende teams of "
            "gemeenten); kies er één met gemeente en team",
            f"this case id belongs to {len(keys)} cases within your scope (of different teams or municipalities); "
            "choose one with municipality and team", field="case_id")])


def _named(key) -> str:
    """A case in an integrity problem: its id, with its municipality and team."""
    case_id, municipality, team = key
    return f"{case_id} ({municipality}{'/' + team if team else ''})"


def _narrowed(q, case_ids: Sequence[str], municipality: str | None, team: str | None):
    """`q` over cases limited to these ids, this municipality and this team ('' for no team; None: any)."""
    if case_ids:
        q = q.where(cases_t.c.case_id.in_(list(case_ids)))
    if municipality:
        q = q.where(cases_t.c.municipality == municipality)
    if team is not None:
        q = q.where(cases_t.c.team_key == team)
    return q


def _chunks(items: Sequence, n: int) -> Iterator[Sequence]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _uncount(conn: Connection, column: str, batch_ids: list[int]) -> None:
    counts: dict[int, int] = {}
    for bid in batch_ids:
        counts[bid] = counts.get(bid, 0) + 1
    col = batches_t.c[column]
    for bid, n in counts.items():
        conn.execute(update(batches_t).where(batches_t.c.id == bid).values({column: col - n}))


def _meta_changed(row, meta: Meta) -> bool:
    if meta == Meta():
        return False  # a record without metadata leaves what is stored alone
    return (row.team, row.signal, tuple(row.tags or ())) != (meta.team, meta.signal, tuple(meta.tags))


# The columns of the bulk inserts: first those the write fills in (ids, what depends on what is stored,
# the batch), then those `ready` encodes where the case was evaluated.
CASE_ADDED = ("id", "version", "latest", "batch_id", "created_at", "updated_at")
CASE_ENCODED = ("case_id", "digest", "municipality", "reference_date", "team", "team_key", "signal", "tags",
                "case_json", "origin")
DECISION_ADDED = ("id", "case_row_id", "current", "evaluation", "as_of", "batch_id", "evaluated_at")
DECISION_ENCODED = ("case_id", "municipality", "reference_date", "rulesets", "rulesets_digest", "outcome",
                    "cost_once_cents", "avoided_per_year_cents", "avoided_once_cents", "primary_route",
                    "usable_routes", "sole_route", "discretionary_only", "decision_json")
DETAIL_ENCODED = {t.name: tuple(c.name for c in t.c if c.name != "decision_id") for t in DETAIL_TABLES}
_DETAIL_OF = {name: itemgetter(*columns) for name, columns in DETAIL_ENCODED.items()}


class Ready(NamedTuple):
    """A case version on its way to the write, encoded (db.Codec.part) in the process that validated and
    evaluated it: what the write compares, and every column of its rows that does not depend on what is
    stored. Without a decision (its content was stored already when asked) it carries no rows."""

    case_id: str
    digest: str
    municipality: str
    meta: Meta
    case_row: Any = None  # CASE_ENCODED
    decision_row: Any = None  # DECISION_ENCODED
    details: tuple = ()  # per detail table (DETAIL_TABLES' order) the DETAIL_ENCODED part of each row


def ready(p: Prepared, codec: db.Codec) -> Ready:
    """`p` encoded for the write; its rows only when it has a decision."""
    if p.decision is None:
        return Ready(p.case_id, p.digest, p.municipality, p.meta)
    m = p.meta
    case_row = codec.part(cases_t, CASE_ENCODED, (p.case_id, p.digest, p.municipality, p.reference_date, m.team,
                                                  p.key.team, m.signal, list(m.tags), p.case_json, p.origin))
    decision_row, details = _decision_parts(codec, p.case_id, p.municipality, p.reference_date, p.decision)
    return Ready(p.case_id, p.digest, p.municipality, m, case_row, decision_row, details)


def _decision_parts(codec: db.Codec, case_id: str, municipality: str, reference_date: dt.date,
                    decision: dict) -> tuple[Any, tuple]:
    """The encoded columns of a decision row and of its detail rows."""
    s = summarise(decision)
    row = codec.part(decisions_t, DECISION_ENCODED, (
        case_id, municipality, reference_date, s.rulesets, s.rulesets_digest, s.outcome, s.cost_once_cents,
        s.avoided_per_year_cents, s.avoided_once_cents, s.primary_route, s.usable_routes, s.sole_route,
        s.discretionary_only, decision))
    tables = dict(detail_rows(None, decision).tables())
    details = tuple([codec.part(table, DETAIL_ENCODED[table.name], _DETAIL_OF[table.name](r))
                     for r in tables[table.name]] for table in DETAIL_TABLES)
    return row, details


def _write_cases(conn: Connection, items: Sequence[Ready], complete: Callable[[int], Ready], evaluation: str,
                 kind: str, source: str | None) -> WriteResult:
    """Write `items` (`complete(i)`: item i with its rows, for one stored when it was asked but not now)."""
    result = WriteResult()
    ids = sorted({r.case_id for r in items})
    c = cases_t.c
    stored = {}
    top: dict[CaseKey, int] = {}  # per case: its highest version
    latest_rows: dict[CaseKey, int] = {}  # per case: the row of its latest version
    for chunk in _chunks(ids, 500):
        for r in conn.execute(select(c.id, c.case_id, c.municipality, c.team_key, c.digest, c.version, c.latest,
                                     c.team, c.signal, c.tags).where(c.case_id.in_(list(chunk)))):
            case = CaseKey(r.case_id, r.municipality, r.team_key)
            stored[(case, r.digest)] = r
            top[case] = max(top.get(case, 0), r.version)
            if r.latest:
                latest_rows[case] = r.id
    new: list[tuple[int, int]] = []  # (index in items, version)
    updates: list[tuple[Any, Meta]] = []
    seen: set[tuple[CaseKey, str]] = set()
    keys = [case_key(r.case_id, r.municipality, r.meta.team) for r in items]
    # one order for every writer (by case key): concurrent PostgreSQL writers cannot deadlock
    for i in sorted(range(len(items)), key=keys.__getitem__):
        r = items[i]
        key = (keys[i], r.digest)
        if key in seen:
            result.unchanged += 1
            continue
        seen.add(key)
        if key in stored:
            if _meta_changed(stored[key], r.meta):
                updates.append((stored[key], r.meta))
                result.updated += 1
            else:
                result.unchanged += 1
            continue
        top[keys[i]] = top.get(keys[i], 0) + 1
        new.append((i, top[keys[i]]))
    t = now()
    for row, meta in updates:
        conn.execute(update(cases_t).where(cases_t.c.id == row.id)
                     .values(team=meta.team, signal=meta.signal, tags=list(meta.tags), updated_at=t))
        conn.execute(delete(tags_t).where(tags_t.c.case_row_id == row.id))
        if meta.tags:
            conn.execute(insert(tags_t), [{"case_row_id": row.id, "tag": tag} for tag in meta.tags])
    if not new:
        return result

    batch_id = conn.execute(insert(batches_t).returning(batches_t.c.id),
                            {"kind": kind, "source": source, "evaluation": evaluation, "cases": len(new),
                             "decisions": len(new), "created_at": t}).scalar_one()
    rows = [items[i] if items[i].decision_row is not None else complete(i) for i, _ in new]
    # the versions that stop being the latest: of each case that gets a new one
    renewed = sorted({latest_rows[keys[i]] for i, _ in new if keys[i] in latest_rows})
    for chunk in _chunks(renewed, 500):
        conn.execute(update(cases_t).where(cases_t.c.id.in_(list(chunk))).values(latest=False))
        conn.execute(update(decisions_t).where(decisions_t.c.case_row_id.in_(list(chunk)),
                                               decisions_t.c.current.is_(True)).values(current=False))
    newest = {keys[i]: v for i, v in new}  # within this batch the last version is the latest
    row_ids = db.reserve_ids(conn, cases_t, len(new))
    latest = [newest[keys[i]] == v for i, v in new]
    codec = db.codec(conn.dialect)
    codec.insert(conn, cases_t, CASE_ADDED, CASE_ENCODED, [
        ((rid, v, last, batch_id, t, t), r.case_row) for rid, r, (_, v), last in zip(row_ids, rows, new, latest)])
    db.insert_rows(conn, tags_t, ("case_row_id", "tag"),
                   [(rid, tag) for rid, r in zip(row_ids, rows) for tag in r.meta.tags])
    _insert_decisions(conn, [((rid, last, evaluation, None, batch_id, t), r.decision_row, r.details)
                             for rid, r, last in zip(row_ids, rows, latest)])
    result.decisions = len(new)
    result.batches = 1
    for _, v in new:
        if v == 1:
            result.added += 1
        else:
            result.new_versions += 1
    return result


def _insert_decisions(conn: Connection, rows: list[tuple[tuple, Any, tuple]]) -> None:
    """Decision rows, each (its DECISION_ADDED values without the id, its encoded part, its detail parts),
    with their detail rows."""
    codec = db.codec(conn.dialect)
    ids = db.reserve_ids(conn, decisions_t, len(rows))
    codec.insert(conn, decisions_t, DECISION_ADDED, DECISION_ENCODED,
                 [((did, *added), part) for did, (added, part, _) in zip(ids, rows)])
    for n, table in enumerate(DETAIL_TABLES):
        codec.insert(conn, table, ("decision_id",), DETAIL_ENCODED[table.name],
                     [((did,), part) for did, (_, _, details) in zip(ids, rows) for part in details[n]])
    _fault_point(len(rows))


def _write_decisions(conn: Connection, items: Sequence[Evaluated], evaluation: str, as_of: dt.date | None,
                     source: str | None) -> WriteResult:
    result = WriteResult()
    wanted = {e.case_row_id: e for e in items}
    done = conn.execute(select(decisions_t.c.case_row_id).where(
        decisions_t.c.case_row_id.in_(sorted(wanted)), decisions_t.c.evaluation == evaluation)).scalars().all()
    for row_id in done:  # already evaluated under this label
        del wanted[row_id]
        result.unchanged += 1
    live = {r.id: r.latest for r in conn.execute(select(cases_t.c.id, cases_t.c.latest)
                                                 .where(cases_t.c.id.in_(sorted(wanted))))}
    todo = [wanted[k] for k in sorted(wanted) if k in live]
    result.unchanged += len(wanted) - len(todo)  # deleted meanwhile: nothing to add to
    if not todo:
        return result
    t = now()
    batch_id = conn.execute(insert(batches_t).returning(batches_t.c.id),
                            {"kind": "reevaluate", "source": source, "evaluation": evaluation, "cases": 0,
                             "decisions": len(todo), "created_at": t}).scalar_one()
    current_rows = sorted(e.case_row_id for e in todo if live[e.case_row_id])
    for chunk in _chunks(current_rows, 500):
        conn.execute(update(decisions_t).where(decisions_t.c.case_row_id.in_(list(chunk)),
                                               decisions_t.c.current.is_(True)).values(current=False))
    codec = db.codec(conn.dialect)
    _insert_decisions(conn, [((e.case_row_id, live[e.case_row_id], evaluation, as_of, batch_id, t),
                              *_decision_parts(codec, e.case_id, e.municipality, e.reference_date, e.decision))
                             for e in todo])
    result.decisions = len(todo)
    result.batches = 1
    return result


def _check_details(conn: Connection) -> list[str]:
    """Every decision's detail rows match its JSON (a torn write would show here)."""
    opt = OptionRow.__table__
    counts = dict(conn.execute(select(opt.c.decision_id, func.count()).group_by(opt.c.decision_id)).all())
    problems = []
    for did, doc in conn.execute(select(decisions_t.c.id, decisions_t.c.decision_json)):
        if counts.get(did, 0) != len(doc["options"]):
            problems.append(f"decision {did}: {counts.get(did, 0)} option rows for {len(doc['options'])} options")
    return problems


# -- fault injection, for the crash test only ---------------------------------------------------------

def _fault_point(rows: int) -> None:
    """With REGELRUIMTE_CASEBOOK_FAULT=pause, stop inside the second write transaction (its rows
    written, not committed) and wait to be killed: the crash test proves such a batch vanishes."""
    if os.environ.get("REGELRUIMTE_CASEBOOK_FAULT") != "pause":
        return
    _fault_point.calls = getattr(_fault_point, "calls", 0) + 1
    if _fault_point.calls == 2:
        print(f"casebook-fault: paused inside a write of {rows} decisions", file=sys.stderr, flush=True)
        time.sleep(3600)

