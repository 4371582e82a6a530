"""What the what-if takes as input (ADR 0042): ASCII whole numbers, the cost of a sweep counted and bounded,
one what-if at a time, the form checked before a job starts, JSONL and CSV case files, clear messages."""
from __future__ import annotations

import re
import threading
import time

import pytest
from starlette.testclient import TestClient

from service.http.app import create_app
from service.http.whatif_limits import GATE
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
