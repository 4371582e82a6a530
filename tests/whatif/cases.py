"""Random cases in the public case format, for the differential tests of the columnar evaluator.

One generator, two sources of choices: `random.Random` (many cases fast) and Hypothesis' `draw`
(so a failing case shrinks). Cases are adversarial rather than realistic: any field may be
absent, amounts sit on and around the limits the rule sets compute, and every option and
circumstance appears.
"""
from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import strategies as st

from engine.registry import Registry

CENT = Decimal("0.01")
AT_RISK = ["job_loss", "eviction", "homelessness", "utility_cutoff", "health", "debts", "comfort"]
FACTORS = [Decimal("1"), Decimal("1.10"), Decimal("1.20"), Decimal("1.25")]


class RandomChooser:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, items):
        return self.rng.choice(list(items))

    def maybe(self, p: float = 0.8) -> bool:
        return self.rng.random() < p

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def subset(self, items) -> list:
        return [x for x in items if self.rng.random() < 0.4]


class DrawChooser:
    def __init__(self, draw):
        self.draw = draw

    def pick(self, items):
        return self.draw(st.sampled_from(list(items)))

    def maybe(self, p: float = 0.8) -> bool:
        return self.draw(st.booleans())

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def subset(self, items) -> list:
        items = list(items)
        return [x for x, keep in zip(items, self.draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items))))
                if keep]


def edge_amounts(registry: Registry) -> list[Decimal]:
    """Money amounts on and one cent around every norm and limit the rule sets compute."""
    out = set()
    for rs in registry.rulesets.values():
        for v in rs.versions:
            for p in v.parameters.values():
                if p.unit in ("EUR", "EUR/maand") and isinstance(p.value, Decimal | int) and not isinstance(p.value, bool):
                    for f in FACTORS:
                        base = (Decimal(p.value) * f).quantize(CENT, ROUND_HALF_UP)
                        out |= {base - CENT, base, base + CENT}
    return sorted(x for x in out if x >= 0)


def money(c, edges: list[Decimal]) -> str:
    if c.maybe(0.5):
        return str(c.pick(edges))
    return str(Decimal(c.integer(0, 400_000)) / 100)


def random_case(c, registry: Registry, edges: list[Decimal], case_id: str) -> dict:
    vocab = registry.vocabulary
    day = dt.date(2024, 1, 1) + dt.timedelta(days=c.integer(0, 3 * 365))
    case: dict = {"case_id": case_id, "reference_date": day.isoformat(),
                  "municipality": c.pick(sorted(registry.municipalities))}
    if c.maybe():
        household: dict = {}
        if c.maybe():
            household["composition"] = c.pick(["single", "single_parent", "couple"])
        if c.maybe():
            members = [{"role": "applicant", "age": c.pick([c.integer(15, 90), 17, 18, 20, 21, 26, 27, 66, 67])}]
            if c.maybe(0.3):
                members.append({"role": "partner", "age": c.integer(18, 90)})
            if c.maybe(0.3):
                members[0]["student_finance_possible"] = c.maybe()
            household["members"] = members
        if c.maybe():
            household["children"] = [c.integer(0, 20) for _ in range(c.integer(0, 3))]
        if c.maybe(0.3):
            household["cost_sharers"] = c.integer(0, 3)
        case["household"] = household
    if c.maybe():
        case["income"] = [{"source": c.pick(["wages", "self_employment", "bijstand", "other_benefit", "alimony", "other"]),
                           "net_monthly": money(c, edges)} for _ in range(c.integer(0, 2))]
    if c.maybe():
        case["assets"] = c.pick([money(c, edges), "-500.00", "0.00"])
    if c.maybe():
        debts: dict = {}
        if c.maybe():
            debts["regime"] = c.pick(["none", "amicable", "wsnp", "protective_administration"])
        if c.maybe(0.5):
            debts["since"] = (day - dt.timedelta(days=c.integer(0, 1500))).isoformat()
        if c.maybe(0.6):
            debts["free_allowance_monthly"] = money(c, edges)
        case["debts"] = debts
    for key, values in (("benefit", ["none", "bijstand", "bbz", "other"]),
                        ("work", ["employed", "unemployed", "self_employed", "student", "unable"])):
        if c.maybe():
            case[key] = c.pick(values)
    if c.maybe(0.9):
        need: dict = {"kind": c.pick(["one_off_cost", "income_support", "exemption", "earn_extra", "start_business",
                                      "keep_gift"])}
        if c.maybe():
            need["amount"] = money(c, edges)
        if c.maybe():
            need["needed_within_days"] = c.pick([1, 14, 30, 42, 60, c.integer(0, 400)])
        if c.maybe():
            need["at_risk"] = c.pick(AT_RISK)
        if c.maybe(0.5):
            need["obligation"] = c.pick(["job_search", "cooperation", "unpaid_work"])
        if c.maybe(0.3):
            need["duration_months"] = c.integer(1, 24)
        if c.maybe(0.4):
            need["expected_earnings_monthly"] = money(c, edges)
        case["need"] = need
    options = c.subset(sorted(vocab.options)) or [c.pick(sorted(vocab.options))]
    case["options"] = options
    circumstances: dict = {}
    for name, spec in vocab.facts.items():
        if not name.startswith("circumstances.") or not c.maybe(0.4):
            continue
        key = name.split(".", 1)[1]
        if spec.type == "boolean":
            circumstances[key] = c.maybe()
        elif spec.type == "list_text":
            circumstances[key] = c.subset(spec.values)
    if circumstances:
        case["circumstances"] = circumstances
    if c.maybe(0.2):
        pillars = ["family_stability", "well_being", "financial_management", "education", "employment"]
        case["assessment"] = {"bridge": {p: c.integer(1, 5) for p in c.subset(pillars)}}
    if c.maybe(0.3):
        case["avoided_costs"] = [{"item": "bijstand", "per_year": money(c, edges)}]
    return case


def many(registry: Registry, n: int, seed: int) -> list[dict]:
    chooser, edges = RandomChooser(random.Random(seed)), edge_amounts(registry)
    # "c7n10007", not "c7-10007": a seed and a serial in two groups of 9 digits may pass the elfproef (ADR 0031)
    return [random_case(chooser, registry, edges, f"c{seed}n{i}") for i in range(n)]


def strategy(registry: Registry) -> st.SearchStrategy[dict]:
    edges = edge_amounts(registry)

    @st.composite
    def one(draw):
        return random_case(DrawChooser(draw), registry, edges, "hyp")
    return one()
