"""decision.pool: a batch across worker processes gives the loop's results, in order, errors in place."""
from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor

import orjson
import pytest
from starlette.testclient import TestClient

from decision import pool as pool_module
from decision.pool import Files, Pool, worker_count
from decision.decide import decide
from engine.errors import CaseError, NoRulesetInForce, Problem, RegelruimteError
from service.http.api import batch_entry
from service.http.app import create_app
from service.cli.main import main
from service.http.live import content_digest, load_checked
from tests.conftest import EXAMPLES, RULESETS
from tests.strategies import Universe, random_cases

INVALID = {"case_id": "kapot", "municipality": "zaanstad"}  # fails validation: a problem entry, not an error


@pytest.fixture(scope="module")
def cases(registry) -> list:
    """Generated cases with invalid ones in the middle and at the end."""
    out = list(random_cases(Universe.from_registry(registry), 60, seed=17))
    out[23] = INVALID
    out.append({**INVALID, "municipality": "nergenshuizen"})
    return out


@pytest.fixture(scope="module")
def files() -> Files:
    return Files(RULESETS, content_digest(RULESETS), load_checked)


@pytest.fixture(scope="module")
def workers(files):
    """Two clean workers that load the rule sets themselves (as the service's)."""
    with Pool(workers=2, method="forkserver") as p:
        assert p.start(files, wait=True)
        yield p


def loop(task, items, registry) -> list:
    return [task(registry, item) for item in items]


def _pid(registry, item):
    return os.getpid()


def test_ready_workers_decide_in_other_processes(workers, files, registry):
    assert os.getpid() not in set(workers.map(_pid, range(40), registry, files))


def _thresholds(registry, item):
    import gc
    return gc.get_threshold()


def test_clean_workers_collect_garbage_as_a_process_that_decides_many_cases(workers, files, registry):
    from decision.heap import THRESHOLDS
    assert set(workers.map(_thresholds, range(40), registry, files)) == {THRESHOLDS}


def test_workers_give_the_loops_results_byte_for_byte_in_order(workers, files, registry, cases):
    task = functools.partial(batch_entry, "nl")
    pooled = list(workers.map(task, enumerate(cases), registry, files))
    assert pooled == loop(task, enumerate(cases), registry)
    assert [orjson.loads(part)["index"] for _, part in pooled] == list(range(len(cases)))


def test_an_invalid_case_in_the_middle_keeps_its_place(workers, files, registry, cases):
    pooled = list(workers.map(functools.partial(batch_entry, "en"), enumerate(cases), registry, files))
    entry = orjson.loads(pooled[23][1])
    assert pooled[23][0] is False and entry["status"] == "invalid" and entry["index"] == 23
    assert entry["problems"] and all(ok for ok, _ in pooled[:23])


def _raising(registry, item):
    if item == 30:
        raise RegelruimteError([Problem("kapotte regel", "broken rule", rule="r1", file="regels.yaml", line=7)])
    return item


def test_an_exception_is_raised_at_its_position_with_its_problems(workers, files, registry):
    got = []
    with pytest.raises(RegelruimteError) as raised:
        for result in workers.map(_raising, range(100), registry, files):
            got.append(result)
    assert got == list(range(30))
    assert [p.render() for p in raised.value.problems] == ["regels.yaml:7 r1: kapotte regel"]


def test_a_batch_below_the_threshold_is_decided_in_process(files, registry, cases):
    task, few = functools.partial(batch_entry, "nl"), cases[:pool_module.THRESHOLD - 1]
    with Pool(workers=2, method="forkserver") as p:  # not even started
        small = list(p.map(task, enumerate(few), registry, files))
        assert not p.started
    assert small == loop(task, enumerate(few), registry)


def test_one_worker_or_no_source_decides_in_process(files, registry, cases, monkeypatch):
    monkeypatch.setenv("REGELRUIMTE_WORKERS", "1")
    assert worker_count() == 1
    task = functools.partial(batch_entry, "nl")
    with Pool() as single, Pool(workers=2, method="forkserver") as sourceless:
        assert list(single.map(task, enumerate(cases), registry, files)) == loop(task, enumerate(cases), registry)
        assert list(sourceless.map(task, enumerate(cases), registry, None)) == loop(task, enumerate(cases), registry)
        assert not single.started and not sourceless.started


def test_worker_count_comes_from_the_setting_or_the_machine_never_more_than_its_cores(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    monkeypatch.setenv("REGELRUIMTE_WORKERS", "1")
    assert worker_count() == 1
    monkeypatch.setenv("REGELRUIMTE_WORKERS", "9999")  # a fork of 9,999 processes would take the machine down
    assert worker_count() == cores
    for bad in ("twee", "0", "-2", "1.5", "", " "):
        monkeypatch.setenv("REGELRUIMTE_WORKERS", bad)
        if bad.strip():
            with pytest.raises(RegelruimteError) as refused:
                worker_count()
            assert refused.value.problems[0].field == "REGELRUIMTE_WORKERS"
            assert bad not in refused.value.problems[0].message
        else:
            assert worker_count() == cores
    monkeypatch.delenv("REGELRUIMTE_WORKERS")
    assert worker_count() == cores


def test_a_bad_worker_setting_is_a_dutch_message_and_exit_2_not_a_traceback():
    done = subprocess.run([sys.executable, "-m", "service.cli", "check", str(EXAMPLES / "zaanstad-lasmasker.yaml")],
                          capture_output=True, text=True, env={**os.environ, "REGELRUIMTE_WORKERS": "veel"})
    assert done.returncode == 2
    assert "REGELRUIMTE_WORKERS: het aantal werkprocessen moet een geheel getal" in done.stderr and "Traceback" not in done.stderr


def test_a_worker_holding_other_rule_sets_declines_and_the_caller_decides(files, registry):
    stale = Files(files.root, "sha256-van-andere-bestanden", files.load)
    assert pool_module._run(_raising, stale, [1, 2]) is None  # loads the folder, finds other content
    assert pool_module._run(_raising, files, [1, 2]) == ([1, 2], None)
    declined: Future = Future()
    declined.set_result(None)
    with Pool(workers=2) as p:
        results = p._results(ProcessPoolExecutor(1), [4, 5], declined, lambda r, x: x * 10, registry)
        assert list(results) == [40, 50]


def _dies_in_a_worker(registry, item):
    caller, i = item
    if i == 25 and os.getpid() != caller:
        os._exit(1)
    return i


def test_a_killed_worker_costs_no_case_and_the_next_batch_has_new_workers(files, registry):
    items = [(os.getpid(), i) for i in range(60)]
    with Pool(workers=2, method="forkserver") as p:
        p.start(files, wait=True)
        assert list(p.map(_dies_in_a_worker, items, registry, files)) == list(range(60))
        assert not p.started
        p.start(files, wait=True)
        assert os.getpid() not in set(p.map(_pid, range(40), registry, files))


def _one_worker_dies(registry, item):
    caller, i = item
    if i == 40 and os.getpid() != caller:  # a worker dies (the OOM killer, a segfault) on a chunk in the middle
        os._exit(9)
    return i


def test_after_a_worker_dies_the_results_stay_in_input_order():
    # the chunks already out must come back before later ones are decided here: found by a reviewer
    # (a batch of 1,000 answered with 760 decisions in another case's place)
    registry = object()
    items = [(os.getpid(), i) for i in range(200)]
    with Pool(workers=2, method="fork", registry=registry, chunk=8) as p:
        assert list(p.map(_one_worker_dies, items, registry)) == list(range(200))


def _stuck_in_a_worker(registry, item):
    caller, i = item
    if i == 30 and os.getpid() != caller:
        threading.Event().wait()  # a worker that never answers (stands for a pipe left half-written)
    return i


def test_stuck_workers_are_stopped_and_their_chunks_decided_here():
    registry = object()
    items = [(os.getpid(), i) for i in range(100)]
    p = Pool(workers=2, method="fork", registry=registry, chunk=8, timeout=2)
    assert list(p.map(_stuck_in_a_worker, items, registry)) == list(range(100))
    assert not p.started  # the next batch gets new workers
    p.close()


def test_fork_is_refused_while_other_threads_run(registry):
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with Pool(workers=2, method="fork", registry=registry) as p:
            assert list(p.map(_raising, range(20), registry)) == list(range(20))
            assert not p.started
    finally:
        release.set()
        other.join()


def test_close_stops_the_workers_and_later_batches_run_in_process(files, registry):
    p = Pool(workers=2, method="forkserver")
    p.start(files, wait=True)
    assert list(p.map(_raising, range(20), registry, files)) == list(range(20))
    processes = list(p._executor._processes.values())
    p.close()
    assert processes and not any(proc.is_alive() for proc in processes)
    assert list(p.map(_raising, range(20), registry, files)) == list(range(20)) and not p.started


def test_the_batch_route_answers_the_same_bytes_from_workers(registry, cases):
    """With its lifespan the app has a pool; a registry it loaded itself is one workers can load."""
    app = create_app(RULESETS, tokens=(), cors_origins=(), web=False)
    expected = []
    for i, data in enumerate(cases):
        try:
            expected.append({"index": i, "status": "ok", "decision": decide(data, registry, "nl")})
        except (CaseError, NoRulesetInForce) as exc:
            expected.append({"index": i, "status": "invalid", "problems": [p.as_dict("nl") for p in exc.problems]})
    ok = sum(e["status"] == "ok" for e in expected)
    body = orjson.dumps({"count": len(cases), "ok": ok, "invalid": len(cases) - ok, "results": expected},
                        default=str, option=orjson.OPT_NON_STR_KEYS)
    with TestClient(app) as client:
        pool = app.state.pool
        assert pool.start(app.state.live.sources[app.state.live.current], wait=True)
        answer = client.post("/v1/decisions:batch", content=orjson.dumps({"cases": cases}, default=str),
                             headers={"content-type": "application/json"})
        assert answer.status_code == 200
    assert answer.content == body
    assert pool._closed and not pool.started  # the lifespan's end stopped the workers


def test_check_on_many_files_prints_what_each_file_alone_prints(tmp_path, capsys):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("case_id: kapot\nmunicipality: zaanstad\n")
    names = [str(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    names = names[:3] + [str(broken)] + names[3:] + names + names  # more than the pool's threshold
    alone_out, alone_err, codes = [], [], []
    for name in names:
        codes.append(main(["check", name, "--lang", "en"]))
        out, err = capsys.readouterr()
        alone_out.append(out)
        alone_err.append(err)
    # a fresh process: this one has threads by now, and a process with threads is not forked
    many = subprocess.run([sys.executable, "-m", "service.cli", "check", *names, "--lang", "en"], capture_output=True,
                          text=True, env={**os.environ, "REGELRUIMTE_WORKERS": "2"}, check=False)
    assert many.returncode == 2 == max(codes)
    assert many.stdout == "".join(alone_out) and many.stderr == "".join(alone_err)


def test_a_31_digit_number_refuses_only_its_case_from_workers_as_in_process(registry, cases, monkeypatch):
    """The case with the number travels to a worker as its problems (service.http.api.Unread): the
    answer is byte for byte the in-process one, with that case invalid in its place."""
    # the first case gets a field "x" with the number: only the number is named (the case is not validated)
    body = orjson.dumps({"cases": cases[:30]}, default=str).replace(b'"case_id"', b'"x":%s,"case_id"' % (b"9" * 31), 1)
    answers = []
    for workers in ("2", "1"):
        monkeypatch.setenv("REGELRUIMTE_WORKERS", workers)
        app = create_app(RULESETS, tokens=(), cors_origins=(), web=False)
        with TestClient(app) as client:
            if workers == "2":
                assert app.state.pool.start(app.state.live.sources[app.state.live.current], wait=True)
            answers.append(client.post("/v1/decisions:batch", content=body, headers={"content-type": "application/json"}))
    pooled, in_process = answers
    assert pooled.status_code == in_process.status_code == 200 and pooled.content == in_process.content
    result = pooled.json()
    assert result["results"][0] == {"index": 0, "status": "invalid", "problems": [
        {"field": "x", "message": "getal met meer dan 30 cijfers"}]}
    assert result["count"] == 30 and all(e["index"] == i for i, e in enumerate(result["results"]))
