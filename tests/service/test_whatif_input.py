"""What the what-if takes as input (ADR 0042): ASCII whole numbers, the cost of a sweep counted and bounded,
one what-if at a time, the form checked before a job starts, JSONL and CSV case files, clear messages."""
from __future__ import annotations

import re
import threading
import time

import pytest
from starlette.testclient import TestClient

from service.http.app import create_app
from service.web.whatif_jobs import Jobs
from tests.conftest import lasmasker

SWEEP = "zaanstad.percentage_inkomensgrens=1.00:1.20:0.01"
BASE = {"ruleset": "zaanstad", "date": "15-09-2025", "change": "parameters", "source": "population",
        "param.percentage_inkomensgrens": "120", "population.seed": "1", "population.n": "100"}


def errors(page: str) -> str:
    """The error summary of a form page."""
    found = re.search(r'id="fouten".*?</div>', page, re.S)
    return found[0] if found else ""


@pytest.fixture
def client(registry):
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.state.whatif_jobs = Jobs()
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


# -- 1. a number field of the page --------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["population.n", "population.seed"])
@pytest.mark.parametrize("value", ["²", "①", "١٢", "9" * 5000, "1" * 21])
def test_a_number_field_takes_ascii_digits_only_and_names_the_field(client, field, value):
    page = client.post("/wat-als", data={**BASE, field: value}, follow_redirects=False)
    assert page.status_code == 422
    assert "vul een heel getal in" in page.text
    assert f'href="#f-{re.sub("[^a-z0-9]+", "-", field)}"' in page.text
    assert value not in errors(page.text)  # the field keeps what was typed; the message never repeats it


def test_a_thousands_point_is_still_read(client):
    page = client.post("/wat-als", data={**BASE, "population.n": "1.000"}, follow_redirects=False)
    assert page.status_code == 303


# -- 2. the cost of a sweep --------------------------------------------------------------------------------------


def test_a_sweep_point_does_not_read_and_compile_every_rule_set_again(monkeypatch):
    from engine import loader
    from service.http.whatif import parse_request, run_whatif
    from tests.conftest import RULESETS
    run_whatif(parse_request({"base": "zaanstad@2025-09-15", "cases": [lasmasker()], "sweep": SWEEP}), RULESETS)
    reads = []
    real = loader._read_ruleset
    monkeypatch.setattr(loader, "_read_ruleset", lambda *a: reads.append(a) or real(*a))
    started = time.perf_counter()
    out = run_whatif(parse_request({"base": "zaanstad@2025-09-15", "cases": [lasmasker()], "sweep": SWEEP}), RULESETS)
    seconds = time.perf_counter() - started
    assert len(out["sweep"]["points"]) == 21 and reads == []  # before: 11 rule sets read per point, 21 s
    assert seconds < 10


def test_the_cost_per_sweep_point_is_counted():
    from service.http.whatif import parse_request, run_whatif
    from tests.conftest import RULESETS
    cases = [dict(lasmasker(), case_id=f"c{i}") for i in range(10_000)]
    with pytest.raises(Exception) as caught:  # 10,000 cases, three sweep points: some 40 s, refused at once
        run_whatif(parse_request({"base": "zaanstad@2025-09-15", "cases": cases,
                                  "sweep": "zaanstad.percentage_inkomensgrens=1.10:1.12:0.01"}), RULESETS)
    assert "te veel werk" in caught.value.problems[0].message


def test_a_second_what_if_is_refused_while_one_runs(client):
    from service.http.whatif_limits import GATE
    assert GATE.acquire(blocking=False)  # as a running what-if holds it
    try:
        r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "cases": [lasmasker()], "sweep": SWEEP})
    finally:
        GATE.release()
    assert r.status_code == 429 and r.headers["retry-after"]
    assert "er loopt al een wat-als-berekening; probeer het zo opnieuw" in r.json()["problems"][0]["message"]
    r = client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "cases": [lasmasker()],
                                        "sweep": "zaanstad.percentage_inkomensgrens=1.10:1.20:0.05"})
    assert r.status_code == 200  # and the gate is let go afterwards


def test_a_decision_does_not_wait_for_a_what_if(client):
    """A what-if runs in its own thread: a decision never waits for a worker behind it."""
    done = threading.Event()

    def sweep():
        client.post("/v1/whatif", json={"base": "zaanstad@2025-09-15", "cases": [lasmasker()],
                                        "sweep": "zaanstad.percentage_inkomensgrens=1.00:1.40:0.01"})
        done.set()
    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    started = time.perf_counter()
    r = client.post("/v1/decisions", json=lasmasker())
    waited = time.perf_counter() - started
    for t in threads:
        t.join()
    assert r.status_code == 200 and waited < 3


# -- 3. the form is checked before the job starts -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1,20", "1.20"])
def test_a_factor_typed_on_a_percentage_field_is_asked_back_in_percent(client, typed):
    page = client.post("/wat-als", data={**BASE, "param.percentage_inkomensgrens": typed}, follow_redirects=False)
    assert page.status_code == 422
    said = errors(page.text)
    assert "bedoelt u 120%?" in said and "100%" in said and "(1.00)" not in said


@pytest.mark.parametrize("typed, message", [("99999999999999", "te groot"), ("-120", "niet negatief")])
def test_a_too_large_or_negative_percentage_is_refused_and_said_so(client, typed, message):
    page = client.post("/wat-als", data={**BASE, "param.percentage_inkomensgrens": typed}, follow_redirects=False)
    assert page.status_code == 422 and message in errors(page.text) and typed not in errors(page.text)


def test_too_much_work_is_refused_on_the_form_with_the_values_kept(client):
    data = {**BASE, "population.n": "200000", "sweep.parameter": "percentage_inkomensgrens",
            "sweep.from": "100", "sweep.to": "200", "sweep.step": "10"}
    page = client.post("/wat-als", data=data, follow_redirects=False)
    assert page.status_code == 422  # before: 303 to a job that failed, and the form's values were gone
    assert "te veel werk" in errors(page.text) and 'value="200000"' in page.text


def test_an_overlay_mistake_is_refused_on_the_form(client):
    overlay = b"overlay: {title: Inkomensgrens, ruleset: zaanstad, from: 2026-01-01}\nparameters:\n  percentage_inkomensgrns: {value: '1.20'}\n"
    page = client.post("/wat-als", data={**BASE, "change": "overlay"}, files={"overlay": ("o.yaml", overlay)},
                       follow_redirects=False)
    assert page.status_code == 422 and "percentage_inkomensgrens" in errors(page.text)


def test_a_bsn_in_an_uploaded_case_names_the_file_and_field_not_the_number(client):
    import json
    case = lasmasker()
    case["notes"] = "klant 111222333"
    page = client.post("/wat-als", data={**BASE, "source": "files"},
                       files={"files": ("klant.json", json.dumps(case).encode())}, follow_redirects=False)
    assert page.status_code == 422
    said = errors(page.text)
    assert "klant.json" in said and "notes" in said and "BSN" in said and "111222333" not in said


# -- 4. a sweep in the wrong unit, and what the command line says about it -------------------------------------


def test_a_cli_sweep_over_a_factor_in_percents_is_refused(capsys):
    from service.cli.main import main
    code = main(["whatif", "--base", "zaanstad@2025-09-15", "--sweep", "zaanstad.percentage_inkomensgrens=100:150:10",
                 "--population", "100"])
    assert code == 2
    assert "is een factor: 1.20 is 120%" in capsys.readouterr().err


def test_the_sweep_summary_does_not_say_nothing_changes_when_its_rows_change(capsys):
    from service.cli.main import main
    code = main(["whatif", "--base", "zaanstad@2025-09-15", "--sweep", "zaanstad.percentage_inkomensgrens=1.10:1.30:0.10",
                 "--population", "2000"])
    out = capsys.readouterr().out
    assert code == 0 and "Niets verandert" not in out and "waarden verandert er iets" in out


# -- 5. JSONL and CSV case files ---------------------------------------------------------------------------------


def test_jsonl_case_files_are_read_a_case_per_line(tmp_path, capsys):
    import json
    from service.cli.main import main
    lines = [json.dumps(dict(lasmasker(), case_id=f"c{i}")) for i in range(3)]
    (tmp_path / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["whatif", "--base", "zaanstad@2025-09-15", "--change", "whatif/examples/zaanstad-120.yaml",
                 str(tmp_path / "cases.jsonl"), "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["totals"]["cases"] == 3


def test_a_bad_jsonl_line_is_named_by_its_line(tmp_path, capsys):
    import json
    from service.cli.main import main
    bad = dict(lasmasker(), case_id="c2")
    bad["household"] = "veel"
    (tmp_path / "cases.jsonl").write_text(json.dumps(lasmasker()) + "\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    code = main(["whatif", "--base", "zaanstad@2025-09-15", "--change", "whatif/examples/zaanstad-120.yaml",
                 str(tmp_path / "cases.jsonl")])
    err = capsys.readouterr().err
    assert code == 2 and "cases.jsonl" in err and "3" in err and "household" in err


def test_a_csv_file_is_refused_with_what_to_do(tmp_path, capsys):
    from service.cli.main import main
    (tmp_path / "cases.csv").write_text("case_id,municipality\na,zaanstad\n", encoding="utf-8")
    code = main(["whatif", "--base", "zaanstad@2025-09-15", "--change", "whatif/examples/zaanstad-120.yaml",
                 str(tmp_path / "cases.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "casebook import" in err and "dubbele punt" not in err


def test_the_page_reads_jsonl_uploads(client):
    import json
    text = "\n".join(json.dumps(dict(lasmasker(), case_id=f"c{i}")) for i in range(2)).encode()
    page = client.post("/wat-als", data={**BASE, "source": "files"}, files={"files": ("export.jsonl", text)},
                       follow_redirects=False)
    assert page.status_code == 303
    address = page.headers["location"]
    deadline = time.monotonic() + 60
    while client.get(address + "/stand").json()["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "2 geüploade casus(sen)" in client.get(address).text


# -- 6. messages ---------------------------------------------------------------------------------------------------


def test_a_call_in_an_overlay_condition_names_the_allowed_functions():
    from engine.errors import RegelruimteError
    from whatif.overlay import parse_overlay
    with pytest.raises(RegelruimteError) as caught:
        parse_overlay({"overlay": {"title": "abc", "ruleset": "zaanstad", "from": "2026-01-01"},
                       "rules": [{"id": "zaanstad.bb.inkomensgrens", "when": '__import__("os").system("ls")'}]}, "o.yaml")
    message = caught.value.problems[0].message
    assert "'None'" not in message and "min, max" in message and "niet toegestaan" in message


def test_a_short_overlay_title_says_the_minimum_length():
    from engine.errors import RegelruimteError
    from whatif.overlay import parse_overlay
    with pytest.raises(RegelruimteError) as caught:
        parse_overlay({"overlay": {"title": "x", "ruleset": "zaanstad", "from": "2026-01-01"}}, "o.yaml")
    assert "ten minste 3 tekens" in caught.value.problems[0].message


@pytest.mark.parametrize("args", [["--seed", "²"], ["--population", "①"], ["--population", "9" * 5000],
                                  ["--lang", "111222333"]])
def test_cli_argument_errors_are_dutch_and_do_not_echo_the_value(args):
    import subprocess
    import sys
    from tests.conftest import ROOT
    r = subprocess.run([sys.executable, "-m", "service.cli", "whatif", "--base", "zaanstad@2025-09-15",
                        "--change", "whatif/examples/zaanstad-120.yaml", *args], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert args[1] not in r.stderr and "invalid" not in r.stderr and "regelruimte whatif" in r.stderr


def test_back_to_the_form_keeps_what_was_typed(client, monkeypatch):
    from engine.errors import Problem, RegelruimteError
    import service.web.whatif as page

    def fails(*args, **kwargs):  # a run that fails in the job, after the form was accepted
        raise RegelruimteError([Problem("het casusboek bevat geen casussen", "no cases")])
    monkeypatch.setattr(page, "run_spec", fails)
    answer = client.post("/wat-als", data={**BASE, "param.percentage_inkomensgrens": "125"}, follow_redirects=False)
    address = answer.headers["location"]
    deadline = time.monotonic() + 30
    while client.get(address + "/stand").json()["state"] not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.1)
    back = re.search(r'href="(/wat-als\?[^"]*)"', client.get(address).text)
    assert back, "no link back with the values"
    form = client.get(back[1].replace("&amp;", "&"))
    assert 'value="125"' in form.text


def test_a_sweep_typed_as_factors_on_a_percentage_field_is_asked_back(client):
    data = {**BASE, "sweep.parameter": "percentage_inkomensgrens", "sweep.from": "1,00", "sweep.to": "1,20",
            "sweep.step": "0,05"}
    page = client.post("/wat-als", data=data, follow_redirects=False)
    assert page.status_code == 422 and "bedoelt u 100%?" in errors(page.text)
