"""Condition benchmark: the single-case closures of the condition language, and compiling them.

For a sample of generated cases, the environment the evaluator builds is captured once; then every
rule, route and derive condition of the case's bundle is evaluated with its compiled closure
(`expression.fn(env, None)`), repeated, and the median CPU time of this thread per case is reported in
µs (CPU time: the machine is shared, and wall clock counts the other processes). Compiling is
measured too: every distinct condition text of the rule sets compiled from source, per round. Run the
same script against another tree (PYTHONPATH / its own copy) to compare: nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.case import parse_case  # noqa: E402
from engine.evaluator import core_conditions, evaluate  # noqa: E402
from engine.expressions import compile_expression  # noqa: E402
from engine.registry import Registry  # noqa: E402
from tests.strategies import Universe, random_cases  # noqa: E402


def environments(registry: Registry, n: int, seed: int) -> list[tuple[list, dict]]:
    out = []

    def spy(bundle, env, options):
        items = [i.when for v in bundle.versions for i in (*v.rules.values(), *v.routes.values())
                 if i.when is not None]
        items += [r.value for r in bundle.derive if r.value is not None]
        out.append((items, dict(env)))
        return core_conditions(bundle, env, options)
    for raw in random_cases(Universe.from_registry(registry), n, seed):
        evaluate(parse_case(raw), registry, conditions=spy)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=500)
    p.add_argument("--rounds", type=int, default=15)
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args()
    registry = Registry.load(ROOT / "rulesets")
    work = environments(registry, args.cases, args.seed)
    conditions = sum(len(items) for items, _ in work)
    texts = sorted({e.source for items, _ in work for e in items})
    names = lambda name: True  # noqa: E731
    per_case, per_compile = [], []
    for _ in range(args.rounds):
        t = time.thread_time()
        for items, env in work:
            for e in items:
                try:
                    e.fn(env, None)
                except Exception:  # noqa: BLE001 (an error is part of the work, as in the evaluator)
                    pass
        per_case.append((time.thread_time() - t) / len(work) * 1e6)
        t = time.thread_time()
        for text in texts:
            compile_expression(text, names)
        per_compile.append((time.thread_time() - t) / len(texts) * 1e6)
    print(f"{ROOT.name}: {len(work)} cases, {conditions / len(work):.0f} conditions per case; "
          f"evaluate median {statistics.median(per_case):.1f} µs/case; "
          f"compile median {statistics.median(per_compile):.1f} µs/condition ({len(texts)} texts)")


if __name__ == "__main__":
    main()
