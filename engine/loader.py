"""Loading rule-set folders into compiled, versioned rule sets.

Layout: `rulesets/facts.yaml`, `rulesets/<law>/ruleset.yaml` with version folders `YYYY-MM-DD/`,
and `rulesets/local/<municipality>/` likewise. A version inherits what the previous one says
and overrides by id. Figures may instead be time series in `rulesets/<law>/parameters/*.yaml`: a
version has the value in force on its `valid_from` (ADR 0023). Everything is checked before anything
is used: a malformed rule set is refused whole, with every problem's file, line and id.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from .dependencies import dependencies_first
from .errors import Problem, RulesetError
from .expressions import Expression, ExpressionError, compile_expression
from .facts import Vocabulary, load_vocabulary
from .horizon import Horizon, horizons
from .messages import problems_from_validation
from .model import Amount, FigureFile, Parameter, Presumption, Route, Rule, RulesetMeta, VersionFile, VersionMeta
from .reads import Reads
from .reads import reads as reads_of
from .templates import Template, compile_template
from .versions import implied_ends
from .yamlsource import LineDict, SourceError, line_of, load_file

DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEST_SUFFIX = ".test.yaml"
SERIES_DIR = "parameters"  # a rule set's figures as time series, one file per group


@dataclass(frozen=True)
class Origin:
    file: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class CompiledRule:
    rule: Rule
    ruleset: str
    version: str
    origin: Origin
    when: Expression | None = None
    value: Expression | None = None
    reason: dict[str, Template] = field(default_factory=dict)  # lang -> template
    conditions: dict[str, tuple[Template, ...]] = field(default_factory=dict)
    amounts: dict[str, tuple[Amount, Expression]] = field(default_factory=dict)
    amount_when: Expression | None = None  # derive with `amount`: when it is shown apart from its options
    reads: Reads | None = None  # derive: what its value reads in a case (the steps of an amount)
    # derive: caches of engine.amounts that live as long as the rule (shared by every bundle with this version):
    # (values of its choosers) -> names read, and lang -> the words of its step (inputs: on the amount plan)
    memo: dict = field(default_factory=dict, repr=False)
    words: dict = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass
class CompiledRoute:
    route: Route
    ruleset: str
    version: str
    origin: Origin
    when: Expression | None = None
    reason: dict[str, Template] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.route.id


@dataclass
class RulesetVersion:
    meta: RulesetMeta
    valid_from: dt.date
    valid_to: dt.date | None
    changes: str | None
    parameters: dict[str, Parameter]
    presumptions: dict[str, Presumption]
    rules: dict[str, CompiledRule]
    routes: dict[str, CompiledRoute]
    derive_order: tuple[CompiledRule, ...]
    param_env: dict[str, Any]  # "<ruleset>.<parameter>" -> value
    digest: str
    origins: dict[str, Origin]
    horizon: Horizon | None = None  # until when its figures are known (engine.horizon); None: no indexed figures

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def version(self) -> str:
        return self.valid_from.isoformat()

    @property
    def key(self) -> str:
        return f"{self.meta.id}@{self.version}"


@dataclass
class Ruleset:
    meta: RulesetMeta
    path: Path
    versions: list[RulesetVersion]

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def national(self) -> bool:
        return self.meta.jurisdiction == "national"


# ---------------------------------------------------------------------------------------------
# Pass 1: read the files into resolved (inherited) content per version


@dataclass
class _RawVersion:
    valid_from: dt.date
    meta: VersionMeta | None
    parameters: dict[str, tuple[Parameter, Origin]]
    presumptions: dict[str, tuple[Presumption, Origin]]
    rules: dict[str, tuple[Rule, Origin]]
    routes: dict[str, tuple[Route, Origin]]


def _read_version_file(path: Path, problems: list[Problem]) -> tuple[VersionFile, LineDict] | None:
    try:
        data = load_file(path)
    except SourceError as exc:
        exc.problem.code = "RR100"
        problems.append(exc.problem)
        return None
    if data is None:
        return VersionFile(), LineDict()
    try:
        return VersionFile.model_validate(data), data
    except ValidationError as exc:
        for p in problems_from_validation(exc.errors(), file=str(path), line_of=lambda loc: line_of(data, loc)):
            # name the rule or route id when the problem sits inside one
            loc = p.field.split(".") if p.field else []
            if len(loc) >= 2 and loc[0] in ("rules", "routes") and loc[1].isdigit():
                item = data.get(loc[0])[int(loc[1])]
                if isinstance(item, dict) and "id" in item:
                    p.rule = str(item["id"])
            problems.append(p)
        return None


# A figure's values as read from its series: (date, the figure as stated on it, where), in date order.
Series = list[tuple[dt.date, Parameter, Origin]]


def _read_series(folder: Path, problems: list[Problem]) -> dict[str, Series]:
    """The figures of `folder/parameters/*.yaml`, each value checked as the `Parameter` it becomes."""
    series: dict[str, Series] = {}
    for f in sorted((folder / SERIES_DIR).glob("*.yaml")):
        try:
            data = load_file(f)
        except SourceError as exc:
            exc.problem.code = "RR100"
            problems.append(exc.problem)
            continue
        try:
            figures = FigureFile.model_validate(data or {})
        except ValidationError as exc:
            problems.extend(_figure_file_problems(exc, data, str(f)))
            continue
        for name, figure in figures.parameters.items():
            if name in series:
                other = series[name][0][2]
                problems.append(Problem(f"'{name}' heeft al een reeks in {other.file}", f"'{name}' already has a series in {other.file}",
                                        file=str(f), line=line_of(data, ("parameters", name)), rule=name, code="RR023"))
                continue
            days = list(figure.values)
            if days != sorted(days):
                problems.append(Problem("de datums van deze reeks staan niet op volgorde (oudste eerst)",
                                        "the dates of this series are out of order (oldest first)",
                                        file=str(f), line=line_of(data, ("parameters", name)), rule=name, code="RR033"))
            values: Series = []
            for day in sorted(days):
                origin = Origin(str(f), line_of(data, ("parameters", name, "values", day)))
                try:
                    values.append((day, figure.parameter(day), origin))
                except ValidationError as exc:
                    for p in problems_from_validation(exc.errors(), file=origin.file, line_of=lambda loc: origin.line):
                        p.rule = name
                        problems.append(p)
            if values:  # (a figure none of whose values is valid is refused above)
                series[name] = values
    return series


def _figure_file_problems(exc: ValidationError, data: Any, file: str) -> list[Problem]:
    """The problems of a figure file, naming each value by its date (pydantic names a date key by its repr)."""
    dates = {}
    for figure in (data.get("parameters") or {}).values() if isinstance(data, dict) else ():
        values = figure.get("values") if isinstance(figure, dict) else None
        dates |= {repr(k): k for k in values if isinstance(k, dt.date)} if isinstance(values, dict) else {}
    errors = [{**e, "loc": tuple(dates[k].isoformat() if k in dates else k for k in e["loc"])} for e in exc.errors()]
    by_iso = {k.isoformat(): k for k in dates.values()}
    return problems_from_validation(errors, file=file, line_of=lambda loc: line_of(data, [by_iso.get(k, k) for k in loc]))


def _in_force_on(series: dict[str, Series], day: dt.date) -> dict[str, tuple[Parameter, Origin]]:
    """Each figure's value in force on `day` (figures whose first value comes later are absent)."""
    out = {}
    for name, values in series.items():
        current = [(p, o) for start, p, o in values if start <= day]
        if current:
            out[name] = current[-1]
    return out


def _check_series_dates(series: dict[str, Series], starts: set[dt.date], problems: list[Problem]) -> None:
    """A version reads the value in force on its first day, so a value dated inside a version would never be read."""
    for name, values in series.items():
        for day, _, origin in values:
            if day not in starts:
                problems.append(Problem(
                    f"waarde per {day}, maar op die datum begint geen versie: maak de versiemap {day} aan "
                    "(met 'version: changes') of geef de waarde de datum van een versie",
                    f"value as of {day}, but no version starts on that date: create the version folder {day} "
                    "(with 'version: changes') or date the value at a version",
                    file=origin.file, line=origin.line, rule=name, code="RR033"))


def _read_ruleset(path: Path, problems: list[Problem]) -> tuple[RulesetMeta, list[_RawVersion]] | None:
    meta_path = path / "ruleset.yaml"
    try:
        raw_meta = load_file(meta_path)
        meta = RulesetMeta.model_validate(raw_meta)
    except SourceError as exc:
        exc.problem.code = "RR100"
        problems.append(exc.problem)
        return None
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc.errors(), file=str(meta_path),
                                                 line_of=lambda loc: line_of(raw_meta, loc)))
        return None
    versions: list[_RawVersion] = []
    state: dict[str, dict] = {"parameters": {}, "presumptions": {}, "rules": {}, "routes": {}}
    series = _read_series(path, problems)
    dirs = sorted(d for d in path.iterdir() if d.is_dir() and not d.name.startswith((".", "_")) and d.name != SERIES_DIR)
    for d in dirs:
        if not DATE_DIR.match(d.name):
            problems.append(Problem("een versiemap heet naar haar ingangsdatum (JJJJ-MM-DD)",
                                    "a version folder is named after its valid_from date", file=str(d)))
            continue
        try:
            valid_from = dt.date.fromisoformat(d.name)
        except ValueError:
            problems.append(Problem("geen geldige datum als mapnaam", "folder name is not a valid date", file=str(d)))
            continue
        vmeta, removed, seen = None, [], {}
        state["parameters"].update(_in_force_on(series, valid_from))
        for f in sorted(d.glob("*.yaml")):
            if f.name.endswith(TEST_SUFFIX):
                continue
            read = _read_version_file(f, problems)
            if read is None:
                continue
            vf, data = read
            if vf.version is not None:
                if vmeta is not None:
                    problems.append(Problem("'version' staat in meer dan één bestand", "'version' is given twice", file=str(f)))
                vmeta = vf.version
            removed.extend((r, Origin(str(f), line_of(data, ("removed",)))) for r in vf.removed)
            for kind, items in (("parameters", vf.parameters.items()),
                                ("presumptions", ((p.fact, p) for p in vf.presumptions)),
                                ("rules", ((r.id, r) for r in vf.rules)),
                                ("routes", ((r.id, r) for r in vf.routes))):
                for i, (key, item) in enumerate(items):
                    loc = (kind, key) if kind == "parameters" else (kind, i)
                    origin = Origin(str(f), line_of(data, loc))
                    if (kind, key) in seen:
                        problems.append(Problem(f"'{key}' staat twee keer in deze versie (ook in {seen[(kind, key)]})",
                                                f"'{key}' is defined twice in this version", file=origin.file,
                                                line=origin.line, rule=key, code="RR023"))
                    if kind == "parameters" and key in series:
                        problems.append(Problem(f"'{key}' heeft een reeks in {series[key][0][2].file}: zet een nieuwe waarde daar",
                                                f"'{key}' has a series in {series[key][0][2].file}: add a new value there",
                                                file=origin.file, line=origin.line, rule=key, code="RR023"))
                    seen[(kind, key)] = origin
                    state[kind][key] = (item, origin)
        for key, origin in removed:
            if key in series:
                problems.append(Problem(f"'removed' noemt '{key}', een reeks in {SERIES_DIR}/: een reeks eindigt daar niet mee",
                                        f"'removed' names '{key}', a series in {SERIES_DIR}/, which it cannot end",
                                        file=origin.file, line=origin.line, rule=key, code="RR033"))
            hit = [k for k in ("rules", "routes", "parameters", "presumptions") if key in state[k]]
            if not hit:
                problems.append(Problem(f"'removed' noemt '{key}', dat in de vorige versie niet bestaat",
                                        f"'removed' names '{key}', which the previous version lacks",
                                        file=origin.file, line=origin.line, rule=key))
            for k in hit:
                del state[k][key]
        versions.append(_RawVersion(valid_from, vmeta, **{k: dict(v) for k, v in state.items()}))
    if not versions:
        problems.append(Problem("deze regelset heeft geen versiemap", "this rule set has no version folder", file=str(path)))
    _check_series_dates(series, {v.valid_from for v in versions}, problems)
    return meta, versions


# ---------------------------------------------------------------------------------------------
# Pass 2: compile expressions and templates against the whole namespace


def _digest(meta: RulesetMeta, raw: _RawVersion, valid_to: dt.date | None) -> str:
    content = {
        # (a rule set without indexation keeps the digest it had before that field existed)
        "ruleset": meta.model_dump(mode="json", exclude={"indexation"} if meta.indexation is None else None),
        "valid_from": raw.valid_from.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        # (an indexed figure, the default, keeps the digest it had before `indexed` existed)
        "parameters": {k: p.model_dump(mode="json", exclude={"indexed"} if p.indexed else None)
                       for k, (p, _) in sorted(raw.parameters.items())},
        "presumptions": {k: p.model_dump(mode="json") for k, (p, _) in sorted(raw.presumptions.items())},
        "rules": {k: r.model_dump(mode="json") for k, (r, _) in sorted(raw.rules.items())},
        "routes": {k: r.model_dump(mode="json") for k, (r, _) in sorted(raw.routes.items())},
    }
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()


def _derive_order(rules: list[CompiledRule], problems: list[Problem]) -> tuple[CompiledRule, ...]:
    """Derive rules in dependency order; a cycle is an error."""
    by_fact = {r.rule.fact: r for r in rules}

    def cycle(path: list[CompiledRule]) -> None:
        r = path[-1]
        problems.append(Problem(f"kringverwijzing tussen afgeleide feiten: {' → '.join(p.rule.fact for p in path)}",
                                "cycle between derived facts", file=r.origin.file, line=r.origin.line, rule=r.id))

    return tuple(dependencies_first(rules, lambda r: [by_fact[n] for n in sorted(set(r.value.names)) if n in by_fact],
                                    cycle))


class _Namespace:
    """The names a condition may read in this load, and the conditions compiled against them: a
    version inherits most of its rules, and each text is compiled once per load, not once per version."""

    def __init__(self, names: set[str]):
        self.names = names
        self.compiled: dict[str, Expression | ExpressionError] = {}

    def expression(self, text: str) -> Expression:
        found = self.compiled.get(text)
        if found is None:
            try:
                found = compile_expression(text, self.__contains__, self.candidates)
            except ExpressionError as exc:
                found = exc
            self.compiled[text] = found
        if isinstance(found, ExpressionError):
            raise found
        return found

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def candidates(self):
        return self.names


def _compile(meta: RulesetMeta, raw: _RawVersion, valid_to: dt.date | None, ns: _Namespace,
             vocab: Vocabulary, problems: list[Problem]) -> RulesetVersion:
    version = raw.valid_from.isoformat()

    def expr(text: str | None, origin: Origin, owner: str) -> Expression | None:
        if text is None:
            return None
        try:
            return ns.expression(text)
        except ExpressionError as exc:
            problems.append(Problem(str(exc), str(exc), file=origin.file, line=origin.line, rule=owner, code="RR015"))
            return None

    def template(text: str | None, origin: Origin, owner: str) -> Template | None:
        if text is None:
            return None
        try:
            return compile_template(text, ns.__contains__)
        except ValueError as exc:
            problems.append(Problem(str(exc), str(exc), file=origin.file, line=origin.line, rule=owner, code="RR015"))
            return None

    def texts(nl: str | None, en: str | None, origin: Origin, owner: str) -> dict[str, Template]:
        out = {}
        for lang, text in (("nl", nl), ("en", en)):
            t = template(text, origin, owner)
            if t is not None:
                out[lang] = t
        return out

    def check_options(options, origin: Origin, owner: str) -> None:
        for o in options:
            if o not in vocab.options:
                hint = difflib.get_close_matches(o, list(vocab.options), n=1)
                problems.append(Problem(f"onbekende optie '{o}' in applies_to" + (f"; bedoelde u '{hint[0]}'?" if hint else ""),
                                        f"unknown option '{o}' in applies_to", file=origin.file, line=origin.line, rule=owner,
                                        code="RR014"))

    rules: dict[str, CompiledRule] = {}
    for rid, (rule, origin) in raw.rules.items():
        if rule.applies_to:  # a rule on a legal act binds every form of it (facts.yaml `form_of`)
            rule = rule.model_copy(update={"applies_to": vocab.with_forms(rule.applies_to)})
        if rule.amount is not None:
            check_options(rule.amount.applies_to, origin, rid)
            rule = rule.model_copy(update={"amount": rule.amount.model_copy(
                update={"applies_to": vocab.with_forms(rule.amount.applies_to)})})
        cr = CompiledRule(rule=rule, ruleset=meta.id, version=version, origin=origin,
                          when=expr(rule.when, origin, rid), value=expr(rule.value, origin, rid),
                          reason=texts(rule.reason, rule.reason_en, origin, rid))
        cr.conditions = {"nl": tuple(t for t in (template(c, origin, rid) for c in rule.conditions) if t),
                         "en": tuple(t for t in (template(c, origin, rid) for c in rule.conditions_en) if t)}
        if rule.amount is not None:
            cr.amount_when = expr(rule.amount.when, origin, rid)
        for name, amount in rule.amounts.items():
            e = expr(amount.value, origin, rid)
            if e is not None:
                cr.amounts[name] = (amount, e)
        if rule.kind == "derive" and not rule.fact.startswith(meta.id + "."):
            problems.append(Problem(f"een afgeleid feit van deze regelset heet '{meta.id}.<naam>', niet '{rule.fact}'",
                                    f"a derived fact of this rule set is named '{meta.id}.<name>'",
                                    file=origin.file, line=origin.line, rule=rid))
        check_options(rule.applies_to, origin, rid)
        rules[rid] = cr
    routes = {}
    for rid, (route, origin) in raw.routes.items():
        if route.applies_to:
            route = route.model_copy(update={"applies_to": vocab.with_forms(route.applies_to)})
        routes[rid] = CompiledRoute(route=route, ruleset=meta.id, version=version, origin=origin,
                                    when=expr(route.when, origin, rid),
                                    reason=texts(route.reason, route.reason_en, origin, rid))
        check_options(route.applies_to, origin, rid)
    for fact, (p, origin) in raw.presumptions.items():
        if fact not in vocab.facts:
            problems.append(Problem(f"vermoeden over onbekend feit '{fact}'", f"presumption about unknown fact '{fact}'",
                                    file=origin.file, line=origin.line))
    derive = [r for r in rules.values() if r.rule.kind == "derive" and r.value is not None]
    own = frozenset(f"{meta.id}.{k}" for k in raw.parameters)  # fixed for this version: never a memo key
    for r in derive:
        r.reads = reads_of(r.value, own)
    origins = {k: o for part in (raw.parameters, raw.rules, raw.routes) for k, (_, o) in part.items()}
    return RulesetVersion(
        meta=meta, valid_from=raw.valid_from, valid_to=valid_to,
        changes=raw.meta.changes if raw.meta else None,
        parameters={k: p for k, (p, _) in raw.parameters.items()},
        presumptions={k: p for k, (p, _) in raw.presumptions.items()},
        rules=rules, routes=routes, derive_order=_derive_order(derive, problems),
        param_env={f"{meta.id}.{k}": p.value for k, (p, _) in raw.parameters.items() if p.value is not None},
        digest=_digest(meta, raw, valid_to), origins=origins)


def _check_references(rulesets: dict[str, Ruleset], problems: list[Problem]) -> None:
    """Routes lift and grounds override rules that exist (in this rule set or one it layers on)."""
    owner: dict[str, str] = {}
    for rs in rulesets.values():
        for v in rs.versions:
            for rid in list(v.rules) + list(v.routes):
                if owner.setdefault(rid, rs.id) != rs.id:
                    o = v.origins[rid]
                    problems.append(Problem(f"id '{rid}' wordt ook gebruikt in regelset '{owner[rid]}'",
                                            f"id '{rid}' is also used in rule set '{owner[rid]}'",
                                            file=o.file, line=o.line, rule=rid, code="RR023"))
    for rs in rulesets.values():
        visible = [rs.id, *rs.meta.layers_on]
        for name in rs.meta.layers_on:
            if name not in rulesets:
                problems.append(Problem(f"layers_on noemt onbekende regelset '{name}'", f"layers_on names unknown rule set '{name}'",
                                        file=str(rs.path / "ruleset.yaml")))
        for v in rs.versions:
            ids = {rid for n in visible if n in rulesets for w in rulesets[n].versions for rid in w.rules}
            tags = {t for n in visible if n in rulesets for w in rulesets[n].versions for r in w.rules.values() for t in r.rule.tags}
            for rid, r in v.routes.items():
                for target in r.route.lifts:
                    if target.startswith("tag:"):
                        # a national route may lift by tag what local rule sets block: check all tags
                        all_tags = {t for x in rulesets.values() for w in x.versions for y in w.rules.values() for t in y.rule.tags}
                        if target[4:] not in all_tags | tags:
                            problems.append(Problem(f"route tilt '{target}' op, maar geen regel heeft die tag",
                                                    f"route lifts '{target}', but no rule has that tag",
                                                    file=r.origin.file, line=r.origin.line, rule=rid, code="RR005"))
                    elif target not in ids:
                        hint = difflib.get_close_matches(target, list(ids), n=1)
                        problems.append(Problem(f"route tilt onbekende regel '{target}' op" + (f"; bedoelde u '{hint[0]}'?" if hint else ""),
                                                f"route lifts unknown rule '{target}'",
                                                file=r.origin.file, line=r.origin.line, rule=rid, code="RR005"))
            for rid, r in v.rules.items():
                for target in r.rule.overrides:
                    if target not in ids:
                        problems.append(Problem(f"grond zet onbekende regel '{target}' opzij",
                                                f"ground overrides unknown rule '{target}'",
                                                file=r.origin.file, line=r.origin.line, rule=rid, code="RR013"))


@dataclass
class LoadedRulesets:
    root: Path
    vocabulary: Vocabulary
    rulesets: dict[str, Ruleset]
    # the content as read and the names it defines: what an amended load from this one (`base=`) reuses;
    # None for an amended load (its compiled rule sets are not those of the content as read)
    raws: "RawRulesets | None" = field(default=None, repr=False, compare=False)
    names: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    expressions: dict = field(default_factory=dict, repr=False, compare=False)  # text -> compiled, for these names


# What an amendment sees: rule-set id -> (folder, meta, versions as read, before compiling).
RawRulesets = dict[str, tuple[Path, RulesetMeta, list[_RawVersion]]]
RawVersion = _RawVersion


def load_rulesets(root: Path, amend: Callable[[RawRulesets, list[Problem]], None] | None = None,
                  base: LoadedRulesets | None = None) -> LoadedRulesets:
    """Load and compile every rule set under `root`; raise RulesetError listing every problem.

    `amend`, if given, may change the content as read (a what-if overlay) before it is compiled and
    checked, so that an amendment is validated exactly like a rule set; it reports into `problems`.

    `base`, an earlier load of the same folder, is not read again: the amendment works on its content
    as read (never changing it: `amend` replaces what it changes), and a rule set the amendment left
    alone keeps its compiled form when the names defined are the same. A what-if sweep point then
    costs the compilation of one rule set, not a load of all (some 0.6 s; docs/decisions/0042).
    """
    root = Path(root)
    problems: list[Problem] = []
    if base is not None and base.raws is not None:
        vocab, raws = base.vocabulary, dict(base.raws)
    else:
        base = None
        if not (root / "facts.yaml").exists():
            raise RulesetError([Problem("geen facts.yaml: is dit een map met regelsets?",
                                        "no facts.yaml: is this a rule-set folder?", file=str(root))])
        vocab = load_vocabulary(root / "facts.yaml")
        folders = [d for d in sorted(root.iterdir()) if (d / "ruleset.yaml").exists()]
        if (root / "local").is_dir():
            folders += [d for d in sorted((root / "local").iterdir()) if (d / "ruleset.yaml").exists()]
        raws = {}
        for folder in folders:
            read = _read_ruleset(folder, problems)
            if read is not None:
                meta, versions = read
                if meta.id in raws:
                    problems.append(Problem(f"regelset-id '{meta.id}' bestaat al", f"rule set id '{meta.id}' already exists",
                                            file=str(folder / "ruleset.yaml")))
                raws[meta.id] = (folder, meta, versions)
    as_read = dict(raws)
    if amend is not None:
        amend(raws, problems)
    names = set(vocab.facts)
    for _, meta, versions in raws.values():
        for v in versions:
            names |= {f"{meta.id}.{p}" for p in v.parameters}
            names |= {r.fact for r, _ in v.rules.values() if r.kind == "derive" and r.fact}
    ns = _Namespace(names)
    rulesets = {}
    same_names = base is not None and base.names == frozenset(names)
    if same_names:  # a condition compiles the same against the same names
        ns.compiled = dict(base.expressions)
    for rid, (folder, meta, versions) in raws.items():
        if same_names and rid in base.rulesets and base.raws.get(rid) is raws[rid]:
            rulesets[rid] = base.rulesets[rid]  # untouched by the amendment: compiled the same
            continue
        ends = implied_ends([v.valid_from for v in versions], [v.meta.valid_to if v.meta else None for v in versions])
        compiled = [_compile(meta, v, end, ns, vocab, problems) for v, end in zip(versions, ends)]
        stated = [v.meta.figures if v.meta else None for v in versions]
        where = [str(folder / v.valid_from.isoformat()) for v in versions]
        for v, h in zip(compiled, horizons(stated, meta.indexation, where, problems)):
            v.horizon = h
        rulesets[rid] = Ruleset(meta=meta, path=folder, versions=compiled)
    _check_references(rulesets, problems)
    if problems:
        # an inherited rule is compiled once per version: report each problem once
        unique = list({p.render(): p for p in problems}.values())
        raise RulesetError(unique)
    return LoadedRulesets(root=root, vocabulary=vocab, rulesets=rulesets, raws=as_read if amend is None else None,
                          names=frozenset(names), expressions=ns.compiled if amend is None else {})
