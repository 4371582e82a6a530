import json
import subprocess
import sys

import pytest

from service.cli.main import main
from tests.conftest import CASES, ROOT



def run(*args):
    return subprocess.run([sys.executable, "-m", "service.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_check_json_is_the_public_decision(capsys):
    assert main(["check", str(CASES / "zaanstad-lasmasker.yaml"), "--json"]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["outcome"] == "route_available"
    assert {"case_id", "reference_date", "outcome", "options", "missing_facts", "presumptions", "rulesets",
            "explanation"} <= set(decision)


def test_check_reads_json_cases(tmp_path, capsys, welding_case):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(welding_case))
    assert main(["check", str(path)]) == 0
    assert "Onderbouwing casus zaanstad-lasmasker" in capsys.readouterr().out


@pytest.mark.parametrize("content, fragment", [
    ("case_id: x\n  bad: [\n", "case.yaml:2: ongeldige YAML"),
    ("case_id: x\nreference_date: 2025-01-01\nmunicipality: zaanstad\noptions: [in_kind]\nassets: -5\nneed: {kind: one_off_cost, amount: -3}\n",
     "case.yaml:6 need.amount: moet ten minste 0 zijn"),
    ("case_id: '111222333'\nreference_date: 2025-01-01\nmunicipality: zaanstad\noptions: [in_kind]\n", "dat op een BSN lijkt"),
    ("case_id: x\nreference_date: 2025-01-01\nmunicipality: zaanstad\noptions: [in_knd]\n", "bedoelde u 'in_kind'"),
    ("case_id: x\nreference_date: 2019-01-01\nmunicipality: zaanstad\noptions: [in_kind]\n", "geen versie van regelset"),
])
def test_bad_input_exits_2_with_file_line_and_no_traceback(tmp_path, content, fragment):
    path = tmp_path / "case.yaml"
    path.write_text(content)
    result = run("check", str(path))
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_rulesets_list_and_show(capsys):
    assert main(["rulesets", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed][:3] == ["participatiewet", "bbz", "wsnp"] or "participatiewet" in [r["id"] for r in listed]
    assert main(["rulesets", "show", "zaanstad", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["parameters"]["percentage_inkomensgrens"]["value"] == "1.10"
    assert main(["rulesets", "show", "zaanstadt"]) == 2


def test_check_prints_the_onderbouwing_the_page_gives(capsys, registry, welding_case):
    """`--format onderbouwing`: the client-file paragraphs, the same text as the web page's copy button."""
    from decision.decide import decide
    from service.questions import client_file
    assert main(["check", str(CASES / "zaanstad-lasmasker.yaml"), "--format", "onderbouwing"]) == 0
    printed = capsys.readouterr().out
    assert printed == client_file(decide(welding_case, registry), registry, "nl")[0]
    assert printed.startswith("Onderbouwing casus zaanstad-lasmasker\n\n") and "Routes die een blokkade" in printed
