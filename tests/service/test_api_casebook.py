import copy
import io
import json

import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from casebook.store import Store
from casebook.synthetic import generate
from service import api_casebook

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'casebook.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def client(store, registry):
    app = FastAPI()  # a bare app: the router must work on its own
    app.include_router(api_casebook.router)
    app.include_router(api_casebook.page_router)
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    app.dependency_overrides[api_casebook.get_registry] = lambda: registry
    return TestClient(app)


def post(client, body):
    return client.post("/v1/casebook/cases", content=json.dumps(body))


def test_post_a_case_then_read_it(client, welding_case):
    r = post(client, {"case": welding_case, "team": "wijkteam-oost", "signal": "systeemprobleem: voorschot",
                      "tags": ["wsnp"]})
    assert r.status_code == 201 and r.json()["added"] == 1
    assert post(client, welding_case).json() == {"added": 0, "new_versions": 0, "unchanged": 1, "updated": 0}
    case = client.get("/v1/casebook/cases/zaanstad-lasmasker").json()
    version = case["versions"][0]
    assert (version["team"], version["signal"], version["tags"]) == ("wijkteam-oost", "systeemprobleem: voorschot",
                                                                     ["wsnp"])
    assert version["decisions"][0]["decision"]["outcome"] == "route_available"
    text = client.get("/v1/casebook/cases/zaanstad-lasmasker/explanation").text
    assert text.startswith("Onderbouwing casus zaanstad-lasmasker")
    english = client.get("/v1/casebook/cases/zaanstad-lasmasker/explanation?lang=en").text
    assert english != text
    listed = client.get("/v1/casebook/cases?tag=wsnp").json()
    assert listed["total"] == 1 and listed["cases"][0]["case_id"] == "zaanstad-lasmasker"


def test_a_bad_record_in_a_list_stores_nothing(client, store, welding_case):
    good = copy.deepcopy(welding_case)
    bad = dict(copy.deepcopy(welding_case), case_id="b", options=["in_knd"])
    r = post(client, [good, bad])
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert (problem["field"], problem["file"]) == ("options.0", "body[1]") and "in_kind" in problem["message"]
    too_early = dict(copy.deepcopy(welding_case), case_id="c", reference_date="2019-01-01")
    assert post(client, [good, too_early]).status_code == 422  # found when evaluating: still nothing stored
    assert store.stats()["cases"] == 0
    assert client.post("/v1/casebook/cases", content="{niet json").status_code == 422
    assert post(client, []).status_code == 422
    english = client.post("/v1/casebook/cases?lang=en", content=json.dumps(bad)).json()
    assert english["error"] == "invalid_request" and "unknown option" in english["problems"][0]["message"]


def test_delete_and_404(client, welding_case):
    post(client, welding_case)
    assert client.delete("/v1/casebook/cases/zaanstad-lasmasker").json() == {"deleted": "zaanstad-lasmasker"}
    for r in (client.delete("/v1/casebook/cases/zaanstad-lasmasker"), client.get("/v1/casebook/cases/zaanstad-lasmasker"),
              client.get("/v1/casebook/cases/zaanstad-lasmasker/explanation")):
        assert r.status_code == 404 and r.json()["error"] == "not_found"


@pytest.fixture
def filled(client, registry):
    records = list(generate(150, seed=9, registry=registry))
    for start in range(0, len(records), 50):
        assert post(client, records[start:start + 50]).status_code == 201
    return client


def test_report_and_tables_follow_the_filters(filled):
    everything = filled.get("/v1/casebook/report").json()
    zaanstad = filled.get("/v1/casebook/report?municipality=zaanstad&period=month").json()
    muni = {m["municipality"]: m["cases"] for m in everything["tables"]["municipalities"]["rows"]}
    assert everything["overview"]["cases"] == 150 and zaanstad["overview"]["cases"] == muni["zaanstad"]
    assert all(len(r["period"]) == 7 for r in zaanstad["tables"]["blocks_by_period"]["rows"])
    csv = filled.get("/v1/casebook/tables/blocks.csv?municipality=zaanstad")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.splitlines()) == len(zaanstad["tables"]["blocks"]["rows"]) + 1
    parquet = filled.get("/v1/casebook/tables/kassabon.parquet")
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == len(everything["tables"]["kassabon"]["rows"])
    assert filled.get("/v1/casebook/tables/geheim.csv").status_code == 404
    assert filled.get("/v1/casebook/report?from=gisteren").status_code == 422
    assert filled.get("/v1/casebook/report?period=week").status_code == 422


def test_the_analyst_page_with_filters(filled):
    page = filled.get("/v1/casebook/page?municipality=utrecht&from=&to=&evaluation=&period=quarter")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Casebook voor analisten" in html and html.count("<svg") >= 4
    assert '<option value="utrecht" selected>' in html
    assert 'href="tables/blocks.csv?municipality=utrecht' in html  # downloads keep the filters
    assert "<script" not in html
    assert filled.get("/casebook?municipality=utrecht", follow_redirects=False).headers["location"] == \
        "/v1/casebook/page?municipality=utrecht"
    report = filled.get("/v1/casebook/report.html?municipality=utrecht")
    assert "Utrecht" in report.text and "<svg" in report.text


def test_export_of_a_municipality(filled):
    lines = filled.get("/v1/casebook/export?municipality=maastricht&format=jsonl").text.splitlines()
    whole = filled.get("/v1/casebook/export?municipality=maastricht").json()
    assert len(lines) == len(whole["cases"]) > 0
    assert {json.loads(line)["municipality"] for line in lines} == {"maastricht"}
    assert filled.get("/v1/casebook/export?municipality=maastricht&format=xml").status_code == 422
    stats = filled.get("/v1/casebook/stats").json()
    assert stats["cases"] == 150
