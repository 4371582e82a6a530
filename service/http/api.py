"""The HTTP API, version 1: decisions, rule sets and the case schema.

Case bodies are read as JSON with exact decimals and handed to the engine as raw data, exactly as
the command line does (`decision.decide.decide`): one validation, one set of messages. Each request
reads the live registry once, so a reload never mixes two rule-set generations in one answer.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hmac
from pathlib import Path
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from decision.pool import Files, Pool
from engine import diff as versions_diff
from decision.decide import decide
from engine.errors import CaseError, NoRulesetInForce, Problem
from engine.yamlsource import SourceError, field_path, parse_json_leaving_unreadable, parse_text

from .. import catalogue
from ..config import DEFAULT_RULESETS
from ..examples import WELDING_MASK
from . import problems
from .case_schema import standalone_case_schema
from .offload import off_loop
from .schemas import (BATCH_LIMIT, BatchResponse, Changelog, Decision, ErrorResponse, RuleItemDetail, RulesetDetail,
                      RulesetSummary, VersionDiff)

Lang = Literal["nl", "en"]
LANG = Query("nl", description="Taal van de teksten: nl (standaard) of en")


class ApiError(Exception):
    def __init__(self, code: str, problems_: list[Problem] | None = None):
        super().__init__(code)
        self.code = code
        self.problems = problems_ or []


bearer = HTTPBearer(auto_error=False, description="API-token; alleen vereist als REGELRUIMTE_API_TOKENS is gezet. "
                    "Webpagina's vragen hetzelfde token als wachtwoord (HTTP Basic, de gebruikersnaam telt niet).")


def presented_token(authorization: str | None) -> bytes:
    """The token in an Authorization header: `Bearer <token>`, or for a browser, which cannot send a
    bearer token on a page visit, `Basic` with the token as password (the user name is ignored)."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer":
        return value.encode()
    if scheme == "basic":
        try:
            _, colon, password = base64.b64decode(value, validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return b""
        return password if colon else b""
    return b""


async def require_token(request: Request, _: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    # async: a plain function would be run in a worker thread on every request
    tokens = request.app.state.tokens
    if not tokens:
        return
    given = presented_token(request.headers.get("authorization"))
    # compare with every token, in constant time, so timing does not tell how close a guess was
    if any([hmac.compare_digest(given, t) for t in tokens]):
        return
    # else a casebook user's token (looked up by its hash, off the event loop)
    for accepts in getattr(request.app.state, "token_checks", ()):
        if given and await off_loop(accepts, request, given):
            return
    raise ApiError("unauthorized")


router = APIRouter(prefix="/v1", dependencies=[Depends(require_token)])


def error_responses(*codes: str, page: bool = False) -> dict:
    """The documented error answers of a route: the API's error format, or (`page`) a page of the site."""
    answer = ({"content": {"text/html": {"schema": {"type": "string"}}}} if page else {"model": ErrorResponse})
    return {problems.STATUS_CODE[c]: {**answer, "description": problems.SUMMARY[c][0]} for c in codes}


COMMON_ERRORS = error_responses("unauthorized", "internal_error")


def json_response(data: Any, status: int = 200, media_type: str = "application/json") -> Response:
    # orjson: a decision is some 30 kB of JSON, and the standard encoder was a fifth of a request's time
    return Response(orjson.dumps(data, default=str, option=orjson.OPT_NON_STR_KEYS), status_code=status,
                    media_type=media_type)


def _json(text: str) -> Any:
    return parse_text(text, "body", "json")


def _json_of_a_batch(text: str) -> tuple[Any, list]:
    return parse_json_leaving_unreadable(text, "body")


def parse_body(raw: bytes, read=_json) -> Any:
    """A body read by `read_body` as JSON with exact decimals (in a worker: it may be large); `read`
    may leave numbers it does not read in place (`_json_of_a_batch`)."""
    try:
        return read(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError("invalid_request", [Problem("de inhoud is geen UTF-8-tekst", "the body is not UTF-8 text")]) from None
    except SourceError as exc:
        raise ApiError("invalid_request", [Problem(exc.problem.message, exc.problem.message_en, line=exc.problem.line,
                                                   field=exc.problem.field)]) from None
    except RecursionError:
        raise ApiError("invalid_request", [Problem("de JSON is te diep genest", "the JSON is nested too deeply")]) from None


async def read_body(request: Request) -> bytes:
    """The raw body of a JSON request; 415 without `Content-Type: application/json`.

    A body without Content-Type is refused too: a browser on another site can send one without
    asking (a "simple" request), and must not reach a route that stores or decides."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ApiError("unsupported_media_type")
    return await request.body()


async def read_json(request: Request) -> Any:
    """The body as JSON with exact decimals; a clear 415 or 422 otherwise (never the value sent)."""
    return await off_loop(parse_body, await read_body(request))


def live_registry(request: Request):
    return request.app.state.live.current


def rulesets_root(request: Request) -> Path:
    """The rule-set folder the service serves (`regelruimte serve --rulesets`); the bundled one for
    a router mounted on a bare app."""
    live = getattr(request.app.state, "live", None)
    return live.root if live is not None else DEFAULT_RULESETS


def case_body() -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Case"},
        "examples": {"lasmasker": {"summary": "Zaanstad: het lasmasker (Wsnp, € 1.100, binnen 14 dagen)",
                                   "value": WELDING_MASK}}}}}}


@router.post("/decisions", summary="Toets één casus", response_model=None, openapi_extra=case_body(),
             responses={200: {"model": Decision, "description": "Het besluit per optie, met onderbouwing"},
                        **error_responses("invalid_case", "payload_too_large", "unsupported_media_type"), **COMMON_ERRORS})
async def post_decision(request: Request, lang: Lang = LANG) -> Response:
    """Een casus (publiek casusformaat, JSON) in, het besluit (publiek besluitformaat) uit.

    Per optie: toegestaan, geblokkeerd (met de regel en het artikel), maatwerkroute mogelijk (wie
    beslist, hoe snel, wat te onderbouwen) of informatie nodig (welke feiten ontbreken).
    """
    raw, registry = await read_body(request), live_registry(request)
    # one trip to a worker for reading and deciding: every hop between threads costs the loop
    return await off_loop(lambda: json_response(decide(parse_body(raw), registry, lang)))


BATCH_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": {"type": "object", "additionalProperties": False, "required": ["cases"],
               "properties": {"cases": {"type": "array", "minItems": 1, "maxItems": BATCH_LIMIT,
                                        "items": {"$ref": "#/components/schemas/Case"}}}},
    "examples": {"een": {"summary": "Eén casus in een batch", "value": {"cases": [WELDING_MASK]}}}}}}}


class Unread:
    """A case of a batch with a number the reader left unread (engine.yamlsource.Unreadable), in its
    place: refused with the field of each such number, and no other case with it."""

    def __init__(self, problems_: list[Problem]):
        self.problems = problems_


def batch_entry(lang: str, registry, indexed: tuple[int, Any]) -> tuple[bool, bytes]:
    """One case of a batch as its JSON entry (in a worker process when the batch is large)."""
    i, data = indexed
    try:
        if isinstance(data, Unread):
            raise CaseError(data.problems)
        entry = {"index": i, "status": "ok", "decision": decide(data, registry, lang)}
    except (CaseError, NoRulesetInForce) as exc:
        entry = {"index": i, "status": "invalid", "problems": [p.as_dict(lang) for p in exc.problems]}
    return entry["status"] == "ok", orjson.dumps(entry, default=str, option=orjson.OPT_NON_STR_KEYS)


def _decide_each(cases: list, registry, lang: str, pool: Pool | None, files: Files | None) -> Response:
    """The body json_response would give, put together from the entries (in worker processes when a
    large batch pays for them: docs/decisions/0028-process-pool-for-batches.md)."""
    entries = (pool or Pool(workers=1)).map(functools.partial(batch_entry, lang), list(enumerate(cases)), registry, files)
    ok, parts = 0, []
    for good, part in entries:
        ok += good
        parts.append(part)
    head = b'{"count":%d,"ok":%d,"invalid":%d,"results":[' % (len(parts), ok, len(parts) - ok)
    return Response(head + b",".join(parts) + b"]}", media_type="application/json")


@router.post("/decisions:batch", summary="Toets tot 1.000 casussen", response_model=None, openapi_extra=BATCH_BODY,
             responses={200: {"model": BatchResponse, "description": "Per casus het besluit of de problemen"},
                        **error_responses("invalid_request", "payload_too_large", "unsupported_media_type"), **COMMON_ERRORS})
async def post_batch(request: Request, lang: Lang = LANG) -> Response:
    """Tot 1.000 casussen in één verzoek: `{"cases": [...]}`.

    Een ongeldige casus maakt de rest niet ongeldig: per casus staat er `status: ok` met het besluit,
    of `status: invalid` met de problemen. Alle casussen worden met dezelfde regelsets getoetst.
    """
    data, unread = await off_loop(parse_body, await read_body(request), _json_of_a_batch)
    for place, what in unread:
        if not (len(place) > 1 and place[0] == "cases" and isinstance(place[1], int)):  # not in a case: in the request
            raise ApiError("invalid_request", [Problem(f"ongeldige JSON: {what.message}", f"invalid JSON: {what.message_en}",
                                                       field=field_path(place))])
    if not isinstance(data, dict) or set(data) != {"cases"} or not isinstance(data["cases"], list):
        raise ApiError("invalid_request", [Problem('verwacht een object met alleen het veld "cases" (een lijst)',
                                                   'expected an object with only the field "cases" (a list)',
                                                   field="cases")])
    cases = data["cases"]
    if not 1 <= len(cases) <= BATCH_LIMIT:
        raise ApiError("invalid_request", [Problem(f"geef 1 tot {BATCH_LIMIT} casussen (nu {len(cases)})",
                                                   f"give 1 to {BATCH_LIMIT} cases (got {len(cases)})", field="cases")])
    refused: dict[int, list[Problem]] = {}
    for (_, i, *place), what in unread:  # each in a case now
        refused.setdefault(i, []).append(Problem(what.message, what.message_en, field=field_path(place)))
    for i, found in refused.items():
        cases[i] = Unread(found)
    registry = live_registry(request)  # one generation for the whole batch
    pool, files = getattr(request.app.state, "pool", None), request.app.state.live.sources.get(registry)
    return await off_loop(_decide_each, cases, registry, lang, pool, files)


@router.get("/rulesets", summary="Alle regelsets met hun versies", response_model=None,
            responses={200: {"model": list[RulesetSummary]}, **COMMON_ERRORS})
async def list_rulesets(request: Request) -> Response:
    return json_response(catalogue.summary(live_registry(request)))


@router.get("/rulesets/{ruleset_id}", summary="Eén regelset: versies, ingangsdata, digests", response_model=None,
            responses={200: {"model": RulesetSummary}, **error_responses("not_found"), **COMMON_ERRORS})
async def get_ruleset(request: Request, ruleset_id: str) -> Response:
    return json_response(catalogue.ruleset_summary(live_registry(request), ruleset_id))


@router.get("/rulesets/{ruleset_id}/diff", summary="Wat er tussen twee versies van een regelset is gewijzigd",
            response_model=None, responses={200: {"model": VersionDiff}, **error_responses("not_found", "invalid_request"),
                                            **COMMON_ERRORS})
async def get_diff(request: Request, ruleset_id: str,
                   old: str = Query(alias="from", description="Oude versie (ingangsdatum JJJJ-MM-DD)", examples=["2026-07-01"]),
                   new: str = Query(alias="to", description="Nieuwe versie (ingangsdatum JJJJ-MM-DD)", examples=["2027-01-01"])
                   ) -> Response:
    """Per parameter de oude en nieuwe waarde met bron; regels en routes die erbij kwamen, vervielen of
    wijzigden (per veld: voorwaarde, bron, tekst); en tot wanneer de bedragen van elke versie bekend zijn.
    Een onbekende versie in `from` of `to` geeft 422."""
    registry = live_registry(request)
    catalogue.ruleset_summary(registry, ruleset_id)  # 404 for an unknown rule set
    for field, value in (("from", old), ("to", new)):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ApiError("invalid_request", [Problem("geef de ingangsdatum van een versie als JJJJ-MM-DD",
                                                       "give the start date of a version as YYYY-MM-DD",
                                                       field=f"query.{field}")]) from None
    try:
        return json_response(versions_diff.diff_refs(registry, f"{ruleset_id}@{old}", f"{ruleset_id}@{new}"))
    except versions_diff.DiffInputError as exc:
        raise ApiError("invalid_request", exc.problems) from None


@router.get("/rulesets/{ruleset_id}/changelog", summary="Wijzigingsoverzicht van een regelset, per versie",
            response_model=None, responses={200: {"model": Changelog}, **error_responses("not_found"), **COMMON_ERRORS})
async def get_changelog(request: Request, ruleset_id: str) -> Response:
    """Per versie (nieuwste eerst): de periode waarin ze geldt, tot wanneer de bedragen bekend zijn, de
    toelichting en welke parameters, regels en routes erbij kwamen, vervielen of wijzigden."""
    registry = live_registry(request)
    catalogue.ruleset_summary(registry, ruleset_id)  # 404 for an unknown rule set
    return json_response(versions_diff.changelog(registry, ruleset_id))


@router.get("/rulesets/{ruleset_id}/{version}", summary="Eén versie: parameters, regels en routes",
            response_model=None, responses={200: {"model": RulesetDetail}, **error_responses("not_found"), **COMMON_ERRORS})
async def get_ruleset_version(request: Request, ruleset_id: str, version: str) -> Response:
    return json_response(catalogue.detail(live_registry(request), ruleset_id, version, relative=True))


@router.get("/rulesets/{ruleset_id}/{version}/rules/{rule_id}", summary="Eén regel of route met bron, link en tekst",
            response_model=None, responses={200: {"model": RuleItemDetail}, **error_responses("not_found"), **COMMON_ERRORS})
async def get_rule(request: Request, ruleset_id: str, version: str, rule_id: str) -> Response:
    return json_response(catalogue.rule_detail(live_registry(request), ruleset_id, version, rule_id))


@router.get("/schema/case", summary="JSON Schema van het casusformaat", response_model=None,
            responses={200: {"content": {"application/schema+json": {"schema": {"type": "object"}}},
                             "description": "JSON Schema (2020-12)"}, **COMMON_ERRORS})
async def get_case_schema(request: Request) -> Response:
    """Het JSON Schema van het publieke casusformaat, met de opties en omstandigheden van de geladen
    regelsets; voor editors en systemen die casusbestanden willen controleren."""
    return json_response(standalone_case_schema(live_registry(request).vocabulary),
                         media_type="application/schema+json")
