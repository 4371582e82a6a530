"""Validation errors from pydantic, said in Dutch (and English) with the path of the field."""
from __future__ import annotations

from typing import Any, Iterable

from .errors import InvalidValue, Problem

_NL = {
    "missing": "dit veld is verplicht",
    "extra_forbidden": "onbekend veld",
    "literal_error": "ongeldige waarde; toegestaan: {expected}",
    "enum": "ongeldige waarde; toegestaan: {expected}",
    "greater_than_equal": "moet ten minste {ge} zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "less_than_equal": "mag ten hoogste {le} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "decimal_parsing": "geen geldig bedrag; schrijf bv. \"1100.00\"",
    "decimal_type": "geen geldig bedrag; schrijf bv. \"1100.00\"",
    "decimal_max_places": "ten hoogste {decimal_places} cijfers achter de komma",
    "decimal_max_digits": "te groot bedrag",
    "decimal_whole_digits": "te groot bedrag (ten hoogste {whole_digits} cijfers voor de komma)",
    "finite_number": "moet een eindig getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "bool_parsing": "moet ja (true) of nee (false) zijn",
    "bool_type": "moet ja (true) of nee (false) zijn",
    "date_parsing": "geen geldige datum; schrijf JJJJ-MM-DD",
    "date_from_datetime_parsing": "geen geldige datum; schrijf JJJJ-MM-DD",
    "date_type": "geen geldige datum; schrijf JJJJ-MM-DD",
    "string_type": "moet tekst zijn",
    "string_unicode": "bevat tekens die geen geldige tekst zijn",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "te lang (ten hoogste {max_length} tekens)",
    "string_pattern_mismatch": "ongeldige opmaak",
    "too_short": "moet ten minste {min_length} element(en) bevatten",
    "too_long": "mag ten hoogste {max_length} elementen bevatten",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object (sleutels en waarden) zijn",
    "model_type": "moet een object (sleutels en waarden) zijn",
    "model_attributes_type": "moet een object (sleutels en waarden) zijn",
    "value_error": "{error}",
    "assertion_error": "{error}",
}


def _fill(template: str, ctx: dict) -> str:
    try:
        return template.format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return template


def _value_error_text(err: dict) -> tuple[str, str]:
    error = err.get("ctx", {}).get("error", err.get("msg", ""))
    raw = str(error)
    return raw, error.en if isinstance(error, InvalidValue) else raw


def problems_from_validation(errors: Iterable[dict], prefix: str = "", file: str | None = None,
                             line_of=None) -> list[Problem]:
    """Translate pydantic `ValidationError.errors()` into Problems with field paths (and lines)."""
    out = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        # pydantic puts union branches and validator names in the location; keep only data keys
        loc = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        field = ".".join(str(p) for p in ((prefix,) if prefix else ()) + loc) or None
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        kind = err.get("type", "")
        if kind in ("value_error", "assertion_error"):
            nl, en = _value_error_text(err)
        elif kind == "string_too_short" and int(ctx.get("min_length", 1)) > 1:  # not "mag niet leeg zijn" for "x"
            nl = _fill("te kort (ten minste {min_length} tekens)", ctx)
            en = err.get("msg", "invalid value")
        else:
            nl = _fill(_NL.get(kind, err.get("msg", "ongeldige waarde")), ctx)
            en = err.get("msg", "invalid value")
        line = line_of(loc) if line_of else None
        out.append(Problem(message=nl, message_en=en, field=field, file=file, line=line))
    return out
