"""Scale-out on Dask: a what-if compared per Parquet partition on the workers, added up on the client.

The client compiles both sides' plans (Polars expressions, picklable) once and sends them to every
worker; a worker reads its partition, evaluates it under both sides, compares the two, writes its
changed rows to a shared folder and returns only what the report adds up (whatif.combine): counts,
costs and its first example rows. The client never holds a case table, so the population can be
larger than its memory; each worker holds one partition at a time.

Workers need the `regelruimte` package (for nothing more than unpickling the plans' small data
classes) and the Parquet files and the folder for the changed rows at the same path or URL as the
client (a shared filesystem or object store). The rule sets themselves never travel: only the
compiled plans do.

    with cluster("tcp://scheduler:8786") as client:       # or cluster("local")
        comparison = compare_parquet(client, paths, before, after, flips=Path("/shared/flips"))
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import polars as pl

from engine.errors import Problem, RegelruimteError
from engine.registry import Registry

from .columnar import DEFAULT_KEEP, ColumnarResult, Codebook, Plan, options_in, plans_for, run_plans
from .combine import Partial, combine, partial
from .compare import Comparison, compare
from .frame import conform, schema
from .outcomes import BITS, Outcomes, from_columnar, versions_of

LOCAL_WORKERS = 2


@contextlib.contextmanager
def cluster(address: str, workers: int = LOCAL_WORKERS, processes: bool = True, timeout: str = "10s") -> Iterator:
    """A Dask client: `local` starts a LocalCluster on loopback (one Polars thread per worker)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ModuleNotFoundError:
        raise RegelruimteError([Problem("Dask is niet geïnstalleerd (pip install 'regelruimte[scale]')",
                                        "Dask is not installed", field="dask")]) from None
    if address == "local":
        threads = max(1, (os.cpu_count() or 1) // workers)
        # processes talk over TCP on loopback only; threads share this process (in-process transport).
        # The scheduler and workers always run an HTTP server (health, metrics): on loopback too.
        where = {"host": "127.0.0.1", "env": {"POLARS_MAX_THREADS": str(threads)}} if processes else {}
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                          dashboard_address="127.0.0.1:0", worker_dashboard_address="127.0.0.1:0",
                          scheduler_kwargs={"dashboard": False}, **where) as lc, Client(lc) as client:
            yield client
        return
    if not address.startswith(("tcp://", "tls://", "ucx://")):
        raise RegelruimteError([Problem(f"'{address}' is geen Dask-adres; schrijf tcp://host:8786 of local",
                                        f"'{address}' is not a Dask address; write tcp://host:8786 or local",
                                        field="dask")])
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise RegelruimteError([Problem(f"geen verbinding met de Dask-scheduler op {address}: {exc}",
                                        f"cannot reach the Dask scheduler at {address}", field="dask")]) from None
    with client:
        yield client


KEYS = ["case.municipality", "case.reference_date"]
# Rows per worker task: Polars plans a side's query for about a second on this machine whatever its
# size (1.3 s for 10 rows, under load), so a task of one small partition is mostly planning; a task
# of 500,000 rows, both sides and their comparison, peaks at about 1.4 GB on a worker.
ROWS_PER_TASK = 500_000


@dataclass(frozen=True)
class Side:
    """One side of a what-if, compiled on the client: what a worker needs to evaluate a partition."""

    label: str
    columns: dict
    keys: pl.DataFrame
    plans: dict[int, Plan]
    options: tuple[str, ...]
    facts: frozenset[str]

    @property
    def codebooks(self) -> dict[int, Codebook]:
        return {i: p.codebook for i, p in self.plans.items()}

    def outcomes(self, paths: list[str]) -> Outcomes:
        """The partitions at `paths` evaluated under this side (as whatif.run.outcomes does in one process)."""
        table = run_plans(conform(pl.scan_parquet(paths), self.columns), self.keys, self.plans, DEFAULT_KEEP,
                          BITS).collect()
        return from_columnar(ColumnarResult(table=table, codebooks=self.codebooks, options=self.options,
                                            keep=DEFAULT_KEEP, kinds=BITS, facts=self.facts), self.label)

    def named(self) -> Outcomes:
        """This side without its cases: what the report says of it (options, versions)."""
        return Outcomes(cases=pl.DataFrame(), options=self.options, label=self.label,
                        versions=versions_of(self.codebooks), codebooks=self.codebooks)


def survey(path: str, columns: dict) -> tuple[pl.DataFrame, tuple[str, ...], int]:
    """What a worker reports first: the (municipality, date) pairs, the options and the number of rows
    in its partition."""
    lf = conform(pl.scan_parquet(path), columns)
    return lf.select(KEYS).unique().collect(), options_in(lf), pl.scan_parquet(path).select(pl.len()).collect().item()


def tasks(paths: list[str], rows: list[int], workers: int, most: int = ROWS_PER_TASK) -> list[list[str]]:
    """Consecutive partitions grouped into tasks of at most `most` rows (a partition larger than that
    is a task of its own) and at most an even share of the rows per worker, so that every worker
    has work. Each task pays the planning of its queries once, however many rows it reads."""
    share = min(most, -(-sum(rows) // max(workers, 1)))
    out, size = [], 0
    for path, n in zip(paths, rows):
        if out and size + n <= share:
            out[-1].append(path)
            size += n
        else:
            out.append([path])
            size = n
    return out


def compare_task(paths: list[str], flips: str | None, before: Side, after: Side | None) -> Partial:
    """What a worker does: evaluate a few partitions under both sides, compare, and reduce."""
    b = before.outcomes(paths)
    return partial(compare(b, after.outcomes(paths) if after is not None else b), Path(flips) if flips else None)


def compare_parquet(client, paths: Iterable[str | Path], before: Registry, after: Registry | None,
                    labels: tuple[str, str] = ("basis", "wijziging"), flips: Path | None = None) -> Comparison:
    """Compare `before` with `after` (None: with itself) on every case in the Parquet `paths`, a few
    partitions per task (`tasks`); with `flips`, the workers write their changed rows there (for
    Comparison.flips)."""
    paths = [str(p) for p in paths]
    if not paths:
        raise RegelruimteError([Problem("geen Parquet-partities gevonden", "no Parquet partitions found", field="population")])
    found = client.gather(client.map(survey, paths, [schema(before.vocabulary)] * len(paths), pure=False))
    keys = pl.concat([k for k, _, _ in found]).unique()
    options = tuple(sorted({o for _, opts, _ in found for o in opts}))
    groups = tasks(paths, [n for _, _, n in found], len(client.scheduler_info(n_workers=-1)["workers"]))
    sides = []
    for registry, label in zip((before, after), labels):
        if registry is not None:
            compiled_keys, plans = plans_for(keys.lazy(), registry, options)
            sides.append(Side(label, schema(registry.vocabulary), compiled_keys, plans, options,
                              frozenset(registry.vocabulary.facts)))
    targets = [None] * len(groups)
    if flips is not None:
        flips.mkdir(parents=True, exist_ok=True)
        for old in flips.glob("flips-*.parquet"):
            old.unlink()
        targets = [str(flips / f"flips-{Path(g[0]).stem}.parquet") for g in groups]
    shared = client.scatter(sides, broadcast=True)
    b, a = shared[0], shared[1] if len(shared) > 1 else None
    futures = client.map(compare_task, groups, targets, [b] * len(groups), [a] * len(groups), pure=False)
    return combine(client.gather(futures), sides[0].named(), sides[-1].named())
