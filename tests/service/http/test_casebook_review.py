"""The casebook API after the independent review: a report parameter it does not know is refused (item 4).
Kept apart from test_casebook.py, whose fixtures it uses."""
import pytest

from tests.service.http.test_casebook import client, post, store  # noqa: F401 - fixtures

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_report_refuses_a_parameter_it_does_not_know(client, welding_case):
    """Review item 4: `granularity=day` was ignored and the report came per quarter."""
    c = client
    assert post(c, welding_case).status_code == 201
    r = c.get("/v1/casebook/report?granularity=day")
    assert r.status_code == 422
    problem = r.json()["problems"][0]
    assert problem["field"] == "granularity" and "period" in problem["message"]
    assert "month, quarter of year" in problem["message"]
    r = c.get("/v1/casebook/report?period=day")
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "period"
    r = c.get("/v1/casebook/report?from=2025-12-01&to=2025-01-01")
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "from"
    assert c.get("/v1/casebook/report?period=month&lang=nl").status_code == 200
