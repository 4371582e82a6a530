"""One error format for every failure of the HTTP API: a code, a summary and the problems.

Problems name the field (or file and line) and say what is wrong in Dutch, or English with
`lang=en`. They never repeat the value that was sent: a refused BSN-like number stays unseen.
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Iterable

from starlette.responses import Response

from engine.errors import Problem
from engine.messages import problems_from_validation

SUMMARY = {
    "invalid_case": ("De casus is ongeldig; zie de problemen per veld.", "The case is invalid; see the problems per field."),
    "invalid_request": ("Het verzoek is ongeldig.", "The request is invalid."),
    "not_found": ("Niet gevonden.", "Not found."),
    "payload_too_large": ("Het verzoek is te groot.", "The request body is too large."),
    "unsupported_media_type": ("Stuur JSON (Content-Type: application/json).", "Send JSON (Content-Type: application/json)."),
    "unsupported_encoding": ("Stuur de inhoud zonder compressie (zonder Content-Encoding).",
                             "Send the body uncompressed (without Content-Encoding)."),
    "unauthorized": ("Geef een geldig API-token (Authorization: Bearer …).", "Give a valid API token (Authorization: Bearer …)."),
    "method_not_allowed": ("Deze methode is hier niet toegestaan.", "This method is not allowed here."),
    "forbidden_origin": ("Een verzoek dat iets wijzigt, mag niet van een pagina van een andere site komen.",
                         "A request that changes something may not come from a page of another site."),
    "forbidden": ("Dit mag u niet met uw rol en gemeente(n); de poging is vastgelegd.",
                  "Your role and municipalities do not allow this; the attempt was logged."),
    "busy": ("De service is bezig met een andere wat-als-berekening.", "The service is busy with another what-if."),
    "internal_error": ("Er ging iets mis in de service; de fout is gelogd zonder casusgegevens.",
                       "Something went wrong in the service; it was logged without case data."),
}

STATUS_CODE = {"invalid_case": 422, "invalid_request": 422, "not_found": 404, "payload_too_large": 413,
               "unsupported_media_type": 415, "unsupported_encoding": 415, "unauthorized": 401, "method_not_allowed": 405,
               "forbidden_origin": 403, "forbidden": 403, "busy": 429, "internal_error": 500}


def body(code: str, lang: str = "nl", problems: Iterable[Problem] = ()) -> dict:
    nl, en = SUMMARY[code]
    return {"error": code, "message": en if lang == "en" else nl,
            "problems": [p.as_dict(lang) for p in problems]}


def encode(code: str, lang: str = "nl", problems: Iterable[Problem] = ()) -> bytes:
    # "replace": a lone surrogate a sender put in a name must not turn the refusal into a 500
    return json.dumps(body(code, lang, problems), ensure_ascii=False).encode("utf-8", "replace")


def response(code: str, lang: str = "nl", problems: Iterable[Problem] = (), headers=None) -> Response:
    """The HTTP answer for an error: its status, and the body in the one error format."""
    return Response(encode(code, lang, problems), status_code=STATUS_CODE[code], media_type="application/json",
                    headers=headers)


def without_paths(found: Iterable[Problem], root: str | Path) -> list[Problem]:
    """Problems as an open answer may show them: file names relative to the rule-set folder `root`,
    and no absolute path of the server in a message (it tells an outsider how the server is laid out)."""
    base = str(Path(root).resolve())
    out = []
    for p in found:
        file = p.file
        if file and Path(file).is_absolute():
            file = os.path.relpath(file, base) if file.startswith(base + os.sep) else Path(file).name
        out.append(dataclasses.replace(p, file=file, message=p.message.replace(base + os.sep, ""),
                                       message_en=p.message_en.replace(base + os.sep, "")))
    return out


def from_request_errors(errors: Iterable[dict]) -> list[Problem]:
    """FastAPI's request validation errors (query, path, body) as Problems with a field path."""
    return problems_from_validation(errors)


def lang_of(query: str | bytes) -> str:
    """The language asked for in a raw query string; Dutch unless it says lang=en."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    return "en" if "lang=en" in text.split("&") else "nl"
