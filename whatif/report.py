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
from engine.templates import money, percent
from explain.phrases import PHRASES

from reporting import charts

from .compare import CHANGE_LISTS, Comparison

TEMPLATES = Path(__file__).parent / "templates"

WORDS = {
    "nl": {
        "title": "Wat-als", "base": "Basis", "change": "Wijziging", "cases": "Casussen", "versions": "Regelsets",
        "summary": "Samenvatting", "households": "Huishoudens", "helped": "geholpen", "hurt": "benadeeld",
        "mixed": "deels geholpen, deels benadeeld", "of": "van",
        "open": "niet te vergelijken, want dat hangt af van een open norm of een ontbrekend gegeven",
        "open_short": "niet te vergelijken",
        "open_note": "Geholpen en benadeeld tellen huishoudens. Een huishouden dat van 'maatwerkroute mogelijk' naar "
                     "'informatie nodig' gaat (of omgekeerd), is niet geholpen of benadeeld door de wijziging: de "
                     "uitkomst hangt af van een norm die de regelset nog niet kent of van een gegeven dat nog ontbreekt. "
                     "Die huishoudens staan apart.",
        "open_terms": "Open normen waar de vergelijking van afhangt", "open_term": "open norm in de regelset",
        "missing_fact": "ontbrekend gegeven", "missing_facts": "ontbrekende gegevens", "decides_after": "hangt nu af van", "decided_before": "hing af van",
        "options_better": "opties beter", "options_worse": "opties slechter", "options_open": "opties open",
        "options_unit": "Aantallen in opties (casus × optie), niet in huishoudens.",
        "options_short": "aantallen in opties, casus × optie",
        "in_change": "in deze wijziging", "flips": "Verschuivingen (casus × optie)",
        "reason_only": "alleen de reden veranderd", "checks": "getoetste opties",
        "by_direction": "Per richting", "by_rule": "Per regel en route", "by_municipality": "Per gemeente",
        "by_household": "Per huishoudtype", "by_option": "Per optie", "cost": "Kosten",
        "cost_note": "Betaald wordt wat toegestaan is (bijzondere bijstand, hulp in natura), eenmaal per huishouden, "
                     "tegen het bedrag van de hulpvraag. Een maatwerkroute is mogelijk, niet toegekend: die staat apart.",
        "newly_granted": "nieuw toegekend", "no_longer": "niet meer toegekend", "newly_possible": "nieuw mogelijk via een route",
        "amount_unknown": "bedrag onbekend", "avoided": "voorkomen kosten per jaar", "households_n": "huishoudens",
        "option": "Optie", "before": "Was", "after": "Wordt", "count": "Aantal", "rule": "Regel of route",
        "change_kind": "Verandering", "municipality": "Gemeente", "household_type": "Huishoudtype",
        "sweep": "Reeks van waarden", "threshold": "Waarde", "examples": "Voorbeelden", "case": "Casus", "why": "Waarom",
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
        "mixed": "partly helped, partly hurt", "of": "of",
        "open": "not comparable, as that depends on an open norm or a missing fact",
        "open_short": "not comparable",
        "open_note": "Helped and hurt count households. A household that goes from 'custom route available' to "
                     "'information needed' (or back) is not helped or hurt by the change: the outcome depends on a norm "
                     "the rule set does not know yet or on a fact that is still missing. Those households are counted apart.",
        "open_terms": "Open norms the comparison depends on", "open_term": "open norm in the rule set",
        "missing_fact": "missing fact", "missing_facts": "missing facts", "decides_after": "now depends on", "decided_before": "depended on",
        "options_better": "options better", "options_worse": "options worse", "options_open": "options open",
        "options_unit": "Counts of options (case × option), not of households.",
        "options_short": "counts of options, case × option",
        "in_change": "in this change", "flips": "Flips (case × option)",
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
    """Every rule and route id with its title and legal source, from all versions of `registries`, and every
    parameter (`ruleset.name`, the way an open term is named) with its title.

    A rule set's titles are its own: a title may name a parameter's value ("boven 110% van de
    bijstandsnorm"). Where an overlay changes that value and the title still names the old one, the title
    says so: "… boven 110% van de bijstandsnorm (in deze wijziging: 120%)"."""
    out, terms = Labels(), {}
    for registry in registries:
        changed = {o.content.overlay.ruleset: o.content.parameters for o in getattr(registry, "overlays", ())}
        for rs in registry.rulesets.values():
            previous = None
            for v in rs.versions:
                notes = _value_notes(previous, v, changed.get(rs.meta.id, {}), lang)
                for item in [*(r.rule for r in v.rules.values()), *(r.route for r in v.routes.values())]:
                    title = item.title_en if lang == "en" and item.title_en else item.title
                    note = [new for old, new in notes if old in title and new not in title]
                    if note:
                        title += f" ({WORDS[lang]['in_change']}: {', '.join(note)})"
                    out[item.id] = f"{title} ({item.source.cite(lang)})"
                for name, p in v.parameters.items():
                    terms[f"{v.id}.{name}"] = p.title_en if lang == "en" and p.title_en else p.title
                    out.units[f"{v.id}.{name}"] = p.unit
                previous = v
    for name, title in terms.items():
        out.setdefault(name, title)
    return out


class Labels(dict):
    """Titles by id (rules, routes, parameters), and each parameter's unit (`units`), to write a value as a
    reader would (a sweep's 1.20 as 120%)."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.units: dict[str, str] = {}


def value_words(value, unit: str | None, lang: str = "nl") -> str:
    """A parameter's value as a reader writes it: a factor in percent (1.20 → 120%), money in euros."""
    if value is None or isinstance(value, bool):
        return str(value)
    value = Decimal(value)
    if unit == "factor":
        return percent(value, lang)
    if unit and (unit.startswith("EUR") or unit in ("euro", "eur", "€")):  # EUR, EUR/maand, EUR/jaar
        return money(value, lang)
    text = f"{value.normalize():f}"
    return text if lang == "en" else text.replace(".", ",")


def _value_notes(previous, version, changes: dict, lang: str) -> list[tuple[str, str]]:
    """(old value, new value) in words, for each parameter an overlay changes from `previous` to `version`."""
    if previous is None or not changes:
        return []
    out = []
    for name in changes:
        old, new = previous.parameters.get(name), version.parameters.get(name)
        if old is None or new is None or old.value == new.value or old.value is None or new.value is None:
            continue
        out.append((value_words(old.value, old.unit, lang), value_words(new.value, new.unit, lang)))
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
        """A changed rule or route as the change words it where it still exists (the table is about the
        change: "boven 110% (in deze wijziging: 120%)"), else as it was; a missing fact by its label."""
        return self.fact(rid) if kind.startswith("missing") else self.rule(rid, after=True)

    def fact(self, name: str) -> str:
        """A fact by its Dutch (or English) label from the vocabulary, its id where it has none."""
        spec = self.vocab.facts.get(name)
        if spec is None:
            return self.term(name)
        return spec.label_en if self.lang == "en" else spec.label

    def term(self, name: str) -> str:
        """An open term (a rule set's figure that is NOT FOUND) by its title, with its id."""
        title = self.meta.labels_after.get(name) or self.meta.labels.get(name)
        return f"{title} ({name})" if title else name

    def parameter(self, name: str) -> str:
        """A parameter (`ruleset.name`) by its title, its id where it has none."""
        return self.meta.labels.get(name) or self.meta.labels_after.get(name) or name

    def value(self, name: str, value) -> str:
        """A parameter's value as the reader wrote it: 1.20 of a factor as 120%, money in euros."""
        unit = getattr(self.meta.labels, "units", {}).get(name) or getattr(self.meta.labels_after, "units", {}).get(name)
        try:
            return value_words(Decimal(str(value)), unit, self.lang)
        except ArithmeticError:
            return str(value)

    def decides(self, r: dict) -> list[str]:
        """What an "informatie nodig" side of a flip waits on: the open terms first, then the missing facts."""
        out = []
        for side, key in (("after", "decides_after"), ("before", "decided_before")):
            if r.get(f"status_{side}") != "needs_information":
                continue
            terms = [f"{self.w['open_term']}: {self.term(t)}" for t in r.get(f"open_terms_{side}") or ()]
            missing = r.get(f"missing_{side}") or ()
            facts = [f"{self.w['missing_fact' if len(missing) == 1 else 'missing_facts']}: "
                     f"{', '.join(self.fact(f) for f in missing)}"] if missing else []
            if terms or facts:
                out.append(f"{self.w[key]}: " + "; ".join(terms + facts))
        return out

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
             + (f", {_n(t.get('households_open', 0))} {W['open']}" if t.get("households_open") else "")
             + f" ({W['of']} {_n(t['cases'])})",
             f"{W['flips']}: {_n(t['flips'])}; {W['reason_only']}: {_n(t['reason_changed_only'])} "
             f"({W['checks']}: {_n(t['option_checks'])})"]
    if t["flips"] == 0 and t["reason_changed_only"] == 0:
        lines += ["", W["nothing_changed"]]
    terms = open_terms(c)
    if terms:
        lines += ["", W["open_terms"]]
        lines += [f"  {w.term(name)}: {_n(n)} {W['options_open']}" for name, n in terms]
    if not c.by_direction.is_empty():
        lines += ["", W["by_direction"]]
        for r in c.by_direction.head(top).iter_rows(named=True):
            lines.append(f"  {w.option(r['option'])}: {w.status(r['status_before'])} → {w.status(r['status_after'])}"
                         f"  {_n(r['n'])}")
    if not c.by_rule.is_empty():
        lines += ["", f"{W['by_rule']} ({W['options_short']})"]
        for r in c.by_rule.head(top).iter_rows(named=True):
            lines.append(f"  {w.changed(r['change'], r['id'])} [{r['id']}]: {W['changes'][r['change']]}  {_n(r['n'])}"
                         f" ({_n(r['helped'])} {W['options_better']}, {_n(r['hurt'])} {W['options_worse']}"
                         + (f", {_n(r['open'])} {W['options_open']}" if r.get("open") else "") + ")")
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


def open_terms(c: Comparison) -> list[tuple[str, int]]:
    """The open terms that decide the flips that are "open" (neither helped nor hurt), with how many
    (case, option) pairs each decides, most first."""
    ch = c.changes
    if ch.is_empty() or "open_terms_after" not in ch.columns:
        return []
    part = ch.filter(pl.col("flipped") & (pl.col("effect") == "open"))
    if part.is_empty():
        return []
    side = pl.when(pl.col("status_after").cast(pl.String) == "needs_information").then(pl.col("open_terms_after")) \
        .otherwise(pl.col("open_terms_before"))
    counts = (part.select(side.alias("term"), "n").explode("term").drop_nulls("term")
              .group_by("term").agg(pl.col("n").sum().cast(pl.Int64)).sort(["n", "term"], descending=[True, False]))
    return list(counts.iter_rows())


def flips_table(c: Comparison, lang: str = "nl", flat: bool = False) -> pl.DataFrame:
    """The changed (case, option) rows for export; `flat` joins the lists with '; ' (for CSV)."""
    rows = c.flips()
    if rows.is_empty() or "amount_cents" not in rows.columns:
        return rows
    cents = pl.col("amount_cents")  # a need's amount is never negative
    rows = rows.with_columns((cents // 100).cast(pl.String).add(".").add((cents % 100).cast(pl.String).str.zfill(2))
                             .alias("amount_eur"))
    if flat:
        rows = rows.with_columns([pl.col(k).list.join("; ") for k, t in rows.schema.items() if t == pl.List(pl.String)])
    return rows


def _bars(frame: pl.DataFrame, key, label) -> list[tuple[str, list[float]]]:
    return [(label(r[key]), [r["helped"], r["hurt"], r["open"]]) for r in frame.iter_rows(named=True)]


def html(c: Comparison, vocabulary: Vocabulary, meta: Meta, sweep: pl.DataFrame | None = None,
         sweep_name: str = "", lang: str = "nl", fragment: bool = False) -> str:
    """The whole report as one self-contained HTML page; with `fragment`, only its body (for a page of
    the service, which has its own layout and style)."""
    w = Words(vocabulary, meta, lang)
    W = w.w
    # the bars count options (case × option), the summary households: other words for other units
    series = [W["options_better"], W["options_worse"], W["options_open"]]
    colors = [charts.HELPED, charts.HURT, charts.MUTED]

    def bars(title: str, rows) -> str:
        return charts.bars(title, [(label, list(zip(series, values))) for label, values in rows], colors)
    figures = {
        "option": bars(W["by_option"], _bars(c.by_option, "option", w.option)),
        "rule": bars(W["by_rule"], [(f"{w.changed(r['change'], r['id'])} — {W['changes'][r['change']]}",
                                     [r["helped"], r["hurt"], r["open"]]) for r in c.by_rule.head(15).iter_rows(named=True)]),
        "municipality": bars(W["by_municipality"], _bars(c.by_municipality, "municipality", w.place)),
        "household": bars(W["by_household"], _bars(c.by_household_type, "household_type", w.kind)),
    }
    sweep_rows, sweep_title = [], w.parameter(sweep_name) if sweep_name else ""
    if sweep is not None and not sweep.is_empty():
        values = [w.value(sweep_name, v) for v in sweep["value"].to_list()]
        figures["sweep"] = charts.lines(
            W["sweep_chart"].format(name=sweep_title), values,
            [(W[word], sweep[f"households_{k}"].to_list())
             for k, word in (("helped", "helped"), ("hurt", "hurt"), ("open", "open_short"))],
            W["threshold"], W["sweep_y"], [charts.HELPED, charts.HURT, charts.MUTED])  # the title names the parameter
        sweep_rows = [dict(r, value=v, newly_granted_eur=money(Decimal(r["newly_granted_eur"]), lang))
                      for r, v in zip(sweep.to_dicts(), values)]
    examples = []
    for r in c.examples().iter_rows(named=True):
        why = [f"{W['changes'][k]}: {', '.join(w.changed(k, x) for x in r[k])}" for k in CHANGE_LISTS if r.get(k)]
        why += w.decides(r)
        examples.append({"case": r["case_id"], "place": w.place(r["municipality"]), "option": w.option(r["option"]),
                         "before": w.status(r["status_before"]), "after": w.status(r["status_after"]),
                         "effect": r["effect"], "first_before": w.rule(r["first_block_before"]),
                         "first_after": w.rule(r["first_block_after"], after=True), "why": why})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("_body.html" if fragment else "report.html")
    return template.render(
        lang=lang, W=W, meta=meta, t=c.totals, n=_n, eur=lambda cents: _eur(cents, lang), w=w,
        figures=figures, examples=examples, open_terms=[(w.term(k), v) for k, v in open_terms(c)], versions_before=c.before.versions, versions_after=c.after.versions,
        by_direction=c.by_direction.to_dicts(), by_rule=c.by_rule.to_dicts(), cost=c.cost.to_dicts(),
        sweep=sweep_rows, sweep_name=sweep_title, sweep_id=sweep_name)
