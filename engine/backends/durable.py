"""The durable-rules backend, fenced (docs/decisions/0002-durable-rules-backend.md).

`regelruimte check CASE --backend durable` decides the conditions of rules and routes with the
durable-rules engine; everything else (derived facts, presumptions, the status of each option,
routes, reasons, the explanation) is the core's, so the public decision is the core's, byte for
byte. durable-rules is unmaintained and has semantics that are wrong for this domain (a missing
attribute fails every condition, `"150" > 110` matches, exceptions in actions are swallowed, two
timer threads per Host never stop, at most 1024 live states per rule set). The fence:

- one private Host per rule-set version, with one rule set named `<ruleset>@<valid_from>`, and no
  timer threads (we never use timers or the background dispatcher);
- durable decides *leaves* only (engine.backends.leaves): one rule for "holds" and one for "fails"
  per comparison, over integers (cents, per-mille, day numbers, text codes). Whether a leaf is
  known is decided by us before anything is sent; Kleene's logic is ours;
- every leaf sent must come back decided exactly once (holds or fails, in this session), or the
  case fails loudly: a silent non-match can never become a "no block";
- a fresh session id per case and rule-set version, its state deleted in `finally`; one case at a
  time per Host (a lock), so live states never pile up towards durable's limit of 1024;
- what durable cannot express (a quantifier such as `any(...)`, `known(...)`, a value without an
  exact integer form) is left to the core per leaf; `STATS` counts how leaves were decided.
"""
from __future__ import annotations

import itertools
import threading
from collections import Counter
from typing import Any, Sequence

from engine.errors import Problem, RegelruimteError
from engine.evaluator import Oracle, core_conditions
from engine.loader import CompiledRoute, CompiledRule, RulesetVersion
from engine.registry import Bundle
from engine.unknown import Unknown

from .leaves import Condition, CoreDecides, Leaf, combine, constant, core_value, prepare, split, texts

try:  # builds on Python 3.13 but fails at import there; then only this backend is unavailable
    from durable import engine as _durable
    IMPORT_ERROR: str | None = None
except Exception as exc:  # noqa: BLE001 - any failure to load the C extension means "unavailable"
    _durable = None
    IMPORT_ERROR = f"{type(exc).__name__}: {exc}"


class BackendUnavailable(RegelruimteError):
    """durable-rules is not installed or cannot be imported."""


class BackendFailure(RegelruimteError):
    """durable-rules answered something other than one verdict per leaf sent: nothing is decided."""


def unavailable() -> BackendUnavailable:
    return BackendUnavailable([Problem(
        f"de durable-rules-backend is niet beschikbaar ({IMPORT_ERROR}); installeer hem met "
        "pip install '.[durable]' (Python 3.11 of 3.12), of gebruik --backend core",
        f"the durable-rules backend is not available ({IMPORT_ERROR}); install it with "
        "pip install '.[durable]' (Python 3.11 or 3.12), or use --backend core")])


STATS: Counter = Counter()  # leaves decided per way: durable, unknown (by us), core
_STATS_LOCK = threading.Lock()
_SESSIONS = itertools.count(1)
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_OPERATOR = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def _test(attribute: str, op: str, right: Any) -> dict:
    return {attribute: right} if op == "==" else {_OPERATOR[op]: {attribute: right}}


def _one_of(tests: list[dict], joiner: str) -> dict:
    return tests[0] if len(tests) == 1 else {joiner: tests}


def durable_tests(leaf: Leaf, codes: dict[str, int]) -> tuple[dict, dict] | None:
    """The durable-rules conditions for "the leaf holds" and "the leaf fails", or None."""
    a = f"a{leaf.index}"
    if leaf.kind == "truth":
        return {a: 1}, {a: 0}
    if leaf.kind == "member":
        wanted = sorted({codes[t] for t in leaf.members})
        inside = _one_of([{a: c} for c in wanted], "$or")
        outside = _one_of([{"$neq": {a: c}} for c in wanted], "$and")
        return (inside, outside) if leaf.op == "in" else (outside, inside)
    if leaf.kind == "compare":
        if leaf.right.is_constant:
            fixed = constant(leaf, codes)
            if fixed is None:
                return None
            right: Any = fixed[1]
        else:
            right = {"$m": f"b{leaf.index}"}
        return _test(a, leaf.op, right), _test(a, _NEGATE[leaf.op], right)
    return None


if _durable is not None:
    class _Host(_durable.Host):
        """A Host without the two self-rearming timer threads every durable Host starts."""

        def _run(self) -> None:
            pass


class CompiledVersion:
    """One rule-set version as a private durable-rules Host: two rules per leaf of its conditions."""

    def __init__(self, version: RulesetVersion):
        self.name = version.key  # "<ruleset>@<valid_from>"
        self.conditions: dict[str, Condition] = {}
        leaves: list[Leaf] = []
        for item in [*version.rules.values(), *version.routes.values()]:
            if item.when is not None:
                condition = split(item.when, len(leaves))
                self.conditions[item.id] = condition
                leaves.extend(condition.leaves)
        self.leaves = tuple(leaves)
        self.codes = texts(leaves)
        self.lock = threading.Lock()
        self._verdicts: list[tuple[str, int, bool]] = []
        rules = {}
        for leaf in leaves:
            tests = durable_tests(leaf, self.codes)
            if tests is not None:
                rules[f"holds_{leaf.index}"] = {"all": [{"m": tests[0]}], "run": self._record(leaf.index, True)}
                rules[f"fails_{leaf.index}"] = {"all": [{"m": tests[1]}], "run": self._record(leaf.index, False)}
        self.sendable = frozenset(leaf.index for leaf in leaves if f"holds_{leaf.index}" in rules)
        self.host = _Host({self.name: rules}) if rules else None

    def _record(self, index: int, verdict: bool):
        def action(c) -> None:  # durable checks the arity: one argument
            self._verdicts.append((c.m.sid, index, verdict))
        return action

    def decide(self, attributes: dict[str, int], expected: set[int]) -> dict[int, bool]:
        """Post one case's leaves in a fresh session; every leaf in `expected` decided exactly once."""
        sid = str(next(_SESSIONS))
        with self.lock:
            self._verdicts = []
            try:
                self.host.assert_fact(self.name, {"sid": sid, **attributes})
                verdicts = self._verdicts
            except Exception as exc:  # noqa: BLE001 - whatever the C engine raises, nothing is decided
                raise BackendFailure([Problem(f"durable-rules weigerde de casus in {self.name}: {exc}",
                                              f"durable-rules refused the case in {self.name}: {exc}")]) from None
            finally:
                self.host.delete_state(self.name, sid)
        found: dict[int, bool] = {}
        for session, index, verdict in verdicts:
            if session != sid or index not in expected or index in found:
                raise _failure(self.name, f"onverwacht oordeel over blad {index}")
            found[index] = verdict
        if len(found) != len(expected):
            raise _failure(self.name, f"geen oordeel over blad {sorted(expected - set(found))[0]}")
        return found


def _failure(name: str, what: str) -> BackendFailure:
    return BackendFailure([Problem(f"durable-rules gaf in {name} een {what}; er is niets besloten",
                                   f"durable-rules gave an unexpected answer in {name}; nothing was decided")])


_COMPILED: dict[tuple[str, str], CompiledVersion] = {}
_COMPILED_LOCK = threading.Lock()
_RELEVANT: dict[tuple[int, tuple[str, ...]], tuple[Bundle, tuple]] = {}


def compiled(version: RulesetVersion) -> CompiledVersion:
    key = (version.key, version.digest)
    found = _COMPILED.get(key)
    if found is None:
        with _COMPILED_LOCK:
            found = _COMPILED.get(key)
            if found is None:
                found = _COMPILED[key] = CompiledVersion(version)
    return found


def relevant(bundle: Bundle, options: Sequence[str]) -> tuple[CompiledRule | CompiledRoute, ...]:
    """Every rule, statutory exception and route the evaluator may consult for these options."""
    key = (id(bundle), tuple(options))
    cached = _RELEVANT.get(key)
    if cached is not None and cached[0] is bundle:
        return cached[1]
    items: dict[str, Any] = {}
    for option in options:
        for rule in bundle.by_option.get(option, ()):
            items[rule.id] = rule
            for ground in bundle.overridden_by.get(rule.id, ()):
                if option in ground.rule.applies_to:
                    items[ground.id] = ground
            for route in bundle.routes_for_block.get(rule.id, ()):
                if not route.route.applies_to or option in route.route.applies_to:
                    items[route.id] = route
    found = tuple(i for i in items.values() if i.when is not None)
    if len(_RELEVANT) > 10_000:
        _RELEVANT.clear()
    _RELEVANT[key] = (bundle, found)
    return found


def durable_conditions(bundle: Bundle, env: dict, options: Sequence[str]) -> Oracle:
    """The evaluator's oracle for one case: the leaves of every relevant condition decided up front
    (unknown by us, the rest by durable-rules, one session per rule-set version), combined lazily."""
    if _durable is None:
        raise unavailable()
    versions = {v.key: compiled(v) for v in bundle.versions}
    wanted: dict[str, dict[int, Leaf]] = {}
    for item in relevant(bundle, options):
        version = versions[f"{item.ruleset}@{item.version}"]
        wanted.setdefault(version.name, {}).update((leaf.index, leaf) for leaf in version.conditions[item.id].leaves)
    values: dict[tuple[str, int], bool | Unknown] = {}
    counts = Counter()
    for name, leaves in wanted.items():
        version = versions[name]
        attributes: dict[str, int] = {}
        expected: set[int] = set()
        for index, leaf in leaves.items():
            ready = prepare(leaf, env, version.codes)
            if isinstance(ready, Unknown):
                values[(name, index)] = ready
                counts["unknown"] += 1
            elif ready is not None and index in version.sendable:
                attributes.update(ready)
                expected.add(index)
                counts["durable"] += 1
            else:
                counts["core"] += 1  # decided by the core's closure, if the evaluator asks
        if expected:
            values.update(((name, i), v) for i, v in version.decide(attributes, expected).items())
    with _STATS_LOCK:
        STATS.update(counts)
    fallback = core_conditions(bundle, env, options)

    def oracle(item) -> bool | Unknown:
        version = versions[f"{item.ruleset}@{item.version}"]

        def value_of(index: int) -> bool | Unknown:
            found = values.get((version.name, index))
            return core_value(version.leaves[index], env) if found is None else found
        try:
            return combine(version.conditions[item.id].tree, value_of)
        except CoreDecides:
            return fallback(item)  # the core raises its own error, with file and line
    return oracle

