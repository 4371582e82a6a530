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

`page_router` adds GET /casebook, a short address that redirects to the page. The database is
$REGELRUIMTE_DATABASE_URL (else casebook.sqlite); override `get_store` / `get_registry` to change.
Bad input gives 422 with the problems (field, line), and nothing is stored.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from typing import Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from casebook.db import resolve_url
from casebook.evaluation import evaluate, evaluation_label
from casebook.exports import table_csv, table_parquet
from casebook.importers import RawRecord, to_prepared
from casebook.report import PERIODS, build_report
from casebook.store import Filters, Store
from engine.decide import fact_labels
from engine.errors import Problem, RegelruimteError
from engine.registry import Registry
from explain import explain

from .casebook_html import render_page, render_report
from .problems import body as error_body
from .cli import DEFAULT_RULESETS

PAGE = "/v1/casebook/page"  # the analysts' page, linked from the main menu
router = APIRouter(prefix="/v1/casebook", tags=["casebook"])
page_router = APIRouter(tags=["casebook"])

MAX_RECORDS = 1000  # per POST; larger sets go through `regelruimte casebook import`
_stores: dict[str, Store] = {}
_lock = threading.Lock()


def get_store() -> Store:
    """The store of $REGELRUIMTE_DATABASE_URL (opened and migrated once per process)."""
    url = resolve_url(None)
    with _lock:
        if url not in _stores:
            _stores[url] = Store.open(url)
        return _stores[url]


_registry: list[Registry] = []


def get_registry() -> Registry:
    with _lock:
        if not _registry:
            _registry.append(Registry.load(DEFAULT_RULESETS))
        return _registry[0]


class InputError(Exception):
    def __init__(self, problems: list[Problem], status: int = 422):
        self.problems, self.status = problems, status


def _problems(problems: list[Problem], lang: str, status: int = 422) -> JSONResponse:
    # the error format of the whole API (service.schemas.ErrorResponse)
    code = "not_found" if status == 404 else "invalid_request"
    return JSONResponse(status_code=status, content=error_body(code, lang, problems))


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "nl"


def _date(params, key: str) -> dt.date | None:
    text = (params.get(key) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError([Problem("geen geldige datum; schrijf JJJJ-MM-DD", "not a valid date; write YYYY-MM-DD",
                                  field=key)]) from None


def filters_of(request: Request) -> Filters:
    """Filters from the query string; empty values (as a form sends them) mean 'no filter'."""
    p = request.query_params
    outcome = (p.get("outcome") or "").strip() or None
    if outcome and outcome not in ("allowed", "route_available", "needs_information", "blocked"):
        raise InputError([Problem("onbekende uitkomst", "unknown outcome", field="outcome")])
    return Filters(municipalities=tuple(m for m in p.getlist("municipality") if m.strip()),
                   date_from=_date(p, "from"), date_to=_date(p, "to"),
                   evaluation=(p.get("evaluation") or "").strip() or None, team=(p.get("team") or "").strip() or None,
                   tag=(p.get("tag") or "").strip() or None, outcome=outcome)


def _period(request: Request) -> str:
    period = request.query_params.get("period") or "quarter"
    if period not in PERIODS:
        raise InputError([Problem(f"periode is een van {', '.join(PERIODS)}", f"period is one of {PERIODS}",
                                  field="period")])
    return period


def _guard(fn):
    """Turn input problems into 422 (or 404) responses; never a traceback."""
    import functools
    import inspect

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def wrapped(*args, **kwargs):
            try:
                return await fn(*args, **kwargs)
            except InputError as exc:
                return _problems(exc.problems, _lang(kwargs["request"]), exc.status)
            except RegelruimteError as exc:
                return _problems(exc.problems, _lang(kwargs["request"]))
        return wrapped

    @functools.wraps(fn)
    def wrapped_sync(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            return _problems(exc.problems, _lang(kwargs["request"]), exc.status)
        except RegelruimteError as exc:
            return _problems(exc.problems, _lang(kwargs["request"]))
    return wrapped_sync


# -- writing ------------------------------------------------------------------------------------------

@router.post("/cases", status_code=201)
@_guard
async def add_cases(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry)):
    """Store one record (a case or `{case, team, signal, tags}`) or a list of them, all or nothing."""
    try:
        body = json.loads(await request.body(), parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(f"ongeldige JSON: {getattr(exc, 'msg', exc)}", "invalid JSON",
                                  line=getattr(exc, "lineno", None))]) from None
    records = body if isinstance(body, list) else [body]
    if not records or len(records) > MAX_RECORDS:
        raise InputError([Problem(f"geef 1 tot {MAX_RECORDS} casussen", f"give 1 to {MAX_RECORDS} cases")])
    raws = [RawRecord("body" if len(records) == 1 else f"body[{i}]", None, r) for i, r in enumerate(records)]

    def work():
        prepared, problems = [], []
        for raw in raws:  # validate and evaluate everything first: one bad record stores nothing
            try:
                p = to_prepared(raw)
                p.decision = evaluate(p, registry)
                prepared.append(p)
            except RegelruimteError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
        return store.add(prepared, lambda p: evaluate(p, registry), evaluation_label(registry, DEFAULT_RULESETS),
                         kind="api", source="api")

    report = await run_in_threadpool(work)
    return {"added": report.added, "new_versions": report.new_versions, "unchanged": report.unchanged,
            "updated": report.updated}


@router.delete("/cases/{case_id}")
@_guard
def delete_case(case_id: str, request: Request, store: Store = Depends(get_store)):
    if store.delete_cases([case_id]) == 0:
        raise InputError([Problem(f"casus '{case_id}' staat niet in het casebook", "case not found")], 404)
    return {"deleted": case_id}


# -- reading ------------------------------------------------------------------------------------------

@router.get("/cases")
@_guard
def list_cases(request: Request, limit: int = 50, offset: int = 0, store: Store = Depends(get_store)):
    if not 1 <= limit <= 1000 or offset < 0:
        raise InputError([Problem("limit 1 tot 1000, offset ≥ 0", "limit 1 to 1000, offset ≥ 0", field="limit")])
    total, rows = store.list_cases(filters_of(request), limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "cases": rows}


@router.get("/cases/{case_id}")
@_guard
def show_case(case_id: str, request: Request, store: Store = Depends(get_store)):
    found = store.case(case_id)
    if found is None:
        raise InputError([Problem(f"casus '{case_id}' staat niet in het casebook", "case not found")], 404)
    return found


@router.get("/cases/{case_id}/explanation", response_class=PlainTextResponse)
@_guard
def explain_case(case_id: str, request: Request, store: Store = Depends(get_store),
                 registry: Registry = Depends(get_registry)):
    found = store.case(case_id)
    current = next((d for v in (found or {}).get("versions", ()) for d in v["decisions"] if d["current"]), None)
    if current is None:
        raise InputError([Problem(f"casus '{case_id}' staat niet in het casebook", "case not found")], 404)
    lang = _lang(request)
    return PlainTextResponse(explain(current["decision"], lang, "text", fact_labels(registry, lang)))


@router.get("/export")
@_guard
def export(request: Request, municipality: str, format: str = "json", store: Store = Depends(get_store)):
    if format not in ("json", "jsonl"):
        raise InputError([Problem("format is json of jsonl", "format is json or jsonl", field="format")])

    def lines() -> Iterator[str]:
        if format == "jsonl":
            for v in store.export(municipality):
                yield json.dumps(v, ensure_ascii=False, default=str) + "\n"
            return
        yield json.dumps({"municipality": municipality})[:-1] + ', "cases": [\n'
        for i, v in enumerate(store.export(municipality)):
            yield ("," if i else "") + json.dumps(v, ensure_ascii=False, default=str) + "\n"
        yield "]}\n"

    media = "application/x-ndjson" if format == "jsonl" else "application/json"
    name = f"casebook-{municipality}.{format}"
    return StreamingResponse(lines(), media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/stats")
def stats(store: Store = Depends(get_store)):
    return store.stats()


def _report(request: Request, store: Store, registry: Registry):
    return build_report(store, filters_of(request), fact_labels(registry, "nl"), period=_period(request))


@router.get("/report")
@_guard
def report_json(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry)):
    return _report(request, store, registry).as_dict()


@router.get("/report.html", response_class=Response)
@_guard
def report_html(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry)):
    return Response(render_report(_report(request, store, registry)), media_type="text/html; charset=utf-8")


@router.get("/tables/{name}.{fmt}")
@_guard
def table(name: str, fmt: str, request: Request, store: Store = Depends(get_store),
          registry: Registry = Depends(get_registry)):
    report = _report(request, store, registry)
    if name not in report.tables or fmt not in ("csv", "parquet"):
        raise InputError([Problem(f"onbekende tabel of formaat; tabellen: {', '.join(report.tables)}; csv of parquet",
                                  "unknown table or format")], 404)
    t = report.tables[name]
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        return Response(table_csv(t), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(table_parquet(t), media_type="application/vnd.apache.parquet", headers=headers)


@router.get("/page", response_class=Response)
@_guard
def page(request: Request, store: Store = Depends(get_store), registry: Registry = Depends(get_registry)):
    report = _report(request, store, registry)
    s = store.stats()
    query = request.url.query

    def downloads(name: str, fmt: str) -> str:
        return f"tables/{name}.{fmt}" + (f"?{query}" if query else "")

    html = render_page(report, [m["municipality"] for m in s["municipalities"]],
                       [e["evaluation"] for e in s["evaluations"]], downloads,
                       report_url="report.html" + (f"?{query}" if query else ""),
                       json_url="report" + (f"?{query}" if query else ""))
    return Response(html, media_type="text/html; charset=utf-8")


@page_router.get("/casebook", include_in_schema=False)
def casebook_page(request: Request):
    query = request.url.query
    return RedirectResponse("/v1/casebook/page" + (f"?{query}" if query else ""), status_code=307)
