"""What the casebook routes answer, for the OpenAPI document (service.http.casebook).

The store builds the data; these models only describe it, and the fuzz test checks real answers
against them. Extra keys are allowed: the casebook's answers may grow compatibly.
"""
from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field

from casebook.report import PERIODS
from engine.case import MUNICIPALITY_MAX, MUNICIPALITY_MIN, MUNICIPALITY_PATTERN

from .schemas import Status

OUTCOMES: tuple[str, ...] = get_args(Status)  # allowed, blocked, route_available, needs_information


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class AddReport(Out):
    added: int
    new_versions: int
    unchanged: int
    updated: int


class Deleted(Out):
    deleted: str


class CaseListItem(Out):
    case_id: str
    version: int
    municipality: str
    reference_date: str
    team: str | None
    tags: list[str]
    signal: str | None
    outcome: Status
    evaluation: str
    created_at: str


class CaseList(Out):
    total: int
    limit: int
    offset: int
    cases: list[CaseListItem]


class StoredDecision(Out):
    evaluation: str
    as_of: str | None
    current: bool
    outcome: Status
    rulesets: list[Any]
    evaluated_at: str
    decision: dict[str, Any] = Field(description="Het besluit in het publieke besluitformaat")


class CaseVersion(Out):
    case_id: str
    version: int
    latest: bool
    digest: str
    municipality: str
    reference_date: str
    team: str | None
    signal: str | None
    tags: list[str]
    origin: str | None = Field(description="Bestand en regel waaruit de versie is geïmporteerd, of api")
    created_at: str
    updated_at: str
    case: dict[str, Any] = Field(description="De casus in het publieke casusformaat")
    decisions: list[StoredDecision]


class CaseHistory(Out):
    case_id: str
    versions: list[CaseVersion]


class Export(Out):
    municipality: str
    cases: list[CaseVersion]


class Stats(Out):
    cases: int
    case_versions: int
    decisions: int
    batches: int
    municipalities: list[dict[str, Any]]
    outcomes: dict[str, int]
    evaluations: list[dict[str, Any]]
    reference_dates: dict[str, str | None]


class Report(Out):
    filters: dict[str, Any]
    period: str = Field(json_schema_extra={"enum": list(PERIODS)})
    generated_at: str
    overview: dict[str, Any]
    kassabon: dict[str, Any]
    tables: dict[str, Any]


# -- query parameters the routes read themselves (filters_of, _period), documented here -------------

MUNICIPALITY = {"type": "string", "minLength": MUNICIPALITY_MIN, "maxLength": MUNICIPALITY_MAX,
                "pattern": MUNICIPALITY_PATTERN}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


FILTERS = [
    _query("municipality", {"type": "array", "items": MUNICIPALITY}, "Gemeente (slug); mag vaker; leeg: alle"),
    _query("from", {"type": "string", "format": "date"}, "Peildatum vanaf (JJJJ-MM-DD)"),
    _query("to", {"type": "string", "format": "date"}, "Peildatum tot en met (JJJJ-MM-DD)"),
    _query("team", {"type": "string"}, "Alleen casussen van dit team"),
    _query("tag", {"type": "string"}, "Alleen casussen met dit label"),
    _query("evaluation", {"type": "string"}, "Een eerdere evaluatie in plaats van de huidige besluiten"),
    _query("outcome", {"type": "string", "enum": list(OUTCOMES)}, "Alleen casussen met deze uitkomst"),
]
# a case is its scope and id (decision record 0044): these narrow a lookup by id to one case
CASE_SCOPE = [_query("municipality", MUNICIPALITY, "De gemeente van de casus"),
              _query("team", {"type": "string", "maxLength": 100}, "Het team van de casus; leeg: de casus zonder team")]
PERIOD = _query("period", {"type": "string", "enum": list(PERIODS), "default": "quarter"}, "Periode van de tijdreeksen")
LANG = _query("lang", {"type": "string", "enum": ["nl", "en"], "default": "nl"}, "Taal van de teksten")


def parameters(*extra: dict) -> dict:
    return {"parameters": [*extra]}
