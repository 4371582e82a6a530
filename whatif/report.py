"""The what-if report: a Dutch (or English) summary as text, as a self-contained HTML page, and as
tables of the flips for CSV and Parquet.

Everything here is a function of a `Comparison` and the words to use; the HTML has its charts
inline (reporting.charts), its style inline, and no scripts, so it opens offline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import jinja2
import polars as pl

from engine.facts import Vocabulary
from engine.registry import Registry
from engine.templates import money
from explain.phrases import PHRASES

from reporting import charts

from .compare import CHANGE_LISTS, Comparison

TEMPLATES = Path(__file__).parent / "templates"

WORDS = {
    "nl": {
        "title": "What-if", "base": "Basis", "change": "Wijziging", "cases": "Casussen", "versions": "Regelsets",
        "summary": "Samenvatting", "households": "Huishoudens", "helped": "geholpen", "hurt": "benadeeld",
        "mixed": "deels geholpen, deels benadeeld", "of": "van", "flips": "Verschuivingen (casus × optie)",
        "reason_only": "alleen de reden veranderd", "checks": "getoetste opties",
        "by_direction": "Per richting", "by_rule": "Per regel en route", "by_municipality": "Per gemeente",
        "by_household": "Per huishoudtype", "by_option": "Per optie", "cost": "Kosten",
        "cost_note": "Betaald wordt wat toegestaan is (bijzondere bijstand, hulp in natura), eenmaal per huishouden, "
                     "tegen het bedrag van de hulpvraag. Een maatwerkroute is mogelijk, niet toegekend: die staat apart.",
        "newly_granted": "nieuw toegekend", "no_longer": "niet meer toegekend", "newly_possible": "nieuw mogelijk via een route",
        "amount_unknown": "bedrag onbekend", "avoided": "voorkomen kosten per jaar", "households_n": "huishoudens",
        "option": "Optie", "before": "Was", "after": "Wordt", "count": "Aantal", "rule": "Regel of route",
        "change_kind": "Verandering", "municipality": "Gemeente", "household_type": "Huishoudtype",
        "sweep": "Sweep", "threshold": "Waarde", "examples": "Voorbeelden", "case": "Casus", "why": "Waarom",
        "none": "geen", "first_block": "eerste blokkade", "nothing_changed": "Niets verandert voor deze casussen.",
        "sweep_chart": "Huishoudens die verschuiven, per waarde van {name}",
        "sweep_y": "huishoudens", "per_year": "per jaar", "notes": "Aannames van de synthetische populatie",
        "types": {"single": "alleenstaand", "single_parent": "alleenstaande ouder", "couple": "gehuwd of samenwonend",
                  "unknown": "onbekend"},
        "changes": {"blocks_appeared": "blokkade erbij", "blocks_disappeared": "blokkade weg",
                    "possible_appeared": "mogelijke blokkade erbij", "possible_disappeared": "mogelijke blokkade weg",
                    "routes_opened": "route open", "routes_closed": "route dicht",
                    "missing_appeared": "nu ook nodig", "missing_disappeared": "niet meer nodig"},
    },
    "en": {
        "title": "What-if", "base": "Baseline", "change": "Change", "cases": "Cases", "versions": "Rule sets",
        "summary": "Summary", "households": "Households", "helped": "helped", "hurt": "hurt",
        "mixed": "partly helped, partly hurt", "of": "of", "flips": "Flips (case × option)",
        "reason_only": "only the reason changed", "checks": "options checked",
        "by_direction": "By direction", "by_rule": "By rule and route", "by_municipality": "By municipality",
        "by_household": "By household type", "by_option": "By option", "cost": "Cost",
        "cost_note": "Paid is what is allowed (special assistance, help in kind), once per household, at the amount "
                     "of the need. A custom route is possible, not granted: it is shown separately.",
        "newly_granted": "newly granted", "no_longer": "no longer granted", "newly_possible": "newly possible through a route",
        "amount_unknown": "amount unknown", "avoided": "avoided costs per year", "households_n": "households",
        "option": "Option", "before": "Was", "after": "Becomes", "count": "Count", "rule": "Rule or route",
        "change_kind": "Change", "municipality": "Municipality", "household_type": "Household type",
        "sweep": "Sweep", "threshold": "Value", "examples": "Examples", "case": "Case", "why": "Why",
        "none": "none", "first_block": "first block", "nothing_changed": "Nothing changes for these cases.",
        "sweep_chart": "Households that flip, per value of {name}",
        "sweep_y": "households", "per_year": "a year", "notes": "Assumptions of the synthetic population",
        "types": {"single": "single", "single_parent": "single parent", "couple": "married or cohabiting",
                  "unknown": "unknown"},
        "changes": {"blocks_appeared": "block appeared", "blocks_disappeared": "block gone",
                    "possible_appeared": "possible block appeared", "possible_disappeared": "possible block gone",
                    "routes_opened": "route opened", "routes_closed": "route closed",
                    "missing_appeared": "now also needed", "missing_disappeared": "no longer needed"},
    },
}


@dataclass
class Meta:
    """What was compared, in words."""

    title: str
    base: str
    change: str
    source: str
    labels: dict[str, str] = field(default_factory=dict)  # rule and route id -> "title (source)", as they were
    labels_after: dict[str, str] = field(default_factory=dict)  # … as the change words them
    municipalities: dict[str, str] = field(default_factory=dict)  # slug -> name
    notes: list[str] = field(default_factory=list)  # e.g. the assumptions of a synthetic population


# Changes that name something of the reform (the rest name something of the baseline).
AFTER = ("blocks_appeared", "possible_appeared", "routes_opened", "missing_appeared")


def labels(*registries: Registry, lang: str = "nl") -> dict[str, str]:
    """Every rule and route id with its title and legal source, from all versions of `registries`."""
    out = {}
    for registry in registries:
        for rs in registry.rulesets.values():
            for v in rs.versions:
                for item in [*(r.rule for r in v.rules.values()), *(r.route for r in v.routes.values())]:
                    title = item.title_en if lang == "en" and item.title_en else item.title
                    out[item.id] = f"{title} ({item.source.cite(lang)})"
    return out


def municipality_names(registry: Registry) -> dict[str, str]:
    return {slug: rs.meta.municipality_name or slug for slug, rs in registry.municipalities.items()}


def versions_changed(c: Comparison) -> tuple[list[str], list[str]]:
    """The rule-set versions only the baseline used, and those only the change used."""
    before, after = set(c.before.versions), set(c.after.versions)
    return sorted(before - after), sorted(after - before)


def _eur(cents: int | None, lang: str) -> str:
    return money(Decimal(cents or 0) / 100, lang)


def _n(value: int) -> str:
    return charts.number(value)


class Words:
    def __init__(self, vocabulary: Vocabulary, meta: Meta, lang: str):
        self.lang, self.meta, self.vocab = lang, meta, vocabulary
        self.w = WORDS[lang]

    def status(self, s: str | None) -> str:
        return PHRASES[self.lang]["status"].get(s, self.w["none"]) if s else self.w["none"]

    def option(self, o: str) -> str:
        return self.vocab.option_title(o, self.lang)

    def rule(self, rid: str | None, after: bool = False) -> str:
        """A rule's title as the side it belongs to words it (a block that disappeared: as it was)."""
        if not rid:
            return self.w["none"]
        first, second = (self.meta.labels_after, self.meta.labels) if after else (self.meta.labels, self.meta.labels_after)
        return first.get(rid) or second.get(rid) or rid

    def changed(self, kind: str, rid: str) -> str:
        return rid if kind.startswith("missing") else self.rule(rid, after=kind in AFTER)

    def place(self, slug: str) -> str:
        return self.meta.municipalities.get(slug, slug)

    def kind(self, t: str) -> str:
        return self.w["types"].get(t, t)


def text_summary(c: Comparison, vocabulary: Vocabulary, meta: Meta, lang: str = "nl", top: int = 10) -> str:
    """The comparison in a few lines of plain text, for the command line."""
    w = Words(vocabulary, meta, lang)
    t, W = c.totals, w.w
    lines = [f"{W['title']}: {meta.title}", f"{W['base']}: {meta.base}", f"{W['change']}: {meta.change}",
             f"{W['cases']}: {meta.source}"]
    gone, new = versions_changed(c)
    if gone or new:
        lines.append(f"{W['versions']}: {', '.join(gone) or W['none']} → {', '.join(new) or W['none']}")
    lines += ["",
             f"{W['households']}: {_n(t['households_helped'])} {W['helped']}, {_n(t['households_hurt'])} {W['hurt']}"
             + (f", {_n(t['households_mixed'])} {W['mixed']}" if t["households_mixed"] else "")
             + f" ({W['of']} {_n(t['cases'])})",
             f"{W['flips']}: {_n(t['flips'])}; {W['reason_only']}: {_n(t['reason_changed_only'])} "
             f"({W['checks']}: {_n(t['option_checks'])})"]
    if t["flips"] == 0 and t["reason_changed_only"] == 0:
        lines += ["", W["nothing_changed"]]
    if not c.by_direction.is_empty():
        lines += ["", W["by_direction"]]
        for r in c.by_direction.head(top).iter_rows(named=True):
            lines.append(f"  {w.option(r['option'])}: {w.status(r['status_before'])} → {w.status(r['status_after'])}"
                         f"  {_n(r['n'])}")
    if not c.by_rule.is_empty():
        lines += ["", W["by_rule"]]
        for r in c.by_rule.head(top).iter_rows(named=True):
            lines.append(f"  {w.changed(r['change'], r['id'])} [{r['id']}]: {W['changes'][r['change']]}  {_n(r['n'])}")
    cost = c.cost.filter((pl.col("newly_granted") > 0) | (pl.col("no_longer_granted") > 0) | (pl.col("newly_possible") > 0))
    if not cost.is_empty():
        lines += ["", W["cost"]]
        for r in cost.iter_rows(named=True):
            line = (f"  {w.place(r['municipality'])}: {_n(r['newly_granted'])} {W['households_n']} {W['newly_granted']}, "
                    f"{_eur(r['newly_granted_cents'], lang)}")
            if r["newly_granted_amount_unknown"]:
                line += f" (+{_n(r['newly_granted_amount_unknown'])} {W['amount_unknown']})"
            if r["avoided_per_year_cents"]:
                line += f"; {W['avoided']}: {_eur(r['avoided_per_year_cents'], lang)}"
            if r["no_longer_granted"]:
                line += f"; {_n(r['no_longer_granted'])} {W['no_longer']}, {_eur(r['no_longer_granted_cents'], lang)}"
            if r["newly_possible"]:
                line += f"; {_n(r['newly_possible'])} {W['newly_possible']}"
            lines.append(line)
    return "\n".join(lines) + "\n"


def flips_table(c: Comparison, lang: str = "nl", flat: bool = False) -> pl.DataFrame:
    """The changed (case, option) rows for export; `flat` joins the lists with '; ' (for CSV)."""
    rows = c.flips()
    if rows.is_empty() or "amount_cents" not in rows.columns:
        return rows
    cents = pl.col("amount_cents")  # a need's amount is never negative
    rows = rows.with_columns((cents // 100).cast(pl.String).add(".").add((cents % 100).cast(pl.String).str.zfill(2))
                             .alias("amount_eur"))
    if flat:
        rows = rows.with_columns([pl.col(k).list.join("; ") for k in CHANGE_LISTS])
    return rows


def _bars(frame: pl.DataFrame, key, label) -> list[tuple[str, list[float]]]:
    return [(label(r[key]), [r["helped"], r["hurt"]]) for r in frame.iter_rows(named=True)]


def html(c: Comparison, vocabulary: Vocabulary, meta: Meta, sweep: pl.DataFrame | None = None,
         sweep_name: str = "", lang: str = "nl", fragment: bool = False) -> str:
    """The whole report as one self-contained HTML page; with `fragment`, only its body (for a page of
    the service, which has its own layout and style)."""
    w = Words(vocabulary, meta, lang)
    W = w.w
    series = [W["helped"], W["hurt"]]
    colors = [charts.HELPED, charts.HURT]

    def bars(title: str, rows) -> str:
        return charts.bars(title, [(label, list(zip(series, values))) for label, values in rows], colors)
    figures = {
        "option": bars(W["by_option"], _bars(c.by_option, "option", w.option)),
        "rule": bars(W["by_rule"], [(f"{w.changed(r['change'], r['id'])} — {W['changes'][r['change']]}",
                                     [r["helped"], r["hurt"]]) for r in c.by_rule.head(15).iter_rows(named=True)]),
        "municipality": bars(W["by_municipality"], _bars(c.by_municipality, "municipality", w.place)),
        "household": bars(W["by_household"], _bars(c.by_household_type, "household_type", w.kind)),
    }
    if sweep is not None and not sweep.is_empty():
        figures["sweep"] = charts.lines(
            W["sweep_chart"].format(name=sweep_name), [str(v) for v in sweep["value"].to_list()],
            [(W["helped"], sweep["households_helped"].to_list()), (W["hurt"], sweep["households_hurt"].to_list())],
            sweep_name, W["sweep_y"], colors)
    examples = []
    for r in c.examples().iter_rows(named=True):
        why = [f"{W['changes'][k]}: {', '.join(w.changed(k, x) for x in r[k])}" for k in CHANGE_LISTS if r.get(k)]
        examples.append({"case": r["case_id"], "place": w.place(r["municipality"]), "option": w.option(r["option"]),
                         "before": w.status(r["status_before"]), "after": w.status(r["status_after"]),
                         "effect": r["effect"], "first_before": w.rule(r["first_block_before"]),
                         "first_after": w.rule(r["first_block_after"], after=True), "why": why})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("_body.html" if fragment else "report.html")
    return template.render(
        lang=lang, W=W, meta=meta, t=c.totals, n=_n, eur=lambda cents: _eur(cents, lang), w=w,
        figures=figures, examples=examples, versions_before=c.before.versions, versions_after=c.after.versions,
        by_direction=c.by_direction.to_dicts(), by_rule=c.by_rule.to_dicts(), cost=c.cost.to_dicts(),
        sweep=sweep.to_dicts() if sweep is not None else [], sweep_name=sweep_name)
