"""Fuzzing the OpenAPI document with schemathesis: no input, valid or not, gives a 5xx, and every
answer matches what the document says (status codes, content types, response schemas).

The whole API, casebook and what-if included. The casebook is a temporary SQLite file with a few
dozen demo cases and the welding mask (the documented example), so the reading routes answer with
real data to check; never the working directory's casebook.sqlite.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient  # on httpx2 (the dev extra)
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from casebook.demo import ensure_demo
from casebook.store import Store
from engine.registry import Registry
from service.http import casebook as api_casebook
from service.http.app import create_app
from service.examples import WELDING_MASK
from tests.conftest import RULESETS

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck))
DEMO_CASES = 30  # enough for every report table to have rows; the demo import costs about a second


APP = create_app(registry=Registry.load(RULESETS), tokens=(), cors_origins=(), web=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def casebook(registry, tmp_path_factory):
    # a fixture, not module code: the casebook is only made when the fuzz tests run
    url = f"sqlite:///{tmp_path_factory.mktemp('casebook') / 'casebook.sqlite'}"
    ensure_demo(url, cases=DEMO_CASES)
    store = Store.open(url)
    APP.dependency_overrides[api_casebook.get_store] = lambda: store
    APP.dependency_overrides[api_casebook.get_registry] = lambda: registry
    with TestClient(APP) as client:  # the case the documented examples name
        assert client.post("/v1/casebook/cases", json=WELDING_MASK).status_code == 201
    yield store
    APP.dependency_overrides.clear()
    store.close()


@schema.exclude(path_regex=r"^/v1/whatif$").parametrize()
@settings(max_examples=40, **SETTINGS)
def test_api_never_fails_and_keeps_its_word(case):
    case.call_and_validate(checks=CHECKS)


# A what-if loads the rule sets and evaluates every case twice (and again per sweep point): fewer examples
# keep the whole file under two minutes on two cores; the documented examples (a sweep, a population) always run.
@schema.include(path_regex=r"^/v1/whatif$").parametrize()
@settings(max_examples=20, **SETTINGS)
def test_whatif_never_fails_and_keeps_its_word(case):
    # a what-if stops itself after its own time (service.http.whatif.MAX_SECONDS, an answer, not a 5xx); the
    # client waits longer than that, so a slow, loaded machine does not read as a failure of the service
    case.call_and_validate(checks=CHECKS, timeout=90)
