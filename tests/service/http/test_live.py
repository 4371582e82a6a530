"""Reloading rule sets while serving: atomic, and a broken set is refused."""
from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import os
import re
import shutil
import threading
import weakref

import pytest

from decision.decide import decide
from service.examples import WELDING_MASK
from service.http.live import LiveRegistry, fingerprint, settle_heap
from tests.conftest import RULESETS
from tests.service.conftest import make_client

ZAANSTAD = "local/zaanstad/2024-01-01/bijzondere_bijstand.yaml"
WSNP = "wsnp/2024-01-01/boedel_en_krediet.yaml"


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root)
    return root


def set_limit(root, percentage: str) -> None:
    """Change Zaanstad's income limit (110% of the norm) in its rule-set file."""
    path = root / ZAANSTAD
    text, n = re.subn(r'value: "1\.\d+"', f'value: "{percentage}"', path.read_text(), count=1)
    assert n == 1
    path.write_text(text)


def mark_wsnp(root, marker: str) -> None:
    """A change to a second rule set (a note), so a mix of generations would show in the digests."""
    path = root / WSNP
    text, n = re.subn(r'note: "[^"]*"', f'note: "{marker}"', path.read_text(), count=1)
    assert n == 1
    path.write_text(text)


def special_assistance(decision: dict) -> dict:
    return next(o for o in decision["options"] if o["option"] == "special_assistance")


def limit_blocks(decision: dict) -> bool:
    return any(b["rule"] == "zaanstad.bb.inkomensgrens" for b in special_assistance(decision)["blocked_by"])


def test_a_sound_new_set_is_swapped_in(folder):
    live = LiveRegistry(folder)
    old = live.current
    assert limit_blocks(decide(WELDING_MASK, old))
    set_limit(folder, "1.30")  # 130% of the norm: € 1.720 is under it
    assert live.reload() is True
    assert live.current is not old and live.generation == 2 and live.last_error is None
    assert not limit_blocks(decide(WELDING_MASK, live.current))


@pytest.fixture
def settled():
    """A heap as `regelruimte serve` leaves it: everything loaded is frozen out of the collector."""
    settle_heap()
    yield
    gc.unfreeze()


def test_a_reload_in_a_settled_process_frees_the_old_set_and_freezes_the_new(folder, settled):
    live = LiveRegistry(folder)
    settle_heap()
    old = weakref.ref(live.current)
    set_limit(folder, "1.30")
    assert live.reload() is True
    assert old() is None  # the replaced registry was collected, not kept frozen for ever
    assert gc.get_freeze_count() > 0
    assert not limit_blocks(decide(WELDING_MASK, live.current))


def test_a_broken_set_is_refused_and_the_old_one_keeps_serving(folder, caplog):
    live = LiveRegistry(folder)
    old = live.current
    path = folder / ZAANSTAD
    path.write_text(path.read_text() + "\n  - id: kapot\n    kind: block\n    title: [\n")
    with caplog.at_level(logging.ERROR, logger="regelruimte.rulesets"):
        assert live.reload() is False
    assert live.current is old and live.generation == 1
    assert live.last_error and live.last_error[0].file.endswith("bijzondere_bijstand.yaml")
    assert "geweigerd" in caplog.text
    assert f"{path}:" in caplog.text  # file and line
    assert limit_blocks(decide(WELDING_MASK, live.current))


def test_a_semantically_wrong_set_is_refused_too(folder, caplog):
    live = LiveRegistry(folder)
    path = folder / ZAANSTAD
    path.write_text(path.read_text().replace("zaanstad.bb.inkomensgrens", "Zaanstad Inkomensgrens!", 1))
    with caplog.at_level(logging.ERROR, logger="regelruimte.rulesets"):
        assert live.reload() is False
    assert "bijzondere_bijstand.yaml:" in caplog.text


def test_a_request_never_sees_a_mix_of_two_generations(folder):
    """Decisions made during many reloads each use one whole generation of rule sets."""
    live = LiveRegistry(folder)

    def digests(registry) -> dict:  # of the versions in force for the welding-mask case
        day = dt.date.fromisoformat(str(WELDING_MASK["reference_date"]))
        return {v.id: v.digest for v in registry.select(WELDING_MASK["municipality"], day)}

    generations = {}  # wsnp digest (unique per generation) -> (zaanstad digest, does the limit block?)
    first = digests(live.current)
    generations[first["wsnp"]] = (first["zaanstad"], True)
    stop = threading.Event()
    seen, errors = [], []

    def serve():
        while not stop.is_set():
            registry = live.current  # what a request does: read the reference once
            try:
                d = decide(WELDING_MASK, registry)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return
            seen.append((dict((r["id"], r["digest"]) for r in d["rulesets"]), limit_blocks(d)))

    threads = [threading.Thread(target=serve) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for n, percentage in enumerate(("1.30", "1.10", "1.30", "1.10", "1.30", "1.10")):
            set_limit(folder, percentage)
            mark_wsnp(folder, f"generatie {n}")
            assert live.reload()
            now = digests(live.current)
            generations[now["wsnp"]] = (now["zaanstad"], percentage == "1.10")
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors and len(generations) == 7
    assert len({used["wsnp"] for used, _ in seen}) > 1  # requests did run across reloads
    for used, blocked in seen:
        zaanstad, blocks = generations[used["wsnp"]]
        assert used["zaanstad"] == zaanstad  # the same generation for every rule set in one decision
        assert blocked == blocks


def test_fingerprint_sees_edits(folder):
    before = fingerprint(folder)
    set_limit(folder, "1.30")
    assert fingerprint(folder) != before


def test_watch_reloads_after_a_change(folder):
    live = LiveRegistry(folder)

    async def scenario():
        task = asyncio.create_task(live.watch(interval=0.05))
        await asyncio.sleep(0.2)
        set_limit(folder, "1.30")
        for _ in range(100):
            await asyncio.sleep(0.05)
            if live.generation == 2:
                break
        task.cancel()

    asyncio.run(scenario())
    assert live.generation == 2
    assert not limit_blocks(decide(WELDING_MASK, live.current))


def test_readiness_reports_a_refused_reload(folder):
    with make_client(rulesets_dir=folder) as c:
        live = c.app.state.live
        (folder / ZAANSTAD).write_text("rules: [\n")
        assert live.reload() is False
        ready = c.get("/readyz").json()
        assert ready["status"] == "ready" and ready["generation"] == 1
        assert ready["last_reload_error"][0]["file"].endswith("bijzondere_bijstand.yaml")
        assert c.post("/v1/decisions", json=WELDING_MASK).status_code == 200  # the old set still serves


def test_a_reload_of_unchanged_files_loads_nothing(folder, monkeypatch):
    """A SIGHUP too many (or three in a row) costs a comparison of the files, not a full load."""
    live = LiveRegistry(folder)
    old = live.current
    monkeypatch.setattr("service.http.live.Registry.load", lambda root: pytest.fail("unchanged files were loaded again"))
    assert live.reload() is True
    assert live.current is old and live.generation == 1


def test_any_edit_is_a_change_even_one_that_keeps_size_and_time(folder):
    """The comparison reads the content: an edit of the same length within the same clock tick reloads."""
    live = LiveRegistry(folder)
    path = folder / ZAANSTAD
    stat = path.stat()
    text = path.read_text()
    assert 'value: "1.10"' in text
    path.write_text(text.replace('value: "1.10"', 'value: "1.30"', 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert live.reload() is True
    assert live.generation == 2 and not limit_blocks(decide(WELDING_MASK, live.current))


def test_a_replaced_rule_set_is_freed_at_once_without_the_collector(folder):
    """A registry without reference cycles is freed by reference counting the moment the last request
    lets go of it. With cycles (a self-calling closure once kept every compiled rule alive) it waited
    for a full collection: tens of milliseconds in which no request is answered, and in a settled
    process (gc.freeze) it was never freed at all."""
    live = LiveRegistry(folder)
    decide(WELDING_MASK, live.current)
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        set_limit(folder, "1.30")
        assert live.reload() is True
        decide(WELDING_MASK, live.current)
        assert gc.collect() == 0  # nothing of the replaced set (or of a decision) was left in a cycle
    finally:
        if enabled:
            gc.enable()
