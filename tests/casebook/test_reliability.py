"""Crashes and concurrent writers, against SQLite always and PostgreSQL when configured.

- `kill -9` while a batch is written but not committed: the batch is absent, every committed batch
  is whole, and re-running the import completes it without duplicates.
- several imports (processes) and API writes (threads) at once: nothing lost, nothing doubled.
"""
from __future__ import annotations

import copy
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from casebook.store import Store
from casebook.synthetic import generate
from service.http import casebook as api_casebook
from tests.conftest import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def records(registry):
    return list(generate(450, seed=5, registry=registry))


def start_import(url: str, path: Path, batch_size: int, fault: bool = False, workers: int = 1) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("REGELRUIMTE_CASEBOOK_FAULT", None)
    if fault:
        env["REGELRUIMTE_CASEBOOK_FAULT"] = "pause"
    return subprocess.Popen([sys.executable, "-m", "service.cli", "casebook", "--db", url, "import", str(path),
                             "--batch-size", str(batch_size), "--workers", str(workers), "--json"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_line(stream, fragment: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    lines = []
    result: list[str] = []

    def reader():
        for line in stream:
            lines.append(line)
            if fragment in line:
                result.append(line)
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    t.join(max(0.0, deadline - time.monotonic()))
    assert result, f"no line with {fragment!r} within {timeout}s; stderr so far: {''.join(lines)[-2000:]}"
    return result[0]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_9_inside_a_batch_leaves_it_absent_and_the_rest_whole(db_url, records, tmp_path, workers):
    """With worker processes too; they end with the importing process (their queue's other end is gone)."""
    path = write_jsonl(tmp_path / "cases.jsonl", records[:400])
    proc = start_import(db_url, path, batch_size=100, fault=True, workers=workers)
    try:
        wait_for_line(proc.stderr, "casebook-fault: paused")
        with Store.open(db_url) as outside:  # the second batch is written but not committed: invisible
            assert outside.stats()["cases"] == 100
        children = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        assert len(children) == (workers if workers > 1 else 0)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(alive(c) for c in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(c) for c in children)
    with Store.open(db_url) as store:
        s = store.stats()
        assert (s["cases"], s["decisions"], s["batches"]) == (100, 100, 1)
        assert store.check() == []
    done = start_import(db_url, path, batch_size=100)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    report = json.loads(out)
    assert (report["added"], report["unchanged"]) == (300, 100)
    with Store.open(db_url) as store:
        s = store.stats()
        assert (s["cases"], s["case_versions"], s["decisions"]) == (400, 400, 400)
        assert store.check() == []


def test_kill_9_at_a_random_moment(db_url, records, tmp_path):
    path = write_jsonl(tmp_path / "cases.jsonl", records)
    proc = start_import(db_url, path, batch_size=25)
    try:
        with Store.open(db_url) as store:
            deadline = time.monotonic() + 120
            while store.stats()["batches"] < 1 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
            time.sleep(random.uniform(0.0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    with Store.open(db_url) as store:
        s = store.stats()
        assert 25 <= s["cases"] <= len(records)
        assert s["cases"] % 25 == 0 or s["cases"] == len(records)  # whole batches only
        assert s["cases"] == s["decisions"] and store.check() == []


def test_concurrent_imports_and_api_writes_lose_and_double_nothing(db_url, records, tmp_path):
    """Three import processes over overlapping files (one in reverse order), and API threads posting
    some of the same cases and new versions of others, all at once."""
    forward = write_jsonl(tmp_path / "a.jsonl", records[:300])
    overlap = write_jsonl(tmp_path / "b.jsonl", records[150:])
    backward = write_jsonl(tmp_path / "c.jsonl", list(reversed(records)))
    changed = []
    for r in records[:40]:  # new content for 40 cases: each must end with exactly two versions
        c = copy.deepcopy(r)
        c["case"]["circumstances"]["necessary_cost"] = not c["case"]["circumstances"]["necessary_cost"]
        changed.append(c)
    procs = [start_import(db_url, p, batch_size=50) for p in (forward, overlap, backward)]

    store = Store.open(db_url)
    app = FastAPI()
    app.include_router(api_casebook.router)
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    client = TestClient(app)
    statuses = []

    def post(chunk):
        for start in range(0, len(chunk), 10):
            statuses.append(client.post("/v1/casebook/cases", content=json.dumps(chunk[start:start + 10]), headers={"content-type": "application/json"}).status_code)

    threads = [threading.Thread(target=post, args=(chunk,)) for chunk in (records[100:200], changed, records[400:])]
    for t in threads:
        t.start()
    outputs = [p.communicate(timeout=600) for p in procs]
    for t in threads:
        t.join(600)
    try:
        for p, (out, err) in zip(procs, outputs):
            assert p.returncode == 0, err
        assert statuses and set(statuses) == {201}
        added = sum(json.loads(out)["added"] for out, _ in outputs)
        s = store.stats()
        assert (s["cases"], s["case_versions"], s["decisions"]) == (450, 490, 490)
        assert added <= 450
        assert store.check() == []
        for r in records[:40]:
            assert [v["version"] for v in store.case(r["case"]["case_id"])["versions"]] == [1, 2]
    finally:
        store.close()
