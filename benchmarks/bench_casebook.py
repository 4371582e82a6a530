#!/usr/bin/env python3
"""Casebook benchmark: import throughput into SQLite and PostgreSQL, and report-building time.

    make bench-casebook                      # 100,000 synthetic cases
    .venv/bin/python benchmarks/bench_casebook.py --cases 20000 --skip-postgres

PostgreSQL: $REGELRUIMTE_BENCH_DATABASE_URL, else $REGELRUIMTE_TEST_DATABASE_URL, else
postgresql+psycopg://postgres@127.0.0.1:5432/test; the benchmark works in a fresh schema and drops
it afterwards. Loopback only. Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from casebook.evaluation import evaluation_label  # noqa: E402
from casebook.exports import write_tables  # noqa: E402
from casebook.importers import import_path  # noqa: E402
from casebook.report import build_report  # noqa: E402
from casebook.store import Filters, Store  # noqa: E402
from casebook.synthetic import write_jsonl  # noqa: E402
from decision.heap import for_many_cases  # noqa: E402
from decision.decide import fact_labels  # noqa: E402
from engine.registry import Registry  # noqa: E402
from service.web.casebook_html import render_report  # noqa: E402

RULESETS = ROOT / "rulesets"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_cpu(fn):
    """(result, wall seconds, CPU seconds of this process, CPU seconds of the worker processes it ended).
    The machine is shared: wall time includes waiting for other processes (and, for PostgreSQL, the
    server's own work), CPU time does not."""
    start, cpu, workers = time.perf_counter(), time.process_time(), children_cpu()
    result = fn()
    return result, time.perf_counter() - start, time.process_time() - cpu, children_cpu() - workers


def bench_store(name: str, url: str, source: Path, n: int, batch_size: int, registry: Registry,
                workers: int = 1) -> dict:
    label = evaluation_label(registry, RULESETS)
    out: dict = {"store": name, "cases": n, "batch_size": batch_size, "workers": workers}
    options = {"batch_size": batch_size, "workers": workers} if workers > 1 else {"batch_size": batch_size}
    with Store.open(url) as store:
        out["load_before"] = os.getloadavg()[0]
        report, seconds, cpu, workers_cpu = timed_cpu(lambda: import_path(store, registry, source, label, **options))
        assert report.added == n and not report.rejected, report.as_dict()
        out["import_s"], out["import_cpu_s"], out["workers_cpu_s"] = seconds, cpu, workers_cpu
        out["import_cases_per_s"] = n / seconds
        out["import_cases_per_cpu_s"] = n / cpu
        again, seconds = timed(lambda: import_path(store, registry, source, label, **options))
        assert again.added == 0 and again.unchanged == n
        out["rerun_s"] = seconds
        out["rerun_cases_per_s"] = n / seconds
        labels = fact_labels(registry, "nl")
        full, seconds = timed(lambda: build_report(store, Filters(), labels))
        out["report_s"] = seconds
        _, seconds = timed(lambda: build_report(store, Filters(municipalities=("zaanstad",)), labels))
        out["report_one_municipality_s"] = seconds
        html, seconds = timed(lambda: render_report(full))
        out["html_s"], out["html_kb"] = seconds, len(html.encode()) // 1024
        with tempfile.TemporaryDirectory() as tmp:
            _, seconds = timed(lambda: (write_tables(full, Path(tmp) / "csv", "csv"),
                                        write_tables(full, Path(tmp) / "pq", "parquet")))
        out["exports_s"] = seconds
        _, seconds = timed(lambda: store.check(deep=False))
        out["check_s"] = seconds
        out["no_route_cases"] = full.overview["blocked"]
        out["load_after"] = os.getloadavg()[0]
    return out


def postgres_url(args) -> str | None:
    if args.skip_postgres:
        return None
    return os.environ.get("REGELRUIMTE_BENCH_DATABASE_URL") or os.environ.get("REGELRUIMTE_TEST_DATABASE_URL") \
        or PG_DEFAULT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=1, help="processes that validate and evaluate (import_path)")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    for_many_cases()  # the collector as `regelruimte casebook import` sets it (ADR 0033)

    registry = Registry.load(RULESETS)
    results = []
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "sqlite": sqlite3.sqlite_version,
               "platform": platform.platform()}
    with tempfile.TemporaryDirectory(prefix="bench-casebook-") as tmp:
        source = Path(tmp) / "cases.jsonl"
        _, seconds = timed(lambda: write_jsonl(source, args.cases, args.seed, registry))
        print(f"{args.cases} synthetic cases generated in {seconds:.1f} s ({source.stat().st_size // 2**20} MiB JSONL)")

        sqlite_path = Path(tmp) / "casebook.sqlite"
        results.append(bench_store("sqlite", f"sqlite:///{sqlite_path}", source, args.cases, args.batch_size, registry,
                                   args.workers))
        results[-1]["db_mib"] = sum(p.stat().st_size for p in Path(tmp).glob("casebook.sqlite*")) // 2**20
        print_result(results[-1])

        base = postgres_url(args)
        if base:
            schema = f"bench_casebook_{uuid.uuid4().hex[:8]}"
            try:
                admin = create_engine(base)
                with admin.begin() as conn:
                    machine["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            except Exception as exc:  # noqa: BLE001 - report and go on without PostgreSQL
                print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
            else:
                try:
                    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
                    results.append(bench_store("postgresql", url.render_as_string(hide_password=False), source,
                                               args.cases, args.batch_size, registry, args.workers))
                    with admin.connect() as conn:
                        results[-1]["db_mib"] = int(conn.execute(text(
                            "SELECT sum(pg_total_relation_size(quote_ident(schemaname) || '.' || quote_ident(tablename)))"
                            " FROM pg_tables WHERE schemaname = :s"), {"s": schema}).scalar()) // 2**20
                    print_result(results[-1])
                finally:
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    admin.dispose()
        else:
            print("PostgreSQL skipped (--skip-postgres)")
    print("machine:", json.dumps(machine))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "results": results}, indent=2, default=str))
    return 0


def print_result(r: dict) -> None:
    print(f"\n{r['store']}: {r['cases']} cases, batches of {r['batch_size']}, {r['workers']} worker process(es)")
    print(f"  import            {r['import_s']:8.1f} s   {r['import_cases_per_s']:8.0f} cases/s "
          f"(CPU of this process {r['import_cpu_s']:.1f} s = {r['import_cases_per_cpu_s']:.0f} cases per CPU-second"
          f"{', workers not counted' if r['workers'] > 1 else ''})")
    if r["workers"] > 1:
        per_case = r["workers_cpu_s"] * 1e6 / r["cases"]
        print(f"  CPU of the workers {r['workers_cpu_s']:7.1f} s   ({per_case:.0f} µs per case)")
    print(f"  re-run (nothing new) {r['rerun_s']:5.1f} s   {r['rerun_cases_per_s']:8.0f} cases/s")
    print(f"  report (all)      {r['report_s']:8.2f} s   one municipality {r['report_one_municipality_s']:.2f} s")
    print(f"  HTML              {r['html_s']:8.2f} s   ({r['html_kb']} KiB)")
    print(f"  CSV + Parquet     {r['exports_s']:8.2f} s")
    print(f"  check (quick)     {r['check_s']:8.2f} s")
    print(f"  database size     {r.get('db_mib', '?')} MiB; cases without any route: {r['no_route_cases']}")
    print(f"  load average      {r['load_before']:.1f} before, {r['load_after']:.1f} after (2 cores = 2.0 is full)")


if __name__ == "__main__":
    sys.exit(main())
