"""`POST /v1/whatif`: the what-if over HTTP (the same comparison as `regelruimte whatif`).

The change is a version (`"zaanstad@2026-01-01"`) or an overlay object (the YAML file as JSON);
never a path on the server. Bad input gives 422 with every problem and where it is.
"""
from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.case import MUNICIPALITY_MAX, MUNICIPALITY_PATTERN
from engine.errors import Problem, RegelruimteError
from engine.messages import problems_from_validation

from ..config import DEFAULT_RULESETS
from ..examples import WELDING_MASK
from ..web.whatif import router as page_router  # noqa: F401 - the page, mounted by service.http.app
from . import problems
from .api import ApiError, error_responses, read_json, rulesets_root
from .offload import Budget, Stopped, off_loop, watch_client
from .offload import off_loop_whatif
from .whatif_limits import BUSY, GATE, MAX_CASES, MAX_FLIPS, MAX_POPULATION, MAX_SECONDS, too_much

PAGE = "/wat-als"  # the page for policy staff (service.web.whatif), in the main menu
router = APIRouter(prefix="/v1", tags=["what-if"])


class Population(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int = Field(gt=0, le=MAX_POPULATION, description="aantal huishoudens")
    seed: int = 1
    date: dt.date | None = Field(default=None, description="peildatum (standaard de datum bij base)")
    municipalities: list[Annotated[str, Field(pattern=MUNICIPALITY_PATTERN, max_length=MUNICIPALITY_MAX)]] | None = \
        Field(default=None, max_length=400)


class WhatIfRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base: str = Field(description="regelset@datum, bv. zaanstad@2025-09-15", examples=["zaanstad@2025-09-15"])
    change: str | dict[str, Any] | None = Field(
        default=None, description="een versie (regelset@datum) of een overlay (zie whatif/examples/)")
    # at least one case: refused by whatif.run.cases_from_data (with field "cases"), documented here
    cases: list[dict[str, Any]] | None = Field(default=None, max_length=MAX_CASES, json_schema_extra={"minItems": 1})
    population: Population | None = None
    sweep: str | None = Field(default=None, description="regelset.parameter=van:tot:stap")
    lang: Literal["nl", "en"] = "nl"
    flips: int = Field(default=100, ge=0, le=MAX_FLIPS, description="hoeveel verschuivingen per casus en optie terug")


class Sweep(BaseModel):
    model_config = ConfigDict(extra="allow")
    parameter: str
    points: list[dict[str, Any]] = Field(description="per waarde: geholpen, benadeelde en niet te vergelijken huishoudens "
                                                  "(households_open, ADR 0043), kosten")


class WhatIfResponse(BaseModel):
    """The comparison: totals and tables (rows as objects), the flips, and the sweep if one was asked."""

    model_config = ConfigDict(extra="allow")
    base: str
    change: str | None
    source: str
    versions: dict[str, list[str]]
    totals: dict[str, Any]
    by_direction: list[dict[str, Any]]
    by_rule: list[dict[str, Any]]
    by_municipality: list[dict[str, Any]]
    by_household_type: list[dict[str, Any]]
    cost: list[dict[str, Any]]
    flips: list[dict[str, Any]]
    sweep: Sweep | None = None


def _inlined(schema: dict) -> dict:
    """A pydantic schema without $defs: the sub-models written out where they are used."""
    defs = schema.pop("$defs", {})

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items()}
        return [walk(v) for v in node] if isinstance(node, list) else node
    return walk(schema)


ZAANSTAD_120 = {"overlay": {"title": "Inkomensgrens bijzondere bijstand Zaanstad van 110% naar 120%",
                             "ruleset": "zaanstad", "from": "2026-01-01"},
                 "parameters": {"percentage_inkomensgrens": {"value": "1.20"}}}
EXAMPLES = {
    "lasmasker": {"summary": "Het lasmasker onder een inkomensgrens van 120%, met een sweep van 110% tot 120%",
                  "value": {"base": "zaanstad@2025-09-15", "change": ZAANSTAD_120, "cases": [WELDING_MASK],
                            "sweep": "zaanstad.percentage_inkomensgrens=1.10:1.20:0.05"}},
    "populatie": {"summary": "Dezelfde wijziging over 1.000 synthetische huishoudens",
                  "value": {"base": "zaanstad@2025-09-15", "change": ZAANSTAD_120, "population": {"n": 1000},
                            "flips": 10}},
}
# The route reads the body itself (read_json), so FastAPI does not document it: this does.
WHATIF_BODY = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": _inlined(WhatIfRequest.model_json_schema()), "examples": EXAMPLES}}}}


def parse_request(data: Any) -> WhatIfRequest:
    try:
        return WhatIfRequest.model_validate(data)
    except ValidationError as exc:
        raise RegelruimteError(problems_from_validation(exc.errors())) from None


def _lang(data: Any, request: Request) -> str:
    # the language is a field of the body; before the body is read, the query string decides
    lang = data.get("lang") if isinstance(data, dict) else None
    return lang if lang in ("nl", "en") else problems.lang_of(request.url.query)


def _jsonable(rows: list[dict]) -> list[dict]:
    return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows]


def _bounded_work(request: WhatIfRequest, points: int) -> None:
    households = request.population.n if request.population is not None else len(request.cases or ())
    runs = 1 + (request.change is not None) + points
    problem = too_much(households, runs, request.population is None, "population" if request.population else "cases")
    if problem is not None:
        raise RegelruimteError([problem])


def run_whatif(request: WhatIfRequest, root: Path | str = DEFAULT_RULESETS, budget: Budget | None = None) -> dict:
    from whatif import report, run
    from whatif.compare import compare
    from whatif.overlay import parse_overlay
    from whatif.scenario import baseline, is_ref, parse_ref, reform

    base = parse_ref(request.base, "base")
    if (request.cases is None) == (request.population is None):
        raise RegelruimteError([Problem("geef óf cases óf population", "give either cases or population", field="cases")])
    if request.change is None and request.sweep is None:
        raise RegelruimteError([Problem("geef change of sweep", "give change or sweep", field="change")])
    change = request.change
    if isinstance(change, str) and not is_ref(change):
        raise RegelruimteError([Problem("change is regelset@datum of een overlay-object (geen bestandsnaam)",
                                        "change is ruleset@date or an overlay object (not a file name)", field="change")])
    if isinstance(change, dict):
        change = parse_overlay(change, "change")
    sweep = run.parse_sweep(request.sweep) if request.sweep is not None else None  # "" is a bad sweep, not none
    _bounded_work(request, len(sweep.values) if sweep else 0)
    check = budget.check if budget is not None else (lambda: None)
    before_side = baseline(root, base)
    if sweep is not None:
        run.check_sweep_unit(sweep, before_side, base.day)
    if request.cases is not None:
        source = run.cases_from_data(request.cases, vocabulary=before_side.vocabulary)
    else:
        p = request.population
        day = p.date or base.day
        if day is None:
            raise RegelruimteError([Problem("geef population.date of een datum bij base",
                                            "give population.date or a date with base", field="population.date")])
        towns = p.municipalities or ([base.ruleset] if base.ruleset in before_side.municipalities else None)
        source = run.population_source(p.n, p.seed, before_side, day, towns)
    check()
    after_side = reform(root, base, change) if change is not None else None
    check()
    before = run.outcomes(before_side, source, "basis")
    check()
    c = compare(before, run.outcomes(after_side, source, "wijziging") if after_side is not None else before)
    out = {
        "base": str(base), "change": after_side.label if after_side else None, "source": source.description,
        "versions": {"base": list(c.before.versions), "change": list(c.after.versions)},
        "totals": c.totals, "by_direction": c.by_direction.to_dicts(), "by_rule": c.by_rule.to_dicts(),
        "by_municipality": c.by_municipality.to_dicts(), "by_household_type": c.by_household_type.to_dicts(),
        "cost": c.cost.to_dicts(), "flips": _jsonable(report.flips_table(c).head(request.flips).to_dicts()),
    }
    if sweep is not None:
        out["sweep"] = {"parameter": sweep.name,
                        "points": run.run_sweep(root, base, sweep, source, change, before, check=check).to_dicts()}
    return out


def _gated(request: WhatIfRequest, root, budget: Budget) -> dict:
    """run_whatif, letting the gate go when it ends (in its thread: a client that leaves does not end it)."""
    try:
        return run_whatif(request, root, budget)
    finally:
        GATE.release()


@router.post("/whatif", summary="What-if: wat een wijziging van de regels doet, per casus en optie, en waarom",
             response_model=None, openapi_extra=WHATIF_BODY,
             responses={200: {"model": WhatIfResponse, "description": "De vergelijking"},
                        **error_responses("invalid_request", "unsupported_media_type", "payload_too_large", "busy")})
async def whatif(request: Request):
    # the body is read as the core API reads a case: exact decimals, and 415 or 422 in the API's error
    # format for a body that is not JSON (FastAPI gave an undocumented 400 for one it could not decode)
    data = None
    budget = Budget(MAX_SECONDS)
    watcher = asyncio.create_task(watch_client(request, budget))
    try:
        data = await read_json(request)
        parsed = await off_loop(parse_request, data)
        if not GATE.acquire(blocking=False):  # one what-if at a time: never queued behind another
            return problems.response("busy", _lang(data, request), [Problem(*BUSY)], headers={"Retry-After": "5"})
        # in a thread of its own (service.http.offload): single decisions keep the shared workers
        return await off_loop_whatif(_gated, parsed, rulesets_root(request), budget)
    except ApiError as exc:
        return problems.response(exc.code, _lang(data, request), exc.problems)
    except RegelruimteError as exc:
        return problems.response("invalid_request", _lang(data, request),
                                 problems.without_paths(exc.problems, rulesets_root(request)))
    except Stopped as exc:  # a client that has gone reads no answer; one out of time gets this one
        return problems.response("invalid_request", _lang(data, request), [Problem(
            f"de berekening duurde langer dan {MAX_SECONDS:.0f} seconden en is gestopt; neem minder huishoudens of "
            "punten, of gebruik regelruimte whatif",
            f"the computation took longer than {MAX_SECONDS:.0f} seconds and was stopped", field=None)]
            if exc.reason == "time" else [])
    finally:
        budget.gone.set()  # ends the watcher
        watcher.cancel()
