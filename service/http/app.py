"""The Regelruimte web service: the HTTP API (`/v1`), the web page, health and readiness.

`create_app()` builds the whole application around one live registry of rule sets. Optional parts
join when their module exists (`service.http.casebook`, `service.http.whatif`: each exposes an
APIRouter `router`), as optional subcommands do on the command line. The pages for people come from
service/web/, mounted here when the page is on.
"""
from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from pathlib import Path
from typing import Iterable

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from decision.decide import decide
from decision.pool import Pool
from engine.errors import CaseError, NoRulesetInForce, RegelruimteError
from engine.registry import Registry
from engine.yamlsource import SourceError

from .. import config
from ..catalogue import NotFound
from ..config import DEFAULT_RULESETS
from ..examples import WELDING_MASK
from ..extras import extra_for
from . import problems
from .api import ApiError, error_responses, json_response, require_token
from .api import router as api_router
from .case_schema import openapi_components
from .guard import Guard, logged_path
from .live import LiveRegistry
from .schemas import Health, Readiness

VERSION = "1.0.0"
log = logging.getLogger("regelruimte.service")

# Optional routers from other parts of the product, and the navigation label each gets.
OPTIONAL_ROUTERS = {"casebook": ("nav_casebook", "/casusboek"), "whatif": ("nav_whatif", "/wat-als")}

DESCRIPTION = """\
Regelruimte toetst één huishouden aan de wet (Participatiewet, Wsnp, Bbz) en het gemeentelijk beleid, en zegt
per manier van helpen: **toegestaan**, **geblokkeerd** (door welke regel, met het artikel), **maatwerkroute
mogelijk** (wie beslist, hoe snel, wat te onderbouwen) of **informatie nodig** (welke feiten ontbreken).

- Casussen en besluiten volgen het publieke formaat; `GET /v1/schema/case` geeft het JSON Schema.
- Teksten zijn Nederlands; `?lang=en` geeft Engels.
- Fouten hebben één vorm (`ErrorResponse`): een code, een samenvatting en per probleem het veld en wat er mis
  is. Een ingestuurde waarde wordt nooit herhaald; een nummer dat op een BSN lijkt wordt geweigerd.
- Als `REGELRUIMTE_API_TOKENS` is gezet, vraagt elk `/v1`-pad `Authorization: Bearer <token>`.
"""


def _optional_modules() -> dict[str, object]:
    found = {}
    for name in OPTIONAL_ROUTERS:
        try:
            found[name] = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__package__}.{name}" and not extra_for(exc):  # an extra not installed: no such routes
                raise
    return found


def create_app(rulesets_dir: str | Path | None = None, *, registry: Registry | None = None,
               tokens: Iterable[str] | None = None, cors_origins: Iterable[str] | None = None, web: bool = True,
               reload_signal: bool = False, watch: bool = False, watch_interval: float = 1.0) -> FastAPI:
    """The application. Rule sets come from `rulesets_dir` (default: the bundled ones) and are loaded
    now: a broken set raises RulesetError before anything serves. `tokens` and `cors_origins` default
    to REGELRUIMTE_API_TOKENS and REGELRUIMTE_CORS_ORIGINS. With `reload_signal`, SIGHUP reloads the
    rule sets; with `watch`, a change to their files does."""
    live = LiveRegistry(Path(rulesets_dir) if rulesets_dir else DEFAULT_RULESETS, registry)
    tokens = config.api_tokens() if tokens is None else list(tokens)
    origins = config.cors_origins() if cors_origins is None else list(cors_origins)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        tasks = []
        if reload_signal:
            try:
                loop.add_signal_handler(signal.SIGHUP, lambda: tasks.append(live.request_reload()))
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no SIGHUP here
                log.warning("SIGHUP-herladen is hier niet beschikbaar")
        if watch:
            tasks.append(loop.create_task(live.watch(watch_interval)))
        for module in modules.values():  # an optional part's own background work (the casebook's retention)
            if hasattr(module, "start"):
                tasks += module.start(app)
        # batches across worker processes, started clean (this process has threads and connections)
        app.state.pool = Pool(method="forkserver", preload=("service.http.api",))
        yield
        await asyncio.to_thread(app.state.pool.close)
        if reload_signal:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGHUP)
        for task in tasks:
            if task is not None:
                task.cancel()

    app = FastAPI(title="Regelruimte", version=VERSION, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # Swagger UI needs a CDN and inline script: not here
    app.state.live = live
    app.state.tokens = tuple(t.encode() for t in tokens)
    modules = _optional_modules()
    # tokens of the casebook's users open the service too (service.http.api.require_token)
    app.state.token_checks = tuple(m.accepts_token for m in modules.values() if hasattr(m, "accepts_token"))
    app.state.nav = []
    app.state.web = web

    app.include_router(api_router)
    for name, module in modules.items():
        # the same token check and documented errors as the core API, for every /v1 path
        # (each route documents the errors of its own input)
        app.include_router(module.router, dependencies=[Depends(require_token)],
                           responses=error_responses("payload_too_large", "unauthorized", "internal_error"))
        label, href = OPTIONAL_ROUTERS[name]
        page = getattr(module, "PAGE", href)  # a module without a page of its own sets PAGE = None
        if page and web:
            app.state.nav.append({"label": label, "href": page})
            if hasattr(module, "page_router"):  # its short address for people, outside the API
                app.include_router(module.page_router, dependencies=[Depends(require_token)])
    if web:
        from ..web import site as web_module  # the page and its templates load only when served
        app.include_router(web_module.router, dependencies=[Depends(require_token)])
        app.mount("/static", StaticFiles(directory=web_module.STATIC), name="static")

    @app.get("/healthz", response_model=Health, tags=["health"], summary="Leeft de service?")
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", response_model=Readiness, tags=["health"], summary="Zijn de regelsets geladen?",
             responses={503: {"model": Readiness}})
    async def readyz(request: Request) -> Response:
        current = live.current
        ready = current is not None and bool(current.municipalities)
        body = {"status": "ready" if ready else "not_ready", "generation": live.generation,
                "loaded_at": live.loaded_at.isoformat(timespec="seconds"),
                "rulesets": {rid: len(rs.versions) for rid, rs in (current.rulesets.items() if current else ())},
                # open without a token: file names relative to the rule-set folder, no server paths
                "last_reload_error": [p.as_dict(problems.lang_of(request.url.query))
                                      for p in problems.without_paths(live.last_error, live.root)]
                if live.last_error else None}
        return json_response(body, 200 if ready else 503)

    _install_error_handlers(app)
    _install_openapi(app, live)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"], max_age=600)
    app.add_middleware(Guard, origins=origins)
    return app


def _lang(request: Request) -> str:
    return problems.lang_of(request.url.query)


def _error(request: Request, code: str, found=(), headers=None) -> Response:
    return problems.response(code, _lang(request), found, headers)


def _browser(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/v1") and _browser(request)


# A browser answers this challenge with its own password dialog (the token as password, see
# service.http.api.presented_token); an API client gets the Bearer challenge.
BASIC_CHALLENGE = 'Basic realm="Regelruimte", charset="UTF-8"'


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CaseError)
    @app.exception_handler(NoRulesetInForce)
    async def invalid_case(request: Request, exc: RegelruimteError):
        return _error(request, "invalid_case", exc.problems)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        if exc.code != "unauthorized":
            return _error(request, exc.code, exc.problems)
        if _browser(request):
            return _html_error(request, 401, "unauthorized", headers={"WWW-Authenticate": BASIC_CHALLENGE})
        return _error(request, exc.code, headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return _error(request, "not_found", exc.problems)

    @app.exception_handler(SourceError)
    async def unreadable(request: Request, exc: SourceError):
        return _error(request, "invalid_request", [exc.problem])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return _error(request, "invalid_request", problems.from_request_errors(exc.errors()))

    @app.exception_handler(RegelruimteError)
    async def broken_rule(request: Request, exc: RegelruimteError):
        # a rule that fails to evaluate: a fault in a rule set, not in the case. Log where, not what.
        log.error("fout in een regelset bij %s: %s", logged_path(request.scope),
                  "; ".join(f"{p.file}:{p.line} {p.rule}" for p in exc.problems))
        return _error(request, "internal_error")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 413: "payload_too_large",
                415: "unsupported_media_type"}.get(exc.status_code)
        if code is None:  # any other 4xx is a bad request: 422, as every invalid request here
            code = "internal_error" if exc.status_code >= 500 else "invalid_request"
        if code == "not_found" and _wants_html(request):
            return _html_error(request, 404)
        return _error(request, code, headers=getattr(exc, "headers", None))


def _html_error(request: Request, status: int, title: str | None = None, headers=None) -> Response:
    """An error as a page, for a person in a browser (JSON for the API without the web page)."""
    if not request.app.state.web:  # the page is switched off
        return _error(request, title or "not_found", headers=headers)
    from ..web.site import site_page
    response = site_page(request, "error.html", {"problems": [], "title": title}, status=status)
    response.headers.update(headers or {})
    return response


def _one_error_model(schema: dict) -> None:
    """FastAPI documents a 422 of its own shape (HTTPValidationError) on every route with parameters;
    the error handlers answer every 422 as ErrorResponse, so the document says that instead."""
    ours = {"description": problems.SUMMARY["invalid_request"][0],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422", {})
            ref = answer.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
            if ref.endswith("/HTTPValidationError"):
                operation["responses"]["422"] = ours
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)


def _install_openapi(app: FastAPI, live: LiveRegistry) -> None:
    """The OpenAPI document, with the case schema of the loaded vocabulary and a real example decision."""
    cache: dict = {}

    def openapi() -> dict:
        registry = live.current
        if cache.get("registry") is registry:
            return cache["schema"]
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {}).update(openapi_components(registry.vocabulary))
        _one_error_model(schema)
        try:
            example = decide(WELDING_MASK, registry)
        except RegelruimteError:  # rule sets without Zaanstad: no example
            example = None
        if example is not None:
            ok = schema["paths"]["/v1/decisions"]["post"]["responses"]["200"]["content"]["application/json"]
            ok["examples"] = {"lasmasker": {"summary": "Het besluit voor het lasmasker", "value": example}}
        cache.update(registry=registry, schema=schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

