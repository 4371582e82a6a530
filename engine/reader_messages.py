"""Plain words for what the JSON and YAML readers refuse, in Dutch and English.

The readers explain a syntax error in their own English ("mapping values are not allowed here",
"Expecting ',' delimiter"), and some of their messages repeat what the sender typed (an alias's name, the
character found). A professional reads Dutch, and nothing the sender typed is repeated (ADR 0031), so
each known message is replaced by a sentence of our own that says what to check; a message not in the
tables gets a general one. The file and line come from the reader's mark, as before.
"""
from __future__ import annotations

import re

def _table(*groups: tuple[tuple[str, ...], str, str]) -> tuple[tuple[str, str, str], ...]:
    """(what the reader's message starts with, Dutch, English), from groups of beginnings that share a sentence
    (PyYAML and libyaml word the same fault apart); first match wins, so a longer beginning goes first."""
    return tuple((head, nl, en) for heads, nl, en in groups for head in heads)


_YAML = _table(
    (("mapping values are not allowed",),
     "hier staat een dubbele punt die er niet kan staan; zet een tekst met een dubbele punt tussen "
     "aanhalingstekens, en kijk of het inspringen klopt",
     "a colon that cannot stand here; put a text with a colon in quotes, and check the indentation"),
    (("could not find expected ':'",), "na een sleutel ontbreekt de dubbele punt (:)", "a key lacks its colon (:)"),
    (("did not find expected node content", "expected the node content"),
     "hier ontbreekt een waarde", "a value is missing here"),
    (("did not find expected ',' or ']'", "expected ',' or ']'"),
     "er ontbreekt een komma of een sluithaak ]", "a comma or a closing ] is missing"),
    (("did not find expected ',' or '}'", "expected ',' or '}'"),
     "er ontbreekt een komma of een sluithaak }", "a comma or a closing } is missing"),
    (("did not find expected key",), "hier hoort een sleutel te staan; kijk of het inspringen klopt",
     "a key belongs here; check the indentation"),
    (("did not find expected '-' indicator",), "hier hoort een lijstregel met - te staan; kijk of het inspringen klopt",
     "a list item with - belongs here; check the indentation"),
    (("expected <block end>",), "deze regel springt anders in dan de regels erboven",
     "this line is indented unlike the lines above it"),
    (("invalid indentation or unclosed",), "verkeerd ingesprongen, of een [ of { is niet gesloten",
     "wrong indentation, or an unclosed [ or {"),
    (("sequence entries are not allowed", "block sequence entries are not allowed"),
     "hier kan geen lijstregel (-) staan; kijk of het inspringen klopt",
     "a list item (-) cannot stand here; check the indentation"),
    (("mapping keys are not allowed",), "hier kan geen sleutel staan; kijk of het inspringen klopt",
     "a key cannot stand here; check the indentation"),
    (("found a tab character",), "hier staat een tab; spring in met spaties", "a tab here; indent with spaces"),
    (("found unexpected ':'",), "hier staat een dubbele punt die er niet kan staan; zet de tekst tussen aanhalingstekens",
     "a colon that cannot stand here; put the text in quotes"),
    (("did not find expected comment or line break", "expected a comment or a line break"),
     "na deze waarde mag op dezelfde regel alleen nog commentaar (#) staan",
     "after this value only a comment (#) may follow on the same line"),
    (("did not find expected whitespace",), "hier hoort een spatie of een nieuwe regel",
     "a space or a new line belongs here"),
    (("found an indentation indicator equal to 0",), "na | of > mag alleen +, - of een cijfer van 1 tot 9 staan",
     "| or > may only be followed by +, - or a digit from 1 to 9"),
    (("expected chomping or indentation indicators",), "na | of > mag alleen +, - of een cijfer staan",
     "| or > may only be followed by +, - or a digit"),
    (("did not find expected hexdecimal number", "expected escape sequence"),
     "na een \\ tussen dubbele aanhalingstekens staat een onvolledige code",
     "an incomplete code after a \\ in double quotes"),
    (("found invalid Unicode character escape",), "na een \\ tussen dubbele aanhalingstekens staat een ongeldige code",
     "an invalid code after a \\ in double quotes"),
    (("control characters are not allowed", "unacceptable character"),
     "de tekst bevat een stuurteken dat in YAML niet mag",
     "the text holds a control character that YAML does not allow"),
    (("found unexpected document indicator",),
     "een regel met --- of ... midden in een waarde; zet die tekst tussen aanhalingstekens",
     "a line of --- or ... inside a value; put that text in quotes"),
    (("did not find expected <document start>", "expected a single document", "but found another document"),
     "het bestand bevat meer dan één document (---); zet één casus per bestand",
     "the file holds more than one document (---); put one case in a file"),
    (("found character",), "hier staat een teken waarmee geen waarde kan beginnen, zoals een tab; spring in met spaties",
     "a character no value can start with, such as a tab; indent with spaces"),
    (("found unexpected end of stream",), "de tekst houdt onverwacht op; ontbreekt er een aanhalingsteken of haakje?",
     "the text ends unexpectedly; is a quote or a bracket missing?"),
    (("found unknown escape character",), "na een \\ tussen dubbele aanhalingstekens staat een onbekend teken; "
     "gebruik enkele aanhalingstekens of schrijf \\\\",
     "an unknown character after a \\ in double quotes; use single quotes or write \\\\"),
    (("found undefined alias",), "een verwijzing (*naam) naar een anker (&naam) dat er niet is",
     "a reference (*name) to an anchor (&name) that is not there"),
    (("found duplicate anchor",), "hetzelfde anker (&naam) staat er twee keer", "the same anchor (&name) appears twice"),
    (("expected alphabetic or numeric character", "did not find expected alphabetic or numeric character",
      "found unexpected non-alphabetical character"),
     "na & of * hoort een naam van letters of cijfers", "& or * must be followed by a name of letters or digits"),
    (("found unknown directive name", "could not find expected directive name"),
     "een regel die met % begint; zet die tekst tussen aanhalingstekens", "a line starting with %; put that text in quotes"),
    (("found unhashable key",), "een sleutel moet een tekst of een getal zijn, geen lijst of object",
     "a key must be a text or a number, not a list or an object"),
    (("could not determine a constructor", "found undefined tag handle"),
     "een onbekende tag (!…); schrijf gewone YAML zonder tags", "an unknown tag (!…); write plain YAML without tags"),
)
_YAML_OTHER = ("dit is geen geldige YAML; kijk of het inspringen, de aanhalingstekens en de haakjes kloppen",
               "this is not valid YAML; check the indentation, the quotes and the brackets")

_JSON: tuple[tuple[str, str, str], ...] = (
    ("Expecting value", "hier ontbreekt een waarde (of er staat een komma te veel)",
     "a value is missing here (or there is one comma too many)"),
    ("Expecting ',' delimiter", "er ontbreekt een komma tussen twee waarden, of een sluithaak",
     "a comma between two values, or a closing bracket, is missing"),
    ("Expecting ':' delimiter", "na een sleutel ontbreekt de dubbele punt (:)", "a key lacks its colon (:)"),
    ("Expecting property name enclosed in double quotes",
     "hier hoort een sleutel tussen dubbele aanhalingstekens (of er staat een komma te veel)",
     "a key in double quotes belongs here (or there is one comma too many)"),
    ("Illegal trailing comma", "er staat een komma te veel voor een sluithaak", "one comma too many before a closing bracket"),
    ("Unterminated string", "een tekst zonder afsluitend aanhalingsteken", "a text without its closing quote"),
    ("Invalid control character", "een tekst bevat een regeleinde of tab; schrijf \\n of \\t",
     "a text holds a line break or a tab; write \\n or \\t"),
    ("Invalid \\escape", "na een \\ in een tekst staat een onbekend teken; schrijf \\\\ voor een backslash",
     "an unknown character after a \\ in a text; write \\\\ for a backslash"),
    ("Invalid \\uXXXX escape", "een \\u-code in een tekst heeft geen vier hexadecimale cijfers",
     "a \\u code in a text lacks its four hexadecimal digits"),
    ("Extra data", "na het einde van de JSON staat nog tekst; stuur één JSON-waarde",
     "text follows the end of the JSON; send one JSON value"),
)
_JSON_OTHER = ("dit is geen geldige JSON", "this is not valid JSON")


def yaml_problem(message: str | None) -> tuple[str, str]:
    """(Dutch, English) for a YAML reader's problem or context."""
    return _lookup(_YAML, message, _YAML_OTHER)


def json_problem(message: str | None) -> tuple[str, str]:
    """(Dutch, English) for the JSON reader's `msg`."""
    return _lookup(_JSON, message, _JSON_OTHER)


def _lookup(table, message: str | None, other: tuple[str, str]) -> tuple[str, str]:
    text = _SPACE.sub(" ", message or "").strip()
    for head, nl, en in table:
        if text.startswith(head):
            return nl, en
    return other


_SPACE = re.compile(r"\s+")
