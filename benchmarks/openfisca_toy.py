"""The toy rule of anchors.md in OpenFisca: run by bench_scale.py inside benchmarks/.venv-openfisca.

    python openfisca_toy.py DIR N REPEATS  ->  JSON on stdout

Reads N households from DIR (income_cents.i64, wsnp.u8, at_risk.u8, raw little-endian arrays written
by bench_scale.py from the same population our evaluator reads) and computes the status of special
assistance: blocked by the Wsnp (no route), blocked by income above 110% of the norm unless the
art. 16 route is open (at risk: job loss or eviction), else allowed. The limit is rounded to the
cent half up, as our rule's round_cents does. OpenFisca gives the status only, no reason.
"""
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

PERIOD = "2025-09"
ALLOWED, ROUTE, BLOCKED = 0, 1, 3

Household = build_entity(key="household", plural="households", label="Huishouden", is_person=True)


class income_cents(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.MONTH
    label = "Netto maandinkomen in centen"


class in_wsnp(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "In de Wsnp"


class at_risk(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "Baan of woning op het spel"


class income_block(Variable):
    value_type = bool
    entity = Household
    definition_period = DateUnit.MONTH
    label = "Inkomen boven 110% van de norm"

    def formula(household, period, parameters):
        p = parameters(period).toy
        limit = (int(p.norm_cents) * int(p.percentage_basis_points) + 5_000) // 10_000
        return household("income_cents", period) > limit


class status(Variable):
    value_type = int
    entity = Household
    definition_period = DateUnit.MONTH
    label = "Status bijzondere bijstand"

    def formula(household, period):
        income = household("income_block", period)
        wsnp = household("in_wsnp", period)
        risk = household("at_risk", period)
        return np.select([wsnp, income & ~risk, income], [BLOCKED, BLOCKED, ROUTE], default=ALLOWED)


def system() -> TaxBenefitSystem:
    tbs = TaxBenefitSystem([Household])
    tbs.add_variables(income_cents, in_wsnp, at_risk, income_block, status)
    tbs.parameters = ParameterNode("", data={"toy": {
        "norm_cents": {"values": {"2025-07-01": 136906}},
        "percentage_basis_points": {"values": {"2025-07-01": 11000}}}})
    return tbs


def run(tbs, income, wsnp, risk):
    t0 = time.perf_counter()
    sim = SimulationBuilder().build_default_simulation(tbs, count=len(income))
    sim.set_input("income_cents", PERIOD, income)
    sim.set_input("in_wsnp", PERIOD, wsnp)
    sim.set_input("at_risk", PERIOD, risk)
    t1 = time.perf_counter()
    out = sim.calculate("status", PERIOD)
    t2 = time.perf_counter()
    return out, t1 - t0, t2 - t1


def main() -> None:
    folder, n, repeats = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    income = np.fromfile(folder / "income_cents.i64", dtype="<i8")[:n]
    wsnp = np.fromfile(folder / "wsnp.u8", dtype=np.uint8)[:n].astype(bool)
    risk = np.fromfile(folder / "at_risk.u8", dtype=np.uint8)[:n].astype(bool)
    tbs = system()
    one = [run(tbs, income[:1], wsnp[:1], risk[:1]) for _ in range(20)]
    runs = [run(tbs, income, wsnp, risk) for _ in range(repeats)]
    out = runs[-1][0]
    import openfisca_core
    print(json.dumps({
        "version": getattr(openfisca_core, "__version__", None) or _version(),
        "n": n,
        "one_case_ms": statistics.median(b + c for _, b, c in one) * 1000,
        "build_s": statistics.median(b for _, b, _ in runs), "calc_s": statistics.median(c for _, _, c in runs),
        "total_s": statistics.median(b + c for _, b, c in runs), "total_min_s": min(b + c for _, b, c in runs),
        "counts": {"allowed": int((out == ALLOWED).sum()), "route_available": int((out == ROUTE).sum()),
                   "blocked": int((out == BLOCKED).sum())},
    }))


def _version() -> str:
    from importlib.metadata import version
    return version("openfisca-core")


if __name__ == "__main__":
    main()
