"""A seeded synthetic population of households, as a case table (see whatif.frame).

Every draw is a pure function of (seed, variable, row): a SplitMix64 hash computed in Polars, so
the same seed gives the same households on any machine, in any partitioning, without numpy. Money
is integer cents from the first draw on: an income is the applicable bijstandsnorm (a sourced
parameter of the rule set in force) times a drawn number of basis points.

The shares and ranges are ASSUMPTIONS, named A1… below and in docs/whatif.md: law-facts.md gives
the norms, the Wsnp term and the VTLB practice, but no distribution of households (no CBS figures),
so none is presented as sourced. Change them here and in the document together.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from engine.errors import CaseError, Problem
from engine.registry import Registry
from engine.versions import in_force

from .frame import CASE_ID, OPTIONS, conform

U64 = pl.UInt64
MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
VERSION = 1  # bump when a distribution changes: the same seed then gives other households


@dataclass(frozen=True)
class Assumption:
    id: str
    text: str


ASSUMPTIONS = (
    Assumption("A1", "Huishoudtypen: 55% alleenstaand, 20% alleenstaande ouder, 25% gehuwd/samenwonend."),
    Assumption("A2", "Leeftijd aanvrager: 6% 18–20, 84% 21 tot de pensioenleeftijd, 10% pensioenleeftijd–90; partner ±5 jaar."),
    Assumption("A3", "Kinderen: alleenstaande ouder 1–3, paar 0–3 (helft zonder), alleenstaande geen; leeftijden 0–17."),
    Assumption("A4", "Inkomen als deel van de toepasselijke bijstandsnorm: 35% 80–100%, 30% 100–115%, 20% 115–150%, 15% 150–250%."),
    Assumption("A5", "Uitkering: onder de norm 80% bijstand; anders 15% een andere uitkering; wie geen uitkering heeft, werkt."),
    Assumption("A6", "Vermogen: 60% tussen −€ 2.000 en € 2.000, 25% tot de vermogensgrens, 15% tot driemaal de grens."),
    Assumption("A7", "Schulden: 70% geen regeling, 12% minnelijk, 8% Wsnp, 10% beschermingsbewind; start tot 18 maanden voor de peildatum."),
    Assumption("A8", "Vrij te laten bedrag in de Wsnp: 95% van de norm, bij 15% (nog) onbekend."),
    Assumption("A9", "Hulpvraag: 50% eenmalige kosten (€ 50–€ 2.500), 15% levensonderhoud, 10% ontheffing, 10% bijverdienen, 5% bedrijf starten, 10% gift behouden."),
    Assumption("A10", "Op het spel bij eenmalige kosten: 25% baan, 10% huisuitzetting, 5% afsluiting, 10% gezondheid, 50% niets dringends."),
    Assumption("A11", "Dringende redenen: 20% van de huishoudens noemt er één of twee."),
    Assumption("A12", "Onbekend bij een eerste gesprek: inkomen 3%, vermogen 5%, schuldenregeling 4%, leeftijd 2%."),
    Assumption("A13", "Voorkomen kosten bij dreigend baanverlies: twaalf maal de norm per jaar (law-facts §5/§8, een rekensom, geen bron)."),
    Assumption("A14", "Gemeenten: gelijk verdeeld over de gevraagde gemeenten."),
)

# A4: income in basis points of the applicable norm, per band, with the band's share (percent)
INCOME_BANDS = (((8000, 10000), 35), ((10000, 11500), 30), ((11500, 15000), 20), ((15000, 25000), 15))

OPTIONS_BY_NEED = {
    "one_off_cost": ["special_assistance", "in_kind", "cash_gift", "loan"],
    "income_support": ["bijstand"],
    "exemption": ["exemption"],
    "earn_extra": ["earnings_exemption"],
    "start_business": ["bbz_preparation", "earnings_exemption"],
    "keep_gift": ["keep_gift"],
}


# ---------------------------------------------------------------------------------------------
# Seeded draws in Polars


def _splitmix(x: pl.Expr) -> pl.Expr:
    z = x * pl.lit(GOLDEN, dtype=U64) + pl.lit(GOLDEN, dtype=U64)
    z = (z ^ (z // pl.lit(1 << 30, dtype=U64))) * pl.lit(0xBF58476D1CE4E5B9, dtype=U64)
    z = (z ^ (z // pl.lit(1 << 27, dtype=U64))) * pl.lit(0x94D049BB133111EB, dtype=U64)
    return z ^ (z // pl.lit(1 << 31, dtype=U64))


class Draws:
    """Independent uniform draws per variable ("stream"), a pure function of seed and row number."""

    def __init__(self, seed: int, row: pl.Expr):
        self.seed = seed
        self.row = row

    def raw(self, stream: str) -> pl.Expr:
        salt = (self.seed * 0x100000001B3 + sum(ord(ch) * 31 ** i for i, ch in enumerate(stream))) & MASK64
        return _splitmix(self.row ^ pl.lit(salt, dtype=U64))

    def integer(self, stream: str, lo: int, hi: int) -> pl.Expr:
        """Uniform in [lo, hi] (the modulo bias is below 1e-9 for these ranges)."""
        return (self.raw(stream) % pl.lit(hi - lo + 1, dtype=U64)).cast(pl.Int64) + lo

    def chance(self, stream: str, percent: float) -> pl.Expr:
        return self.integer(stream, 0, 99_999) < int(round(percent * 1000))

    def choice(self, stream: str, weights: dict, dtype=pl.String) -> pl.Expr:
        total = sum(weights.values())
        u = self.integer(stream, 0, total - 1)
        expr, edge = None, 0
        for value, w in weights.items():
            edge += w
            cond = u < edge
            expr = pl.when(cond).then(pl.lit(value, dtype=dtype)) if expr is None else expr.when(cond).then(pl.lit(value, dtype=dtype))
        return expr.otherwise(pl.lit(None, dtype=dtype))


# ---------------------------------------------------------------------------------------------
# The population


def _norms(registry: Registry, day: dt.date) -> dict[str, int]:
    pw = in_force(registry.rulesets["participatiewet"].versions, day)
    if pw is None:
        raise CaseError([Problem(f"geen Participatiewet in werking op {day}", f"no Participatiewet in force on {day}",
                                 field="reference_date")])
    cents = {k: int(pw.parameters[k].value * 100) for k in
             ("norm_alleenstaande", "norm_gehuwden", "norm_aow_alleenstaande", "norm_18_20_alleenstaande",
              "vermogensgrens_alleenstaande", "vermogensgrens_gezin")}
    cents["pensioenleeftijd"] = int(pw.parameters["pensioenleeftijd"].value)
    return cents


def generate(n: int, seed: int, registry: Registry, reference_date: dt.date,
             municipalities: list[str] | None = None, offset: int = 0) -> pl.DataFrame:
    """`n` households (rows `offset`…`offset+n-1` of the population for `seed`) as a case table."""
    known = sorted(registry.municipalities)
    wrong = [i for i, m in enumerate(municipalities or ()) if m not in known]
    municipalities = sorted(municipalities or known)
    if wrong:  # the place, not the name sent: it may be anything (a BSN typed in the wrong field)
        raise CaseError([Problem(f"geen lokale regelset voor deze gemeente (bekend: {', '.join(known)})",
                                 f"no local rule set for this municipality (known: {', '.join(known)})",
                                 field=f"municipalities.{i}") for i in wrong[:20]])
    if n < 0:
        raise CaseError([Problem("het aantal huishoudens is negatief", "the number of households is negative", field="n")])
    norms = _norms(registry, reference_date)
    d = Draws(seed, pl.col("_i"))
    lit = pl.lit
    frame = pl.select(pl.int_range(offset, offset + n, dtype=U64).alias("_i"))

    def money(value: int) -> pl.Expr:
        return lit(value, dtype=pl.Int64)

    frame = frame.with_columns(
        (lit(f"p{seed}-") + pl.col("_i").cast(pl.String)).alias(CASE_ID),
        lit(reference_date, dtype=pl.Date).alias("case.reference_date"),
        d.choice("municipality", {m: 1 for m in municipalities}).alias("case.municipality"),  # A14
        d.choice("composition", {"single": 55, "single_parent": 20, "couple": 25}).alias("household.composition"),  # A1
        d.choice("age_band", {"young": 6, "adult": 84, "old": 10}).alias("_age_band"),  # A2
        d.integer("age_young", 18, 20).alias("_age_young"),
        d.integer("age_adult", 21, norms["pensioenleeftijd"] - 1).alias("_age_adult"),
        d.integer("age_old", norms["pensioenleeftijd"], 90).alias("_age_old"),
        d.integer("partner_delta", -5, 5).alias("_partner_delta"),
        d.integer("children_n", 0, 3).alias("_children_n"),
        *(d.integer(f"child_{i}", 0, 17).alias(f"_child_{i}") for i in range(3)),
        d.chance("cost_sharer", 10).alias("_cost_sharer"),
        d.choice("income_band", {i: w for i, (_, w) in enumerate(INCOME_BANDS)}, dtype=pl.Int64).alias("_band"),  # A4
        d.integer("income_u", 0, 9_999).alias("_income_u"),
        d.chance("bijstand", 80).alias("_on_bijstand"),  # A5
        d.chance("other_benefit", 15).alias("_other_benefit"),
        d.choice("asset_band", {"small": 60, "up_to_limit": 25, "above": 15}).alias("_asset_band"),  # A6
        d.integer("asset_u", 0, 9_999).alias("_asset_u"),
        d.choice("debts", {"none": 70, "amicable": 12, "wsnp": 8, "protective_administration": 10}).alias("debts.regime"),  # A7
        d.integer("debts_since", 0, 540).alias("_debts_days"),
        d.chance("vtlb_known", 85).alias("_vtlb_known"),  # A8
        d.choice("need", {"one_off_cost": 50, "income_support": 15, "exemption": 10, "earn_extra": 10,
                          "start_business": 5, "keep_gift": 10}).alias("need.kind"),  # A9
        d.integer("amount", 50, 2_500).alias("_amount_euros"),
        d.choice("at_risk", {"job_loss": 25, "eviction": 10, "utility_cutoff": 5, "health": 10, "none": 50}).alias("_at_risk"),  # A10
        d.choice("within", {7: 1, 14: 1, 30: 1, 60: 1}, dtype=pl.Int64).alias("need.needed_within_days"),
        d.choice("obligation", {"job_search": 60, "unpaid_work": 25, "cooperation": 15}).alias("_obligation"),
        d.integer("earnings", 100, 800).alias("_earnings_euros"),
        d.chance("urgent", 20).alias("_urgent"),  # A11
        d.choice("reason_1", {"health": 3, "social_network": 2, "care_duties": 2, "debts": 2, "eviction": 1}).alias("_reason_1"),
        d.choice("reason_2", {"": 2, "health": 1, "social_network": 1}).alias("_reason_2"),
        d.chance("full_care", 90).alias("_full_care"),
        d.chance("unknown_income", 3).alias("_no_income"),  # A12
        d.chance("unknown_assets", 5).alias("_no_assets"),
        d.chance("unknown_debts", 4).alias("_no_debts"),
        d.chance("unknown_age", 2).alias("_no_age"),
    )
    comp = pl.col("household.composition")
    age = (pl.when(pl.col("_age_band") == "young").then(pl.col("_age_young"))
           .when(pl.col("_age_band") == "old").then(pl.col("_age_old")).otherwise(pl.col("_age_adult")))
    kids = (pl.when(comp == "single").then(0).when(comp == "single_parent").then(pl.max_horizontal(pl.col("_children_n"), 1))
            .otherwise(pl.when(pl.col("_children_n") >= 2).then(pl.col("_children_n") - 1).otherwise(0)))  # A3
    frame = frame.with_columns(
        age.alias("_age"),
        pl.concat_list("_child_0", "_child_1", "_child_2").list.head(kids).alias("household.children"),
        pl.when(pl.col("_cost_sharer")).then(1).otherwise(0).cast(pl.Int64).alias("household.cost_sharers"),
    )
    norm = (pl.when(comp == "couple").then(money(norms["norm_gehuwden"]))
            .when(pl.col("_age") < 21).then(money(norms["norm_18_20_alleenstaande"]))
            .when(pl.col("_age") >= norms["pensioenleeftijd"]).then(money(norms["norm_aow_alleenstaande"]))
            .otherwise(money(norms["norm_alleenstaande"])))
    lo = pl.lit(0, dtype=pl.Int64)
    hi = pl.lit(0, dtype=pl.Int64)
    for i, ((low, high), _) in enumerate(INCOME_BANDS):
        lo = pl.when(pl.col("_band") == i).then(low).otherwise(lo)
        hi = pl.when(pl.col("_band") == i).then(high).otherwise(hi)
    bp = lo + (pl.col("_income_u") * (hi - lo)) // 10_000
    frame = frame.with_columns(norm.alias("_norm"), bp.alias("_bp"))
    income = (pl.col("_norm") * pl.col("_bp")) // 10_000
    below = pl.col("_bp") < 10_000
    benefit = (pl.when(below & pl.col("_on_bijstand")).then(lit("bijstand"))
               .when(pl.col("_other_benefit")).then(lit("other")).otherwise(lit("none")))
    frame = frame.with_columns(income.alias("_income"), benefit.alias("benefit"))
    zero = money(0)
    by_source = {
        "bijstand": pl.when(pl.col("benefit") == "bijstand").then(pl.col("_income")).otherwise(zero),
        "other_benefit": pl.when(pl.col("benefit") == "other").then(pl.col("_income")).otherwise(zero),
        "wages": pl.when(pl.col("benefit") == "none").then(pl.col("_income")).otherwise(zero),
        "self_employment": zero, "alimony": zero, "other": zero,
    }
    no_income = pl.col("_no_income")
    limit = pl.when(comp == "single").then(money(norms["vermogensgrens_alleenstaande"])).otherwise(
        money(norms["vermogensgrens_gezin"]))
    assets = (pl.when(pl.col("_asset_band") == "small").then(pl.col("_asset_u") * 40 - 200_000)
              .when(pl.col("_asset_band") == "up_to_limit").then(limit * pl.col("_asset_u") // 10_000)
              .otherwise(limit + limit * 2 * pl.col("_asset_u") // 10_000))
    regime = pl.col("debts.regime")
    in_scheme = regime.is_in(["amicable", "wsnp"])
    kind = pl.col("need.kind")
    one_off = kind == "one_off_cost"
    reasons = pl.concat_list("_reason_1", "_reason_2").list.eval(pl.element().filter(pl.element() != "")).list.unique(
        maintain_order=True)
    options = None
    for need, opts in OPTIONS_BY_NEED.items():
        value = lit(opts, dtype=pl.List(pl.String))
        options = pl.when(kind == need).then(value) if options is None else options.when(kind == need).then(value)
    frame = frame.with_columns(
        pl.when(pl.col("_no_age")).then(None).otherwise(pl.col("_age")).alias("applicant.age"),
        pl.when(comp == "couple").then(pl.max_horizontal(pl.col("_age") + pl.col("_partner_delta"), 18)).alias("partner.age"),
        pl.when(no_income).then(None).otherwise(pl.col("_income")).alias("income.net_monthly"),
        *(pl.when(no_income).then(None).otherwise(e).alias(f"income.{s}") for s, e in by_source.items()),
        pl.when(pl.col("benefit") == "none").then(lit("employed")).otherwise(lit("unemployed")).alias("work"),
        pl.when(pl.col("_no_assets")).then(None).otherwise(assets).alias("assets"),
        pl.when(pl.col("_no_debts")).then(None).otherwise(regime).alias("debts.regime"),
        pl.when(in_scheme & ~pl.col("_no_debts")).then(
            lit(reference_date, dtype=pl.Date) - pl.duration(days=pl.col("_debts_days"))).alias("debts.since"),
        pl.when((regime == "wsnp") & pl.col("_vtlb_known") & ~pl.col("_no_debts"))
          .then(pl.col("_norm") * 95 // 100).alias("debts.free_allowance_monthly"),  # A8
        pl.when(one_off).then(pl.col("_amount_euros") * 100).alias("need.amount"),
        pl.when(one_off).then(pl.col("_at_risk")).alias("need.at_risk"),
        pl.when(one_off).then(pl.col("need.needed_within_days")).alias("need.needed_within_days"),
        pl.when(kind == "exemption").then(pl.col("_obligation")).alias("need.obligation"),
        pl.when(kind.is_in(["earn_extra", "start_business"])).then(pl.col("_earnings_euros") * 100)
          .alias("need.expected_earnings_monthly"),
        pl.when(pl.col("_urgent")).then(reasons).otherwise(lit([], dtype=pl.List(pl.String)))
          .alias("circumstances.urgent_reasons"),
        pl.when(comp == "single_parent").then(pl.col("_full_care")).alias("circumstances.full_care_of_children"),
        pl.when(comp == "single_parent").then(lit(False)).alias("circumstances.earlier_single_parent_exemption"),
        pl.when(kind == "start_business").then(lit(True)).alias("circumstances.intends_business"),
        pl.when(one_off & (pl.col("_at_risk") == "job_loss")).then(pl.col("_norm") * 12).alias("avoided_costs.per_year"),  # A13
        options.alias(OPTIONS),
    )
    return frame.drop([c for c in frame.columns if c.startswith("_")]).pipe(
        lambda f: conform(f, registry.vocabulary).collect())


# ---------------------------------------------------------------------------------------------
# Parquet


META = "_population.json"


def write(path: Path, n: int, seed: int, registry: Registry, reference_date: dt.date,
          municipalities: list[str] | None = None, rows_per_part: int = 100_000) -> list[Path]:
    """Write the population as `part-NNNNN.parquet` files of `rows_per_part` rows, generated part by part."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("part-*.parquet"):
        old.unlink()
    parts = []
    for i, offset in enumerate(range(0, n, rows_per_part)):
        part = generate(min(rows_per_part, n - offset), seed, registry, reference_date, municipalities, offset)
        target = path / f"part-{i:05d}.parquet"
        part.write_parquet(target)
        parts.append(target)
    (path / META).write_text(json.dumps({
        "n": n, "seed": seed, "reference_date": reference_date.isoformat(),
        "municipalities": sorted(municipalities or registry.municipalities), "generator_version": VERSION,
        "parts": [p.name for p in parts]}, indent=2))
    return parts


def scan(path: Path) -> pl.LazyFrame:
    return pl.scan_parquet(Path(path) / "part-*.parquet")
