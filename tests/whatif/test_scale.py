"""Dask: a what-if compared per Parquet partition on the workers gives exactly the single-process report."""
import datetime as dt

import pytest

from engine.errors import RegelruimteError
from tests.conftest import RULESETS
from whatif import population, report, run, scale
from whatif.combine import Combined
from whatif.compare import EXAMPLES
from whatif.run import Source
from whatif.scenario import Ref, baseline, reform

DAY = dt.date(2025, 9, 15)


@pytest.fixture(scope="module")
def client():
    with scale.cluster("local", workers=2, processes=False) as c:
        yield c


def _same(remote, local):
    """The report's numbers, examples and export are the same, whichever path made them."""
    assert remote.totals == local.totals
    for name in ("by_direction", "by_rule", "by_municipality", "by_household_type", "by_option", "cost"):
        assert getattr(remote, name).equals(getattr(local, name)), name
    assert remote.examples().equals(local.examples())
    assert remote.flips().equals(local.flips())
    assert remote.before.versions == local.before.versions and remote.after.versions == local.after.versions


def test_a_what_if_reduced_on_the_cluster_is_the_what_if_at_home(tmp_path, client):
    base = Ref("zaanstad", DAY)
    b, a = baseline(RULESETS, base), reform(RULESETS, base, str(RULESETS.parent / "whatif/examples/zaanstad-120.yaml"))
    parts = population.write(tmp_path / "pop", 6_000, 9, b, DAY, rows_per_part=1_500)
    source = Source("test", table=population.scan(tmp_path / "pop"), parts=parts)
    remote = run.comparison(b, a, source, client)
    local = run.comparison(b, a, Source("test", table=population.scan(tmp_path / "pop")))
    assert len(parts) == 4 and isinstance(remote, Combined) and remote.pairs is None
    assert remote.totals["flips"] > 0 and remote.totals["households_helped"] > 0
    assert len(remote.parts) > 1  # the changed rows of several partitions, written by the workers
    assert remote.cost.height > 1 and remote.examples().height == EXAMPLES  # every municipality, 25 examples
    _same(remote, local)
    meta = report.Meta(title="t", base=str(base), change=a.label, source="s", labels=report.labels(b),
                       labels_after=report.labels(a), municipalities=report.municipality_names(b))
    for lang in ("nl", "en"):
        assert report.html(remote, b.vocabulary, meta, lang=lang) == report.html(local, b.vocabulary, meta, lang=lang)
        assert report.text_summary(remote, b.vocabulary, meta, lang) == report.text_summary(local, b.vocabulary, meta, lang)
        assert report.flips_table(remote, lang, flat=True).equals(report.flips_table(local, lang, flat=True))


def test_a_baseline_against_itself_on_the_cluster_changes_nothing(tmp_path, client):
    b = baseline(RULESETS, Ref("zaanstad", DAY))
    parts = population.write(tmp_path, 2_000, 3, b, DAY, ["zaanstad"], rows_per_part=1_000)
    source = Source("test", table=population.scan(tmp_path), parts=parts)
    remote, local = run.comparison(b, None, source, client), run.comparison(b, None, Source("t", table=source.table))
    assert remote.totals["flips"] == 0 and remote.totals["option_checks"] > 0 and remote.flips().is_empty()
    _same(remote, local)


def test_a_sweep_on_the_cluster_is_the_sweep_at_home(tmp_path, client):
    base = Ref("zaanstad", DAY)
    b = baseline(RULESETS, base)
    parts = population.write(tmp_path, 3_000, 4, b, DAY, ["zaanstad"], rows_per_part=1_000)
    source = Source("test", table=population.scan(tmp_path), parts=parts)
    sweep = run.parse_sweep("zaanstad.percentage_inkomensgrens=1.10:1.30:0.10")
    remote = run.run_sweep(RULESETS, base, sweep, source, client=client)
    local = run.run_sweep(RULESETS, base, sweep, Source("t", table=source.table))
    assert remote.equals(local) and remote["households_helped"].to_list()[-1] > 0


def test_tasks_group_consecutive_partitions_up_to_a_share_of_the_rows():
    paths = [f"p{i}" for i in range(6)]
    assert scale.tasks(paths, [100] * 6, workers=2) == [["p0", "p1", "p2"], ["p3", "p4", "p5"]]
    assert scale.tasks(paths, [100] * 6, workers=2, most=200) == [["p0", "p1"], ["p2", "p3"], ["p4", "p5"]]
    assert scale.tasks(paths, [50, 400, 50, 50, 50, 50], workers=1, most=200) == [
        ["p0"], ["p1"], ["p2", "p3", "p4", "p5"]]  # a partition larger than a task is a task of its own
    assert sum(scale.tasks(paths, [1] * 6, workers=8), []) == paths


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
