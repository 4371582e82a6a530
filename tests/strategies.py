"""A generator of valid public case files, for property tests and benchmarks.

One generator, two drivers: `cases(universe)` is a hypothesis strategy (it shrinks), and
`random_cases(universe, n, seed)` yields plain dicts from `random.Random` (fast enough for the
100,000 cases of `make bench`). Both walk the same `_case` function through a small `Chooser`.

What it covers, all read from the loaded rule sets so that new content is covered without editing
this file (`Universe.from_registry`):

- every municipality with a local rule set, and every option of the fact vocabulary;
- reference dates on, just before and just after every `valid_from` (and `valid_to`) of every rule
  set, plus dates anywhere in between (by default only dates on which every rule set is in force);
- every value of every enum fact (household composition, debt regime, benefit, work, need kind,
  obligation) and every boolean or list circumstance;
- ages on both sides of 18, 21, 27 and the pension age, and children around the age of 5;
- incomes, assets and allowances on, one cent below and one cent above every money parameter and
  every `factor × money parameter` (110% of the norm, the asset limits, the earnings cap, …);
- every optional field randomly absent, so that facts are unknown (and `income: []`, a known zero).

Every generated case passes `engine.case.parse_case`; case ids never look like a BSN.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterator, Sequence

from hypothesis import strategies as st

CENT = Decimal("0.01")
ONE_DAY = dt.timedelta(days=1)
# ages on both sides of every age limit in the Participatiewet (18, 21, 27, pension age 67)
AGES = (16, 17, 18, 19, 20, 21, 22, 26, 27, 28, 35, 41, 52, 66, 67, 68, 80)
CHILD_AGES = (0, 1, 3, 4, 5, 6, 11, 12, 15, 17)
# what is at risk: the values rules compare with, and one they never name
AT_RISK = ("job_loss", "eviction", "homelessness", "utility_cutoff", "health", "debts", "comfort")
INCOME_SOURCES = ("wages", "self_employment", "bijstand", "other_benefit", "alimony", "other")
PILLARS = ("family_stability", "well_being", "financial_management", "education", "employment")


@dataclass(frozen=True)
class Universe:
    """Everything the generator draws from, taken from one registry."""

    municipalities: tuple[str, ...]
    options: tuple[str, ...]
    enums: dict[str, tuple[str, ...]]  # fact name -> its values
    boolean_circumstances: tuple[str, ...]
    list_circumstances: dict[str, tuple[str, ...]]
    amounts: tuple[Decimal, ...]  # money on and around every threshold
    boundaries: tuple[dt.date, ...]  # every first day of a version, and the day after every explicit end
    first_day: dt.date  # the first day on which every rule set is in force
    last_day: dt.date  # a year after the last boundary

    @classmethod
    def from_registry(cls, registry) -> "Universe":
        vocab = registry.vocabulary
        money, factors, starts, ends = set(), set(), [], []
        for rs in registry.rulesets.values():
            starts.append(rs.versions[0].valid_from)
            for v in rs.versions:
                ends.append(v.valid_from)
                if v.valid_to is not None:
                    ends.append(v.valid_to + ONE_DAY)
                for p in v.parameters.values():
                    if isinstance(p.value, bool) or not isinstance(p.value, (int, Decimal)):
                        continue
                    if p.unit.startswith("EUR"):
                        money.add(Decimal(p.value))
                    elif p.unit == "factor":
                        factors.add(Decimal(p.value))
        limits = money | {(f * m).quantize(CENT, ROUND_HALF_UP) for f in factors for m in money}
        amounts = {a + d for a in limits for d in (-CENT, Decimal(0), CENT)} | {Decimal("0.00")}
        circumstances = {n: s for n, s in vocab.facts.items() if n.startswith("circumstances.")}
        return cls(
            municipalities=tuple(sorted(registry.municipalities)),
            options=tuple(sorted(vocab.options)),
            enums={n: s.values for n, s in vocab.facts.items() if s.type == "enum" and s.values},
            boolean_circumstances=tuple(sorted(n.split(".", 1)[1] for n, s in circumstances.items() if s.type == "boolean")),
            list_circumstances={n.split(".", 1)[1]: s.values for n, s in sorted(circumstances.items())
                                if s.type == "list_text"},
            amounts=tuple(sorted(a.quantize(CENT) for a in amounts if a >= 0)),
            boundaries=tuple(sorted(set(ends))),
            first_day=max(starts),
            last_day=max(ends) + dt.timedelta(days=365),
        )

    def dates_near_boundaries(self) -> tuple[dt.date, ...]:
        return tuple(sorted({b + k * ONE_DAY for b in self.boundaries for k in (-1, 0, 1)}))


class Chooser:
    """The few kinds of choice the generator makes; a driver decides how they are drawn."""

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, items: Sequence[Any]) -> Any:
        return items[self.integer(0, len(items) - 1)]

    def chance(self, percent: int) -> bool:
        """True in about `percent` out of 100 draws (shrinks towards True)."""
        return self.integer(0, 99) < percent

    def subset(self, items: Sequence[Any], lo: int, hi: int) -> list:
        """Between lo and hi distinct items, in a drawn order."""
        pool, out = list(items), []
        for _ in range(self.integer(lo, min(hi, len(pool)))):
            out.append(pool.pop(self.integer(0, len(pool) - 1)))
        return out


class RandomChooser(Chooser):
    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class DrawChooser(Chooser):
    def __init__(self, draw):
        self.draw = draw

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))


def _money(c: Chooser, u: Universe) -> str:
    if c.chance(80):
        return str(c.choice(u.amounts))
    return f"{c.integer(0, 500_000) / 100:.2f}"  # anywhere else


def _date(c: Chooser, u: Universe, any_day: bool) -> dt.date:
    if c.chance(50):
        near = [d for d in u.dates_near_boundaries() if any_day or d >= u.first_day]
        return c.choice(near)
    lo = u.boundaries[0] - 30 * ONE_DAY if any_day else u.first_day
    return lo + c.integer(0, (u.last_day - lo).days) * ONE_DAY


def _household(c: Chooser, u: Universe) -> dict:
    h: dict[str, Any] = {}
    composition = c.choice(u.enums["household.composition"])
    if c.chance(85):
        h["composition"] = composition
    if c.chance(85):
        members = [{"role": "applicant", "age": c.choice(AGES)}]
        if composition == "couple":
            members.append({"role": "partner", "age": c.choice(AGES)})
        if c.chance(30):
            members[0]["student_finance_possible"] = c.chance(50)
        h["members"] = members
    if c.chance(80):
        h["children"] = [c.choice(CHILD_AGES) for _ in range(c.integer(0, 3 if composition != "single" else 0))]
    if c.chance(60):
        h["cost_sharers"] = c.integer(0, 2)
    elif c.chance(50):  # art. 19a applied by the rule: ages on both sides of 27, fields sometimes unknown
        h["housemates"] = [_housemate(c) for _ in range(c.integer(0, 3))]
    return h


def _housemate(c: Chooser) -> dict:
    mate: dict[str, Any] = {"age": c.choice((19, 26, 27, 45))}
    for key in ("close_family", "commercial_contract", "student_finance"):
        if c.chance(75):
            mate[key] = c.chance(50)
    return mate


def _need(c: Chooser, u: Universe) -> dict:
    need: dict[str, Any] = {"kind": c.choice(u.enums["need.kind"])}
    optional = {
        "purpose": lambda: c.choice(("work", "housing", "care", "study")),
        "amount": lambda: _money(c, u),
        "needed_within_days": lambda: c.choice((0, 1, 7, 14, 30, 42, 60, 90)),
        "at_risk": lambda: c.choice(AT_RISK),
        "obligation": lambda: c.choice(u.enums["need.obligation"]),
        "duration_months": lambda: c.integer(1, 24),
        "expected_earnings_monthly": lambda: _money(c, u),
    }
    for key, value in optional.items():
        if c.chance(60):
            need[key] = value()
    return need


def _circumstances(c: Chooser, u: Universe) -> dict:
    out: dict[str, Any] = {}
    for name in u.boolean_circumstances:
        if c.chance(25):
            out[name] = c.choice((True, False, None))  # None: said to be unknown
    for name, values in u.list_circumstances.items():
        if c.chance(40):
            out[name] = c.subset(values, 0, 3)
    return out


def _case(c: Chooser, u: Universe, case_id: str, any_day: bool = False) -> dict:
    case: dict[str, Any] = {
        "case_id": case_id,
        "reference_date": _date(c, u, any_day).isoformat(),
        "municipality": c.choice(u.municipalities),
        "options": c.subset(u.options, 1, 4),
    }
    if c.chance(85):
        case["household"] = _household(c, u)
    if c.chance(80):
        items = [{"source": c.choice(INCOME_SOURCES), "net_monthly": _money(c, u)}]
        if c.chance(20):
            items.append({"source": c.choice(INCOME_SOURCES), "net_monthly": f"{c.integer(0, 40_000) / 100:.2f}"})
        case["income"] = items if c.chance(95) else []  # [] is known: no income at all
    if c.chance(70):
        amount = _money(c, u)
        case["assets"] = amount if c.chance(90) else "-" + amount  # debts can exceed possessions
    if c.chance(80):
        debts = {}
        if c.chance(90):
            debts["regime"] = c.choice(u.enums["debts.regime"])
        if c.chance(50):
            debts["since"] = (u.first_day + c.integer(-400, 700) * ONE_DAY).isoformat()
        if c.chance(60):
            debts["free_allowance_monthly"] = _money(c, u)
        case["debts"] = debts
    for key in ("benefit", "work"):
        if c.chance(75):
            case[key] = c.choice(u.enums[key])
    if c.chance(90):
        case["need"] = _need(c, u)
    circumstances = _circumstances(c, u)
    if circumstances:
        case["circumstances"] = circumstances
    if c.chance(20):
        case["assessment"] = {"bridge": {p: c.integer(1, 5) for p in c.subset(PILLARS, 1, 5)}}
    if c.chance(40):
        cost = {"item": "bijstand na baanverlies"}
        if c.chance(80):
            cost["per_year"] = _money(c, u)
        else:
            cost["once"] = _money(c, u)
        case["avoided_costs"] = [cost]
    return case


@st.composite
def cases(draw, universe: Universe, any_day: bool = False) -> dict:
    """A hypothesis strategy for valid case files (`any_day`: also dates with no rule set in force)."""
    return _case(DrawChooser(draw), universe, "gen-case", any_day)


def random_cases(universe: Universe, n: int, seed: int = 0) -> Iterator[dict]:
    """`n` reproducible cases from a seeded `random.Random` (for benchmarks and cross-process checks)."""
    chooser = RandomChooser(random.Random(seed))
    for i in range(n):
        yield _case(chooser, universe, f"gen-{i}")
