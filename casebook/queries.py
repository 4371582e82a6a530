"""The SQL behind the analysis: grouped counts and flat rows over the decomposed decision tables.

Every query takes the *scope* (a subquery of decision ids, see Store.scope) and returns plain
rows (dicts); casebook.analysis turns them into ranked tables. Nothing here reads decision JSON.
"""
from __future__ import annotations

from sqlalchemy import Connection, Integer, Select, cast, func, select

from .models import BlockRow, CaseRow, CaseTag, DecisionRow, MissingFactRow, RouteLiftRow, RouteRow

D = DecisionRow.__table__
C = CaseRow.__table__
B = BlockRow.__table__
R = RouteRow.__table__
L = RouteLiftRow.__table__
M = MissingFactRow.__table__
T = CaseTag.__table__


def _rows(conn: Connection, q) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(q)]


def outcomes(conn: Connection, scope: Select) -> list[dict]:
    q = (select(D.c.outcome, func.count().label("cases"), func.count(D.c.case_row_id.distinct()).label("case_ids"),
                func.min(D.c.reference_date).label("first"), func.max(D.c.reference_date).label("last"))
         .where(D.c.id.in_(scope)).group_by(D.c.outcome))
    return _rows(conn, q)


def municipalities(conn: Connection, scope: Select) -> list[dict]:
    q = (select(D.c.municipality, D.c.outcome, func.count().label("cases")).where(D.c.id.in_(scope))
         .group_by(D.c.municipality, D.c.outcome))
    return _rows(conn, q)


def blocks_by_rule(conn: Connection, scope: Select) -> list[dict]:
    """Per rule that holds as a block: in how many cases and on how many options."""
    q = (select(B.c.rule, func.max(B.c.ruleset).label("ruleset"), func.max(B.c.law).label("law"),
                func.max(B.c.article).label("article"), func.max(B.c.paragraph).label("paragraph"),
                func.max(B.c.onderdeel).label("onderdeel"), func.max(B.c.title).label("title"),
                func.count(B.c.decision_id.distinct()).label("cases"), func.count().label("options"))
         .where(B.c.decision_id.in_(scope), B.c.holds.is_(True)).group_by(B.c.rule))
    return _rows(conn, q)


def possible_blocks_by_rule(conn: Connection, scope: Select) -> list[dict]:
    q = (select(B.c.rule, func.count(B.c.decision_id.distinct()).label("cases"))
         .where(B.c.decision_id.in_(scope), B.c.holds.is_(False)).group_by(B.c.rule))
    return _rows(conn, q)


def blocks_by_municipality(conn: Connection, scope: Select) -> list[dict]:
    q = (select(D.c.municipality, B.c.rule, func.count(B.c.decision_id.distinct()).label("cases"))
         .join(D, D.c.id == B.c.decision_id).where(B.c.decision_id.in_(scope), B.c.holds.is_(True))
         .group_by(D.c.municipality, B.c.rule))
    return _rows(conn, q)


def blocks_by_day(conn: Connection, scope: Select) -> list[dict]:
    """Per reference date and rule; analysis folds the days into months, quarters or years."""
    q = (select(D.c.reference_date, B.c.rule, func.count(B.c.decision_id.distinct()).label("cases"))
         .join(D, D.c.id == B.c.decision_id).where(B.c.decision_id.in_(scope), B.c.holds.is_(True))
         .group_by(D.c.reference_date, B.c.rule))
    return _rows(conn, q)


def cases_by_day(conn: Connection, scope: Select) -> list[dict]:
    q = select(D.c.reference_date, func.count().label("cases")).where(D.c.id.in_(scope)).group_by(D.c.reference_date)
    return _rows(conn, q)


def collision_blocks(conn: Connection, scope: Select) -> list[dict]:
    """The blocks that hold in decisions where blocks from two or more laws hold."""
    colliding = (select(B.c.decision_id).where(B.c.decision_id.in_(scope), B.c.holds.is_(True))
                 .group_by(B.c.decision_id).having(func.count(B.c.law.distinct()) > 1))
    q = (select(B.c.decision_id, B.c.option, B.c.rule, B.c.law)
         .where(B.c.decision_id.in_(colliding), B.c.holds.is_(True)))
    return _rows(conn, q)


def route_lifts(conn: Connection, scope: Select) -> list[dict]:
    """Per block, route and the route's status: in how many cases."""
    q = (select(L.c.block, L.c.route, L.c.status, func.count(L.c.decision_id.distinct()).label("cases"))
         .where(L.c.decision_id.in_(scope)).group_by(L.c.block, L.c.route, L.c.status))
    return _rows(conn, q)


def routes(conn: Connection, scope: Select) -> list[dict]:
    """Per route and status: in how many cases; with the route's source and whether it is discretionary."""
    q = (select(R.c.route, R.c.status, func.max(R.c.ruleset).label("ruleset"), func.max(R.c.law).label("law"),
                func.max(R.c.article).label("article"), func.max(R.c.paragraph).label("paragraph"),
                func.max(R.c.title).label("title"), func.max(R.c.decided_by).label("decided_by"),
                func.max(cast(R.c.discretionary, Integer)).label("discretionary"),
                func.max(R.c.lead_time_days).label("lead_time_days"),
                func.count(R.c.decision_id.distinct()).label("cases"))
         .where(R.c.decision_id.in_(scope)).group_by(R.c.route, R.c.status))
    return _rows(conn, q)


def sole_routes(conn: Connection, scope: Select) -> list[dict]:
    q = (select(D.c.sole_route.label("route"), func.count().label("cases"))
         .where(D.c.id.in_(scope), D.c.sole_route.is_not(None)).group_by(D.c.sole_route))
    return _rows(conn, q)


def discretionary_only(conn: Connection, scope: Select) -> int:
    q = select(func.count()).where(D.c.id.in_(scope), D.c.discretionary_only.is_(True))
    return conn.execute(q).scalar_one()


def no_route_cases(conn: Connection, scope: Select) -> list[dict]:
    """Decisions where every option is blocked and nothing lifts it, with their case's team and signal."""
    q = (select(D.c.id.label("decision_id"), D.c.case_id, D.c.municipality, D.c.reference_date, C.c.team, C.c.signal)
         .join(C, C.c.id == D.c.case_row_id).where(D.c.id.in_(scope), D.c.outcome == "blocked")
         .order_by(D.c.reference_date.desc(), D.c.case_id))
    return _rows(conn, q)


def no_route_blocks(conn: Connection, scope: Select) -> list[dict]:
    q = (select(B.c.decision_id, B.c.option, B.c.rule, B.c.law)
         .join(D, D.c.id == B.c.decision_id)
         .where(B.c.decision_id.in_(scope), D.c.outcome == "blocked", B.c.holds.is_(True)))
    return _rows(conn, q)


def kassabon(conn: Connection, scope: Select) -> list[dict]:
    q = (select(D.c.outcome, D.c.primary_route, func.count().label("cases"),
                func.sum(D.c.cost_once_cents).label("cost_once_cents"),
                func.sum(D.c.avoided_per_year_cents).label("avoided_per_year_cents"),
                func.sum(D.c.avoided_once_cents).label("avoided_once_cents"))
         .where(D.c.id.in_(scope), D.c.cost_once_cents.is_not(None))
         .group_by(D.c.outcome, D.c.primary_route))
    return _rows(conn, q)


def missing_facts(conn: Connection, scope: Select) -> list[dict]:
    q = (select(M.c.fact, M.c.kind, func.count(M.c.decision_id.distinct()).label("cases"),
                func.count().label("options"))
         .where(M.c.decision_id.in_(scope)).group_by(M.c.fact, M.c.kind))
    return _rows(conn, q)


def signals(conn: Connection, scope: Select) -> list[dict]:
    q = (select(D.c.case_id, D.c.municipality, D.c.reference_date, D.c.outcome, C.c.team, C.c.signal)
         .join(C, C.c.id == D.c.case_row_id).where(D.c.id.in_(scope), C.c.signal.is_not(None))
         .order_by(D.c.reference_date.desc(), D.c.case_id))
    return _rows(conn, q)


def tags(conn: Connection, scope: Select) -> list[dict]:
    q = (select(T.c.tag, func.count().label("cases")).join(D, D.c.case_row_id == T.c.case_row_id)
         .where(D.c.id.in_(scope)).group_by(T.c.tag))
    return _rows(conn, q)


# -- drill-down: the cases behind a count (the analysts' page, service.web.casebook) ----------------

def case_documents(conn: Connection, scope: Select, limit: int = 10_000) -> list[dict]:
    """The case documents of the decisions in scope (for a what-if over the casebook), by case id."""
    q = (select(C.c.case_json).join(D, D.c.case_row_id == C.c.id).where(D.c.id.in_(scope))
         .order_by(C.c.case_id).limit(limit))
    return list(conn.execute(q).scalars())


def cases_behind(conn: Connection, scope: Select, *, blocks: tuple[str, ...] = (), route: str | None = None,
                 lift: tuple[str, str] | None = None, fact: str | None = None, collision: bool = False, discretionary_only: bool = False,
                 limit: int = 50, offset: int = 0) -> tuple[int, list[dict]]:
    """The decisions in scope behind one count of the report: where every rule of `blocks` holds as a block,
    `route` is available, route `lift[1]` is available to lift block `lift[0]`, `fact` is missing, blocks of two or more laws hold (`collision`), or only
    discretionary routes help. Returns the total and one page of rows, newest reference date first."""
    ids = select(D.c.id).where(D.c.id.in_(scope))
    for rule in blocks:
        ids = ids.where(D.c.id.in_(select(B.c.decision_id).where(B.c.rule == rule, B.c.holds.is_(True))))
    if route:
        ids = ids.where(D.c.id.in_(select(R.c.decision_id).where(R.c.route == route, R.c.status == "available")))
    if lift:
        ids = ids.where(D.c.id.in_(select(L.c.decision_id).where(L.c.block == lift[0], L.c.route == lift[1],
                                                                 L.c.status == "available")))
    if fact:
        ids = ids.where(D.c.id.in_(select(M.c.decision_id).where(M.c.fact == fact)))
    if collision:
        ids = ids.where(D.c.id.in_(select(B.c.decision_id).where(B.c.holds.is_(True)).group_by(B.c.decision_id)
                                   .having(func.count(B.c.law.distinct()) > 1)))
    if discretionary_only:
        ids = ids.where(D.c.discretionary_only.is_(True))
    total = conn.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    q = (select(D.c.case_id, D.c.municipality, D.c.reference_date, D.c.outcome, C.c.team, C.c.signal)
         .join(C, C.c.id == D.c.case_row_id).where(D.c.id.in_(ids))
         .order_by(D.c.reference_date.desc(), D.c.case_id).limit(limit).offset(offset))
    return total, _rows(conn, q)
