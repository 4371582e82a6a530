"""Batch benchmark (`make bench-batch`): explained cases per second in one process against worker processes.

The batch API's work per case (`service.http.api.batch_entry`: validation, decision, Dutch explanation text and the
case's JSON entry) over generated cases (tests/strategies.py), three ways, each `--runs` times:

- one process: a loop in this process (what a batch did before decision/pool.py);
- pool, fork: `decision.pool.Pool(method="fork")`, workers forked with the loaded rule sets (the command line);
- pool, forkserver: workers started clean that load the rule sets themselves (the service); warm, as in a
  running service.

Also the cost of starting each kind of pool (the first small batch, workers started from nothing), and the
break-even: wall time of a small batch in this process against warm workers (what `THRESHOLD` rests on).
Medians over the runs; nothing is asserted. Results are printed and written as JSON to benchmarks/results/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision.heap import for_many_cases  # noqa: E402
from decision.pool import Files, Pool, worker_count  # noqa: E402
from engine.registry import Registry  # noqa: E402
from service.http.api import batch_entry  # noqa: E402
from service.http.live import content_digest, load_checked  # noqa: E402
from tests.strategies import Universe, random_cases  # noqa: E402

TASK = functools.partial(batch_entry, "nl")
TARGET_PER_MACHINE = 18_000


def rate(pool: Pool | None, cases: list, registry, files: Files | None) -> float:
    """Explained cases per second (wall clock) for the whole batch, its results consumed in order."""
    items = list(enumerate(cases))
    t0 = time.perf_counter()
    if pool is None:
        for item in items:
            TASK(registry, item)
    else:
        for _ in pool.map(TASK, items, registry, files):
            pass
    return len(items) / (time.perf_counter() - t0)


def start_cost(method: str, cases: list, registry, files: Files, workers: int) -> float:
    """Seconds from no workers to a first batch of 2 × workers cases done by them (clean workers:
    started, rule sets loaded, then the batch; the service decides batches itself meanwhile)."""
    if method == "fork":
        _one_thread()
    t0 = time.perf_counter()
    with Pool(workers, method, registry=registry, threshold=1, preload=("service.http.api",)) as pool:
        if method != "fork":
            pool.start(files, wait=True)
        list(pool.map(TASK, enumerate(cases[: 2 * workers]), registry, files))
        if not pool.started:
            raise SystemExit(f"the {method} pool declined: its figures would measure this process")
        return time.perf_counter() - t0


def _one_thread(seconds: float = 10.0) -> None:
    """Wait for the manager thread of a closed pool to end: a fork pool declines while another thread runs
    (decision/pool.py, Pool._source)."""
    deadline = time.monotonic() + seconds
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.01)


def break_even(pool: Pool, cases: list, registry, files: Files, sizes: tuple[int, ...], repeat: int) -> dict:
    """Median wall ms of a batch of each size: in this process, and in warm workers."""
    out = {}
    for n in sizes:
        items = list(enumerate(cases[:n]))
        here, pooled = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for item in items:
                TASK(registry, item)
            here.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            list(pool.map(TASK, items, registry, files))
            pooled.append(time.perf_counter() - t0)
        out[n] = {"in_process_ms": 1000 * statistics.median(here), "pool_ms": 1000 * statistics.median(pooled)}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=20_000, help="cases per batch (default 20000)")
    p.add_argument("--runs", type=int, default=3, help="runs of each way; medians are reported (default 3)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = p.parse_args(argv)
    for_many_cases()  # the collector as in the command line, the service and its workers (ADR 0033)

    workers = worker_count()
    registry = Registry.load(ROOT / "rulesets")
    files = Files(ROOT / "rulesets", content_digest(ROOT / "rulesets"), load_checked)
    cases = list(random_cases(Universe.from_registry(registry), args.cases, args.seed))
    load_before = os.getloadavg()

    runs: dict[str, list[float]] = {"one process": [], "pool, fork": [], "pool, forkserver (warm)": []}
    # The fork pool first, while this process has one thread: a fork pool declines (and decides here) once
    # another pool's manager thread runs, as the forkserver's does (decision/pool.py, Pool._source). Until
    # 2026-12-05 this benchmark opened the forkserver first, so its "fork" row measured this process.
    for _ in range(args.runs):
        runs["one process"].append(rate(None, cases, registry, None))
        _one_thread()
        with Pool(workers, "fork", registry=registry) as forked:
            runs["pool, fork"].append(rate(forked, cases, registry, None))
            if not forked.started:
                raise SystemExit("the fork pool declined: its row would measure this process")
    starts = {method: [start_cost(method, cases, registry, files, workers) for _ in range(args.runs)]
              for method in ("fork", "forkserver")}
    with Pool(workers, "forkserver", threshold=1, preload=("service.http.api",)) as server:
        server.start(files, wait=True)
        for _ in range(args.runs):
            runs["pool, forkserver (warm)"].append(rate(server, cases, registry, files))
        even = break_even(server, cases, registry, files, (1, 2, 4, 8, 16, 32, 64), repeat=15)
    load_after = os.getloadavg()

    print(f"Regelruimte batch benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}: {args.cases:,} generated cases "
          f"(seed {args.seed}), {workers} workers on {len(os.sched_getaffinity(0))} cores; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; medians of {args.runs} runs\n")
    print(f"{'explained cases/s (wall)':32s} {'median':>8s}   runs")
    base = statistics.median(runs["one process"])
    for name, values in runs.items():
        median = statistics.median(values)
        print(f"{name:32s} {median:8,.0f}   {', '.join(f'{v:,.0f}' for v in values)}   ×{median / base:.2f}")
    print(f"\n{'start, first ' + str(2 * workers) + ' cases (s)':32s} {'median':>8s}")
    for method, values in starts.items():
        print(f"{method:32s} {statistics.median(values):8.2f}")
    print(f"\n{'break-even (warm workers), ms':32s} {'here':>8s} {'pool':>8s}")
    for n, r in even.items():
        print(f"{n:>5d} cases{'':21s} {r['in_process_ms']:8.1f} {r['pool_ms']:8.1f}")
    best = max(statistics.median(v) for v in runs.values())
    print(f"\ntarget ≥ {TARGET_PER_MACHINE:,} explained cases/s on this machine: {best:,.0f} "
          f"({'met' if best >= TARGET_PER_MACHINE else 'not met'})")

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench_batch-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"cases": args.cases, "seed": args.seed, "workers": workers, "runs": runs,
                                "start_seconds": starts, "break_even": even,
                                "load_average": [load_before, load_after]}, indent=2))
    print(f"written: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
