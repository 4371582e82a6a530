"""The JSON Schema of the public case format, so other systems and editors can validate case files.

Derived from `engine.case.Case` (the model that validates every case), completed with what the
loaded vocabulary knows: the options that can be checked and the circumstances a case may assert.
What a schema cannot say (no BSN-like numbers anywhere; a municipality needs a local rule set) is
stated in the descriptions.
"""
from __future__ import annotations

import copy
from typing import Any

from engine.case import Case
from engine.facts import Vocabulary

DIALECT = "https://json-schema.org/draft/2020-12/schema"
MONEY_PATTERN = r"^-?[0-9]+(\.[0-9]{1,2})?$"

_DESCRIPTIONS = {
    "case_id": "Pseudoniem kenmerk van de casus; nooit een BSN of een naam.",
    "reference_date": "Peildatum (JJJJ-MM-DD): bepaalt welke versies van de regelsets gelden.",
    "municipality": "Gemeente (slug, bv. zaanstad): kiest de lokale regelset.",
    "household": "Het huishouden. Een ontbrekend veld is onbekend, niet nul.",
    "income": "Netto inkomsten per maand; een lege lijst betekent: geen inkomen.",
    "assets": "Vermogen: bezittingen min schulden (mag negatief zijn).",
    "debts": "Schulden en de schuldenregeling.",
    "benefit": "De uitkering die de aanvrager ontvangt.",
    "work": "De werksituatie van de aanvrager.",
    "need": "De hulpvraag.",
    "options": "De manieren om de hulpvraag te beantwoorden die getoetst moeten worden.",
    "circumstances": "Feiten die de professional vaststelt; null betekent uitdrukkelijk onbekend.",
    "assessment": "Brug naar Zelfredzaamheid: per pijler 1 (crisis) tot 5 (zelfredzaam).",
    "avoided_costs": "Wat het beantwoorden van de hulpvraag voorkomt (de kassabon).",
}

_FACT_SCHEMA = {
    "boolean": {"type": "boolean"},
    "integer": {"type": "integer"},
    "money": {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": MONEY_PATTERN}]},
    "date": {"type": "string", "format": "date"},
    "text": {"type": "string"},
    "enum": {"type": "string"},
    "list_text": {"type": "array", "items": {"type": "string"}},
    "list_integer": {"type": "array", "items": {"type": "integer"}},
}


def _money_strings(node: Any) -> None:
    """Pydantic writes a Decimal as number-or-string; give the string branch the accepted shape."""
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list) and any(b.get("type") == "number" for b in branches if isinstance(b, dict)):
            for b in branches:
                if isinstance(b, dict) and b == {"type": "string"}:
                    b["pattern"] = MONEY_PATTERN
        for value in node.values():
            _money_strings(value)
    elif isinstance(node, list):
        for value in node:
            _money_strings(value)


def _circumstance(spec) -> dict:
    schema = copy.deepcopy(_FACT_SCHEMA[spec.type])
    if spec.values:
        if spec.type == "list_text":
            schema["items"]["enum"] = list(spec.values)
            schema["uniqueItems"] = True
        else:
            schema["enum"] = list(spec.values)
    return {"anyOf": [schema, {"type": "null"}], "description": spec.question, "title": spec.label}


def case_schema(vocabulary: Vocabulary, ref_template: str = "#/$defs/{model}") -> dict:
    """The JSON Schema of a case for this vocabulary; `ref_template` places the sub-schemas."""
    schema = Case.model_json_schema(ref_template=ref_template)
    _money_strings(schema)
    props = schema["properties"]
    for name, text in _DESCRIPTIONS.items():
        props[name]["description"] = text
    props["options"]["items"] = {"type": "string", "oneOf": [
        {"const": name, "title": spec.get("title", name), "description": spec.get("title_en", name)}
        for name, spec in vocabulary.options.items()]}
    props["options"]["uniqueItems"] = True
    circumstances = {name.split(".", 1)[1]: _circumstance(spec) for name, spec in vocabulary.facts.items()
                     if name.startswith("circumstances.")}
    props["circumstances"] = {"type": "object", "properties": circumstances, "additionalProperties": False,
                              "description": _DESCRIPTIONS["circumstances"], "title": "Circumstances"}
    schema["title"] = "Regelruimte-casus"
    schema["description"] = ("Eén huishouden op een peildatum in een gemeente, met een hulpvraag en de te toetsen "
                             "opties. Een ontbrekend veld is onbekend. Geen enkel getal van 8 of 9 cijfers dat de "
                             "elfproef haalt (BSN) is toegestaan, waar ook in de casus.")
    return schema


def standalone_case_schema(vocabulary: Vocabulary) -> dict:
    """The schema as a document of its own (for `GET /v1/schema/case` and editors)."""
    schema = case_schema(vocabulary)
    return {"$schema": DIALECT, "$id": "urn:regelruimte:schema:case", **schema}


def openapi_components(vocabulary: Vocabulary) -> dict[str, dict]:
    """The schema split into OpenAPI components: `Case` and the parts it refers to."""
    schema = case_schema(vocabulary, ref_template="#/components/schemas/{model}")
    parts = schema.pop("$defs", {})
    return {"Case": schema, **parts}
