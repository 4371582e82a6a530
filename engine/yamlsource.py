"""Reading YAML and JSON so that every value can be traced back to its file and line.

Numbers with a fraction are read as `Decimal`, never float: money stays exact from the file on.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import Problem


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 0
    lines: dict


class LineList(list):
    line: int = 0
    lines: list


class _Loader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
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
            raise yaml.constructor.ConstructorError(None, None, f"'{text}' is geen getal", node.start_mark)
        return Decimal(text)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


class SourceError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.render())
        self.problem = problem


def parse_text(text: str, name: str, fmt: str | None = None) -> Any:
    """Parse YAML or JSON text; raise SourceError with the file and line of a syntax error."""
    fmt = fmt or ("json" if name.endswith(".json") else "yaml")
    if fmt == "json":
        try:
            return json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            raise SourceError(Problem(f"ongeldige JSON: {exc.msg}", f"invalid JSON: {exc.msg}",
                                      file=name, line=exc.lineno)) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "syntaxfout"
        raise SourceError(Problem(f"ongeldige YAML: {what}", f"invalid YAML: {what}",
                                  file=name, line=mark.line + 1 if mark else None)) from None
    except yaml.YAMLError as exc:
        raise SourceError(Problem(f"ongeldige YAML: {exc}", f"invalid YAML: {exc}", file=name)) from None


def load_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(Problem(f"bestand niet leesbaar: {exc}", f"cannot read file: {exc}", file=str(path))) from None
    return parse_text(text, str(path))


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
