"""Old and new side by side, case by case: two worker processes (one per tree) decide the same case in
turn, so the load of other processes falls on both alike (`python benchmarks/lockstep.py OLD NEW`).

Per case the worker's CPU time (thread time) of `decision.decide.decide` (validation, decision, Dutch
text); reported: medians and p99 per tree for the generated cases and the welding mask, and the median of
the per-case ratios new/old. Nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORKER = r"""
import json, sys, time
root = sys.argv[1]
sys.path.insert(0, root)
from pathlib import Path
if (Path(root) / "decision").is_dir():
    from decision.decide import decide
else:  # a tree from before decision/ (docs/decisions/0027-package-layout.md)
    from engine.decide import decide
from engine.registry import Registry
from tests.conftest import lasmasker
from tests.strategies import Universe, random_cases
registry = Registry.load(Path(root) / "rulesets")
cases = list(random_cases(Universe.from_registry(registry), int(sys.argv[2]), int(sys.argv[3]))) + [lasmasker()]
for case in cases[:200]:
    decide(case, registry)
print("ready", flush=True)
for line in sys.stdin:
    case = cases[int(line)]
    t = time.thread_time_ns()
    decide(case, registry)
    print((time.thread_time_ns() - t) / 1000, flush=True)
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--cases", type=int, default=2_000)
    p.add_argument("--welding", type=int, default=1_000, help="repeats of the welding-mask case")
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args(argv)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(args.cases), str(args.seed)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for root in (args.old, args.new)]
    for w in workers:
        assert w.stdout.readline().strip() == "ready"
    times = {"generated": ([], []), "welding mask": ([], [])}
    order = [("generated", i) for i in range(args.cases)] + [("welding mask", args.cases)] * args.welding
    started = time.perf_counter()
    for n, (kind, i) in enumerate(order):
        pair = workers if n % 2 == 0 else workers[::-1]  # who goes first alternates too
        for w in pair:
            w.stdin.write(f"{i}\n")
            w.stdin.flush()
            times[kind][workers.index(w)].append(float(w.stdout.readline()))
    for w in workers:
        w.stdin.close()
        w.wait()
    out = {}
    for kind, (old, new) in times.items():
        ratios = sorted(b / a for a, b in zip(old, new))
        old_s, new_s = sorted(old), sorted(new)
        out[kind] = {"n": len(old), "old_median_us": statistics.median(old_s), "new_median_us": statistics.median(new_s),
                     "old_p99_us": old_s[int(0.99 * len(old_s))], "new_p99_us": new_s[int(0.99 * len(new_s))],
                     "median_ratio": statistics.median(ratios),
                     "old_cases_per_s_cpu": len(old) / (sum(old) / 1e6), "new_cases_per_s_cpu": len(new) / (sum(new) / 1e6)}
    print(json.dumps({"seconds": time.perf_counter() - started, **out}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
