"""The README's commands run as written, in a fresh folder, so the README cannot fall behind the code.

Every line of every ```sh block runs (`make test` is this run itself; `make run` is started on a free
port, PORT being the override the README documents, and stopped once it answers). The command
table's commands exist with the options it lists, and the welding-mask output it shows is what
`check` prints.
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.serving import free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
# what a run leaves behind, and what a fresh clone does not have
NOT_FRESH = {".git", "out", "build", "dist", ".pytest_cache", ".hypothesis", "tests", "benchmarks"}


def sh_commands(text: str) -> list[str]:
    """The commands in the ```sh blocks: continuation lines joined, comments dropped."""
    out = []
    for block in SH_BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                out.append(" ".join(line.split()))
    return out


COMMANDS = sh_commands(README)


@pytest.fixture
def fresh(tmp_path) -> Path:
    """A folder as after `git clone` and `make`: the project's files (linked) and .venv, no output yet."""
    for entry in ROOT.iterdir():
        if entry.name not in NOT_FRESH and not entry.name.endswith((".sqlite", ".egg-info")):
            (tmp_path / entry.name).symlink_to(entry)
    return tmp_path


def shell(command: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REGELRUIMTE_DATABASE_URL"}
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def test_the_readme_shows_the_two_make_commands_and_the_examples():
    assert COMMANDS[:2] == ["make run", "make test"]
    assert len(COMMANDS) > 2  # the examples (a README without them would make this file test nothing)


@pytest.mark.slow
@pytest.mark.parametrize("command", [c for c in COMMANDS if not c.startswith("make ")])
def test_a_readme_command_runs_as_written(fresh, command):
    result = shell(command, fresh)
    assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"
    assert "Traceback" not in result.stderr
    for word in shlex.split(command):  # what it says it writes is there, in the ignored out/
        if word.startswith("out/"):
            assert (fresh / word).stat().st_size > 0
    assert "out/" in (ROOT / ".gitignore").read_text().split()


@pytest.mark.slow
def test_make_run_serves_the_page_on_the_port_given(fresh):
    # the fresh folder shares .venv: with an outdated install, make would reinstall it from the fresh folder
    if subprocess.run(["make", "-q", "setup"], cwd=ROOT).returncode != 0:
        pytest.fail(".venv does not match pyproject.toml and requirements.lock: run make setup", pytrace=False)
    port = free_port()
    proc = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=fresh, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"make run stopped (exit {proc.returncode})"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "make run did not answer"
            time.sleep(0.2)
        assert "Casus toetsen" in httpx.get(f"http://127.0.0.1:{port}/").text
        assert (fresh / "casebook.sqlite").exists()  # the demo casebook, made where make runs
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_the_welding_mask_output_is_what_check_prints():
    shown = README.split("gives (abridged):", 1)[1].split("```", 2)[1]
    result = subprocess.run([str(ROOT / ".venv/bin/regelruimte"), "check", "examples/zaanstad-lasmasker.yaml"],
                            cwd=ROOT, capture_output=True, text=True)
    printed = {line.strip() for line in result.stdout.splitlines()}
    kept = [line.strip() for line in shown.splitlines() if line.strip() and "…" not in line and "..." not in line]
    assert len(kept) > 10
    assert [line for line in kept if line not in printed] == []


TABLE_ROW = re.compile(r"^\| `(regelruimte [^`]*)`", re.M)


@pytest.mark.parametrize("row", TABLE_ROW.findall(README.split("## Command line", 1)[1]))
def test_the_command_table_names_real_commands_and_options(row):
    words = row.replace("\\|", "|").split()[1:]
    command = []
    for word in words:
        if not re.fullmatch(r"[a-z]+", word):
            break
        command.append(word)
    result = subprocess.run([str(ROOT / ".venv/bin/regelruimte"), *command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for option in re.findall(r"--[a-z][a-z-]*", row):
        assert option in result.stdout, f"{' '.join(command)}: {option} is not an option"


CASEBOOK_DOC = (ROOT / "docs" / "casebook.md").read_text(encoding="utf-8")
# lines of docs/casebook.md's first block that show a form, not a command to type as is
FORMS = ("teams.csv", "../beleid-120", " | ")


@pytest.mark.slow
def test_the_casebook_guide_runs_as_written(fresh):
    """docs/casebook.md's first block, in order, in an activated environment (`regelruimte` on PATH)."""
    lines = [c for c in sh_commands(SH_BLOCK.search(CASEBOOK_DOC).group(0)) if not any(f in c for f in FORMS)]
    assert "regelruimte casebook import examples" in lines and len(lines) >= 6
    path = f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"
    for command in lines:
        result = shell(f"PATH={shlex.quote(path)} {command}", fresh)
        assert result.returncode == 0, f"{command}\n{result.stderr[-2000:]}"
    assert (fresh / "zaanstad.jsonl").read_text().count("\n") == 2  # both Zaanstad examples, exported
