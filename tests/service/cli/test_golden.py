"""The golden renderings (service/cli/golden.py): they hold for the shipped rule sets, and they catch a
changed figure or explanation text, showing the difference."""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from engine.registry import Registry
from engine.yamlsource import load_file
from service.cli import golden
from service.cli.main import main
from tests.conftest import CASES, RULESETS, case_names

# every n-th generated case: the whole set (3,000) is for `regelruimte test`, too slow for the suite
EVERY = 25
WELDER = "zaanstad-lasmasker"


def test_the_golden_renderings_hold(registry):
    report = golden.check(RULESETS, registry, every=EVERY)
    assert report.readable >= len(case_names()) and report.generated >= 3000 // EVERY
    assert not report.differences, (
        f"{len(report.differences)} afwijkingen; eerste:\n{report.differences[0].text()}\n"
        "bedoeld? `regelruimte test --reset` schrijft de gouden uitvoer opnieuw")


def test_the_golden_set_holds_the_acceptance_cases_and_3000_generated():
    here = golden.folder(RULESETS)
    for name in case_names():
        assert (here / "cases" / f"{name}.yaml").read_bytes() == (CASES / f"{name}.yaml").read_bytes(), name
    with gzip.open(here / golden.GENERATED, "rt", encoding="utf-8") as f:
        ids = [json.loads(line)["case_id"] for line in f]
    assert len(ids) >= 3000 and len(set(ids)) == len(ids)
    rows = (here / golden.DIGESTS).read_text(encoding="utf-8").splitlines()
    assert rows[0].split()[3:] == list(golden.RENDERINGS) and len(rows) == 1 + 2 * len(ids)


def test_a_readable_file_holds_what_check_prints(capsys):
    """The same bytes as `regelruimte check` prints, but for the version digests (masked)."""
    text = (golden.folder(RULESETS) / f"{WELDER}.en.txt").read_text(encoding="utf-8")
    assert main(["check", str(CASES / f"{WELDER}.yaml"), "--format", "markdown", "--lang", "en"]) == 0
    printed = golden.VERSION_DIGEST.sub(golden.MASK, capsys.readouterr().out)
    assert golden.SECTION.format(form="markdown") + printed in text


@pytest.fixture
def small_root(tmp_path) -> Path:
    """A copy of the rule sets with a small golden set: the welder readable, and the welder and two
    other cases generated (only digests kept), rewritten by reset."""
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root, ignore=lambda d, names: ["golden"] if Path(d) == RULESETS else [])
    here = golden.folder(root)
    (here / "cases").mkdir(parents=True)
    shutil.copyfile(CASES / f"{WELDER}.yaml", here / "cases" / f"{WELDER}.yaml")
    with gzip.open(golden.folder(RULESETS) / golden.GENERATED, "rt", encoding="utf-8") as f:
        others = [json.loads(next(f)) for _ in range(2)]
    welder = {**json.loads(json.dumps(load_file(CASES / f"{WELDER}.yaml"), default=str)), "case_id": "gen-lasser"}
    lines = "".join(json.dumps(c) + "\n" for c in [welder, *others])
    (here / golden.GENERATED).write_bytes(gzip.compress(lines.encode()))
    (here / "weg.nl.txt").write_text("a case that is no longer there\n")
    report = golden.reset(root, Registry.load(root))
    assert sorted(report.rewritten) == ["golden/generated.digests", "golden/weg.nl.txt",
                                        f"golden/{WELDER}.en.txt", f"golden/{WELDER}.nl.txt"]
    assert not (here / "weg.nl.txt").exists()
    return root


def _edit(root: Path, old: str, new: str) -> None:
    """Replace `old` in the one rule file (not a test) that holds it."""
    files = [p for p in root.rglob("*.yaml") if old in p.read_text(encoding="utf-8")
             and not p.name.endswith(".test.yaml") and golden.FOLDER not in p.relative_to(root).parts]
    assert len(files) == 1, files
    files[0].write_text(files[0].read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_changed_figure_shows_as_a_diff(small_root):
    assert not golden.check(small_root, Registry.load(small_root)).differences
    _edit(small_root, 'value: "1369.06"', 'value: "1400.00"')  # the norm for a single adult from 2025-07-01
    report = golden.check(small_root, Registry.load(small_root))
    first = report.differences[0]
    assert (first.case, first.lang, first.where) == (WELDER, "nl", f"golden/{WELDER}.nl.txt")
    assert {"text", "onderbouwing", "markdown", "json-tree", "json"} <= set(first.forms)
    assert "\n-      € 1.369,06) en het vermogen." in first.detail and "\n+      € 1.400,00) en het vermogen." in first.detail
    generated = [d for d in report.differences if d.case == "gen-lasser"]
    assert [d.lang for d in generated] == ["nl", "en"] and generated[0].where == f"golden/{golden.GENERATED}:1"
    assert "€ 1.400,00" in generated[0].detail
    assert {d.case for d in report.differences} == {WELDER, "gen-lasser"}  # the other cases do not read it


def test_a_changed_explanation_text_shows_as_a_diff(small_root):
    _edit(small_root, "Een hogere inkomensgrens (110%, 120%, …) is gemeentelijk beleid.",
          "Een hogere inkomensgrens is beleid van de gemeente.")
    report = golden.check(small_root, Registry.load(small_root))
    assert (report.differences[0].case, report.differences[0].lang) == (WELDER, "nl")
    assert {WELDER, "gen-lasser"} <= {d.case for d in report.differences}
    detail = report.differences[0].detail
    removed, added = (" ".join(line[1:].strip() for line in detail.splitlines()
                               if line.startswith(sign) and not line.startswith(sign * 3)) for sign in "-+")
    assert "is gemeentelijk beleid." in removed and "is beleid van de gemeente." in added


def test_regelruimte_test_fails_on_a_difference_and_reset_rewrites(small_root, capsys):
    _edit(small_root, "(110%, 120%, …) is gemeentelijk beleid.", "(110%, 120%, …) is lokaal beleid.")
    assert main(["test", str(small_root)]) == 1
    out = capsys.readouterr().out
    assert f"MISLUKT golden/{WELDER}.nl.txt: casus {WELDER} (nl) wijkt af in text, markdown" in out
    assert "\n+" in out and "lokaal beleid." in out and " 0 mislukt" in out.splitlines()[-1]
    assert re.search(r"^golden: 4 casussen \(1 leesbaar\), [1-8] wijken af, 0 bestanden herschreven$", out, re.M)
    assert main(["test", str(small_root), "--reset", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["golden"]
    assert sorted(report["rewritten"]) == ["golden/generated.digests", f"golden/{WELDER}.nl.txt"]
    assert report["differences"] == [] and (report["readable_cases"], report["generated_cases"]) == (1, 3)
    assert "lokaal beleid." in (golden.folder(small_root) / f"{WELDER}.nl.txt").read_text(encoding="utf-8")
