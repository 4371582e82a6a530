"""`regelruimte serve`: the real uvicorn server, its reload signal and its file watching."""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest

from service.examples import WELDING_MASK
from tests.conftest import RULESETS
from tests.serving import ROOT, running_server
from tests.service.http.test_live import ZAANSTAD, limit_blocks, set_limit


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root)
    return root


def wait_for_generation(base: str, generation: int, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = httpx.get(f"{base}/readyz").json()
        if ready["generation"] >= generation or ready["last_reload_error"]:
            return ready
        time.sleep(0.1)
    raise AssertionError("no reload")


def decision(base: str) -> dict:
    return httpx.post(f"{base}/v1/decisions", json=WELDING_MASK).json()


def test_serves_the_api_and_the_page(tmp_path):
    logfile = tmp_path / "server.log"
    with running_server(log_path=logfile) as (base, _):
        assert decision(base)["outcome"] == "route_available"
        assert "Casus toetsen" in httpx.get(f"{base}/").text
        r = httpx.post(f"{base}/v1/decisions", json=dict(WELDING_MASK, case_id="111222333"))
        assert r.status_code == 422
    log = logfile.read_text()
    assert "POST /v1/decisions 200" in log and "POST /v1/decisions 422" in log
    assert "111222333" not in log and "1720" not in log and "Traceback" not in log


def test_sighup_reloads_and_a_broken_set_keeps_the_old_one(folder, tmp_path):
    logfile = tmp_path / "server.log"
    with running_server("--rulesets", str(folder), log_path=logfile) as (base, proc):
        assert limit_blocks(decision(base))
        set_limit(folder, "1.30")
        proc.send_signal(signal.SIGHUP)
        assert wait_for_generation(base, 2)["generation"] == 2
        assert not limit_blocks(decision(base))

        (folder / ZAANSTAD).write_text("rules: [\n")
        proc.send_signal(signal.SIGHUP)
        ready = wait_for_generation(base, 3)
        assert ready["generation"] == 2 and ready["last_reload_error"]
        assert not limit_blocks(decision(base))  # still the last sound set
    assert "bijzondere_bijstand.yaml:" in logfile.read_text()


def test_reload_rulesets_watches_the_files(folder):
    with running_server("--rulesets", str(folder), "--reload-rulesets") as (base, _):
        assert limit_blocks(decision(base))
        set_limit(folder, "1.30")
        assert wait_for_generation(base, 2)["generation"] == 2
        assert not limit_blocks(decision(base))


def test_a_broken_set_stops_the_start_with_file_and_line(folder):
    (folder / ZAANSTAD).write_text("rules: [\n")
    result = subprocess.run([sys.executable, "-m", "service.cli", "serve", "--rulesets", str(folder), "--port", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "bijzondere_bijstand.yaml:2" in result.stderr and "Traceback" not in result.stderr


def test_serve_is_a_registered_command():
    result = subprocess.run([sys.executable, "-m", "service.cli", "serve", "--help"], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "--reload-rulesets" in result.stdout
