"""What-if overlays: a small change to one rule set, from a date, validated like a rule set.

An overlay file names the rule set and the date from which the change applies, and then says what
changes, in the words of a version file: `parameters` (only the fields that change, usually just
`value`), `rules` and `routes` (a new one in full; an existing one by `id` with only the fields that
change), and `removed` (ids). It is applied to the rule-set content as read, before compiling:
the version in force on the date is split there, and the change applies to that part and to every
later version. Then everything is compiled and checked as usual, so a mistake in an overlay is
refused with its file and line, like a mistake in a rule set.

    overlay:
      title: Inkomensgrens bijzondere bijstand naar 120%
      ruleset: zaanstad
      from: 2026-01-01
    parameters:
      percentage_inkomensgrens: {value: "1.20"}
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, Field, ValidationError, field_validator

from engine.bsn import FILE_NAME_MESSAGE, MESSAGE as BSN_MESSAGE, looks_like_bsn
from engine.errors import Problem, RulesetError
from engine.expressions import ExpressionError, compile_expression
from engine.loader import Origin, RawRulesets, RawVersion, load_rulesets
from engine.messages import problems_from_validation
from engine.model import SLUG, Parameter, Route, Rule, Source, Strict, VersionMeta
from engine.registry import Registry
from engine.yamlsource import SourceError, line_of, load_file, parse_text

from .calls import call_problem

ONE_DAY = dt.timedelta(days=1)


class OverlayMeta(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    title: str = Field(min_length=3)
    title_en: str | None = None
    ruleset: str = Field(pattern=SLUG)
    valid_from: dt.date = Field(alias="from")
    note: str | None = None


def _plain(number: Decimal) -> bool:
    """A parameter's value as a rule set has them: an amount, a percentage or a count. 1e30 would
    overflow the what-if's exact columns (docs/decisions/0010-input-limits.md)."""
    return number.is_finite() and (number == 0 or number.adjusted() < 12) and number.as_tuple().exponent >= -6


class ParameterChange(Strict):
    value: Decimal | int | bool | None

    @field_validator("value", mode="before")
    @classmethod
    def _one_message(cls, v):
        # a number (exact: "1.20" or 1.20), true/false, or null for an open term; one message otherwise
        if v is None or isinstance(v, bool):
            return v
        number = v if isinstance(v, (int, Decimal)) else None
        if isinstance(v, str) and "_" not in v:
            try:
                number = Decimal(v)
            except InvalidOperation:
                number = None
        if number is not None and _plain(Decimal(number)):
            return number
        # not the value: it may be anything, and long
        raise ValueError("geen getal of ja/nee; schrijf bv. \"1.20\" (ten hoogste 12 cijfers voor en 6 na de komma)")
    title: str | None = None
    title_en: str | None = None
    unit: str | None = None
    source: Source | None = None
    verified: bool | None = None
    note: str | None = None


class Change(Strict):
    """A rule or route in an overlay: `id` and whatever is new (a new one needs every field)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")


class OverlayFile(Strict):
    overlay: OverlayMeta
    parameters: dict[str, ParameterChange] = Field(default_factory=dict)
    rules: tuple[Change, ...] = ()
    routes: tuple[Change, ...] = ()
    removed: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Overlay:
    content: OverlayFile
    file: str
    data: Any = None  # the parsed YAML, for line numbers

    @property
    def ruleset(self) -> str:
        return self.content.overlay.ruleset

    @property
    def valid_from(self) -> dt.date:
        return self.content.overlay.valid_from

    @property
    def title(self) -> str:
        return self.content.overlay.title

    def line(self, *loc) -> int | None:
        return line_of(self.data, loc) if self.data is not None else None

    def origin(self, *loc) -> Origin:
        return Origin(self.file, self.line(*loc))


def _shape_problems(content: OverlayFile, data: Any, file: str) -> list[Problem]:
    """Conditions checked for size and shape before any rule set is loaded, so a hostile one (2,000
    terms, `"x" * 10**8`) is refused at once; names and types are checked when it is compiled."""
    found = []
    for kind, items in (("rules", content.rules), ("routes", content.routes)):
        for i, change in enumerate(items):
            extra = change.model_extra or {}
            for key in ("when", "value"):
                text = extra.get(key)
                if text is None:
                    continue
                where = line_of(data, (kind, i, key))
                if not isinstance(text, str):
                    found.append(Problem("een voorwaarde is tekst", "a condition is text", file=file, line=where,
                                         field=f"{kind}.{i}.{key}", rule=change.id))
                    continue
                try:
                    compile_expression(text, lambda name: True)
                except ExpressionError as exc:
                    said = (call_problem(text) if "onbekende functie" in str(exc) else None) or str(exc)
                    found.append(Problem(said, said, file=file, line=where, field=f"{kind}.{i}.{key}",
                                         rule=change.id))
    return found


def _bsn_places(data: Any, loc: tuple = ()) -> list[tuple]:
    """The places in an overlay (as read) of every key or value that looks like a BSN: a title, a note, a
    parameter value, a condition ("assets > 111222333"). A key that looks like one is named by its parent."""
    if isinstance(data, dict):
        found = []
        for key, value in data.items():
            if looks_like_bsn(key):
                found.append(loc)
            else:
                found.extend(_bsn_places(value, (*loc, key)))
        return found
    if isinstance(data, (list, tuple)):
        return [place for i, value in enumerate(data) for place in _bsn_places(value, (*loc, i))]
    return [loc] if looks_like_bsn(data) else []


def _bsn_problems(data: Any, file: str) -> list[Problem]:
    problems = []
    for loc in dict.fromkeys(_bsn_places(data)):
        field = ".".join(map(str, loc)) or None
        problems.append(Problem(*BSN_MESSAGE, file=file, line=line_of(data, loc) if loc else None, field=field))
    return problems


def parse_overlay(data: Any, file: str) -> Overlay:
    if looks_like_bsn(file):
        raise RulesetError([Problem(*FILE_NAME_MESSAGE)])
    problems = _bsn_problems(data, file)  # before anything else reads it: no message may quote it
    if problems:
        raise RulesetError(problems)
    if not isinstance(data, dict):
        raise RulesetError([Problem("een overlay is een object met 'overlay' en de wijzigingen",
                                    "an overlay is an object with 'overlay' and the changes", file=file)])
    try:
        content = OverlayFile.model_validate(data)
    except ValidationError as exc:
        raise RulesetError(problems_from_validation(exc.errors(), file=file,
                                                    line_of=lambda loc: line_of(data, loc))) from None
    problems = _shape_problems(content, data, file)
    if problems:
        raise RulesetError(problems)
    return Overlay(content, file, data)


def load_overlay(path: Path | str) -> Overlay:
    path = Path(path)
    if not path.exists():
        raise RulesetError([Problem("bestand bestaat niet", "file does not exist", file=str(path))])
    try:
        return parse_overlay(load_file(path), str(path))
    except SourceError as exc:
        raise RulesetError([exc.problem]) from None


def overlay_from_text(text: str, name: str = "<overlay>") -> Overlay:
    try:
        return parse_overlay(parse_text(text, name), name)
    except SourceError as exc:
        raise RulesetError([exc.problem]) from None


def parameter_overlay(ruleset: str, name: str, value: Decimal | int, valid_from: dt.date,
                      title: str | None = None) -> Overlay:
    """An overlay that sets one parameter (what a sweep makes for each value)."""
    meta = OverlayMeta(title=title or f"{ruleset}.{name} = {value}", ruleset=ruleset, valid_from=valid_from)
    # (its file name, which problems show: not the parameter's name where that looks like a BSN)
    return Overlay(OverlayFile(overlay=meta, parameters={name: ParameterChange(value=value)}),
                   f"<{ruleset}.{name}>" if not looks_like_bsn(name) else f"<{ruleset}.sweep>")


# ---------------------------------------------------------------------------------------------
# Applying an overlay to the content as read


def quoted(name: str) -> str:
    """A name the sender gave, as a message quotes it (" 'p1'"), or nothing where it looks like a BSN: a
    message never repeats one (engine/bsn.py), and the field or line says where it is."""
    return "" if looks_like_bsn(name) else f" '{name}'"


def _hint(name: str, known) -> str:
    match = difflib.get_close_matches(name, list(known), n=1)
    return f"; bedoelde u '{match[0]}'?" if match else ""


def _shown_id(rid: Any) -> Any:
    """An id the sender gave, as a problem names it: not at all where it looks like a BSN (see `quoted`)."""
    return None if isinstance(rid, str) and looks_like_bsn(rid) else rid


def _rule_id(merged: Any) -> str | None:
    return _shown_id(merged.get("id") if isinstance(merged, dict) else None)


def _validated(model, merged: dict, overlay: Overlay, loc: tuple, problems: list[Problem], what: str):
    absent = [name for name, f in model.model_fields.items() if f.is_required() and name not in merged]
    if absent:  # a new item, or a misspelt name of an existing one: say so once
        problems.append(Problem(f"{what}: ontbreekt {', '.join(absent)}", f"{what}: missing {', '.join(absent)}",
                                file=overlay.file, line=overlay.line(*loc), rule=_rule_id(merged)))
        return None
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        for p in problems_from_validation(exc.errors(), file=overlay.file,
                                          line_of=lambda sub: overlay.line(*loc, *sub) or overlay.line(*loc)):
            p.message = f"{what}: {p.message}"
            p.rule = _rule_id(merged)
            problems.append(p)
        return None


def _apply(overlay: Overlay, v: RawVersion, problems: list[Problem]) -> RawVersion:
    c = overlay.content
    parameters, rules, routes = dict(v.parameters), dict(v.rules), dict(v.routes)
    presumptions = dict(v.presumptions)
    for name, change in c.parameters.items():
        loc = ("parameters", name)
        given = change.model_dump(exclude_unset=True)
        if name in parameters:
            merged = dict(parameters[name][0].model_dump(), **given)
            what = f"parameter{quoted(name)}"
        else:
            merged = given
            what = f"nieuwe parameter{quoted(name)}{_hint(name, parameters)}"
        p = _validated(Parameter, merged, overlay, loc, problems, what)
        if p is not None:
            parameters[name] = (p, overlay.origin(*loc))
    for kind, model, items, target in (("rules", Rule, c.rules, rules), ("routes", Route, c.routes, routes)):
        for i, change in enumerate(items):
            loc = (kind, i)
            given = change.model_dump(exclude_unset=True)
            if change.id in target:
                merged = dict(target[change.id][0].model_dump(exclude_unset=True), **given)
                what = f"{'regel' if kind == 'rules' else 'route'}{quoted(change.id)}"
            else:
                merged = given
                what = f"nieuwe {'regel' if kind == 'rules' else 'route'}{quoted(change.id)}{_hint(change.id, target)}"
            item = _validated(model, merged, overlay, loc, problems, what)
            if item is not None:
                target[change.id] = (item, overlay.origin(*loc))
    for i, rid in enumerate(c.removed):
        hit = [d for d in (rules, routes, parameters, presumptions) if rid in d]
        if not hit:
            known = [*rules, *routes, *parameters]
            problems.append(Problem(f"'removed' noemt{quoted(rid) or ' een naam'}, die niet bestaat in {overlay.ruleset}"
                                    f"{_hint(rid, known)}", f"'removed' names{quoted(rid) or ' a name'}, which "
                                    f"{overlay.ruleset} lacks",
                                    file=overlay.file, line=overlay.line("removed", i),
                                    rule=_shown_id(rid)))
        for d in hit:
            del d[rid]
    return dataclasses.replace(v, parameters=parameters, rules=rules, routes=routes, presumptions=presumptions)


def amend(overlay: Overlay):
    """The loader hook (engine.loader.load_rulesets(amend=…)) that applies `overlay`."""
    def apply(raws: RawRulesets, problems: list[Problem]) -> None:
        rid, day = overlay.ruleset, overlay.valid_from
        if rid not in raws:
            problems.append(Problem(f"onbekende regelset{quoted(rid)}{_hint(rid, raws)}", f"unknown rule set{quoted(rid)}",
                                    file=overlay.file, line=overlay.line("overlay", "ruleset")))
            return
        folder, meta, versions = raws[rid]
        before = [i for i, v in enumerate(versions) if v.valid_from <= day]
        current = versions[before[-1]] if before else None
        ends = current.meta.valid_to if current and current.meta else None
        if current is None or (ends is not None and ends < day):
            problems.append(Problem(f"regelset '{rid}' is niet in werking op {day.isoformat()}",
                                    f"rule set '{rid}' is not in force on {day.isoformat()}",
                                    file=overlay.file, line=overlay.line("overlay", "from")))
            return
        i = before[-1]
        versions = list(versions)
        changes = f"What-if: {overlay.title}"
        if current.valid_from < day:  # split the version in force: the change starts on `day`
            head_meta = VersionMeta(valid_to=day - ONE_DAY, changes=current.meta.changes if current.meta else None)
            versions[i] = dataclasses.replace(current, meta=head_meta if ends is not None else current.meta)
            tail = dataclasses.replace(current, valid_from=day, meta=VersionMeta(valid_to=ends, changes=changes))
            versions.insert(i + 1, tail)
            i += 1
        for j in range(i, len(versions)):
            versions[j] = _apply(overlay, versions[j], problems)
        raws[rid] = (folder, meta, versions)
    return apply


def load_with(root: Path | str, *overlays: Overlay) -> Registry:
    """The rule sets under `root` with `overlays` applied in order, compiled and checked."""
    def apply_all(raws: RawRulesets, problems: list[Problem]) -> None:
        for o in overlays:
            amend(o)(raws, problems)
    return Registry(load_rulesets(Path(root), amend=apply_all if overlays else None))
