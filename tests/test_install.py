"""What a user gets from `pip install regelruimte` (a wheel, no extras) and what make installs.

The wheel is built from this tree and installed into a fresh virtual environment outside it. Its
core dependencies are taken from this environment (linked, not downloaded), so the test runs
offline and proves that the core needs nothing from an extra.
"""
from __future__ import annotations

import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import EXAMPLES, ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SOURCES = ("engine", "explain", "decision", "service", "casebook", "whatif", "rulesets", "pyproject.toml", "README.md")


def wanted(req: Requirement, extras: set[str]) -> bool:
    return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras | {""})


def closure(requirements: list[str]) -> set[str]:
    """The distributions these requirements need, with their extras, as installed here."""
    todo = [Requirement(r) for r in requirements]
    seen: set[str] = set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        extras = set(req.extras)
        todo += [r for r in map(Requirement, md.distribution(name).requires or []) if wanted(r, extras)]
    return seen


def link_distribution(name: str, site: Path) -> None:
    """Make the installed distribution `name` importable in another environment's site-packages."""
    dist = md.distribution(name)
    here = Path(dist.locate_file(""))
    for top in {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}:
        if not (site / top).exists():
            (site / top).symlink_to(here / top)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh environment with the wheel (no extras) and only the core dependencies."""
    base = tmp_path_factory.mktemp("install")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:  # a copy: building writes build/ and *.egg-info beside the sources
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(base / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (base / "dist").glob("regelruimte-*.whl")
    env = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    site = Path(subprocess.run([str(env / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    for name in closure(PROJECT["dependencies"]):
        link_distribution(name, site)
    return env / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_dir / "regelruimte"), *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def test_the_core_needs_no_extra():
    core = closure(PROJECT["dependencies"])
    extras = {canonicalize_name(Requirement(r).name) for reqs in PROJECT["optional-dependencies"].values() for r in reqs}
    assert core.isdisjoint(extras), sorted(core & extras)


@pytest.mark.slow
def test_a_wheel_without_extras_checks_the_welding_mask(installed, tmp_path):
    result = run(installed, "check", str(EXAMPLES / "zaanstad-lasmasker.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Onderbouwing casus zaanstad-lasmasker" in result.stdout
    assert "Uitkomst: maatwerkroute mogelijk" in result.stdout
    listed = run(installed, "rulesets", "list", cwd=tmp_path)
    assert listed.returncode == 0 and "zaanstad" in listed.stdout  # the rule sets came with the wheel
    assert "beslagvrije_voet" in listed.stdout  # every national rule set, also the one added last
    where = subprocess.run([str(installed / "python"), "-c", "import service.config as c; print(c.DEFAULT_RULESETS)"],
                           capture_output=True, text=True, cwd=tmp_path).stdout.strip()
    assert Path(where).is_relative_to(installed.parent) and not Path(where).is_relative_to(ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("args, extra", [
    (["casebook", "list"], "casebook"),
    (["casebook", "--db", "x.sqlite", "import", "map"], "casebook"),
    (["whatif", "--base", "zaanstad@2025-09-15", "--change", "participatiewet@2026-01-01", "--population", "10"],
     "scale"),
])
def test_a_command_without_its_extra_says_which_to_install(installed, tmp_path, args, extra):
    result = run(installed, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert f"pip install 'regelruimte[{extra}]'" in result.stderr and "heeft het extra pakket" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing made half-way


LOCKED = re.compile(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", re.M)


def test_the_lock_meets_every_requirement():
    """requirements.lock pins a version within pyproject.toml's bounds for every direct dependency."""
    pins = {canonicalize_name(n): v for n, v in LOCKED.findall((ROOT / "requirements.lock").read_text())}
    direct = PROJECT["dependencies"] + [r for reqs in PROJECT["optional-dependencies"].values() for r in reqs]
    for req in map(Requirement, direct):
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in requirements.lock: run make lock"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} outside {req.specifier}"
