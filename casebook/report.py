"""The analyst's report: every table and chart of one scope (municipalities, period, evaluation).

`build_report` runs the queries, hands the rows to the pure analysis functions and wraps the
results in typed tables, so the HTML page, the JSON API and the CSV/Parquet exports all show the
same numbers.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import analysis as a
from reporting import charts

from . import queries as q
from .access import LOCAL, MIN_GROUP, Access
from .records import case_ref
from .store import Filters, Store

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the Dutch column header
    kind: str = "text"  # text | int | money | share | ratio | date | bool


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: list[dict]

    def as_dict(self) -> dict:
        return {"title": self.title, "description": self.description,
                "columns": [{"name": c.name, "label": c.label, "kind": c.kind} for c in self.columns],
                "rows": [{c.name: jsonable(r.get(c.name)) for c in self.columns} for r in self.rows]}


@dataclass
class Report:
    filters: Filters
    period: str
    generated_at: dt.datetime
    overview: dict
    kassabon: dict
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)
    scope: tuple[str, ...] | None = None  # the municipalities of the caller's scope; None: every one

    def as_dict(self) -> dict:
        return {"filters": {k: jsonable(v) for k, v in self.filters.describe().items()}, "period": self.period,
                "generated_at": self.generated_at.isoformat(),
                "overview": {k: jsonable(v) for k, v in self.overview.items()},
                "kassabon": {k: {n: jsonable(v) for n, v in r.items()} for k, r in self.kassabon.items()},
                "tables": {name: t.as_dict() for name, t in self.tables.items()}}


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _c(spec: str) -> tuple[Column, ...]:
    """Columns from 'name:Label:kind, …' (kind defaults to text)."""
    out = []
    for part in spec.split(","):
        name, label, *kind = [x.strip() for x in part.split(":")]
        out.append(Column(name, label, kind[0] if kind else "text"))
    return tuple(out)


OUTCOME_COLUMNS = "cases:Casussen:int, allowed:Toegestaan:int, route_available:Route mogelijk:int, " \
                  "needs_information:Info nodig:int, blocked:Geen route:int, share_blocked:Aandeel geen route:share"
TABLES = {
    "municipalities": ("Uitkomsten per gemeente", "Per gemeente: hoeveel casussen welke uitkomst hebben.",
                       _c("municipality:Gemeente, " + OUTCOME_COLUMNS)),
    "blocks": ("Blokkades per regel", "Regels die hulp blokkeren, naar aantal casussen; met artikel en wet. "
               "‘Misschien’ telt casussen waarin de regel kan blokkeren maar feiten ontbreken.",
               _c("rank:#:int, rule:Regel, title:Omschrijving, law:Wet of regeling, article:Artikel, cases:Casussen:int, "
                  "options:Opties:int, share:Aandeel:share, possible_cases:Misschien:int")),
    "blocks_by_municipality": ("Blokkades per gemeente", "Per gemeente de blokkerende regels, met het aandeel van "
                               "de casussen van die gemeente.",
                               _c("municipality:Gemeente, rule:Regel, cases:Casussen:int, share:Aandeel:share")),
    "blocks_by_period": ("Blokkades per periode", "Per periode (peildatum van de casus) de blokkerende regels.",
                         _c("period:Periode, rule:Regel, cases:Casussen:int, share:Aandeel:share")),
    "collision_pairs": ("Botsingen: paren", "Twee regels uit verschillende wetten die in dezelfde casus de hulp "
                        "blokkeren; ‘zelfde optie’ telt casussen waarin ze dezelfde hulpvorm blokkeren.",
                        _c("rank:#:int, rule_a:Regel A, law_a:Wet A, rule_b:Regel B, law_b:Wet B, cases:Casussen:int, "
                           "same_option:Zelfde optie:int")),
    "collision_sets": ("Botsingen: combinaties", "Alle blokkerende regels van een casus waarin wetten botsen, "
                       "per combinatie.",
                       _c("rank:#:int, rules:Regels, laws:Wetten, size:Aantal:int, cases:Casussen:int")),
    "collision_laws": ("Botsende wetten", "Welke wetten samen de hulp blokkeren.",
                       _c("rank:#:int, laws:Wetten, size:Aantal:int, cases:Casussen:int")),
    "routes": ("Routes", "Per maatwerkroute: in hoeveel casussen mogelijk, voorwaardelijk of niet mogelijk, en hoe "
               "vaak het de enige bruikbare route is.",
               _c("rank:#:int, route:Route, title:Omschrijving, law:Wet of regeling, article:Artikel, "
                  "discretionary:Discretionair:bool, decided_by:Beslist door, lead_time_days:Doorlooptijd (dagen):int, "
                  "available:Mogelijk:int, conditional:Voorwaardelijk:int, unavailable:Niet mogelijk:int, "
                  "sole_way:Enige route:int, share_available:Aandeel mogelijk:share")),
    "route_lifts": ("Welke route heft welke blokkade op", "Per blokkade de routes die haar kunnen opheffen.",
                    _c("block:Blokkade, route:Route, available:Mogelijk:int, conditional:Voorwaardelijk:int, "
                       "unavailable:Niet mogelijk:int")),
    "no_route": ("Casussen zonder route", "Elke gevraagde hulpvorm is geblokkeerd en geen route heft dat op: het "
                 "sterkste signaal van een systeemprobleem.",
                 _c("case_id:Casus, municipality:Gemeente, reference_date:Peildatum:date, team:Team, "
                    "blocks:Blokkades, laws:Wetten, signal:Signaal")),
    "no_route_patterns": ("Zonder route: patronen", "De combinaties van blokkades achter casussen zonder route.",
                          _c("rank:#:int, blocks:Blokkades, laws:Wetten, cases:Casussen:int")),
    "kassabon": ("Kassabon per route", "Eenmalige kosten van de hulp tegenover de voorkomen kosten per jaar, "
                 "geboekt op de snelste bruikbare route van de casus.",
                 _c("path:Route, cases:Casussen:int, cost_once:Kosten eenmalig:money, "
                    "avoided_per_year:Voorkomen per jaar:money, avoided_once:Voorkomen eenmalig:money, "
                    "ratio_per_year:Terugverdiend per jaar:ratio")),
    "missing_facts": ("Ontbrekende feiten", "Feiten die het vaakst ontbreken om een casus te beslissen. Een "
                      "‘open norm’ is geen feit van de casus maar een waarde die de regelset (nog) niet kent.",
                      _c("rank:#:int, fact:Feit, label:Omschrijving, kind:Soort, cases:Casussen:int, options:Opties:int, "
                         "share:Aandeel:share")),
    "signals": ("Signalen van professionals", "De vrije tekst ‘systeemprobleem: …’ bij casussen.",
                _c("case_id:Casus, municipality:Gemeente, reference_date:Peildatum:date, team:Team, "
                   "outcome:Uitkomst:status, signal:Signaal")),
    "tags": ("Labels", "Labels bij casussen.", _c("tag:Label, cases:Casussen:int, share:Aandeel:share")),
}


def _table(name: str, rows: list[dict]) -> Table:
    title, description, columns = TABLES[name]
    return Table(name, title, description, columns, rows)


def build_report(store: Store, filters: Filters = Filters(), labels: dict[str, str] | None = None,
                 period: str = "quarter", top: int = 15, access: Access = LOCAL) -> Report:
    """Every table and chart for the decisions in scope of `filters`, within the caller's scope (`access`).
    For an audited caller, the ids of the cases the tables name (no route, signals) go to the audit log;
    a caller who sees groups only (a policy officer) gets those tables and the team labels empty, the
    kassabon's amounts withheld when a group is small (`_group_amounts`) and months for dates."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    scope = store.scope(filters, access)
    with store.engine.connect() as conn:
        outcome_rows = q.outcomes(conn, scope)
        muni_rows = q.municipalities(conn, scope)
        block_rows = q.blocks_by_rule(conn, scope)
        possible_rows = q.possible_blocks_by_rule(conn, scope)
        block_muni_rows = q.blocks_by_municipality(conn, scope)
        block_day_rows = q.blocks_by_day(conn, scope)
        day_rows = q.cases_by_day(conn, scope)
        collision_rows = q.collision_blocks(conn, scope)
        route_rows = q.routes(conn, scope)
        sole_rows = q.sole_routes(conn, scope)
        discretionary_only = q.discretionary_only(conn, scope)
        lift_rows = q.route_lifts(conn, scope)
        no_route_case_rows = q.no_route_cases(conn, scope)
        no_route_block_rows = q.no_route_blocks(conn, scope)
        kassabon_rows = q.kassabon(conn, scope)
        missing_rows = q.missing_facts(conn, scope)
        signal_rows = q.signals(conn, scope)
        tag_rows = q.tags(conn, scope)

    overview = a.overview(outcome_rows)
    total = overview["cases"]
    overview["discretionary_only"] = discretionary_only
    overview["sole_route"] = sum(r["cases"] for r in sole_rows)
    municipalities = a.municipality_table(muni_rows)
    blocks = a.rank_blocks(block_rows, total, possible_rows)
    per_muni_total = {m["municipality"]: m["cases"] for m in municipalities}
    per_period_total = {r["period"]: r["cases"] for r in a.fold_periods(day_rows, period)}
    by_period = [{**r, "share": a.share(r["cases"], per_period_total.get(r["period"], 0))}
                 for r in a.fold_periods(block_day_rows, period)]
    pairs, sets, law_sets = a.collisions(collision_rows)
    overview["collision_cases"] = sum(r["cases"] for r in law_sets)
    routes = a.route_table(route_rows, sole_rows, total)
    lifts = a.lifts_table(lift_rows)
    no_route = a.no_route_table(no_route_case_rows, no_route_block_rows)
    no_route_patterns = a.no_route_by_rules(no_route)
    receipt, per_path = a.kassabon(kassabon_rows)
    if access.groups_only:  # a report, not the cases: no rows per case, no amounts of a handful of cases
        no_route, signal_rows, tag_rows = [], [], []  # tags: free text of teams, like signals
        receipt, per_path = _group_amounts(receipt, per_path)
        overview.update(first=_month(overview["first"]), last=_month(overview["last"]))
    missing = a.rank_missing(missing_rows, total, labels)

    report = Report(filters=filters, period=period, generated_at=dt.datetime.now(dt.timezone.utc),
                    scope=tuple(sorted(access.municipalities)) if access.municipalities is not None else None,
                    overview=overview, kassabon=receipt)
    for name, rows in (("municipalities", municipalities), ("blocks", blocks),
                       ("blocks_by_municipality", a.blocks_per_group(block_muni_rows, "municipality", per_muni_total)),
                       ("blocks_by_period", by_period), ("collision_pairs", pairs), ("collision_sets", sets),
                       ("collision_laws", law_sets), ("routes", routes), ("route_lifts", lifts),
                       ("no_route", no_route), ("no_route_patterns", no_route_patterns),
                       ("kassabon", per_path), ("missing_facts", missing),
                       ("signals", signal_rows), ("tags", a.rank_tags(tag_rows, total))):
        report.tables[name] = _table(name, rows)
    if access.groups_only:
        _small_counts_withheld(report)
    report.charts = _charts(report, top)
    named = [r for name in ("no_route", "signals") for r in report.tables[name].rows]
    # one entry per municipality the report covers, so each one's administrator sees it (audit.record)
    store.log_access(access, "report", [(case_ref(r["case_id"], r.get("team")), r["municipality"]) for r in named],
                     [m["municipality"] for m in municipalities])
    return report


def _group_amounts(receipt: dict, per_path: list[dict]) -> tuple[dict, list[dict]]:
    """The kassabon as a caller who sees groups only gets it: when any of its groups (a path, helped or
    not) holds fewer than MIN_GROUP cases, every amount is withheld, so none can be worked out from the
    others (total minus helped); the counts stay."""
    if all(r["cases"] >= MIN_GROUP or not r["cases"] for r in [*receipt.values(), *per_path]):
        return receipt, per_path

    def withheld(row: dict) -> dict:
        return {**row, **{k: None for k in ("cost_once", "avoided_per_year", "avoided_once", "ratio_per_year")}}
    return {k: withheld(r) for k, r in receipt.items()}, [withheld(r) for r in per_path]


NOT_COUNTS = ("rank", "size")  # a place in a ranking, the number of rules in a set: no cases


def _small_counts_withheld(report: Report) -> None:
    """For who sees groups only: a table row that counts 1 to MIN_GROUP-1 cases anywhere is left out, and
    such a count in the overview reads as unknown (with the overview's shares), so no row or tile is about
    a handful of households."""
    for t in report.tables.values():
        counts = [c.name for c in t.columns if c.kind == "int" and c.name not in NOT_COUNTS]
        t.rows = [r for r in t.rows if not any(0 < (r.get(k) or 0) < MIN_GROUP for k in counts)]
    for group in report.kassabon.values():
        if 0 < group["cases"] < MIN_GROUP:
            group["cases"] = None
    o = report.overview
    small = [k for k, v in o.items() if isinstance(v, int) and not isinstance(v, bool) and 0 < v < MIN_GROUP]
    for k in small:
        o[k] = None
    if small:
        o.update({k: None for k in o if k.startswith("share")})


def _month(day: str | dt.date | None) -> str | None:
    """A date as its month (2025-10), for who may not see a single case's day."""
    return str(day)[:7] if day else None


def _charts(report: Report, top: int) -> dict[str, str]:
    t = report.tables
    blocks = t["blocks"].rows[:top]
    labels, matrix = a.collision_matrix(t["collision_pairs"].rows, top=12)
    # routes per block: the seven most available routes by name, the rest as one series (colours stay distinct)
    weight: dict[str, int] = {}
    for r in t["route_lifts"].rows:
        weight[r["route"]] = weight.get(r["route"], 0) + r["available"]
    named = set(sorted(weight, key=lambda k: (-weight[k], k))[:7])
    lifted: dict[str, dict[str, int]] = {}
    for r in t["route_lifts"].rows:
        if r["available"]:
            series = r["route"] if r["route"] in named else "overige routes"
            per = lifted.setdefault(r["block"], {})
            per[series] = per.get(series, 0) + r["available"]
    order = [b["rule"] for b in t["blocks"].rows if b["rule"] in lifted][:10]
    # the charts name rules and routes by their titles; the tables beside them keep the ids
    rule = {b["rule"]: b.get("title") or b["rule"] for b in t["blocks"].rows}
    route = {r["route"]: r.get("title") or r["route"] for r in t["routes"].rows}
    o = report.overview

    def counted(items) -> list:  # a withheld count (None) draws no bar
        return [(label, [("casussen", n)]) for label, n in items if n is not None]
    return {
        "outcomes": charts.bars("Uitkomsten", counted([("toegestaan", o["allowed"]), ("route mogelijk", o["route_available"]),
                                                      ("informatie nodig", o["needs_information"]),
                                                      ("geen route", o["blocked"])]), [charts.PALETTE[2]]),
        "blocks": charts.bars("Blokkades per regel", counted((rule[b["rule"]], b["cases"]) for b in blocks),
                              heading=False),
        "collisions": charts.heatmap([rule.get(x, x) for x in labels], matrix,
                                     "Botsingen tussen regels uit verschillende wetten"),
        "routes_per_block": charts.bars("Routes per blokkade (casussen waarin de route mogelijk is)",
                                        [(rule.get(block, block), [(route.get(r, r), n) for r, n in lifted[block].items()])
                                         for block in order], heading=False),
        "missing_facts": charts.bars("Ontbrekende feiten", counted((m["label"], m["cases"])
                                                                   for m in t["missing_facts"].rows[:10]),
                                     [charts.PALETTE[1]]),
    }
