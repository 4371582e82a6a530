"""The two sides of a what-if: the rule sets as they are (baseline) and as they would be (reform).

`--base zaanstad@2025-09-15` names the rule set under study and the date whose version counts:
every case is evaluated with that version of `zaanstad` (and with the version of every other rule
set in force on the case's own reference date). Without `@date`, each case uses the versions in
force on its own date. `--change` is either another version (`zaanstad@2026-01-01`, or
`participatiewet@2026-01-01` to adopt the next law version) or an overlay file; the reform then
uses the overlay's version, from the overlay's date or the base date, whichever is later.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from engine.errors import NoRulesetInForce, Problem, RegelruimteError
from engine.loader import LoadedRulesets, RawRulesets, RulesetVersion, load_rulesets
from engine.registry import Registry
from engine.versions import in_force

from .overlay import Overlay, amend, load_overlay, quoted

REF = re.compile(r"^(?P<ruleset>[a-z][a-z0-9_-]*)(@(?P<day>\d{4}-\d{2}-\d{2}))?$")


@dataclass(frozen=True)
class Ref:
    ruleset: str
    day: dt.date | None = None

    def __str__(self) -> str:
        return f"{self.ruleset}@{self.day.isoformat()}" if self.day else self.ruleset


def parse_ref(text: str, field: str = "base") -> Ref:
    m = REF.match(text.strip())
    if not m:
        # the text is not repeated (it may hold anything, "zaanstad@111222333"): the field says where
        raise RegelruimteError([Problem("geen regelset@datum; schrijf bv. zaanstad@2025-09-15",
                                        "not ruleset@date; write e.g. zaanstad@2025-09-15", field=field)])
    try:
        day = dt.date.fromisoformat(m["day"]) if m["day"] else None
    except ValueError:
        raise RegelruimteError([Problem("de datum na @ bestaat niet; schrijf JJJJ-MM-DD, bv. zaanstad@2025-09-15",
                                        "the date after @ does not exist; write YYYY-MM-DD, e.g. zaanstad@2025-09-15",
                                        field=field)]) from None
    return Ref(m["ruleset"], day)


def is_ref(text: str) -> bool:
    return bool(REF.match(text.strip())) and not Path(text).exists()


class Scenario(Registry):
    """A registry in which some rule sets are held at the version in force on a chosen date."""

    def __init__(self, registry: Registry, pins: dict[str, dt.date] | None = None, label: str = "",
                 overlays: tuple[Overlay, ...] = ()):
        super().__init__(registry.loaded)
        self.pins = dict(pins or {})
        self.label = label
        self.overlays = overlays
        for rid in self.pins:
            if rid not in self.rulesets:
                hint = difflib.get_close_matches(rid, list(self.rulesets), n=1)
                raise RegelruimteError([Problem(
                    f"onbekende regelset{quoted(rid)}" + (f"; bedoelde u '{hint[0]}'?" if hint else "")
                    + f" (bekend: {', '.join(self.order)})", f"unknown rule set{quoted(rid)}", field="base")])

    def select(self, municipality: str, day: dt.date) -> tuple[RulesetVersion, ...]:
        versions = list(super().select(municipality, day))
        for i, v in enumerate(versions):
            if v.id in self.pins:
                pinned = in_force(self.rulesets[v.id].versions, self.pins[v.id])
                if pinned is None:
                    raise NoRulesetInForce([Problem(
                        f"geen versie van regelset '{v.id}' geldig op {self.pins[v.id].isoformat()}",
                        f"no version of rule set '{v.id}' in force on {self.pins[v.id].isoformat()}", field="base")])
                versions[i] = pinned
        return tuple(versions)


# The rule sets as read and compiled, per folder, while its files stay the same (their names, sizes and
# modification times): a what-if and each of its sweep points start from here instead of reading and
# compiling every rule set again (0.6 s each; docs/decisions/0042-whatif-cost-and-turns.md).
_CACHE_SIZE = 4
_cache: dict[Path, tuple[tuple, LoadedRulesets, float]] = {}  # folder -> (files, load, checked)
_cache_lock = threading.Lock()


def _fingerprint(root: Path) -> tuple:
    return tuple(sorted((str(p), st.st_mtime_ns, st.st_size) for p in root.rglob("*")
                        if p.is_file() and (st := p.stat())))


_RECHECK_SECONDS = 1.0  # the folder is looked at again (some 15 ms) at most this often


def loaded(root: Path | str) -> LoadedRulesets:
    """Every rule set under `root`, compiled: from the cache while the folder is unchanged."""
    root = Path(root).resolve()
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(root)
        if hit is not None and now - hit[2] < _RECHECK_SECONDS:
            return hit[1]
    mark = _fingerprint(root)
    if hit is not None and hit[0] == mark:
        with _cache_lock:
            _cache[root] = (mark, hit[1], now)
        return hit[1]
    result = load_rulesets(root)
    with _cache_lock:
        _cache[root] = (mark, result, time.monotonic())
        while len(_cache) > _CACHE_SIZE:
            del _cache[next(iter(_cache))]
    return result


def load_with(root: Path | str, *overlays: Overlay) -> Registry:
    """The rule sets under `root` with `overlays` applied in order, compiled and checked (as
    whatif.overlay.load_with), starting from the cached load: only the rule sets they change are compiled."""
    if not overlays:
        return Registry(loaded(root))

    def apply_all(raws: RawRulesets, problems: list[Problem]) -> None:
        for o in overlays:
            amend(o)(raws, problems)
    return Registry(load_rulesets(Path(root), amend=apply_all, base=loaded(root)))


def baseline(root: Path | str, base: Ref) -> Scenario:
    pins = {base.ruleset: base.day} if base.day else {}
    return Scenario(Registry(loaded(root)), pins, label=str(base))


def reform(root: Path | str, base: Ref, change: str | Overlay, extra: tuple[Overlay, ...] = ()) -> Scenario:
    """The changed rule sets: another version, or the overlay (plus `extra` overlays, e.g. a sweep point)."""
    pins = {base.ruleset: base.day} if base.day else {}
    if isinstance(change, str) and is_ref(change):
        ref = parse_ref(change, "change")
        if ref.day is None:
            raise RegelruimteError([Problem("geef bij --change een versie: regelset@datum of een overlaybestand",
                                            "give --change a version (ruleset@date) or an overlay file", field="change")])
        registry = load_with(root, *extra)
        return Scenario(registry, {**pins, ref.ruleset: ref.day}, label=str(ref), overlays=extra)
    overlays = ((change if isinstance(change, Overlay) else load_overlay(change)),) if change is not None else ()
    overlays += extra
    for o in overlays:
        if o.ruleset in pins or base.day:
            pins[o.ruleset] = max(base.day or o.valid_from, o.valid_from)
    label = "; ".join(f"{o.title} ({o.file})" for o in overlays)
    return Scenario(load_with(root, *overlays), pins, label=label, overlays=overlays)
