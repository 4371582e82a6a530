"""`POST /v1/whatif`: the what-if over HTTP (the same comparison as `regelruimte whatif`).

The change is a version (`"zaanstad@2026-01-01"`) or an overlay object (the YAML file as JSON);
never a path on the server. Bad input gives 422 with every problem and where it is.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from engine.errors import Problem, RegelruimteError

from .cli import DEFAULT_RULESETS

MAX_CASES = 10_000
MAX_POPULATION = 200_000
MAX_FLIPS = 1_000

from .problems import body as error_body

PAGE = None  # what-if has no page yet: the API and `regelruimte whatif` serve policy staff
router = APIRouter(prefix="/v1", tags=["what-if"])


class Population(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n: int = Field(gt=0, le=MAX_POPULATION, description="aantal huishoudens")
    seed: int = 1
    date: dt.date | None = Field(default=None, description="peildatum (standaard de datum bij base)")
    municipalities: list[str] | None = None


class WhatIfRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base: str = Field(description="regelset@datum, bv. zaanstad@2025-09-15", examples=["zaanstad@2025-09-15"])
    change: str | dict[str, Any] | None = Field(
        default=None, description="een versie (regelset@datum) of een overlay (zie whatif/examples/)")
    cases: list[dict[str, Any]] | None = Field(default=None, max_length=MAX_CASES)
    population: Population | None = None
    sweep: str | None = Field(default=None, description="regelset.parameter=van:tot:stap")
    lang: Literal["nl", "en"] = "nl"
    flips: int = Field(default=100, ge=0, le=MAX_FLIPS, description="hoeveel verschuivingen per casus en optie terug")


def _error(problems: list[Problem], lang: str) -> JSONResponse:
    # the error format of the whole API (service.schemas.ErrorResponse)
    return JSONResponse(status_code=422, content=error_body("invalid_request", lang, problems))


def _jsonable(rows: list[dict]) -> list[dict]:
    return [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows]


def run_whatif(request: WhatIfRequest) -> dict:
    from whatif import report, run
    from whatif.compare import compare
    from whatif.overlay import parse_overlay
    from whatif.scenario import baseline, is_ref, parse_ref, reform

    root = DEFAULT_RULESETS
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
    sweep = run.parse_sweep(request.sweep) if request.sweep else None
    before_side = baseline(root, base)
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
    after_side = reform(root, base, change) if change is not None else None
    before = run.outcomes(before_side, source, "basis")
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
                        "points": run.run_sweep(root, base, sweep, source, change, before).to_dicts()}
    return out


@router.post("/whatif", summary="What-if: wat een wijziging van de regels doet, per casus en optie, en waarom")
def whatif(request: WhatIfRequest):
    try:
        return run_whatif(request)
    except RegelruimteError as exc:
        return _error(exc.problems, request.lang)
