"""The horizon of a rule-set version: until when its figures are known.

Norms and amounts are indexed on fixed dates (Participatiewet art. 38 and 39: 1 January and 1 July;
Bbz art. 60: 1 January). The figures for a date are published only weeks before it, so a version
can be in force on a date for which its figures are not known yet. It then keeps computing with
the last known figures (never invented ones) and says so: a decision whose reference date lies past
the horizon of a rule set it used carries a warning, and the statuses that read those figures are
marked provisional.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from .errors import Problem
from .model import Figures, Indexation
from .relevance import through_derived
from .templates import date as long_date

ONE_DAY = dt.timedelta(days=1)
WARNING_CODE = "figures_not_known"


@dataclass(frozen=True)
class Horizon:
    as_of: dt.date  # the date of the figures the version computes with
    known_until: dt.date  # the last day for which they are known
    dates: tuple[str, ...] = ()  # the rule set's indexation dates ("MM-DD"), to name the date whose figures apply

    @property
    def unknown_from(self) -> dt.date:
        """The first day whose figures are not known (the next indexation date)."""
        return self.known_until + ONE_DAY


def next_indexation(after: dt.date, indexation: Indexation) -> dt.date:
    """The first indexation date strictly after `after`."""
    for year in (after.year, after.year + 1):
        for md in indexation.dates:
            month, day = (int(x) for x in md.split("-"))
            candidate = dt.date(year, month, day)
            if candidate > after:
                return candidate
    raise AssertionError("unreachable: every year has an indexation date")  # pragma: no cover


def horizons(stated: Sequence[Figures | None], indexation: Indexation | None, where: Sequence[str],
             problems: list[Problem]) -> list[Horizon | None]:
    """The horizon of each version, oldest first: what it states, else what the one before had."""
    out: list[Horizon | None] = []
    current: Horizon | None = None
    for figures, file in zip(stated, where):
        if figures is not None:
            until = figures.known_until
            if until is None:
                if indexation is None:
                    problems.append(Problem(
                        "'figures' zonder 'known_until' vraagt 'indexation' in ruleset.yaml (wanneer de bedragen wijzigen)",
                        "'figures' without 'known_until' needs 'indexation' in ruleset.yaml", file=file))
                    out.append(current)
                    continue
                until = next_indexation(figures.as_of, indexation) - ONE_DAY
            current = Horizon(as_of=figures.as_of, known_until=until,
                              dates=indexation.dates if indexation is not None else ())
        out.append(current)
    return out


def is_past(horizon: Horizon | None, day: dt.date) -> bool:
    return horizon is not None and day > horizon.known_until


def applying_from(horizon: Horizon, day: dt.date) -> dt.date:
    """The indexation date whose figures apply on `day` (the last one on or before it), not before the first
    unknown one; without indexation dates, the first unknown one."""
    latest = horizon.unknown_from
    for year in range(horizon.unknown_from.year, day.year + 1):
        for md in horizon.dates:
            month, dd = (int(x) for x in md.split("-"))
            candidate = dt.date(year, month, dd)
            if latest < candidate <= day:
                latest = candidate
    return latest


def message(horizon: Horizon, lang: str, day: dt.date | None = None) -> str:
    latest = applying_from(horizon, day) if day is not None else horizon.unknown_from
    if latest != horizon.unknown_from:  # further past the horizon: name the date whose figures apply too
        if lang == "en":
            return (f"The amounts from {long_date(horizon.unknown_from, 'en')} on are not known yet, including those "
                    f"of {long_date(latest, 'en')} (which apply on the reference date); "
                    f"this check uses those of {long_date(horizon.as_of, 'en')}.")
        return (f"De bedragen vanaf {long_date(horizon.unknown_from)} zijn nog niet bekend, ook die van "
                f"{long_date(latest)} (die gelden op de peildatum); "
                f"deze toets rekent met die van {long_date(horizon.as_of)}.")
    if lang == "en":
        return (f"The amounts as of {long_date(horizon.unknown_from, 'en')} are not known yet; "
                f"this check uses those of {long_date(horizon.as_of, 'en')}.")
    return (f"De bedragen per {long_date(horizon.unknown_from)} zijn nog niet bekend; "
            f"deze toets rekent met die van {long_date(horizon.as_of)}.")


def warnings(versions: Iterable, day: dt.date, lang: str = "nl") -> list[dict]:
    """One `figures_not_known` warning per rule-set version whose horizon lies before `day`."""
    return [{"code": WARNING_CODE, "message": message(v.horizon, lang, day), "ruleset": v.id,
             "known_until": v.horizon.known_until.isoformat()}
            for v in versions if is_past(v.horizon, day)]


def stale_figures(versions: Iterable, day: dt.date) -> frozenset[str]:
    """The amounts (`<ruleset>.<parameter>` in euros) of the versions past their horizon on `day`."""
    return frozenset(f"{v.id}.{name}" for v in versions if is_past(v.horizon, day)
                     for name, p in v.parameters.items()
                     if p.unit.startswith("EUR") and p.value is not None and p.indexed)


def reads_any(names: Iterable[str], targets: frozenset[str], derived: dict) -> bool:
    """Whether `names`, or the derived facts they read (transitively), include one of `targets`."""
    return not through_derived(names, derived).isdisjoint(targets)


@dataclass(frozen=True)
class Stale:
    """What the figures past their horizon touch in one bundle: the same on every day on which the same
    versions are past it, so worked out once per bundle and set of past versions (`stale`)."""
    figures: frozenset[str]  # the amounts of the versions past their horizon (`stale_figures`)
    options: frozenset[str]  # options whose conditions read one of them (transitively)
    grounds: frozenset[str]  # rules whose amounts read one of them
    conditions: frozenset[str] = frozenset()  # rules and routes whose condition reads one of them


def stale(bundle, day: dt.date) -> Stale:
    """The `Stale` parts of `bundle` (an engine.registry.Bundle) on `day`, kept on the bundle."""
    key = tuple(is_past(v.horizon, day) for v in bundle.versions)
    hit = bundle.stale.get(key)
    if hit is None:
        figures = stale_figures(bundle.versions, day)
        derived = {r.rule.fact: r for r in bundle.derive}
        hit = bundle.stale[key] = Stale(
            figures,
            frozenset(o for o, names in bundle.reads.items() if figures and reads_any(names, figures, derived)),
            frozenset(rid for rid, rule in bundle.rules.items()
                      if figures and any(reads_any(e.names, figures, derived) for _, e in rule.amounts.values())),
            frozenset(item.id for item in [*bundle.rules.values(), *(r for rs in bundle.routes_for_block.values()
                                                                     for r in rs)]
                      if figures and item.when is not None and reads_any(item.when.names, figures, derived)))
    return hit


def decided_without(stale_: Stale, option: dict, plan) -> bool:
    """Whether a blocked option is blocked whatever the stale figures are: a block that holds reads none of them
    (nor do the exceptions that could set it aside), and no route can lift it. Then the status is not provisional
    (legal audit D-48: the IIT age block past the horizon). `plan`: the option's engine.status.OptionPlan."""
    if option["status"] != "blocked":
        return False
    for block in option["blocked_by"]:
        bid = block["rule"]
        if bid in stale_.conditions or any(g in stale_.conditions for g in plan.exception_ids.get(bid, ())):
            continue
        if not plan.route_steps.get(bid):
            return True
    return False
