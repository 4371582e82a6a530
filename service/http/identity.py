"""Who is asking: the user lookup of a shared casebook, in one small module a deployment can replace.

The default takes the API token from the request (`Authorization: Bearer …`, or a browser's HTTP
Basic password, as service.http.api.presented_token reads it) and finds its user in the casebook
database. A municipality that logs people in with single sign-on puts a reverse proxy with OpenID
Connect in front of the service and points `REGELRUIMTE_IDENTITY_MODULE` at its own module with
the same `identify(request, store)`, which builds the User from the headers the proxy sets from
the identity provider's claims (docs/casebook.md, "Single sign-on"). Returning None means "not
logged in": 401.
"""
from __future__ import annotations

import importlib
import os
from types import ModuleType

from starlette.requests import Request

from casebook.access import User
from casebook.store import Store
from casebook.users import user_by_token

from .api import presented_token

ENV_MODULE = "REGELRUIMTE_IDENTITY_MODULE"


def identify(request: Request, store: Store) -> User | None:
    return user_by_token(store.engine, presented_token(request.headers.get("authorization")))


def lookup() -> ModuleType:
    """The module whose `identify` the casebook uses: $REGELRUIMTE_IDENTITY_MODULE, else this one."""
    name = os.environ.get(ENV_MODULE, "").strip()
    return importlib.import_module(name) if name else importlib.import_module(__name__)
