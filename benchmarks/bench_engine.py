"""Engine benchmarks (`make bench`): explained decisions per case and per second, on one core.

What is measured, for the core backend and the durable-rules backend side by side:

- single case: `decision.decide.decide` (validation, evaluation and the Dutch explanation text) on a
  sample of generated cases and on the welding-mask acceptance case; median and p99 in µs, wall
  clock and CPU time of this thread (the CPU time is what the case costs when other processes
  compete for the two cores); also without the explanation, and per phase, to show where time goes;
- floor: what a decision of today's shape costs with no logic at all, on the same decisions: its dict
  tree rebuilt in Python, and read from its JSON bytes by orjson (C); the lower bound for any evaluator
  that returns the decision as Python data;
- batch: every case of a generated set (100,000 by default) decided one after the other in this
  one process and thread, in cases per second; durable-rules on fewer cases (`--durable-cases`),
  and the report says how many.

Cases come from tests/strategies.py (all municipalities, options, debt regimes, ages, incomes
around every threshold, randomly absent fields). Each row decides cases no earlier row has seen: the
engine keeps parts keyed by the case's values (reasons, wrapped lines, dated links), and a case decided a
second time finds them made (some 70 µs cheaper), which a new case at the kitchen table does not. Results are printed as a table and written as
JSON to benchmarks/results/. Nothing is asserted: speed is reported, not tested.
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.case import parse_case  # noqa: E402
from decision.heap import for_many_cases  # noqa: E402
from decision.decide import decide, fact_labels  # noqa: E402
from engine.errors import RegelruimteError  # noqa: E402
from engine.evaluator import evaluate  # noqa: E402
from engine.registry import Registry  # noqa: E402
from explain import explain  # noqa: E402
from tests.conftest import lasmasker  # noqa: E402
from tests.strategies import Universe, random_cases  # noqa: E402

# issue 17: one explained decision ≤ 100 µs median, the welding mask ≤ 150 µs, ≥ 10,000 explained cases/s per core
TARGET_MEDIAN_US = 100
TARGET_WELDING_US = 150
TARGET_RATE = 10_000


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def latency(fn, items: list, repeat: int = 1) -> dict:
    """Median and p99 of one call, in µs: wall clock and this thread's CPU time."""
    for x in items[: min(len(items), 200)]:
        fn(x)  # warm caches (bundles, compiled durable hosts)
    wall, cpu = [], []
    for _ in range(repeat):
        for x in items:
            w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            fn(x)
            cpu.append((time.thread_time_ns() - c0) / 1000)
            wall.append((time.perf_counter_ns() - w0) / 1000)
    wall.sort()
    cpu.sort()
    return {"n": len(wall), "median_us": statistics.median(wall), "p99_us": _percentile(wall, 0.99),
            "cpu_median_us": statistics.median(cpu), "cpu_p99_us": _percentile(cpu, 0.99)}


def _rebuilt(value):
    """A copy of a decision's dicts and lists, as any evaluator that returns it as Python data must make them."""
    kind = type(value)
    if kind is dict:
        return {k: _rebuilt(v) for k, v in value.items()}
    if kind is list:
        return [_rebuilt(v) for v in value]
    return value


def throughput(fn, items: list) -> dict:
    """Every item once, one after the other: cases per second (wall clock and CPU time)."""
    w0, c0 = time.perf_counter(), time.thread_time()
    for x in items:
        fn(x)
    wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
    return {"n": len(items), "seconds": wall, "cases_per_s": len(items) / wall, "cpu_cases_per_s": len(items) / cpu}


def guarded(fn):
    """Cases that are refused (none, with the default generator) still count: refusing is work too."""
    def run(x):
        try:
            return fn(x)
        except RegelruimteError:
            return None
    return run


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=100_000, help="batch size for the core backend (default 100000)")
    p.add_argument("--durable-cases", type=int, default=10_000, help="batch size for durable-rules (default 10000)")
    p.add_argument("--sample", type=int, default=3_000, help="cases in the single-case sample (default 3000)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = p.parse_args(argv)
    for_many_cases()  # the collector as in the command line, the service and its workers (ADR 0033)

    load_before = os.getloadavg()
    registry = Registry.load(ROOT / "rulesets")
    universe = Universe.from_registry(registry)
    t0 = time.perf_counter()
    batch = list(random_cases(universe, args.cases, args.seed))
    generated_s = time.perf_counter() - t0
    unseen = random_cases(universe, 10**12, args.seed + 1)  # cases no row has decided before (see above)

    def fresh(n: int) -> list:
        return list(itertools.islice(unseen, n))

    sample = fresh(args.sample)
    welding = [lasmasker()]

    try:
        from decision.durable import decide_durable
        from engine.backends.durable import IMPORT_ERROR, STATS
    except ImportError as exc:  # pragma: no cover - the module itself imports without durable
        IMPORT_ERROR, decide_durable, STATS = str(exc), None, {}
    durable_ok = IMPORT_ERROR is None

    labels = fact_labels(registry, "nl")
    # the phases as decide() runs them (dated law links), each on cases of its own: parsing and evaluating
    # ahead of a phase fills no cache the phase itself uses
    parsed = [parse_case(c) for c in fresh(args.sample)]
    decisions = [evaluate(parse_case(c), registry, dated=True) for c in fresh(args.sample)]
    core = guarded(lambda c: decide(c, registry))
    core_bare = guarded(lambda c: evaluate(parse_case(c), registry, dated=True))
    rows = {
        "core, explained": latency(core, sample),
        "core, no explanation": latency(core_bare, fresh(args.sample)),
        "  phase: validate (parse_case)": latency(parse_case, fresh(args.sample)),
        "  phase: evaluate": latency(lambda c: evaluate(c, registry, dated=True), parsed),
        "  phase: explain (text)": latency(lambda d: explain(d, "nl", "text", labels), decisions),
        "core, explained, welding mask": latency(core, welding * 2000),
    }
    made = [decide(c, registry) for c in fresh(args.sample)]
    rows["  floor: the decision rebuilt, no logic"] = latency(_rebuilt, made)
    rows["  floor: the decision from JSON (orjson)"] = latency(orjson.loads, [orjson.dumps(d) for d in made])
    if durable_ok:
        durable = guarded(lambda c: decide_durable(c, registry))
        rows["durable, explained"] = latency(durable, fresh(args.sample))
        rows["durable, explained, welding mask"] = latency(durable, welding * 1000)
    batches = {
        "core, explained": throughput(core, batch),
        "core, no explanation": throughput(core_bare, fresh(args.cases)),
    }
    if durable_ok:
        batches["durable, explained"] = throughput(durable, fresh(args.durable_cases))

    load_after = os.getloadavg()
    machine = {"python": platform.python_version(), "cpu": _cpu_model(), "cores": os.cpu_count(),
               "load_average_before": load_before, "load_average_after": load_after,
               "durable_rules": "available" if durable_ok else f"unavailable ({IMPORT_ERROR})"}
    print(f"Regelruimte engine benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"Python {machine['python']}, {machine['cpu']}, {machine['cores']} cores, one process and thread; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{len(batch):,} generated cases (seed {args.seed}) in {generated_s:.1f} s; every other row: "
          f"{len(sample):,} cases of its own (seed {args.seed + 1})\n")
    print(f"{'single case (µs)':42s} {'median':>8s} {'p99':>8s} {'CPU med':>8s} {'CPU p99':>8s} {'n':>7s}")
    for name, r in rows.items():
        print(f"{name:42s} {r['median_us']:8.1f} {r['p99_us']:8.1f} {r['cpu_median_us']:8.1f} {r['cpu_p99_us']:8.1f} {r['n']:7,d}")
    print(f"\n{'batch, one core':42s} {'cases':>8s} {'seconds':>8s} {'cases/s':>8s} {'CPU c/s':>8s}")
    for name, r in batches.items():
        print(f"{name:42s} {r['n']:8,d} {r['seconds']:8.1f} {r['cases_per_s']:8,.0f} {r['cpu_cases_per_s']:8,.0f}")
    if durable_ok:
        stats = dict(STATS)
        total = sum(stats.values()) or 1
        print("\ndurable-rules: leaves decided by durable {durable:,}, unknown (decided by us) {unknown:,}, "
              "left to the core {core:,} ({share:.1%} of all)".format(share=stats.get("core", 0) / total,
                                                                       **{k: stats.get(k, 0) for k in ("durable", "unknown", "core")}))
    explained = rows["core, explained"]["median_us"]
    welding_us = rows["core, explained, welding mask"]["median_us"]
    rate = batches["core, explained"]["cases_per_s"]

    def verdict(met: bool) -> str:
        return "met" if met else "not met"
    print(f"\ntargets: median ≤ {TARGET_MEDIAN_US} µs per explained case: {explained:.1f} µs "
          f"({verdict(explained <= TARGET_MEDIAN_US)}); welding mask ≤ {TARGET_WELDING_US} µs: {welding_us:.1f} µs "
          f"({verdict(welding_us <= TARGET_WELDING_US)}); ≥ {TARGET_RATE:,} explained cases/s on one core: "
          f"{rate:,.0f} ({verdict(rate >= TARGET_RATE)})")

    # what no evaluator of today's output can avoid: checking the input and handing over the decision's data
    floor = rows["  phase: validate (parse_case)"]["median_us"] + rows["  floor: the decision from JSON (orjson)"]["median_us"]
    print(f"floor: validation plus the decision from its JSON: {floor:.1f} µs, {floor / TARGET_MEDIAN_US:.0%} of the "
          f"target, {floor / explained:.0%} of an explained decision (docs/decisions/0045-speed-targets-need-the-owners-choice.md)")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench_engine-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"machine": machine, "seed": args.seed, "generated_seconds": generated_s,
                                "single_case": rows, "batch": batches,
                                "durable_leaves": dict(STATS) if durable_ok else None}, indent=2))
    print(f"written: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
