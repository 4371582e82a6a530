"""Reading YAML and JSON so that every value can be traced back to its file and line.

Numbers with a fraction are read as `Decimal`, never float: money stays exact from the file on.

This is the one reader of YAML and JSON a user sends (case files, casebook imports, what-if
overlays, pasted cases, API bodies), so its limits are the limits everywhere (see
docs/decisions/0010-input-limits.md): while loading it counts nodes, with every alias counted as
the whole tree it stands for, so a "billion laughs" file is refused after a few thousand steps
instead of growing in memory; it limits nesting and aliases; it refuses a key given twice (the
last one silently winning hides mistakes), integers longer than any fact needs, and YAML types
that case data never has (sets, ordered maps, binary).
"""
from __future__ import annotations

import dataclasses
import functools
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

import orjson
import yaml
import yaml.composer
import yaml.constructor
import yaml.parser
import yaml.reader
import yaml.resolver
import yaml.scanner

try:
    import yaml.cyaml
except ImportError:  # PyYAML built without libyaml
    pass

from .bsn import looks_like_bsn
from .errors import Problem
from .reader_messages import json_problem, yaml_problem


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 0
    lines: dict


class LineList(list):
    line: int = 0
    lines: list


# The limits of one document (the numbers and why: docs/decisions/0010-input-limits.md).
MAX_NODES = 2_000_000  # every value and key, aliases expanded: a 16 MB batch has about 1.5 million
MAX_ALIASES = 100  # hand-written files use a few; a bomb needs many
MAX_ALIAS_VALUES = 10_000  # values that aliases stand for, in all: a bomb stands for billions
MAX_DEPTH = 64  # a case is 4 levels deep, a circumstance at most 10, a rule set 8
MAX_INT_DIGITS = 30  # no count, age or amount has more; Python refuses to read beyond 4,300
MAX_EXPONENT = 30  # 1e30 is already beyond any amount; 1e999999999 overflowed the arithmetic after it
MAX_FILE_BYTES = 16_000_000  # a file or stdin is read up to here (a batch of cases is the largest; /dev/zero never ends)


def _ours(what: str, what_en: str, mark) -> yaml.MarkedYAMLError:
    """A refusal of our own while reading YAML, in Dutch and English (`problem_en` tells it from the reader's)."""
    error = yaml.MarkedYAMLError(None, None, what, mark)
    error.problem_en = what_en
    return error


class _Bounded(yaml.constructor.SafeConstructor):
    """The safe loader's composing and constructing, bounded while it composes (before anything is
    built from the nodes). Mixed into a loader that supplies the events."""

    def compose_document(self):
        self._expanded, self._via_alias, self._aliases, self._depth = 0, 0, 0, 0
        self._sizes: dict[int, int] = {}  # anchored node -> its size with aliases expanded
        return super().compose_document()

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _ours(f"meer dan {MAX_ALIASES} aliassen (*naam)", f"more than {MAX_ALIASES} aliases",
                                event.start_mark)
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:  # an alias inside its own anchor: a structure without end
                raise _ours("een alias verwijst naar zichzelf", "an alias refers to itself", event.start_mark)
            self._via_alias += size
            if self._via_alias > MAX_ALIAS_VALUES:
                raise _ours(f"de aliassen staan samen voor meer dan {MAX_ALIAS_VALUES:,} waarden".replace(",", "."),
                                f"the aliases stand for more than {MAX_ALIAS_VALUES:,} values", event.start_mark)
            self._count(size, event.start_mark)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _ours(f"te diep genest (meer dan {MAX_DEPTH} niveaus)", f"nested deeper than {MAX_DEPTH} levels",
                            event.start_mark)
        before = self._expanded
        node = super().compose_node(parent, index)
        self._depth -= 1
        self._count(1, event.start_mark)
        if event.anchor is not None:
            self._sizes[id(node)] = self._expanded - before
        return node

    def _count(self, n: int, mark) -> None:
        self._expanded += n
        if self._expanded > MAX_NODES:
            raise _ours(f"te groot: meer dan {MAX_NODES:,} waarden (aliassen meegeteld)".replace(",", "."),
                            f"too large: more than {MAX_NODES:,} values (aliases counted in full)", mark)

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise _ours("deze sleutel staat er twee keer in", "this key is given twice", key_node.start_mark)
            except TypeError:  # an unhashable key: the base class says so
                break
            seen[key] = True
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.lines = {self.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value}
        return mapping

    def construct_sequence(self, node, deep=False):
        seq = LineList(super().construct_sequence(node, deep=True))
        seq.line = node.start_mark.line + 1
        seq.lines = [child.start_mark.line + 1 for child in node.value]
        return seq

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node).replace("_", "")
        if text.lower() in (".inf", "-.inf", "+.inf", ".nan"):
            raise _ours(f"'{text}' is geen getal", f"'{text}' is not a number", node.start_mark)  # one of four texts
        try:
            return _number(text)
        except _TooLarge as exc:
            raise _ours(str(exc), exc.message_en, node.start_mark) from None

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if sum(c.isdigit() for c in text) > MAX_INT_DIGITS:
            raise _ours(f"getal met meer dan {MAX_INT_DIGITS} cijfers", f"a number of more than {MAX_INT_DIGITS} digits",
                        node.start_mark)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node):
        # PyYAML builds the date with datetime, whose ValueError (2025-02-30, month 13, year 0, hour 99, a
        # timezone of +99:99) is no YAMLError: every caller would have crashed on it. The value is not
        # repeated: it may be anything the sender typed.
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError, AttributeError):  # AttributeError: `!!timestamp` on text that is none
            raise _ours("geen bestaande datum of tijd; schrijf een datum als JJJJ-MM-DD, bv. 2025-02-28",
                        "not an existing date or time; write a date as YYYY-MM-DD, e.g. 2025-02-28", node.start_mark) from None

    def construct_merge(self, node):
        raise _ours("samenvoegen met '<<' kan hier niet; schrijf de velden zelf uit",
                    "merging with '<<' is not supported here; write the fields out", node.start_mark)

    def construct_unsupported(self, node):
        raise _ours("dit YAML-type (set, omap, pairs, binary) komt in een casus of regelset niet voor",
                    "this YAML type (set, omap, pairs, binary) does not occur in a case or rule set", node.start_mark)


class _PythonLoader(_Bounded, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                    yaml.resolver.Resolver):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)


_Loader = _PythonLoader
if yaml.__with_libyaml__:
    class _LibyamlLoader(_Bounded, yaml.composer.Composer, yaml.cyaml.CParser, yaml.resolver.Resolver):
        """Events from libyaml's parser (parsing five times faster than PyYAML's own: rule sets are reloaded
        while the service answers requests), composed by PyYAML's Python composer so that the bounds
        above see every node as it comes."""

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _Loader = _LibyamlLoader

for _tag in ("set", "omap", "pairs", "binary"):
    _Bounded.add_constructor(f"tag:yaml.org,2002:{_tag}", _Bounded.construct_unsupported)
_Bounded.add_constructor("tag:yaml.org,2002:merge", _Bounded.construct_merge)  # (it was "een onbekende tag")
_Bounded.add_constructor("tag:yaml.org,2002:int", _Bounded.construct_yaml_int)
_Bounded.add_constructor("tag:yaml.org,2002:map", _Bounded.construct_mapping)
_Bounded.add_constructor("tag:yaml.org,2002:seq", _Bounded.construct_sequence)
_Bounded.add_constructor("tag:yaml.org,2002:float", _Bounded.construct_yaml_float)
_Bounded.add_constructor("tag:yaml.org,2002:timestamp", _Bounded.construct_yaml_timestamp)


class SourceError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


class _TooLarge(ValueError):
    def __init__(self, message: str, message_en: str):
        super().__init__(message)
        self.message_en = message_en


class Unreadable:
    """A JSON number the reader does not build (more than MAX_INT_DIGITS digits, an exponent beyond
    MAX_EXPONENT), or an object with a key given twice, left in its place by
    `parse_json_leaving_unreadable`: a batch of cases then refuses only the case that holds it
    (service.http.api), naming its field."""
    __slots__ = ("message", "message_en")

    def __init__(self, message: str, message_en: str):
        self.message, self.message_en = message, message_en

    def __reduce__(self):  # it travels to the worker processes of a batch
        return Unreadable, (self.message, self.message_en)


_TOO_LARGE = Unreadable(f"getal te groot of te lang (ten hoogste {MAX_INT_DIGITS} cijfers)",
                        f"number too large or too long (at most {MAX_INT_DIGITS} digits)")
_KEY_TWICE = Unreadable("een sleutel staat er twee keer in", "a key is given twice")
_TOO_MANY_DIGITS = Unreadable(f"getal met meer dan {MAX_INT_DIGITS} cijfers", f"a number with more than {MAX_INT_DIGITS} digits")


def _number(text: str) -> Decimal:
    """A number with a fraction or exponent, exact; one beyond any amount or percentage is refused
    (1e999999999 overflows the arithmetic after it, and a longer exponent does not even read)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or len(text) > 100 or (number.is_finite() and abs(number.as_tuple().exponent) > MAX_EXPONENT):
        raise _TooLarge(_TOO_LARGE.message, _TOO_LARGE.message_en)
    return number


def _json_number(found: list, text: str) -> Decimal | Unreadable:
    try:
        return _number(text)
    except _TooLarge:
        found.append(_TOO_LARGE)
        return _TOO_LARGE


def _json_int(found: list, text: str) -> int | Unreadable:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        found.append(_TOO_MANY_DIGITS)
        return _TOO_MANY_DIGITS
    return int(text)


def unreadable(data: Any) -> Iterator[tuple[tuple, Unreadable]]:
    """The place (keys and indexes) and kind of every number the JSON reader left unread in `data`."""
    stack = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, Unreadable):
            yield path, value
        elif isinstance(value, (dict, list)):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((child, path + (k,)) for k, child in reversed(list(items)))


def _json_object(found: list, pairs: list[tuple[str, Any]]) -> dict | Unreadable:
    data = dict(pairs)
    if len(data) != len(pairs):  # the object is left unread in its place: a batch refuses only its case
        found.append(_KEY_TWICE)
        return _KEY_TWICE
    return data


def too_deep(value: Any, limit: int) -> tuple | None:
    """The place (keys and indexes) where `value` nests lists and objects more than `limit` levels
    deep, or None (without recursion: the data may be nested thousands of levels)."""
    stack = [(value, 0, ())]
    while stack:
        value, depth, path = stack.pop()
        if depth > limit:
            return path
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        stack.extend((child, depth + 1, path + (k,)) for k, child in items if isinstance(child, (dict, list)))
    return None


def parse_json_leaving_unreadable(text: str, name: str) -> tuple[Any, list[tuple[tuple, Unreadable]]]:
    """JSON text read as `parse_text` reads it, but a number too long or too large is left in its place
    as an `Unreadable` and listed with its place (keys and indexes): for a batch, which refuses only the
    case that holds it."""
    text = text.removeprefix("\ufeff")  # a byte-order mark first is read past, as Windows tools write one
    data = _read_plainly(text)
    return (data, []) if data is not _NOT_PLAIN else _read_with_hooks(text, name)


def _read_with_hooks(text: str, name: str) -> tuple[Any, list[tuple[tuple, Unreadable]]]:
    """`parse_json_leaving_unreadable` by Python's reader, with a hook for every object and number."""
    found: list[Unreadable] = []  # filled by the hooks: the data is walked for them only if there are any
    try:
        data = json.loads(text, parse_float=functools.partial(_json_number, found),
                          parse_int=functools.partial(_json_int, found),
                          object_pairs_hook=functools.partial(_json_object, found))
    except json.JSONDecodeError as exc:
        what, what_en = json_problem(exc.msg)
        raise SourceError(Problem(f"ongeldige JSON: {what}", f"invalid JSON: {what_en}",
                                  file=name, line=exc.lineno)) from None
    except _TooLarge as exc:
        raise SourceError(Problem(f"ongeldige JSON: {exc}", f"invalid JSON: {exc.message_en}", file=name)) from None
    except RecursionError:
        raise SourceError(Problem(f"ongeldige JSON: te diep genest (meer dan {MAX_DEPTH} niveaus)",
                                  f"invalid JSON: nested deeper than {MAX_DEPTH} levels", file=name)) from None
    place = _too_deep_json(text, data)
    if place is not None:  # named by its top-level field only: deeper keys are the sender's own words
        raise SourceError(Problem(f"ongeldige JSON: te diep genest (meer dan {MAX_DEPTH} niveaus)",
                                  f"invalid JSON: nested deeper than {MAX_DEPTH} levels", file=name,
                                  field=field_path(place[:1])))
    return data, list(unreadable(data)) if found else []


def _too_deep_json(text: str, data: Any) -> tuple | None:
    """`too_deep(data, MAX_DEPTH)` of `data` read from `text`, walked only where the text has the brackets
    for it: every list or object read opens with one, and nesting beyond MAX_DEPTH takes more."""
    return too_deep(data, MAX_DEPTH) if text.count("[") + text.count("{") > MAX_DEPTH else None


_NOT_PLAIN = object()


def _read_plainly(text: str) -> Any:
    """`text` read by orjson (a fifth of the hooks' time), or _NOT_PLAIN where its data might differ from
    theirs or they would refuse it (tests/engine/test_json_reading.py holds the two equal):
    - any backslash: without one no character is escaped, in the text or in the data written again
      (which then has no quote but those that open and close a string);
    - text orjson refuses (the hooks' reader then says why, or reads NaN), or nested beyond MAX_DEPTH;
    - a float: a number with a point or exponent, or beyond 64 bits (shorter integers are exact), which
      orjson writes with a point or an exponent ("e", otherwise only in true and false);
    - a key given twice: orjson keeps the last. The text holds every colon of the data's strings and
      one per key; the data written again has fewer where a key (and its value) went."""
    if "\\" in text:
        return _NOT_PLAIN
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _NOT_PLAIN
    if _too_deep_json(text, data) is not None:  # (before writing it: orjson writes 255 levels at most)
        return _NOT_PLAIN
    written = orjson.dumps(data)
    outside = b"".join(written.split(b'"')[::2])  # all but the strings
    if b"." in outside or outside.count(b"e") != outside.count(b"true") + outside.count(b"false"):
        return _NOT_PLAIN
    return data if text.count(":") == written.count(b":") else _NOT_PLAIN


_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")


def field_path(place: Iterable[Any]) -> str | None:
    """A place (keys and indexes) as a dotted field path; a key that is no field name (it may be
    anything the sender typed) is written "…", and the path ends before a key that looks like a BSN
    ("a111222333" is a field name, but the number is never repeated): it names the field that holds it."""
    return _shown(place, lambda k: isinstance(k, int)) or None


def shown_field(path: str) -> str:
    """A dotted path found in the sender's data (`nul_paths`), as a problem may name it: as `field_path`,
    with parts of ASCII digits as list places."""
    if path == "(root)":
        return path
    return _shown(path.split("."), lambda k: k.isascii() and k.isdigit()) or "(root)"


def _shown(place: Iterable[Any], is_index) -> str:
    parts = []
    for k in place:
        if not isinstance(k, int) and looks_like_bsn(k):
            break
        parts.append(str(k) if is_index(k) or _NAME.fullmatch(k) else "…")
    return ".".join(parts)


def looks_like_json(text: str) -> bool:
    """Whether `text` opens as a JSON object or list does: `{` or `[` first, after blanks and a byte-order mark."""
    return text.lstrip(" \t\r\n\ufeff")[:1] in ("{", "[")


def parse_text(text: str, name: str, fmt: str | None = None) -> Any:
    """Parse YAML or JSON text; raise SourceError with the file and line of a syntax error or a limit.

    Text that opens as JSON does (`looks_like_json`) is JSON, whatever the name or `fmt` says (standard
    input, a pasted case, a .yaml file that holds JSON): YAML reads some JSON numbers otherwise (`1e5` is
    text there), so one case was decided, and guarded, two ways (docs/decisions/0031-bsn-in-any-spelling.md)."""
    fmt = fmt or ("json" if name.endswith(".json") else "yaml")
    if fmt == "json" or looks_like_json(text):
        try:
            data, unread = parse_json_leaving_unreadable(text, name)
        except SourceError as exc:
            if fmt == "json":
                raise
            if not _json_syntax(text):  # no JSON at all: a YAML flow mapping ({case_id: a, …}), read as YAML
                return _parse_yaml(text, name)
            problem = exc.problem  # the sender may have meant YAML: say why it was read as JSON
            raise SourceError(dataclasses.replace(
                problem, message=problem.message + " (tekst die met { of [ begint, wordt als JSON gelezen)",
                message_en=problem.message_en + " (text that starts with { or [ is read as JSON)")) from None
        if unread:
            place, what = unread[0]
            raise SourceError(Problem(f"ongeldige JSON: {what.message}", f"invalid JSON: {what.message_en}",
                                      file=name, field=field_path(place)))
        return data
    return _parse_yaml(text, name)


def _ignore(*_: Any) -> None:
    return None


def _json_syntax(text: str) -> bool:
    """Whether `text` is JSON by its syntax alone, whatever its values (numbers, duplicate keys, depth): such
    text the JSON reader refuses stands refused; anything else that opens with { or [ is YAML's to read."""
    try:
        json.loads(text, parse_float=_ignore, parse_int=_ignore, parse_constant=_ignore, object_pairs_hook=_ignore)
    except RecursionError:  # deeper than Python's stack: JSON, refused as too deep
        return True
    except ValueError:
        return False
    return True


def _parse_yaml(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if hasattr(exc, "problem_en"):  # one of ours (a limit, a date that does not exist): already in Dutch
            what, what_en = exc.problem, exc.problem_en
        else:  # the reader's English, which may repeat what the sender typed
            what, what_en = yaml_problem(exc.problem or exc.context)
        raise SourceError(Problem(f"ongeldige YAML: {what}", f"invalid YAML: {what_en}",
                                  file=name, line=mark.line + 1 if mark else None)) from None
    except yaml.YAMLError as exc:
        what, what_en = yaml_problem(getattr(exc, "reason", None) or str(exc))
        raise SourceError(Problem(f"ongeldige YAML: {what}", f"invalid YAML: {what_en}", file=name)) from None
    except RecursionError:  # below MAX_DEPTH this cannot happen; a last guard all the same
        raise SourceError(Problem("ongeldige YAML: te diep genest", "invalid YAML: nested too deeply", file=name)) from None


def load_file(path: Path) -> Any:
    try:
        with open(path, "rb") as f:
            return parse_text(read_bounded(f, str(path)), str(path))
    except OSError as exc:
        raise SourceError(Problem(f"bestand niet leesbaar: {exc.strerror}", f"cannot read file: {exc.strerror}",
                                  file=str(path))) from None


def read_bounded(stream: BinaryIO, name: str) -> str:
    """The UTF-8 text of `stream`, read up to MAX_FILE_BYTES: a larger file (or a device that never ends) is
    refused after that much, never read whole into memory."""
    raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // 1_000_000
        raise SourceError(Problem(f"het bestand is groter dan {mb} MB", f"the file is larger than {mb} MB", file=name))
    try:  # newlines as a file opened as text reads them
        return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise SourceError(Problem("het bestand is geen UTF-8-tekst", "the file is not UTF-8 text", file=name)) from None


def line_of_field(data: Any, field: str | None) -> int | None:
    """The line of a dotted field path (`income.0.net_monthly`) in data that was read."""
    # (an index is ASCII digits: "²" is a digit to isdigit() but no number to int(), and may be a key)
    return line_of(data, [int(part) if part.isascii() and part.isdigit() else part for part in (field or "").split(".")])


def line_of(data: Any, loc: Iterable[Any]) -> int | None:
    """The line of the deepest element of `loc` (a pydantic error location) that has one."""
    line = getattr(data, "line", None) or None
    for key in loc:
        if isinstance(data, LineDict) and key in data:
            line = data.lines.get(key, line)
            data = data[key]
        elif isinstance(data, LineList) and isinstance(key, int) and 0 <= key < len(data):
            line = data.lines[key]
            data = data[key]
        else:
            break
    return line
