from __future__ import annotations

import pytest
from starlette.testclient import TestClient  # on httpx2 (the dev extra)

from service.http.app import create_app


@pytest.fixture(scope="session")
def app(registry):
    return create_app(registry=registry, tokens=(), cors_origins=())


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def make_client(**kwargs) -> TestClient:
    """A client for an app built with other settings (tokens, CORS, rule sets)."""
    kwargs.setdefault("tokens", ())
    kwargs.setdefault("cors_origins", ())
    return TestClient(create_app(**kwargs))
