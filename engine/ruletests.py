"""Rule-set tests: plain YAML files next to the rules, each a list of small cases with what the decision
must show.

A test file is named `*.test.yaml` and lives in a version folder (the loader skips it). It holds
`defaults` (optional) and `tests`. Each test merges a case fragment onto a small base case (below), sets
a reference date and the options to check, and states expectations: statuses, blocks, routes, grounds,
missing facts, derived values, amounts, presumptions and phrases of the explanation. The format is
documented in docs/rulesets.md. Reading files is done here; running a test is pure.

A test file may name an `overlay` (OpenFisca's `reforms:`): a what-if overlay file (whatif/overlay.py),
by path relative to the test file or by the name of one in whatif/examples/. Its tests then run on the
rule sets with that overlay applied.
"""
from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .case import parse_case
from .errors import Problem, RegelruimteError, RulesetError
from .evaluator import environment, evaluate
from .messages import problems_from_validation
from .registry import Registry
from .unknown import Unknown
from .yamlsource import SourceError, line_of, load_file

TEST_GLOB = "*.test.yaml"
TEST_ID = r"^[a-z0-9][a-z0-9-]*$"
# the overlays a test may name without a path: the shipped what-if examples
NAMED_OVERLAYS = Path(__file__).resolve().parent.parent / "whatif" / "examples"

# The household every test starts from: a single adult of 35 without income, assets, debts or benefit.
BASE_CASE: dict[str, Any] = {
    "household": {"composition": "single", "members": [{"role": "applicant", "age": 35}], "children": [],
                  "cost_sharers": 0},
    "income": [],
    "assets": "0.00",
    "debts": {"regime": "none"},
    "benefit": "none",
    "work": "unemployed",
}

Status = Literal["allowed", "blocked", "route_available", "needs_information"]
RouteStatus = Literal["available", "conditional", "unavailable"]
GroundStatus = Literal["applies", "conditional"]
Ids = list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Expect(_Strict):
    """What the decision must show; every key is optional. Option-keyed maps name options of the test."""

    outcome: Status | list[Status] | None = None
    status: dict[str, Status | list[Status]] = Field(default_factory=dict)
    blocks: dict[str, Ids] = Field(default_factory=dict)  # among blocked_by
    possible_blocks: dict[str, Ids] = Field(default_factory=dict)  # among possible_blocks
    not_blocked: dict[str, Ids] = Field(default_factory=dict)  # in neither
    routes: dict[str, dict[str, RouteStatus]] = Field(default_factory=dict)
    no_routes: dict[str, Ids] = Field(default_factory=dict)  # not offered for the option at all
    grounds: dict[str, Ids | dict[str, GroundStatus]] = Field(default_factory=dict)  # a list means "applies"
    no_grounds: dict[str, Ids] = Field(default_factory=dict)
    missing: dict[str, Ids] = Field(default_factory=dict)  # must include; [] means none at all
    facts: dict[str, Any] = Field(default_factory=dict)  # derived facts, parameters, case facts; "unknown"
    amounts: dict[str, dict[str, Any]] = Field(default_factory=dict)  # ground id -> amount name -> value or null
    presumptions: Ids = Field(default_factory=list)
    explanation_contains: list[str] = Field(default_factory=list)


class _TestSpec(_Strict):
    id: str = Field(pattern=TEST_ID, max_length=80)
    title: str | None = None
    date: dt.date | None = None
    municipality: str | None = None
    options: list[str] | None = None
    case: dict[str, Any] = Field(default_factory=dict)
    expect: Expect

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v):
        return dt.date.fromisoformat(v) if isinstance(v, str) else v


class _Defaults(_Strict):
    date: dt.date | None = None
    municipality: str | None = None
    options: list[str] | None = None
    case: dict[str, Any] = Field(default_factory=dict)


class _TestFile(_Strict):
    overlay: str | None = Field(default=None, min_length=1)
    defaults: _Defaults = Field(default_factory=_Defaults)
    tests: list[_TestSpec] = Field(min_length=1)


@dataclass(frozen=True)
class RuleTest:
    """One test, with its case fully built."""

    file: str
    line: int | None
    id: str
    title: str | None
    date: dt.date
    municipality: str
    options: tuple[str, ...]
    case: dict
    expect: Expect
    overlay: Path | None = None  # the overlay file its rule sets are amended with

    @property
    def nodeid(self) -> str:
        return f"{self.file}::{self.id}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Failure:
    message: str
    message_en: str

    def text(self, lang: str = "nl") -> str:
        return self.message_en if lang == "en" else self.message


@dataclass
class RuleTestResult:
    test: RuleTest
    failures: list[Failure] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


class RuleTestFileError(RegelruimteError):
    """A test file that cannot be read or does not follow the format."""


# ---------------------------------------------------------------------------------------------
# Reading


def plain(value: Any) -> Any:
    """A deep copy without the line bookkeeping of the YAML reader."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def merge(base: dict, fragment: dict) -> dict:
    """`fragment` over `base`: maps merge, anything else replaces, and a key set to null is removed."""
    out = copy.deepcopy(base)
    for key, value in fragment.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def discover(path: Path) -> list[Path]:
    """The test files at `path`: the file itself, or every `*.test.yaml` below a folder, sorted."""
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(path.rglob(TEST_GLOB))


def _case_id(test_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", test_id)[:100] or "regeltest"


def _overlay_file(name: str, test_file: Path) -> Path | None:
    """The overlay a test file names: a path relative to it, or the name of a shipped example."""
    for candidate in (test_file.parent / name, NAMED_OVERLAYS / f"{name}.yaml"):
        if candidate.is_file():
            return candidate.resolve()
    return None


def _root_of(path: Path) -> Path | None:
    return next((d for d in Path(path).resolve().parents if (d / "facts.yaml").is_file()), None)


_OVERLAID: dict[tuple[Path, Path], Registry | RulesetError] = {}


def overlaid(root: Path, overlay: Path) -> Registry:
    """The rule sets under `root` with `overlay` applied (loaded once per run; raises RulesetError)."""
    key = (Path(root).resolve(), overlay)
    if key not in _OVERLAID:
        from whatif.overlay import load_overlay, load_with  # the overlay language; it needs only the engine
        try:
            _OVERLAID[key] = load_with(root, load_overlay(overlay))
        except RulesetError as exc:
            _OVERLAID[key] = exc
    found = _OVERLAID[key]
    if isinstance(found, RulesetError):
        raise found
    return found


def _check_overlay(name: str, path: Path, shown: str, line: int | None) -> tuple[Path | None, list[Problem]]:
    """The overlay file, and the problems of naming or applying it (reported on the test file's line)."""
    found = _overlay_file(name, path)
    if found is None:
        known = ", ".join(sorted(p.stem for p in NAMED_OVERLAYS.glob("*.yaml")))
        return None, [Problem(f"overlay '{name}' niet gevonden: geen bestand naast het testbestand en geen "
                              f"voorbeeld met die naam (bekend: {known})",
                              f"overlay '{name}' not found: no file beside the test file and no example of that "
                              f"name (known: {known})", file=shown, line=line, field="overlay")]
    root = _root_of(path)
    try:
        if root is not None:
            overlaid(root, found)
    except RulesetError as exc:
        return found, [Problem(f"overlay '{name}' kan niet worden toegepast", f"overlay '{name}' cannot be applied",
                               file=shown, line=line, field="overlay"), *exc.problems]
    return found, []


def load_test_file(path: Path, shown: str | None = None) -> list[RuleTest]:
    """The tests in one file; raise RuleTestFileError naming the file and line of every problem."""
    name = shown or str(path)
    try:
        data = load_file(Path(path))
    except SourceError as exc:
        exc.problem.file, exc.problem.code = name, "RR100"
        raise RuleTestFileError([exc.problem]) from None
    if not isinstance(data, dict):
        raise RuleTestFileError([Problem("een testbestand heeft 'tests' (en eventueel 'defaults')",
                                         "a test file has 'tests' (and optionally 'defaults')", file=name)])
    try:
        spec = _TestFile.model_validate(plain(data))
    except ValidationError as exc:
        raise RuleTestFileError(problems_from_validation(exc.errors(), file=name,
                                                         line_of=lambda loc: line_of(data, loc))) from None
    problems, tests, seen = [], [], set()
    overlay = None
    if spec.overlay is not None:
        overlay, problems = _check_overlay(spec.overlay, Path(path), name, line_of(data, ("overlay",)))
    d = spec.defaults
    for i, t in enumerate(spec.tests):
        line = line_of(data, ("tests", i))
        date = t.date or d.date
        options = t.options or d.options or plain(merge(d.case, t.case)).get("options")
        if t.id in seen:
            problems.append(Problem(f"test-id '{t.id}' komt twee keer voor", f"test id '{t.id}' is used twice",
                                    file=name, line=line, rule=t.id))
        seen.add(t.id)
        if date is None:
            problems.append(Problem("een test heeft een 'date' (peildatum) nodig", "a test needs a 'date'",
                                    file=name, line=line, rule=t.id))
            continue
        if not options:
            problems.append(Problem("een test noemt de te toetsen 'options'", "a test names its 'options'",
                                    file=name, line=line, rule=t.id))
            continue
        municipality = t.municipality or d.municipality or "zaanstad"
        case = merge(merge(BASE_CASE, d.case), t.case)
        case.update(case_id=_case_id(t.id), reference_date=date.isoformat(), municipality=municipality,
                    options=list(options))
        tests.append(RuleTest(file=name, line=line, id=t.id, title=t.title, date=date, municipality=municipality,
                              options=tuple(options), case=case, expect=t.expect, overlay=overlay))
    if problems:
        raise RuleTestFileError(problems)
    return tests


# ---------------------------------------------------------------------------------------------
# Running


def _f(nl: str, en: str) -> Failure:
    return Failure(nl, en)


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and expected == "unknown":
        return isinstance(actual, Unknown)
    if isinstance(actual, Unknown):
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, list):
        return isinstance(actual, (list, tuple)) and len(expected) == len(actual) and all(
            _same(e, a) for e, a in zip(expected, actual))
    if isinstance(actual, (int, Decimal)) and isinstance(expected, (int, Decimal, str)):
        try:
            return Decimal(str(expected)) == Decimal(actual)
        except InvalidOperation:
            return False
    if isinstance(actual, dt.date) and isinstance(expected, (str, dt.date)):
        return str(expected) == actual.isoformat()
    return expected == actual


def _shown(value: Any) -> str:
    if isinstance(value, Unknown):
        return "onbekend"
    if isinstance(value, tuple):
        return str(list(value))
    return str(value)


def _ids(items, key="rule") -> list[str]:
    return [i[key] for i in items]


def _check_option(o: dict, opt: str, e: Expect) -> list[Failure]:
    out = []
    want = e.status.get(opt)
    if want is not None:
        allowed = want if isinstance(want, list) else [want]
        if o["status"] not in allowed:
            out.append(_f(f"status van {opt}: verwacht {' of '.join(allowed)}, kreeg {o['status']}",
                          f"status of {opt}: expected {' or '.join(allowed)}, got {o['status']}"))
    active, possible = _ids(o["blocked_by"]), _ids(o["possible_blocks"])
    for rid in e.blocks.get(opt, ()):
        if rid not in active:
            out.append(_f(f"{opt}: blokkade {rid} verwacht, niet gevonden (blokkades: {active or 'geen'}; mogelijk: {possible or 'geen'})",
                          f"{opt}: block {rid} expected, not found (blocks: {active}; possible: {possible})"))
    for rid in e.possible_blocks.get(opt, ()):
        if rid not in possible:
            out.append(_f(f"{opt}: mogelijke blokkade {rid} verwacht, niet gevonden (mogelijk: {possible or 'geen'}; blokkades: {active or 'geen'})",
                          f"{opt}: possible block {rid} expected, not found (possible: {possible}; blocks: {active})"))
    for rid in e.not_blocked.get(opt, ()):
        if rid in active or rid in possible:
            out.append(_f(f"{opt}: {rid} blokkeert of kan blokkeren, dat werd niet verwacht",
                          f"{opt}: {rid} blocks or may block, which was not expected"))
    routes = {r["route"]: r["status"] for r in o["routes"]}
    for rid, status in e.routes.get(opt, {}).items():
        if routes.get(rid) != status:
            got = routes.get(rid, "niet aangeboden")
            out.append(_f(f"{opt}: route {rid} verwacht met status {status}, kreeg {got}",
                          f"{opt}: route {rid} expected with status {status}, got {routes.get(rid, 'not offered')}"))
    for rid in e.no_routes.get(opt, ()):
        if rid in routes:
            out.append(_f(f"{opt}: route {rid} wordt aangeboden ({routes[rid]}), dat werd niet verwacht",
                          f"{opt}: route {rid} is offered ({routes[rid]}), which was not expected"))
    grounds = {g["rule"]: g["status"] for g in o["grounds"]}
    wanted = e.grounds.get(opt, {})
    for rid, status in (wanted.items() if isinstance(wanted, dict) else ((g, "applies") for g in wanted)):
        if grounds.get(rid) != status:
            out.append(_f(f"{opt}: grond {rid} verwacht ({status}), kreeg {grounds.get(rid, 'niet gevonden')}",
                          f"{opt}: ground {rid} expected ({status}), got {grounds.get(rid, 'not found')}"))
    for rid in e.no_grounds.get(opt, ()):
        if rid in grounds:
            out.append(_f(f"{opt}: grond {rid} geldt ({grounds[rid]}), dat werd niet verwacht",
                          f"{opt}: ground {rid} holds ({grounds[rid]}), which was not expected"))
    if opt in e.missing:
        facts = e.missing[opt]
        # what is missing: the household's facts and the rule set's own open terms alike
        missing = o["missing_facts"] + o.get("open_terms", [])
        if not facts and missing:
            out.append(_f(f"{opt}: geen ontbrekende feiten verwacht, kreeg {missing}",
                          f"{opt}: no missing facts expected, got {missing}"))
        for fact in facts:
            if fact not in missing:
                out.append(_f(f"{opt}: ontbrekend feit {fact} verwacht (ontbrekend: {missing or 'geen'})",
                              f"{opt}: missing fact {fact} expected (missing: {missing})"))
    return out


def _expected_options(e: Expect) -> set[str]:
    keyed = (e.status, e.blocks, e.possible_blocks, e.not_blocked, e.routes, e.no_routes, e.grounds, e.no_grounds,
             e.missing)
    return {opt for m in keyed for opt in m}


def run_test(test: RuleTest, registry: Registry, decide: Callable[[Any, Registry], dict] | None = None) -> RuleTestResult:
    """Evaluate the test's case and hold the decision against its expectations (on `registry`'s rule
    sets with the test's overlay applied, if it names one). `decide` (decision.decide.decide) writes the
    explanation text, for a test that expects phrases in it: the explanation lives above the engine."""
    result = RuleTestResult(test)
    if test.overlay is not None:
        registry = overlaid(registry.loaded.root, test.overlay)
    e = test.expect
    fail = result.failures.append
    for opt in sorted(_expected_options(e) - set(test.options)):
        fail(_f(f"verwachting over optie '{opt}', die niet in de opties van de test staat",
                f"expectation about option '{opt}', which is not among the test's options"))
    try:
        case = parse_case(test.case)
        if e.explanation_contains:
            if decide is None:
                raise ValueError(f"{test.id}: expects explanation text, so run_test needs `decide`")
            decision = decide(test.case, registry)
        else:
            decision = evaluate(case, registry)
    except RegelruimteError as exc:
        fail(_f(f"de casus kan niet worden beoordeeld: {exc.render()}", f"the case cannot be evaluated: {exc.render('en')}"))
        return result
    if e.outcome is not None:
        allowed = e.outcome if isinstance(e.outcome, list) else [e.outcome]
        if decision["outcome"] not in allowed:
            fail(_f(f"uitkomst: verwacht {' of '.join(allowed)}, kreeg {decision['outcome']}",
                    f"outcome: expected {' or '.join(allowed)}, got {decision['outcome']}"))
    for o in decision["options"]:
        result.failures.extend(_check_option(o, o["option"], e))
    if e.facts:
        env = environment(case, registry)
        for name, want in e.facts.items():
            got = env.get(name, Unknown(frozenset((name,))))
            if not _same(want, got):
                fail(_f(f"{name}: verwacht {want}, kreeg {_shown(got)}", f"{name}: expected {want}, got {_shown(got)}"))
    if e.amounts:
        found = {g["rule"]: g.get("amounts", {}) for o in decision["options"] for g in o["grounds"]}
        for rid, amounts in e.amounts.items():
            if rid not in found:
                fail(_f(f"bedragen van {rid} verwacht, maar die grond staat niet in het besluit",
                        f"amounts of {rid} expected, but that ground is not in the decision"))
                continue
            for name, want in amounts.items():
                got = (found[rid].get(name) or {}).get("value")
                if not (got is None and want is None) and (got is None or want is None or Decimal(got) != Decimal(str(want))):
                    fail(_f(f"bedrag {rid}.{name}: verwacht {want}, kreeg {got}", f"amount {rid}.{name}: expected {want}, got {got}"))
    listed = [p["fact"] for p in decision["presumptions"]]
    for fact in e.presumptions:
        if fact not in listed:
            fail(_f(f"vermoeden {fact} verwacht (vermoedens: {listed or 'geen'})", f"presumption {fact} expected (listed: {listed})"))
    if e.explanation_contains:
        text = " ".join(decision["explanation"].split())
        for phrase in e.explanation_contains:
            if " ".join(phrase.split()) not in text:
                fail(_f(f"de toelichting noemt niet: '{phrase}'", f"the explanation does not mention: '{phrase}'"))
    return result


def assertions(test: RuleTest) -> dict[str, set[str]]:
    """The ids a test asserts to fire or not to fire, and the facts whose value it checks."""
    e = test.expect
    fired, quiet, facts = set(), set(), set(e.facts)
    for m in (e.blocks, e.possible_blocks):
        fired |= {rid for ids in m.values() for rid in ids}
    for ids in e.not_blocked.values():
        quiet |= set(ids)
    for g in e.grounds.values():
        fired |= set(g)
    for ids in e.no_grounds.values():
        quiet |= set(ids)
    for routes in e.routes.values():
        fired |= {rid for rid, s in routes.items() if s != "unavailable"}
        quiet |= {rid for rid, s in routes.items() if s == "unavailable"}
    for ids in e.no_routes.values():
        quiet |= set(ids)
    fired |= set(e.amounts)
    return {"fired": fired, "quiet": quiet, "facts": facts}
