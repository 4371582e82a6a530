"""Scale benchmarks (`make bench-scale`): the columnar evaluator, the what-if, OpenFisca, Dask.

1. 1,000,000 synthetic Zaanstad households: the status and first blocking rule per household and
   option (target <= 2 s wall, <= 4 GB peak RSS), and the same with every detail (blocks, routes,
   grounds, missing facts as bit sets).
2. What-if 110% -> 120% over the same 1,000,000 (two evaluations and the comparison; target <= 5 s).
3. The toy rule of anchors.md (110% of the norm, a Wsnp block, an art. 16 route) in OpenFisca,
   installed by this script into benchmarks/.venv-openfisca (pip, from PyPI; not a project
   dependency), and in our columnar evaluator, on the same 100,000 and 1,000,000 households.
4. The what-if of 2. with its export (the changed rows to Parquet) on a Dask LocalCluster with 2
   worker processes, reduced on the workers, against one process, on the same 1,000,000 in ten
   Parquet partitions (both read the Parquet; target <= 1.5 x one process); then the cluster alone,
   with the peak RSS of the client and of each worker.

Each measurement runs in a fresh child process, which reports its own peak RSS. A table is printed
and the figures are written to benchmarks/results/bench_scale-<time>.json (not in git).

    python benchmarks/bench_scale.py [--households N] [--repeats R] [--skip-openfisca] [--skip-dask]
    python benchmarks/bench_scale.py --households 10000000 --dask-only   # forty partitions, streamed
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

RULESETS = ROOT / "rulesets"
TOY = HERE / "toy_rulesets"
OVERLAY = ROOT / "whatif" / "examples" / "zaanstad-120.yaml"
OPENFISCA_VENV = HERE / ".venv-openfisca"
RESULTS = HERE / "results"
DAY = dt.date(2025, 9, 15)
SEED = 2026


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeats: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def summary(times: list[float]) -> dict:
    return {"min_s": min(times), "median_s": statistics.median(times), "runs_s": times}


# ---------------------------------------------------------------------------------------------
# Children: each prints one JSON object


def child_population(folder: str, n: int) -> dict:
    from engine.registry import Registry
    from whatif import population
    registry = Registry.load(RULESETS)
    part = max(1_000, min(250_000, n // 10))  # one Dask task each: ten at 1,000,000, forty at 10,000,000
    t0 = time.perf_counter()
    population.write(Path(folder) / "zaanstad", n, SEED, registry, DAY, ["zaanstad"], rows_per_part=part)
    return {"generate_and_write_s": time.perf_counter() - t0, "peak_mb": peak_mb()}


def child_statuses(folder: str, repeats: int) -> dict:
    import polars as pl

    from engine.registry import Registry
    from whatif import columnar, population
    registry = Registry.load(RULESETS)
    t0 = time.perf_counter()
    frame = population.scan(Path(folder) / "zaanstad").collect()
    read = time.perf_counter() - t0
    options = columnar.options_in(frame.lazy())

    def statuses():
        lf = frame.lazy()
        keys, plans = columnar.plans_for(lf, registry, options)
        wanted = [columnar.col(k, o) for o in options for k in ("status", "first_block")]
        return columnar.run_plans(lf, keys, plans, ["case_id"]).select("case_id", *wanted).collect()

    status_times, out = timed(statuses, repeats)
    full_times, full = timed(lambda: columnar.evaluate(frame, registry), repeats)
    counts = {o: dict(out[columnar.col("status", o)].value_counts().iter_rows()) for o in options}
    first = out[columnar.col("first_block", "special_assistance")].value_counts(sort=True).head(3).rows()
    return {"n": frame.height, "options": len(options), "read_parquet_s": read,
            "statuses_first_block": summary(status_times), "every_detail": summary(full_times),
            "status_counts": {o: {str(k): v for k, v in c.items()} for o, c in counts.items()},
            "first_block_special_assistance": [[str(k), v] for k, v in first],
            "peak_mb": peak_mb(), "polars_threads": pl.thread_pool_size()}


def _sides():
    from whatif.scenario import baseline, parse_ref, reform
    base = parse_ref("zaanstad@2025-09-15")
    return baseline(RULESETS, base), reform(RULESETS, base, str(OVERLAY))


def child_whatif(folder: str, repeats: int) -> dict:
    from whatif import population
    from whatif.compare import compare
    from whatif.run import Source, outcomes
    before_side, after_side = _sides()
    source = Source("bench", table=population.scan(Path(folder) / "zaanstad").collect())

    def what_if():
        return compare(outcomes(before_side, source, "b"), outcomes(after_side, source, "a"))

    times, c = timed(what_if, repeats)
    flips_t0 = time.perf_counter()
    flips = c.flips()
    return {"n": c.totals["cases"], "what_if": summary(times), "flip_rows_s": time.perf_counter() - flips_t0,
            "flips": c.totals["flips"], "flip_rows": flips.height, "households_helped": c.totals["households_helped"],
            "newly_granted_eur": c.totals["newly_granted_eur"], "peak_mb": peak_mb()}


def _toy_frame(folder: Path, n: int):
    """The toy households (same seed, same draws as the arrays OpenFisca reads)."""
    import polars as pl

    from whatif.population import Draws
    d = Draws(SEED, pl.col("_i"))
    frame = pl.select(pl.int_range(0, n, dtype=pl.UInt64).alias("_i")).with_columns(
        (pl.lit("t") + pl.col("_i").cast(pl.String)).alias("case_id"),
        pl.lit(DAY).alias("case.reference_date"), pl.lit("toytown").alias("case.municipality"),
        (d.integer("toy_income", 100_000, 220_000)).alias("income.net_monthly"),
        d.choice("toy_debts", {"none": 90, "wsnp": 10}).alias("debts.regime"),
        d.choice("toy_risk", {"job_loss": 25, "eviction": 10, "none": 65}).alias("need.at_risk"),
        pl.lit(["special_assistance"]).alias("case.options"),
    ).drop("_i")
    return frame


def child_toy_data(folder: str, n: int) -> dict:
    import polars as pl
    folder = Path(folder)
    frame = _toy_frame(folder, n)
    frame.write_parquet(folder / "toy.parquet")
    income = frame["income.net_monthly"].cast(pl.Int64).to_arrow()
    (folder / "income_cents.i64").write_bytes(income.buffers()[1].to_pybytes()[: n * 8])
    (folder / "wsnp.u8").write_bytes(bytes((frame["debts.regime"] == "wsnp").cast(pl.UInt8).to_list()))
    (folder / "at_risk.u8").write_bytes(bytes(frame["need.at_risk"].is_in(["job_loss", "eviction"]).cast(pl.UInt8).to_list()))
    return {"n": n}


def child_toy(folder: str, n: int, repeats: int) -> dict:
    import polars as pl

    from engine.registry import Registry
    from whatif import columnar
    from engine.evaluator import evaluate as evaluate_one
    from whatif.frame import case_from_row
    from engine.case import parse_case
    registry = Registry.load(TOY)
    frame = pl.read_parquet(Path(folder) / "toy.parquet").head(n)
    one = frame.head(1)
    one_times, _ = timed(lambda: columnar.evaluate(one, registry), 20)
    case = parse_case(case_from_row(one.row(0, named=True), registry.vocabulary))
    single_times, _ = timed(lambda: evaluate_one(case, registry), 200)
    status_col = columnar.col("status", "special_assistance")

    def statuses():
        lf = frame.lazy()
        keys, plans = columnar.plans_for(lf, registry, ("special_assistance",))
        return columnar.run_plans(lf, keys, plans, ["case_id"]).select(
            status_col, columnar.col("first_block", "special_assistance")).collect()

    status_times, out = timed(statuses, repeats)
    full_times, full = timed(lambda: columnar.evaluate(frame, registry), repeats)
    counts = {str(k): v for k, v in out[status_col].value_counts().iter_rows()}
    return {"n": n, "one_case_ms": statistics.median(one_times) * 1000,
            "one_case_single_evaluator_ms": statistics.median(single_times) * 1000,
            "statuses_first_block": summary(status_times),
            "every_detail": summary(full_times), "counts": counts, "peak_mb": peak_mb()}


def _worker_peaks_mb(client) -> list[float]:
    return sorted(client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())


def child_dask(folder: str, repeats: int) -> dict:
    """The what-if with its export (changed rows to Parquet), one process against a LocalCluster of two
    worker processes, alternating; both read the same Parquet partitions."""
    from whatif import population, run, scale
    before, after = _sides()
    path = Path(folder) / "zaanstad"
    parts = sorted(path.glob("part-*.parquet"))
    export = Path(folder) / "flips.parquet"

    def what_if(client=None):
        source = run.Source("bench", table=population.scan(path), parts=parts if client else None)
        c = run.comparison(before, after, source, client)
        c.flips().write_parquet(export)
        return c

    t0 = time.perf_counter()
    with scale.cluster("local", workers=2) as client:
        started = time.perf_counter() - t0
        cold, _ = timed(lambda: what_if(client), 1)  # workers import Polars etc.
        single_times, dask_times = [], []
        for _ in range(repeats):
            t, here = timed(what_if, 1)
            single_times += t
            t, there = timed(lambda: what_if(client), 1)
            dask_times += t
        workers = _worker_peaks_mb(client)
    same = (there.totals == here.totals and there.flips().equals(here.flips())
            and there.examples().equals(here.examples()) and there.by_rule.equals(here.by_rule))
    return {"n": here.totals["cases"], "partitions": len(parts), "flips": here.totals["flips"],
            "single_process": summary(single_times), "dask_2_workers": summary(dask_times), "dask_first_run_s": cold[0],
            "cluster_start_s": started, "identical": same, "peak_mb_process": peak_mb(), "peak_mb_workers": workers}


def child_dask_memory(folder: str) -> dict:
    """The what-if on the LocalCluster only (no case table in this process): time and peak RSS."""
    from whatif import population, run, scale
    before, after = _sides()
    path = Path(folder) / "zaanstad"
    parts = sorted(path.glob("part-*.parquet"))
    with scale.cluster("local", workers=2) as client:
        t0 = time.perf_counter()
        c = run.comparison(before, after, run.Source("bench", table=population.scan(path), parts=parts), client)
        compared = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = c.flips()
        rows.write_parquet(Path(folder) / "flips.parquet")
        exported = time.perf_counter() - t0
        workers = _worker_peaks_mb(client)
    return {"n": c.totals["cases"], "partitions": len(parts), "flips": c.totals["flips"], "flip_rows": rows.height,
            "households_helped": c.totals["households_helped"], "newly_granted_eur": c.totals["newly_granted_eur"],
            "what_if_s": compared, "export_s": exported, "peak_mb_client": peak_mb(), "peak_mb_workers": workers,
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}


CHILDREN = {"population": child_population, "statuses": child_statuses, "whatif": child_whatif,
            "toy_data": child_toy_data, "toy": child_toy, "dask": child_dask, "dask_memory": child_dask_memory}


def child(name: str, *args) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", name, *map(str, args)], capture_output=True, text=True,
                            cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# OpenFisca in its own environment


def openfisca_python() -> Path:
    python = OPENFISCA_VENV / "bin" / "python"
    if not python.exists():
        print("OpenFisca: omgeving aanmaken in benchmarks/.venv-openfisca (pip, PyPI) …", file=sys.stderr)
        venv.create(OPENFISCA_VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "openfisca-core"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return python


def openfisca(folder: str, n: int, repeats: int) -> dict:
    python = openfisca_python()
    result = subprocess.run([str(python), str(HERE / "openfisca_toy.py"), folder, str(n), str(repeats)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"OpenFisca failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------


def conditions() -> dict:
    import polars as pl
    load = os.getloadavg()
    busy = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu", "--no-headers"], capture_output=True, text=True).stdout
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30, 1),
            "python": platform.python_version(), "polars": pl.__version__, "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in load],
            "busiest_processes_at_start": [" ".join(line.split()) for line in busy.splitlines()[:4]]}


def row(label: str, value: str, target: str = "") -> str:
    return f"  {label:<62} {value:>16}  {target}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-openfisca", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--dask-only", action="store_true",
                        help="only write the population and run the what-if on the LocalCluster (e.g. 10,000,000)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, *rest = args.child
        fn = CHILDREN[name]
        print(json.dumps(fn(*[int(x) if x.isdigit() else x for x in rest])))
        return 0

    n, r = args.households, args.repeats
    out: dict = {"conditions": conditions(), "households": n, "repeats": r}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
        print(f"Populatie van {n:,} huishoudens schrijven …", file=sys.stderr)
        out["population"] = child("population", folder, n)
        if args.dask_only:
            print("What-if op de Dask LocalCluster …", file=sys.stderr)
            out["dask_memory"] = child("dask_memory", folder)
            return finish(out)
        print("Statussen …", file=sys.stderr)
        out["statuses"] = child("statuses", folder, r)
        print("What-if 110% → 120% …", file=sys.stderr)
        out["whatif"] = child("whatif", folder, r)
        if not args.skip_openfisca:
            out["toy"] = {}
            child("toy_data", folder, n)
            for size in sorted({min(100_000, n), n}):
                print(f"Speelgoedregel, {size:,} huishoudens: OpenFisca en kolomsgewijs …", file=sys.stderr)
                ours = child("toy", folder, size, r)
                theirs = openfisca(folder, size, r)
                same = all(ours["counts"].get(k, 0) == v for k, v in theirs["counts"].items())
                out["toy"][str(size)] = {"openfisca": theirs, "columnar": ours, "same_statuses": same,
                                         "ratio_statuses": ours["statuses_first_block"]["median_s"] / theirs["total_s"],
                                         "ratio_every_detail": ours["every_detail"]["median_s"] / theirs["total_s"]}
        if not args.skip_dask:
            print("Dask LocalCluster (2 workers) tegen één proces …", file=sys.stderr)
            out["dask"] = child("dask", folder, r)
            out["dask_memory"] = child("dask_memory", folder)
    return finish(out)


def finish(out: dict) -> int:
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / f"bench_scale-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(out, indent=2))
    print(report(out))
    print(f"\nresultaten: {target.relative_to(ROOT)}")
    return 0


def report(out: dict) -> str:
    c = out["conditions"]
    lines = [f"Regelruimte bench-scale — {c['date']}, {c['cpus']} cores, {c['memory_gb']} GB, Python {c['python']}, "
             f"Polars {c['polars']}", f"  load average at start: {c['load_average_at_start']}"]
    if "statuses" in out:
        lines += _report_statuses(out)
    if "toy" in out:
        lines += _report_toy(out)
    if "dask" in out:
        lines += _report_dask(out["dask"])
    if "dask_memory" in out:
        m = out["dask_memory"]
        lines += ["", f"What-if on the LocalCluster only, {m['n']:,} households in {m['partitions']} partitions",
                  row("what-if 110% -> 120%, reduced on the workers (s)", f"{m['what_if_s']:.2f}"),
                  row(f"  export of the {m['flip_rows']:,} changed rows, read from the workers' files (s)",
                      f"{m['export_s']:.2f}"),
                  row("  peak RSS client / workers (MB)",
                      f"{m['peak_mb_client']:.0f} / {' + '.join(f'{x:.0f}' for x in m['peak_mb_workers'])}"),
                  row("  load average after", str(m["load_average_after"]))]
    return "\n".join(lines)


def _report_statuses(out: dict) -> list[str]:
    s, w = out["statuses"], out["whatif"]
    return ["", f"{s['n']:,} synthetic Zaanstad households ({s['options']} options; median of {out['repeats']}, in seconds)",
             row("generate and write Parquet (10 partitions)", f"{out['population']['generate_and_write_s']:.2f}"),
             row("read Parquet", f"{s['read_parquet_s']:.2f}"),
             row("status + first blocking rule per household and option", f"{s['statuses_first_block']['median_s']:.2f}", "target <= 2 s"),
             row("  + every detail (blocks, routes, grounds, missing facts)", f"{s['every_detail']['median_s']:.2f}"),
             row("peak RSS of that process (MB)", f"{s['peak_mb']:.0f}", "target <= 4096 MB"),
             row("what-if 110% -> 120% (two evaluations + comparison)", f"{w['what_if']['median_s']:.2f}", "target <= 5 s"),
             row(f"  flips {w['flips']:,}, households helped {w['households_helped']:,}, rows for export",
                 f"{w['flip_rows_s']:.2f}"),
             row("  peak RSS (MB)", f"{w['peak_mb']:.0f}")]


def _report_toy(out: dict) -> list[str]:
    lines = ["", "Toy rule of anchors.md (110% of the norm, Wsnp block, art. 16 route), same households"]
    for size, t in out["toy"].items():
        of, ours = t["openfisca"], t["columnar"]
        lines += [
            row(f"{int(size):,}: OpenFisca {of['version']} build + calculate (status only)", f"{of['total_s']:.3f}"),
            row(f"{int(size):,}: columnar, status + first block", f"{ours['statuses_first_block']['median_s']:.3f}",
                f"ratio {t['ratio_statuses']:.2f} (target <= 0.5)"),
            row(f"{int(size):,}: columnar, every detail (routes, missing facts)", f"{ours['every_detail']['median_s']:.3f}",
                f"ratio {t['ratio_every_detail']:.2f} (target <= 0.8)"),
            row(f"{int(size):,}: same statuses in both", str(t["same_statuses"]))]
    first = next(iter(out["toy"].values()))
    lines.append(row("one case (ms): OpenFisca / single-case evaluator / columnar",
                     f"{first['openfisca']['one_case_ms']:.2f} / {first['columnar']['one_case_single_evaluator_ms']:.2f}"
                     f" / {first['columnar']['one_case_ms']:.2f}"))
    return lines


def _report_dask(d: dict) -> list[str]:
    overhead = d["dask_2_workers"]["median_s"] / d["single_process"]["median_s"]
    return ["", f"What-if with export on {d['n']:,} households in {d['partitions']} Parquet partitions "
                f"(both read the Parquet; alternating, median of {len(d['single_process']['runs_s'])})",
            row("one process", f"{d['single_process']['median_s']:.2f}"),
            row("LocalCluster, 2 worker processes, reduced on the workers", f"{d['dask_2_workers']['median_s']:.2f}",
                f"x{overhead:.2f} (target <= 1.5)"),
            row("  first run (workers import their libraries)", f"{d['dask_first_run_s']:.2f}"),
            row("  cluster start (not included above)", f"{d['cluster_start_s']:.2f}"),
            row("  same totals, examples and export", str(d["identical"]))]


if __name__ == "__main__":
    sys.exit(main())
