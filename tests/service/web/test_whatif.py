"""The what-if page for policy staff (service.web.whatif) and its job registry (service.web.whatif_jobs)."""
from __future__ import annotations

import html
import io
import re
import threading
import time
from decimal import Decimal

import polars as pl
import pytest
from starlette.testclient import TestClient

from engine.errors import RegelruimteError
from service.http.app import create_app
from service.web.whatif_jobs import Busy, Jobs
from service.web.whatif import read_value
from tests.conftest import EXAMPLES


@pytest.fixture
def client(registry):
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.state.whatif_jobs = Jobs()
    with TestClient(app) as c:
        yield c


def words(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S)))
    return re.sub(r"\s+([,.;)])", r"\1", re.sub(r"\s+", " ", text))


def finished(client, address: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(address + "/stand").json()["state"]
        if state in ("done", "failed"):
            return client.get(address).text
        time.sleep(0.2)
    raise AssertionError("the what-if did not finish")


BASE = {"ruleset": "zaanstad", "date": "15-9-2025", "change": "parameters", "source": "population",
        "population.n": "2000", "population.seed": "1"}


def test_step_two_lists_the_versions_parameters_with_value_and_source(client):
    page = client.get("/wat-als?ruleset=zaanstad&date=15-9-2025")
    assert page.status_code == 200
    row = re.search(r'<tr>\s*<th scope="row"><label for="f-param-percentage-inkomensgrens">(.*?)</tr>', page.text, re.S)[0]
    text = words(row)
    assert "Inkomensgrens voor bijzondere bijstand" in text and "110%" in text
    assert "Inkomensgrens minimavoorzieningen gemeente Zaanstad" in text  # the source
    assert 'href="/wat-als" aria-current="page"' in page.text


def test_a_raised_income_limit_helps_households_and_the_flips_download(client):
    answer = client.post("/wat-als", data={**BASE, "param.percentage_inkomensgrens": "120"}, follow_redirects=False)
    assert answer.status_code == 303
    page = finished(client, answer.headers["location"])
    text = words(page)
    assert "Inkomensgrens voor bijzondere bijstand" in text and "110% → 120%" in text
    helped = int(re.search(r"Huishoudens: ([\d.]+) geholpen, [\d.]+ benadeeld", text)[1].replace(".", ""))
    assert helped > 0  # households between 110% and 120% of the norm are no longer blocked by the limit
    csv = client.get(answer.headers["location"] + "/verschuivingen.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    flips = pl.read_csv(io.BytesIO(csv.content))
    assert "helped" in set(flips["effect"]) and (flips["municipality"] == "zaanstad").all()
    parquet = client.get(answer.headers["location"] + "/verschuivingen.parquet")
    assert pl.read_parquet(io.BytesIO(parquet.content)).height == flips.height


def test_the_same_as_the_command_line(client, tmp_path):
    """The page's numbers are those of `regelruimte whatif` for the same change and population."""
    from whatif import run
    from whatif.compare import compare
    from whatif.overlay import load_overlay
    from whatif.scenario import baseline, parse_ref, reform
    from service.config import DEFAULT_RULESETS
    base = parse_ref("zaanstad@2025-09-15", "base")
    overlay = load_overlay("whatif/examples/zaanstad-120.yaml")  # from 2026-01-01: compare the same way
    source = run.population_source(2000, 1, baseline(DEFAULT_RULESETS, base), base.day, ["zaanstad"])
    expected = compare(run.outcomes(baseline(DEFAULT_RULESETS, base), source, "basis"),
                       run.outcomes(reform(DEFAULT_RULESETS, base, overlay), source, "wijziging")).totals
    answer = client.post("/wat-als", data={**BASE, "change": "overlay"},
                         files={"overlay": ("zaanstad-120.yaml", open("whatif/examples/zaanstad-120.yaml", "rb"))},
                         follow_redirects=False)
    text = words(finished(client, answer.headers["location"]))
    shown = re.search(r"Huishoudens: ([\d.]+) geholpen", text)[1].replace(".", "")
    assert int(shown) == expected["households_helped"]


def test_two_versions_of_the_law_compared(client):
    answer = client.post("/wat-als", data={**BASE, "ruleset": "participatiewet", "date": "2025-09-15",
                                           "change": "version", "other_date": "2026-01-01",
                                           "population.municipalities": ["zaanstad", "utrecht"]},
                         follow_redirects=False)
    text = words(finished(client, answer.headers["location"]))
    assert "participatiewet@2026-01-01" in text and "2.000 huishoudens" in text


def test_a_sweep_draws_its_chart(client):
    answer = client.post("/wat-als", data={**BASE, "sweep.parameter": "percentage_inkomensgrens",
                                           "sweep.from": "110", "sweep.to": "130", "sweep.step": "10"},
                         follow_redirects=False)
    page = finished(client, answer.headers["location"])
    # the parameter by its title, the values as the form asked them (percent), not 1.1–1.3
    text = words(page)
    assert "Reeks van waarden: Inkomensgrens voor bijzondere bijstand" in text and page.count("<svg") >= 5
    assert "110%" in text and "130%" in text and "1.1" not in text
    assert "Wat-als: reeks van waarden: Inkomensgrens voor bijzondere bijstand" in text


def test_a_sweep_counts_the_households_that_are_not_comparable(client):
    # lowering the limit to 100%: households whose maatwerk route is no longer needed now wait on an open norm
    answer = client.post("/wat-als", data={**BASE, "sweep.parameter": "percentage_inkomensgrens",
                                           "sweep.from": "100", "sweep.to": "110", "sweep.step": "10"},
                         follow_redirects=False)
    text = words(finished(client, answer.headers["location"]))
    assert "Waarde geholpen benadeeld niet te vergelijken Verschuivingen" in text
    helped, hurt, open_ = map(int, re.search(r"100% (\d+) (\d+) (\d+) ", text).groups())
    assert open_ > 0 and "110% 0 0 0 0 " in text


def test_uploaded_case_files(client):
    files = [("files", (name, (EXAMPLES / name).read_bytes())) for name in
             ("zaanstad-lasmasker.yaml", "zaanstad-onvolledig.yaml")]
    answer = client.post("/wat-als", data={**BASE, "source": "files", "param.percentage_inkomensgrens": "120"},
                         files=files, follow_redirects=False)
    assert "2 geüploade casus(sen)" in words(finished(client, answer.headers["location"]))


@pytest.mark.parametrize("field, value, message", [
    ("param.percentage_inkomensgrens", "veel", "geen getal"),
    ("population.n", "300000", "1 tot 200.000"),
    ("date", "gisteren", "vul een datum in"),
])
def test_a_mistake_is_named_at_its_field_and_not_echoed(client, field, value, message):
    data = {**BASE, "param.percentage_inkomensgrens": "120", field: value}
    page = client.post("/wat-als", data=data)
    assert page.status_code == 422
    assert message in page.text and 'id="fouten"' in page.text
    if field != "date":
        assert f'href="#f-{re.sub("[^a-z0-9]+", "-", field)}"' in page.text
        assert f'id="f-{re.sub("[^a-z0-9]+", "-", field)}"' in page.text


def test_nothing_to_change_is_asked_back(client):
    page = client.post("/wat-als", data=BASE)
    assert page.status_code == 422 and "ten minste één parameter" in page.text


def test_a_bsn_typed_anywhere_is_not_shown_again(client):
    page = client.post("/wat-als", data={**BASE, "param.percentage_inkomensgrens": "111222333"})
    assert "111222333" not in page.text


def test_too_much_work_is_refused_within_the_bounds_of_adr_0010(client):
    answer = client.post("/wat-als", data={**BASE, "population.n": "200000", "sweep.parameter": "percentage_inkomensgrens",
                                           "sweep.from": "100", "sweep.to": "200", "sweep.step": "10"},
                         follow_redirects=False)
    # refused on the form, before a job starts (ADR 0042)
    assert answer.status_code == 422 and "te veel werk" in answer.text and 'id="fouten"' in answer.text


def test_a_form_from_another_site_is_refused(client):
    answer = client.post("/wat-als", data={**BASE, "param.percentage_inkomensgrens": "120"},
                         headers={"Origin": "https://elders.example"})
    assert answer.status_code == 403


def test_a_running_job_refreshes_itself_without_javascript(client, registry):
    gate = threading.Event()
    jobs = client.app.state.whatif_jobs
    job = jobs.start("wacht", lambda job, budget: gate.wait(5))
    try:
        page = client.get(f"/wat-als/taak/{job.id}").text
        assert '<noscript><meta http-equiv="refresh"' in page and "<progress" in page
    finally:
        gate.set()


def test_an_unknown_job_is_gone(client):
    assert client.get("/wat-als/taak/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/wat-als/taak/../../etc").status_code == 404


# -- the registry -----------------------------------------------------------------------------------------


def test_the_registry_refuses_more_than_its_bound():
    gate = threading.Event()
    jobs = Jobs(max_waiting=2)
    jobs.start("a", lambda job, budget: gate.wait(5))
    jobs.start("b", lambda job, budget: gate.wait(5))
    with pytest.raises(Busy):
        jobs.start("c", lambda job, budget: None)
    gate.set()


def test_results_expire():
    now = [0.0]
    jobs = Jobs(keep_seconds=60, clock=lambda: now[0])
    job = jobs.start("a", lambda job, budget: 42)
    for _ in range(100):
        if job.state == "done":
            break
        time.sleep(0.01)
    assert jobs.get(job.id).result == 42
    now[0] = 61
    assert jobs.get(job.id) is None


def test_a_run_out_of_time_stops_with_a_message():
    jobs = Jobs(seconds=0.0)

    def slow(job, budget):
        time.sleep(0.01)
        budget.check()
    job = jobs.start("a", slow)
    for _ in range(200):
        if job.finished is not None:
            break
        time.sleep(0.01)
    assert job.state == "failed" and "langer dan" in job.problems[0].message


def test_a_fault_is_reported_without_its_message():
    jobs = Jobs()
    job = jobs.start("a", lambda job, budget: 1 / 0)
    for _ in range(200):
        if job.finished is not None:
            break
        time.sleep(0.01)
    assert job.state == "failed" and "division" not in job.problems[0].message


@pytest.mark.parametrize("text, unit, value", [("120", "factor", Decimal("1.20")), ("112,5%", "factor", Decimal("1.125")),
                                               ("1.419,46", "EUR/maand", Decimal("1419.46")), ("3", "jaar", Decimal(3)),
                                               ("ja", "bool", True)])
def test_values_as_a_policy_officer_types_them(text, unit, value):
    assert read_value(text, unit, "param.x") == value


def test_an_ambiguous_amount_is_asked_back():
    with pytest.raises(RegelruimteError) as exc:
        read_value("1,100", "EUR", "param.x")
    assert "1.100,00" in exc.value.problems[0].message and exc.value.problems[0].field == "param.x"


@pytest.fixture
def casebook_client(registry, tmp_path):
    """The what-if page over a casebook holding three example cases (two of Zaanstad)."""
    from casebook.evaluation import evaluation_label
    from casebook.importers import RawRecord, import_records
    from casebook.store import Store
    from engine.yamlsource import load_file
    from service.http import casebook as api_casebook
    store = Store.open(f"sqlite:///{tmp_path / 'casebook.sqlite'}")
    records = [RawRecord(name, None, load_file(EXAMPLES / name))
               for name in ("zaanstad-lasmasker.yaml", "zaanstad-onvolledig.yaml", "utrecht-jongere-zoektermijn.yaml")]
    import_records(store, registry, iter(records), evaluation_label(registry, "rulesets"), kind="test", source="test")
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.state.whatif_jobs = Jobs()
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    with TestClient(app) as client:
        yield client
    store.close()


def test_the_cases_of_the_casebook(casebook_client):
    client = casebook_client
    answer = client.post("/wat-als", data={**BASE, "source": "casebook", "casebook.municipality": "zaanstad",
                                           "param.percentage_inkomensgrens": "120"}, follow_redirects=False)
    assert "2 casussen uit het casusboek" in words(finished(client, answer.headers["location"]))
    # the casebook's filters: a period before any of these cases leaves nothing to compare
    answer = client.post("/wat-als", data={**BASE, "source": "casebook", "casebook.to": "1-1-2020",
                                           "param.percentage_inkomensgrens": "120"}, follow_redirects=False)
    assert "geen casussen in deze selectie" in words(finished(client, answer.headers["location"]))


def test_the_casebook_gives_at_most_the_apis_number_of_cases_never_a_sample(casebook_client, monkeypatch):
    from service.http.whatif import WhatIfRequest
    from service.web import whatif as page
    client = casebook_client
    # one bound for the page and the API (the API's request model says how many cases it takes)
    assert WhatIfRequest.model_json_schema()["properties"]["cases"]["anyOf"][0]["maxItems"] == page.MAX_CASES
    for bound, refused in ((2, False), (1, True)):  # 2 cases of Zaanstad: the bound itself is read
        monkeypatch.setattr(page, "MAX_CASES", bound)
        answer = client.post("/wat-als", data={**BASE, "source": "casebook", "casebook.municipality": "zaanstad",
                                               "param.percentage_inkomensgrens": "120"}, follow_redirects=False)
        said = words(finished(client, answer.headers["location"]))
        assert ("meer dan 1 casussen in het casusboek" in said) == refused
        assert ("2 casussen uit het casusboek" in said) != refused


def test_in_english_on_request(client):
    page = client.get("/wat-als?ruleset=zaanstad&date=15-9-2025&lang=en")
    assert "What changes" in page.text and "Wat verandert" not in page.text
    answer = client.post("/wat-als?lang=en", data={**BASE, "param.percentage_inkomensgrens": "120"},
                         follow_redirects=False)
    address = answer.headers["location"]
    assert address.endswith("?lang=en")
    finished(client, address.removesuffix("?lang=en"))
    text = words(client.get(address).text)
    assert "Households:" in text and "The changed outcomes per case and option" in text and "geholpen" not in text
