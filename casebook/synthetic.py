"""Synthetic casebooks: realistic, seeded, and clearly not real people.

Every figure a rule reads that the law fixes (bijstandsnormen, vermogensgrenzen) is taken from
the rule sets themselves, in the version in force on the case's reference date, so it comes from
law-facts.md through one source. Everything else (how often each situation occurs, income spreads,
prices of items, team names) is an ASSUMPTION for tests and demos, listed with its figure in
docs/casebook.md ("Synthetische casebooks"). Change a distribution here and there together.

The same seed gives the same casebook, and case i does not depend on how many cases are drawn
(`generate(100)` is the first hundred of `generate(1000)`).
"""
from __future__ import annotations

import datetime as dt
import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Callable, Iterator

from engine.registry import Registry

CENT = Decimal("0.01")
DEFAULT_SEED = 2025

# ASSUMPTION: the share of cases per municipality (roughly by size; no sourced figure).
MUNICIPALITIES = {"amsterdam": 0.30, "utrecht": 0.20, "groningen": 0.18, "zaanstad": 0.17, "maastricht": 0.15}
# ASSUMPTION: the period the cases were collected in (rule-set versions exist from 2024-01-01).
PERIOD = (dt.date(2024, 1, 1), dt.date(2026, 6, 30))
# ASSUMPTION: how often each kind of situation reaches an analyst's casebook.
SCENARIOS = {"work_tool": 0.20, "household_item": 0.25, "job_search_exemption": 0.13, "single_parent": 0.08,
             "zzp_start": 0.10, "young_applicant": 0.12, "keep_gift": 0.07, "cooperation_exemption": 0.05}
# ASSUMPTION: debt regimes among the households (the work-tool scenario has its own, see below).
DEBT_REGIMES = {"none": 0.55, "amicable": 0.15, "wsnp": 0.10, "protective_administration": 0.20}
WORK_TOOL_DEBT_REGIMES = {"none": 0.40, "amicable": 0.15, "wsnp": 0.35, "protective_administration": 0.10}
# ASSUMPTION: share of first conversations where the professional does not know income or debts yet.
INCOMPLETE = 0.18
# ASSUMPTION: share of cases where the professional writes a system-problem signal.
SIGNAL = 0.22
# Work tools and household items with a price range in euros. The welding mask (€1,100) and the
# washing machine (€450) are the acceptance cases; the other items and all ranges are ASSUMPTIONS.
WORK_TOOLS = [("lasmasker", 900, 1300), ("veiligheidsschoenen", 90, 180), ("gereedschapskist", 250, 700),
              ("rijbewijs-examen", 350, 600), ("werkfiets", 300, 900), ("laptop voor werk", 450, 1000)]
HOUSEHOLD_ITEMS = [("wasmachine", 350, 650), ("koelkast", 300, 700), ("bed en matras", 250, 600),
                   ("verhuiskosten", 400, 1200), ("energieschuld voorkomen afsluiting", 200, 900)]
TEAMS = ("wijkteam-noord", "wijkteam-zuid", "wijkteam-centrum")

SIGNALS = {
    "work_tool": ["systeemprobleem: werkgever mag het werkmiddel niet voorschieten tijdens de schuldsanering",
                  "systeemprobleem: bijzondere bijstand afgewezen door de inkomensgrens, terwijl het werk op het spel staat",
                  "systeemprobleem: afwijken via art. 16 duurt langer dan de werkgever wacht"],
    "household_item": ["systeemprobleem: lening voor witgoed niet mogelijk door lopende schuldregeling",
                       "systeemprobleem: net boven de inkomensgrens, geen ruimte voor noodzakelijke aanschaf"],
    "job_search_exemption": ["systeemprobleem: sollicitatieplicht gaat voor herstel, ontheffing duurt lang"],
    "single_parent": ["systeemprobleem: ontheffing alleenstaande ouder onbekend bij klantmanager"],
    "zzp_start": ["systeemprobleem: angst om bij te verdienen, regels gunstiger dan gedacht"],
    "young_applicant": ["systeemprobleem: vier weken zoektermijn terwijl jongere dakloos dreigt te raken"],
    "keep_gift": ["systeemprobleem: gift van familie valt in de boedel"],
    "cooperation_exemption": ["systeemprobleem: medewerkingsplicht kan niet worden opgeschort bij crisis"],
}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _factor(rng: random.Random, low_permille: int, high_permille: int) -> Decimal:
    return Decimal(rng.randint(low_permille, high_permille)) / 1000


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


class _Figures:
    """Figures from the rule sets in force for a municipality on a date (cached per bundle)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self._cache: dict = {}

    def params(self, municipality: str, day: dt.date) -> dict:
        bundle = self.registry.bundle(municipality, day)
        key = id(bundle)
        if key not in self._cache:
            self._cache[key] = bundle.params
        return self._cache[key]

    def norm(self, municipality: str, day: dt.date, composition: str) -> Decimal:
        p = self.params(municipality, day)
        return p["participatiewet.norm_gehuwden" if composition == "couple" else "participatiewet.norm_alleenstaande"]


def _household(rng: random.Random, composition: str, age: int, young_child: bool = False) -> dict:
    members = [{"role": "applicant", "age": age}]
    if composition == "couple":
        members.append({"role": "partner", "age": max(18, age + rng.randint(-6, 6))})
    children: list[int] = []
    if composition == "single_parent" or (composition == "couple" and rng.random() < 0.5):
        children = sorted(rng.randint(0, 17) for _ in range(rng.choice((1, 1, 2, 3))))
        if young_child:
            children[0] = rng.randint(0, 4)
            children.sort()
    return {"composition": composition, "members": members, "children": children, "cost_sharers": 0}


def _debts(rng: random.Random, regime: str, day: dt.date, norm: Decimal) -> dict:
    debts: dict = {"regime": regime}
    if regime != "none":
        debts["since"] = (day - dt.timedelta(days=rng.randint(30, 540))).isoformat()
    if regime == "wsnp":
        # law-facts §3.1: the VTLB starts from 95% of the bestaansminimum (practice; individual)
        debts["free_allowance_monthly"] = _money(norm * Decimal("0.95"))
    return debts


def _case(i: int, seed: int, figures: _Figures, rng: random.Random) -> dict:
    municipality = _pick(rng, MUNICIPALITIES)
    day = PERIOD[0] + dt.timedelta(days=rng.randint(0, (PERIOD[1] - PERIOD[0]).days))
    scenario = _pick(rng, SCENARIOS)
    composition = rng.choices(("single", "single_parent", "couple"), weights=(0.55, 0.2, 0.25))[0]
    age = rng.randint(27, 64)
    case: dict = {"case_id": f"syn{seed % 1000:03d}-{i:07d}", "reference_date": day.isoformat(),
                  "municipality": municipality}
    tags: list[str] = []
    circumstances: dict = {"necessary_cost": rng.random() > 0.03}

    if scenario == "work_tool":
        norm = figures.norm(municipality, day, composition)
        item, low, high = rng.choice(WORK_TOOLS)
        regime = _pick(rng, WORK_TOOL_DEBT_REGIMES)
        case.update(
            household=_household(rng, composition, age),
            income=[{"source": "wages", "net_monthly": _money(norm * _factor(rng, 950, 1600))}],
            assets=_money(Decimal(rng.randint(0, 1500))), debts=_debts(rng, regime, day, norm),
            benefit="none", work="employed",
            need={"kind": "one_off_cost", "purpose": "work", "description": item,
                  "amount": _money(Decimal(rng.randint(low, high))), "needed_within_days": rng.randint(5, 21),
                  "at_risk": "job_loss"},
            options=rng.sample(["wage_deduction", "special_assistance", "cash_gift", "in_kind", "loan"],
                               rng.randint(2, 4)),
            # law-facts §5 (ASSESSMENT): losing the job costs about 12 x the norm in bijstand a year
            avoided_costs=[{"item": "bijstand na baanverlies", "per_year": _money(norm * 12)}],
        )
        tags = ["werk", *(["wsnp"] if regime == "wsnp" else [])]
    elif scenario == "household_item":
        norm = figures.norm(municipality, day, composition)
        item, low, high = rng.choice(HOUSEHOLD_ITEMS)
        on_benefit = rng.random() < 0.6
        income = norm if on_benefit else norm * _factor(rng, 1000, 1400)
        regime = _pick(rng, DEBT_REGIMES)
        at_risk = "utility_cutoff" if item.startswith("energie") else rng.choice(("health", "eviction", None, None))
        need = {"kind": "one_off_cost", "purpose": "housing", "description": item,
                "amount": _money(Decimal(rng.randint(low, high))), "needed_within_days": rng.randint(7, 60)}
        if at_risk:
            need["at_risk"] = at_risk
        case.update(
            household=_household(rng, composition, age),
            income=[{"source": "bijstand" if on_benefit else "wages", "net_monthly": _money(income)}],
            assets=_money(Decimal(rng.randint(0, 3000))), debts=_debts(rng, regime, day, norm),
            benefit="bijstand" if on_benefit else "none", work="unemployed" if on_benefit else "employed",
            need=need, options=rng.sample(["special_assistance", "in_kind", "loan", "cash_gift"], rng.randint(1, 3)),
        )
        tags = ["wonen", *(["schulden"] if regime != "none" else [])]
    elif scenario in ("job_search_exemption", "cooperation_exemption", "single_parent"):
        if scenario == "single_parent":
            composition = "single_parent"
        norm = figures.norm(municipality, day, composition)
        obligation = {"job_search_exemption": "job_search", "single_parent": "job_search",
                      "cooperation_exemption": "cooperation"}[scenario]
        case.update(
            household=_household(rng, composition, age if scenario != "single_parent" else rng.randint(21, 45),
                                 young_child=scenario == "single_parent" and rng.random() < 0.7),
            income=[{"source": "bijstand", "net_monthly": _money(norm)}],
            assets=_money(Decimal(rng.randint(0, 2000))), debts=_debts(rng, _pick(rng, DEBT_REGIMES), day, norm),
            benefit="bijstand", work=rng.choice(("unemployed", "unemployed", "unable")),
            need={"kind": "exemption", "obligation": obligation, "duration_months": rng.choice((3, 6, 6, 12))},
            options=["exemption"],
        )
        if scenario == "single_parent":
            circumstances["full_care_of_children"] = rng.random() < 0.85
            circumstances["earlier_single_parent_exemption"] = rng.random() < 0.1
        else:
            circumstances["urgent_reasons"] = rng.sample(["health", "social_network", "care_duties", "debts"],
                                                         rng.randint(1, 2))
            case["assessment"] = {"bridge": {"family_stability": rng.randint(1, 3), "well_being": rng.randint(1, 2),
                                             "financial_management": rng.randint(1, 3), "education": rng.randint(2, 4),
                                             "employment": rng.randint(1, 3)}}
        tags = ["ontheffing"]
    elif scenario == "zzp_start":
        norm = figures.norm(municipality, day, composition)
        case.update(
            household=_household(rng, composition, age),
            income=[{"source": "bijstand", "net_monthly": _money(norm)}],
            assets=_money(Decimal(rng.randint(0, 4000))), debts=_debts(rng, _pick(rng, DEBT_REGIMES), day, norm),
            benefit="bijstand", work="unemployed",
            need={"kind": "start_business", "expected_earnings_monthly": _money(Decimal(rng.randint(100, 900)))},
            options=rng.sample(["earnings_exemption", "bbz_preparation"], rng.randint(1, 2)),
        )
        tags = ["zzp"]
    elif scenario == "young_applicant":
        age = rng.randint(18, 26)
        composition = "single"
        case.update(
            household=_household(rng, composition, age),
            income=[], assets=_money(Decimal(rng.randint(0, 800))),
            debts=_debts(rng, _pick(rng, DEBT_REGIMES), day, figures.norm(municipality, day, composition)),
            benefit="none", work="unemployed",
            need={"kind": "income_support", "at_risk": rng.choice(("homelessness", "eviction", "debts", None)) or "other",
                  "needed_within_days": rng.randint(3, 28)},
            options=["bijstand"],
        )
        case["household"]["members"][0]["student_finance_possible"] = rng.random() < 0.2
        tags = ["jongeren"]
    else:  # keep_gift
        norm = figures.norm(municipality, day, composition)
        regime = rng.choices(("none", "wsnp", "amicable"), weights=(0.5, 0.3, 0.2))[0]
        case.update(
            household=_household(rng, composition, age),
            income=[{"source": "bijstand", "net_monthly": _money(norm)}],
            assets=_money(Decimal(rng.randint(0, 2000))), debts=_debts(rng, regime, day, norm),
            benefit="bijstand", work="unemployed",
            need={"kind": "keep_gift", "amount": _money(Decimal(rng.randint(100, 2500)))},
            options=["keep_gift"],
        )
        tags = ["giften", *(["wsnp"] if regime == "wsnp" else [])]

    case["circumstances"] = circumstances
    if rng.random() < INCOMPLETE:  # a first conversation: income and debts not known yet
        for key in rng.sample(["income", "debts", "assets"], rng.randint(1, 2)):
            case.pop(key, None)
        tags.append("eerste-gesprek")
    record: dict = {"case": case, "team": f"{municipality}-{rng.choice(TEAMS)}", "tags": tags}
    if rng.random() < SIGNAL:
        record["signal"] = rng.choice(SIGNALS[scenario])
    return record


def generate(n: int, seed: int = DEFAULT_SEED, registry: Registry | None = None, start: int = 0) -> Iterator[dict]:
    """`n` synthetic import records (envelopes with case, team, tags and sometimes a signal)."""
    if registry is None:
        from service.config import DEFAULT_RULESETS
        registry = Registry.load(DEFAULT_RULESETS)
    figures = _Figures(registry)
    for i in range(start, start + n):
        yield _case(i, seed, figures, random.Random(f"regelruimte-synthetic:{seed}:{i}"))


def write_jsonl(path: Path, n: int, seed: int = DEFAULT_SEED, registry: Registry | None = None,
                progress: Callable[[int], None] | None = None) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for k, record in enumerate(generate(n, seed, registry), start=1):
            f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            if progress and k % 10_000 == 0:
                progress(k)
    return path
