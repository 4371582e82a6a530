"""`regelruimte lint` and `regelruimte test`: output, JSON, and exit codes 0 / 1 / 2."""
import json
import subprocess
import sys

import pytest

from service.cli.main import main
from tests import demo_rulesets as demo
from tests.conftest import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_lint_of_the_bundled_rule_sets_passes_and_reports_open_terms(capsys):
    # a fixed day on which every rule set's figures are known for more than 45 days (no RR025)
    assert main(["lint", "--today", "2025-09-01"]) == 0
    out = capsys.readouterr().out
    assert "melding RR009 UNVERIFIED_FIGURE [draagkrachtperiode_maanden]" in out
    assert out.rstrip().splitlines()[-1].startswith("lint: 0 fouten, 0 waarschuwingen,")


def test_lint_warns_when_the_figures_of_the_newest_version_run_out(capsys):
    # 4 December 2026: the Participatiewet and Bbz figures are known until 31 December (27 days), and the
    # Zaanstad asset limits of 1 July 2025 only until 31 December 2025
    assert main(["lint", "--today", "2026-12-04", "--severity", "warning", "--json"]) == 0
    found = {(d["code"], d["id"]) for d in json.loads(capsys.readouterr().out)["diagnostics"]}
    # Zaanstad has no figures of its own that are indexed (its asset limit follows art. 34 lid 3)
    assert found == {("RR025", "participatiewet"), ("RR025", "bbz"), ("RR025", "beslagvrije_voet")}


def test_lint_refuses_a_malformed_today(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--today", "4-12-2026"])
    assert exc.value.code == 2
    assert "JJJJ-MM-DD" in capsys.readouterr().err


def test_lint_exits_1_on_errors_with_file_line_and_json(tmp_path, capsys):
    root = demo.write(tmp_path, {"demo/2024-01-01/rules.yaml": demo.V2024.replace("lifts: [demo.2.grens]", "lifts: [demo.2.x]")})
    assert main(["lint", str(root), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    [d] = data["diagnostics"]
    assert (d["code"], d["name"], d["severity"], d["id"]) == ("RR005", "UNKNOWN_LIFT_TARGET", "error", "demo.3.ouderen")
    assert d["file"].endswith("rules.yaml") and d["line"] == 21 and data["counts"]["error"] == 1


def test_lint_exits_2_on_unreadable_input_without_traceback(tmp_path):
    demo.write(tmp_path, {"demo/2025-01-01/version.yaml": "version: [\n"})
    result = run("lint", str(tmp_path))
    assert result.returncode == 2 and "RR100" in result.stdout and "Traceback" not in result.stderr
    result = run("lint", str(tmp_path / "nergens"))
    assert result.returncode == 2 and "pad bestaat niet" in result.stderr


def test_lint_codes_lists_the_catalogue(capsys):
    assert main(["lint", "--codes", "--lang", "en"]) == 0
    assert "RR006 RULE_NOT_TESTED (error)" in capsys.readouterr().out


def test_test_command_runs_every_yaml_test(capsys):
    assert main(["test"]) == 0
    out = capsys.readouterr().out
    assert "participatiewet" in out and " 0 mislukt" in out.splitlines()[-1]


def test_test_command_exits_1_on_a_failing_test(tmp_path, capsys):
    root = demo.write(tmp_path, {"demo/2024-01-01/demo.test.yaml": demo.TESTS.replace("status: {opt_a: blocked}", "status: {opt_a: allowed}")})
    assert main(["test", str(root), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] == 3 and data["failed"][0]["test"].endswith("demo.test.yaml::boven-de-grens")
    assert data["failed"][0]["failures"] == ["status van opt_a: verwacht allowed, kreeg blocked"]


def test_test_command_exits_2_on_an_invalid_test_file(tmp_path):
    root = demo.write(tmp_path, {"demo/2024-01-01/demo.test.yaml": "tests:\n  - id: a\n    expect: {}\n"})
    result = run("test", str(root / "demo"))
    assert result.returncode == 2 and "een test heeft een 'date'" in result.stderr and "Traceback" not in result.stderr
