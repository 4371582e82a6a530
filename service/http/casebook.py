"""The casebook over HTTP: `router` (prefix /v1/casebook) and the analyst page.

    POST   /v1/casebook/cases                 one record or a list: validated, evaluated, stored (atomic)
    GET    /v1/casebook/cases                 list, filtered (municipality, from, to, team, tag, outcome, evaluation)
    GET    /v1/casebook/cases/{id}            every version with its decisions
    GET    /v1/casebook/cases/{id}/explanation  the explanation of the current decision (text)
    DELETE /v1/casebook/cases/{id}            retention: the case, every version and decision
    GET    /v1/casebook/export?municipality=  everything of one municipality (json or jsonl)
    GET    /v1/casebook/stats
    GET    /v1/casebook/report                all tables as JSON (same filters, plus period)
    GET    /v1/casebook/report.html           the HTML report with charts
    GET    /v1/casebook/tables/{name}.csv|.parquet
    GET    /v1/casebook/page                  the analyst page (filters, tables, charts, downloads)
    GET    /v1/casebook/audit                 the audit log (administrators; json or csv)

Every route works for its caller (`caller`): in the local mode (a casebook without users) that is
everyone with the service's token, seeing everything; once the casebook has users, the user of the
request's token (service/http/identity.py), limited by the store to their role and scope. What is not
allowed is a 403 naming the action, and is in the audit log.

`page_router` (service.web.casebook) adds the analysts' pages in the site: /casusboek and the cases behind it. The database is
$REGELRUIMTE_DATABASE_URL (else casebook.sqlite); override `get_store` / `get_registry`
(service.http.casebook_access) to change.
Bad input gives 422 with the problems (field, line), a body that is not JSON 415, and nothing is stored.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Iterator

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse

from casebook import audit, retention, users
from casebook.access import ADMIN, LOCAL, SAVE, Access, Forbidden
from casebook.evaluation import evaluate, evaluation_label
from casebook.exports import table_csv, table_parquet
from casebook.importers import MAX_TAGS, TAG, RawRecord, to_prepared
from casebook.report import PERIODS, TABLES, build_report
from casebook.store import Store
from decision.decide import fact_labels
from engine.errors import Problem, RegelruimteError
from engine.registry import Registry
from explain import explain

from ..examples import WELDING_MASK
from ..web.casebook import error_page
from ..web.casebook import router as page_router  # noqa: F401 - the analysts' pages, mounted by service.http.app
from ..web.casebook_html import CONTENT_SECURITY_POLICY, render_page, render_report
from . import problems
from .api import ApiError, error_responses, read_json, rulesets_root
from .casebook_access import accepts_token  # noqa: F401 - service.http.app asks this module for it
from .casebook_access import (caller, case_scope_of, check_params, filters_of, get_registry, get_store,
                              municipality_of)
from .casebook_schemas import (CASE_SCOPE, FILTERS, LANG, MUNICIPALITY, PERIOD, AddReport, CaseHistory, CaseList,
                               Deleted, Export, Report, Stats, parameters)
from .offload import off_loop

PAGE = "/casusboek"  # the analysts' page in the main menu (service.web.casebook)
router = APIRouter(prefix="/v1/casebook", tags=["casebook"])
log = logging.getLogger("regelruimte.casebook")

MAX_RECORDS = 1000  # per POST; larger sets go through `regelruimte casebook import`
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000  # far past any casebook, and within the database's integers
def _lang(request: Request) -> str:
    return problems.lang_of(request.url.query)


def _not_found() -> ApiError:
    # the id is not repeated: a client may have put anything in the path, even a BSN
    return ApiError("not_found", [Problem("deze casus staat niet in het casebook", "case not found", field="case_id")])


def _period(request: Request) -> str:
    check_params(request, "period", values={"period": "month, quarter of year"})
    period = request.query_params.get("period") or "quarter"
    if period not in PERIODS:
        raise ApiError("invalid_request", [Problem(f"periode is een van {', '.join(PERIODS)}", f"period is one of {PERIODS}",
                                  field="period")])
    return period


def _answer(exc: ApiError | RegelruimteError | Forbidden, request: Request, html: bool) -> Response:
    # the API's error format, also when this router runs on a bare app without the service's handlers;
    # a route that answers a page answers its errors as a page of the site
    if isinstance(exc, Forbidden):
        code, found = "forbidden", [Problem(exc.message, exc.message_en)]
    else:
        code, found = (exc.code if isinstance(exc, ApiError) else "invalid_request"), exc.problems
    if html:
        return error_page(request, found, code, problems.STATUS_CODE[code])
    return problems.response(code, _lang(request), found)


def _guard(fn=None, *, html: bool = False):
    """Turn input problems into 422 (or 403, 404, 415) responses; never a traceback. `html`: as a page."""
    import functools
    import inspect

    if fn is None:
        return functools.partial(_guard, html=html)
    caught = (ApiError, RegelruimteError, Forbidden)
    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def wrapped(*args, **kwargs):
            try:
                return await fn(*args, **kwargs)
            except caught as exc:
                return _answer(exc, kwargs["request"], html)
        return wrapped

    @functools.wraps(fn)
    def wrapped_sync(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except caught as exc:
            return _answer(exc, kwargs["request"], html)
    return wrapped_sync


# -- the OpenAPI document: what each route answers ------------------------------------------------------

def _ok(description: str, model: type | None = None, status: int = 200, content: dict | None = None) -> dict:
    """The success answer of a route: its model (JSON) and/or other media types with their schema."""
    answer: dict = {"description": description}
    if model is not None:
        answer["model"] = model
    if content:
        answer["content"] = {media: {"schema": schema} for media, schema in content.items()}
    return {status: answer}


TEXT = {"type": "string"}
BINARY = {"type": "string", "format": "binary"}


def _html(html: str) -> Response:
    # its own policy: the service's allows no inline style, this one allows the page's own (by hash)
    return Response(html, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


# -- writing ------------------------------------------------------------------------------------------

# A record is a bare case or an envelope with the casebook's own fields (casebook.importers.split_record).
CASE = {"$ref": "#/components/schemas/Case"}
RECORD = {"anyOf": [CASE, {"type": "object", "required": ["case"], "properties": {
    "case": CASE, "team": {"type": "string", "minLength": 1, "maxLength": 100},
    "signal": {"type": "string", "maxLength": 4000},
    "tags": {"type": "array", "maxItems": MAX_TAGS, "items": {"type": "string", "pattern": TAG.pattern}}}}]}
ENVELOPE = {"case": WELDING_MASK, "team": "wijkteam-oost", "signal": "systeemprobleem: voorschot", "tags": ["wsnp"]}
CASES_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"anyOf": [RECORD, {"type": "array", "minItems": 1, "maxItems": MAX_RECORDS, "items": RECORD}]},
    "examples": {"lasmasker": {"summary": "Het lasmasker, met team, signaal en label", "value": ENVELOPE}}}}}}
CASE_ID_TEXT = "Het kenmerk van de casus (case_id)"
CASE_ID = Path(description=CASE_ID_TEXT, examples=[WELDING_MASK["case_id"]])


@router.post("/cases", status_code=201, response_model=None, openapi_extra=CASES_BODY,
             responses={**_ok("Wat er is opgeslagen", AddReport, 201),
                        **error_responses("invalid_request", "unsupported_media_type", "payload_too_large", "forbidden")})
@_guard
async def add_cases(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry),
                    access: Access = Depends(caller)):
    """Store one record (a case or `{case, team, signal, tags}`) or a list of them, all or nothing."""
    await off_loop(store.require, access, SAVE)  # a role that may not save: 403 before the body is read
    body = await read_json(request)
    records = body if isinstance(body, list) else [body]
    if not records or len(records) > MAX_RECORDS:
        raise ApiError("invalid_request", [Problem(f"geef 1 tot {MAX_RECORDS} casussen", f"give 1 to {MAX_RECORDS} cases")])
    raws = [RawRecord("body" if len(records) == 1 else f"body[{i}]", None, r) for i, r in enumerate(records)]
    root = rulesets_root(request)

    def work():
        prepared, wrong = [], []
        for raw in raws:  # validate and evaluate everything first: one bad record stores nothing
            try:
                p = to_prepared(raw)
                p.decision = evaluate(p, registry)
                prepared.append(p)
            except RegelruimteError as exc:
                wrong += exc.problems
        if wrong:
            raise ApiError("invalid_request", wrong)
        return store.add(prepared, lambda p: evaluate(p, registry), evaluation_label(registry, root),
                         kind="api", source="api", access=access)

    report = await off_loop(work)
    return {"added": report.added, "new_versions": report.new_versions, "unchanged": report.unchanged,
            "updated": report.updated}


@router.delete("/cases/{case_id}", response_model=None, openapi_extra=parameters(*CASE_SCOPE),
               responses={**_ok("De casus is verwijderd, met al haar versies en besluiten", Deleted),
                          **error_responses("not_found", "forbidden")})
@_guard
def delete_case(case_id: str = Path(description=CASE_ID_TEXT), *, request: Request,  # no example: it would delete
                store: Store = Depends(get_store), access: Access = Depends(caller)):
    municipality, team = case_scope_of(request)
    if store.delete_cases([case_id], municipality, access=access, team=team, single=True) == 0:
        raise _not_found()
    return {"deleted": case_id}


# -- reading ------------------------------------------------------------------------------------------

@router.get("/cases", response_model=None, openapi_extra=parameters(*FILTERS),
            responses={**_ok("De casussen, nieuwste peildatum eerst", CaseList),
                       **error_responses("invalid_request", "forbidden")})
@_guard
def list_cases(request: Request, limit: int = Query(50, json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT}),
               offset: int = Query(0, json_schema_extra={"minimum": 0, "maximum": MAX_OFFSET}),
               store: Store = Depends(get_store), access: Access = Depends(caller)):
    # checked here, not by FastAPI, so a bare router answers in the API's error format too
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError("invalid_request", [Problem(f"limit is 1 tot {MAX_LIMIT}", f"limit is 1 to {MAX_LIMIT}", field="limit")])
    if not 0 <= offset <= MAX_OFFSET:
        raise ApiError("invalid_request", [Problem(f"offset is 0 tot {MAX_OFFSET:_}".replace("_", "."),
                                  f"offset is 0 to {MAX_OFFSET:,}", field="offset")])
    total, rows = store.list_cases(filters_of(request), limit=limit, offset=offset, access=access)
    return {"total": total, "limit": limit, "offset": offset, "cases": rows}


@router.get("/cases/{case_id}", response_model=None, openapi_extra=parameters(*CASE_SCOPE),
            responses={**_ok("Elke versie van de casus met haar besluiten", CaseHistory),
                       **error_responses("not_found", "forbidden")})
@_guard
def show_case(case_id: str = CASE_ID, *, request: Request, store: Store = Depends(get_store),
              access: Access = Depends(caller)):
    municipality, team = case_scope_of(request)
    found = store.case(case_id, access, municipality, team)
    if found is None:
        raise _not_found()
    return found


@router.get("/cases/{case_id}/explanation", response_class=Response, openapi_extra=parameters(LANG, *CASE_SCOPE),
            responses={**_ok("De onderbouwing van het huidige besluit", content={"text/plain": TEXT}),
                       **error_responses("not_found", "forbidden")})
@_guard
def explain_case(case_id: str = CASE_ID, *, request: Request, store: Store = Depends(get_store),
                 registry: Registry = Depends(get_registry), access: Access = Depends(caller)):
    municipality, team = case_scope_of(request)
    found = store.case(case_id, access, municipality, team, single=True)
    current = next((d for v in (found or {}).get("versions", ()) for d in v["decisions"] if d["current"]), None)
    if current is None:
        raise _not_found()
    lang = _lang(request)
    return PlainTextResponse(explain(current["decision"], lang, "text", fact_labels(registry, lang)))


@router.get("/export", response_model=None,
            responses={**_ok("Elke versie van elke casus van de gemeente, met alle besluiten (json), of één versie "
                             "per regel (jsonl)", Export, content={"application/x-ndjson": TEXT}),
                       **error_responses("invalid_request", "forbidden")})
@_guard
def export(request: Request, municipality: str = Query(json_schema_extra=MUNICIPALITY, examples=["zaanstad"]),
           format: str = Query("json", json_schema_extra={"enum": ["json", "jsonl"]}),
           store: Store = Depends(get_store), access: Access = Depends(caller)):
    municipality = municipality_of(municipality)
    if format not in ("json", "jsonl"):
        raise ApiError("invalid_request", [Problem("format is json of jsonl", "format is json or jsonl", field="format")])
    versions = store.export(municipality, access)  # checked and logged now, before the answer starts

    def lines() -> Iterator[str]:
        if format == "jsonl":
            for v in versions:
                yield json.dumps(v, ensure_ascii=False, default=str) + "\n"
            return
        yield json.dumps({"municipality": municipality})[:-1] + ', "cases": [\n'
        for i, v in enumerate(versions):
            yield ("," if i else "") + json.dumps(v, ensure_ascii=False, default=str) + "\n"
        yield "]}\n"

    media = "application/x-ndjson" if format == "jsonl" else "application/json"
    name = f"casebook-{municipality}.{format}"
    return StreamingResponse(lines(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/stats", response_model=None, responses={**_ok("Aantallen in het casebook", Stats), **error_responses("forbidden")})
@_guard
def stats(request: Request, store: Store = Depends(get_store), access: Access = Depends(caller)):
    return store.stats(access)


def _report(request: Request, store: Store, registry: Registry, access: Access):
    return build_report(store, filters_of(request), fact_labels(registry, "nl"), period=_period(request),
                        access=access)


REPORT_PARAMETERS = parameters(*FILTERS, PERIOD)


@router.get("/report", response_model=None, openapi_extra=REPORT_PARAMETERS,
            responses={**_ok("Alle tabellen van het rapport", Report), **error_responses("invalid_request", "forbidden")})
@_guard
def report_json(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry),
                access: Access = Depends(caller)):
    return _report(request, store, registry, access).as_dict()


@router.get("/report.html", response_class=Response, openapi_extra=REPORT_PARAMETERS,
            responses={**_ok("Het rapport met grafieken", content={"text/html": TEXT}),
                       **error_responses("invalid_request", "forbidden", page=True)})
@_guard(html=True)
def report_html(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry),
                access: Access = Depends(caller)):
    return _html(render_report(_report(request, store, registry, access)))


@router.get("/tables/{name}.{fmt}", response_class=Response, openapi_extra=REPORT_PARAMETERS,
            responses={**_ok("Eén tabel van het rapport",
                             content={"text/csv": TEXT, "application/vnd.apache.parquet": BINARY}),
                       **error_responses("invalid_request", "not_found", "forbidden")})
@_guard
def table(request: Request, name: str = Path(json_schema_extra={"enum": list(TABLES)}),
          fmt: str = Path(json_schema_extra={"enum": ["csv", "parquet"]}), store: Store = Depends(get_store),
          registry: Registry = Depends(get_registry), access: Access = Depends(caller)):
    if name not in TABLES or fmt not in ("csv", "parquet"):  # before the report is built: a 404 costs nothing
        raise ApiError("not_found", [Problem(f"onbekende tabel of formaat; tabellen: {', '.join(TABLES)}; csv of parquet",
                                  "unknown table or format")])
    t = _report(request, store, registry, access).tables[name]
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        return Response(table_csv(t), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(table_parquet(t), media_type="application/vnd.apache.parquet", headers=headers)


@router.get("/page", response_class=Response, openapi_extra=REPORT_PARAMETERS,
            responses={**_ok("De pagina voor analisten", content={"text/html": TEXT}),
                       **error_responses("invalid_request", "forbidden", page=True)})
@_guard(html=True)
def page(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry),
         access: Access = Depends(caller)):
    report = _report(request, store, registry, access)
    s = store.stats(access)
    query = request.url.query

    def downloads(name: str, fmt: str) -> str:
        return f"tables/{name}.{fmt}" + (f"?{query}" if query else "")

    html = render_page(report, [m["municipality"] for m in s["municipalities"]],
                       [e["evaluation"] for e in s["evaluations"]], downloads,
                       report_url="report.html" + (f"?{query}" if query else ""),
                       json_url="report" + (f"?{query}" if query else ""))
    return _html(html)


@router.get("/audit", response_class=Response,
            responses={**_ok("Het auditlog, nieuwste eerst: wie, wanneer, wat, welke casussen (nooit de inhoud)",
                             content={"application/json": {"type": "array", "items": {"type": "object"}},
                                      "text/csv": TEXT}),
                       **error_responses("invalid_request", "forbidden")})
@_guard
def audit_log(request: Request, format: str = Query("json", json_schema_extra={"enum": ["json", "csv"]}),
              store: Store = Depends(get_store), access: Access = Depends(caller)):
    """For an administrator: the entries about their municipalities (all of them for a coordinator)."""
    if format not in ("json", "csv"):
        raise ApiError("invalid_request", [Problem("format is json of csv", "format is json or csv", field="format")])
    if not access.may(ADMIN):
        store.log_access(access, "audit", allowed=False)
        raise access.refusal(ADMIN)
    rows = list(audit.visible_to(audit.entries(store.engine), access, users.list_users(store.engine)))
    if format == "csv":
        return Response(audit.as_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="casebook-audit.csv"'})
    return Response(json.dumps(rows, ensure_ascii=False), media_type="application/json")


async def retention_daily(store_of=get_store, every: float = 86_400) -> None:
    """With REGELRUIMTE_CASEBOOK_RETENTION_MONTHS set: delete expired cases now and then once a day.
    The log says how many, never which."""
    months = retention.configured_months()
    if months is None:
        return
    while True:
        try:
            store = store_of()
            found = await asyncio.to_thread(retention.run, store, months, dt.datetime.now(dt.timezone.utc),
                                            access=_retention_access(store))
            log.info("bewaartermijn %d maanden: %d casussen verwijderd", months, len(found))
        except Exception as exc:  # noqa: BLE001 - a failed run is retried tomorrow, the service keeps serving
            log.error("bewaartermijn: de opruiming mislukte (%s)", type(exc).__name__)
        await asyncio.sleep(every)


def _retention_access(store: Store) -> Access:
    return Access("retentie", via="bewaartermijn (service)") if users.has_users(store.engine) else LOCAL


def start(app) -> list:
    """Background work for the service's lifespan: the daily retention run (on the app's store)."""
    if not retention.configured_months():
        return []
    store_of = app.dependency_overrides.get(get_store, get_store)
    return [asyncio.get_running_loop().create_task(retention_daily(store_of))]
