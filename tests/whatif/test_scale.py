"""Dask: one Polars evaluation per Parquet partition gives exactly the single-process result."""
import datetime as dt

import pytest

from engine.errors import RegelruimteError
from engine.registry import Registry
from tests.conftest import RULESETS
from whatif import columnar, population, scale
from whatif.compare import compare
from whatif.run import Source, outcomes
from whatif.scenario import Ref, baseline, reform

DAY = dt.date(2025, 9, 15)


@pytest.fixture(scope="module")
def client():
    with scale.cluster("local", workers=2, processes=False) as c:
        yield c


def test_partitions_on_a_cluster_give_the_single_process_result(tmp_path, client):
    registry = Registry.load(RULESETS)
    parts = population.write(tmp_path, 6_000, 5, registry, DAY, rows_per_part=1_500)
    here = columnar.evaluate(population.scan(tmp_path), registry)
    there = scale.evaluate_parquet(client, parts, registry)
    assert len(parts) == 4 and there.table.equals(here.table) and there.options == here.options
    assert there.decode().equals(here.decode())


def test_a_what_if_on_the_cluster_is_the_what_if_at_home(tmp_path, client):
    base = Ref("zaanstad", DAY)
    b, a = baseline(RULESETS, base), reform(RULESETS, base, str(RULESETS.parent / "whatif/examples/zaanstad-120.yaml"))
    parts = population.write(tmp_path, 4_000, 9, b, DAY, ["zaanstad"], rows_per_part=1_000)
    source = Source("test", table=population.scan(tmp_path), parts=parts)
    remote = compare(outcomes(b, source, "b", client), outcomes(a, source, "a", client))
    local = compare(outcomes(b, source, "b"), outcomes(a, source, "a"))
    assert remote.totals == local.totals and remote.totals["flips"] > 0


def test_a_wrong_address_is_a_clear_error():
    with pytest.raises(RegelruimteError, match="geen Dask-adres"):
        with scale.cluster("ftp://scheduler:8786"):
            pass
    with pytest.raises(RegelruimteError, match="geen verbinding"):
        with scale.cluster("tcp://127.0.0.1:9", timeout="1s"):
            pass


def test_a_local_cluster_listens_on_loopback_only(client):
    """No network at run time but loopback: the scheduler's and workers' HTTP servers included."""
    scheduler = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.http_server.address)
    workers = client.run(lambda dask_worker: dask_worker.http_server.address)
    assert scheduler == "127.0.0.1" and set(workers.values()) == {"127.0.0.1"}
