"""System-problem analysis: pure functions from query rows (casebook.queries) to ranked tables.

No database and no I/O here: every function takes plain rows (dicts) and returns plain rows, so
each can be tested with a handful of hand-made rows. Counts are numbers of cases (decisions in
scope), shares are exact decimals, money is in cents in and Decimal euros out.

Definitions (also in docs/casebook.md):
- a **block** is a rule that holds as a block on some option of a case;
- a **collision** is a case in which blocks from two or more different laws hold (source.law,
  else the rule set): the rules from different laws that together block the case's need. Pairs
  count every two rules from different laws; a *set* is all blocking rules of one case;
- a route is **usable** when it is available on an option whose status is route_available; a
  case's **sole route** is its only usable route; **discretionary only** means every usable route
  is discretionary (the college or a bewindvoerder may, but need not, use it);
- a case has **no route** when every option is blocked (outcome `blocked`);
- the **kassabon** of a case is booked on its help path: the fastest usable route, or "allowed"
  (no route needed), "needs information" or "no route" (the avoided costs that were not avoided).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations
from typing import Iterable, Mapping

SHARE = Decimal("0.001")
CENT = Decimal("0.01")
Rows = Iterable[Mapping]

PATH_ALLOWED = "(toegestaan zonder route)"
PATH_INFO = "(informatie ontbreekt)"
PATH_NONE = "(geen route)"


def share(part: int, total: int) -> Decimal:
    return (Decimal(part) / Decimal(total)).quantize(SHARE, ROUND_HALF_UP) if total else Decimal("0.000")


def euros(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT)


def citation(row: Mapping) -> str:
    """The article reference of a rule or route, Dutch style: 'art. 35 lid 1 onderdeel a'."""
    parts = []
    for key, word in (("article", "art."), ("paragraph", "lid"), ("onderdeel", "onderdeel")):
        if row.get(key):
            parts.append(f"{word} {row[key]}")
    return " ".join(parts)


def period_of(day: dt.date, granularity: str = "quarter") -> str:
    if granularity == "month":
        return f"{day.year}-{day.month:02d}"
    if granularity == "year":
        return str(day.year)
    if granularity == "quarter":
        return f"{day.year}-K{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period granularity {granularity!r}")


# -- overview ---------------------------------------------------------------------------------------

def overview(outcome_rows: Rows) -> dict:
    rows = list(outcome_rows)
    total = sum(r["cases"] for r in rows)
    by = {r["outcome"]: r["cases"] for r in rows}
    firsts = [r["first"] for r in rows if r.get("first")]
    lasts = [r["last"] for r in rows if r.get("last")]
    return {"cases": total, "allowed": by.get("allowed", 0), "route_available": by.get("route_available", 0),
            "needs_information": by.get("needs_information", 0), "blocked": by.get("blocked", 0),
            "share_blocked": share(by.get("blocked", 0), total),
            "first": min(firsts) if firsts else None, "last": max(lasts) if lasts else None}


def municipality_table(rows: Rows) -> list[dict]:
    per: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        per[r["municipality"]][r["outcome"]] += r["cases"]
    out = []
    for m in sorted(per):
        c = per[m]
        total = sum(c.values())
        out.append({"municipality": m, "cases": total, "allowed": c["allowed"], "route_available": c["route_available"],
                    "needs_information": c["needs_information"], "blocked": c["blocked"],
                    "share_blocked": share(c["blocked"], total)})
    return out


# -- blocks -----------------------------------------------------------------------------------------

def rank_blocks(rows: Rows, total_cases: int, possible: Rows = ()) -> list[dict]:
    """Rules ranked by the number of cases they block (then options, then id), with their article."""
    maybe = {r["rule"]: r["cases"] for r in possible}
    ranked = sorted(rows, key=lambda r: (-r["cases"], -r["options"], r["rule"]))
    return [{"rank": i, "rule": r["rule"], "title": r.get("title"), "law": r["law"], "article": citation(r),
             "ruleset": r.get("ruleset"), "cases": r["cases"], "options": r["options"],
             "share": share(r["cases"], total_cases), "possible_cases": maybe.get(r["rule"], 0)}
            for i, r in enumerate(ranked, start=1)]


def blocks_per_group(rows: Rows, group: str, totals: Mapping[str, int]) -> list[dict]:
    """Blocks per municipality (or per period): rules ranked within each group, with the group's share."""
    out = sorted(({group: r[group], "rule": r["rule"], "cases": r["cases"],
                   "share": share(r["cases"], totals.get(r[group], 0))} for r in rows),
                 key=lambda r: (r[group], -r["cases"], r["rule"]))
    return out


def fold_periods(rows: Rows, granularity: str, key: str = "reference_date") -> list[dict]:
    """Rows per day (with `cases`, and optionally `rule`) summed per period."""
    sums: Counter = Counter()
    for r in rows:
        sums[(period_of(r[key], granularity), r.get("rule"))] += r["cases"]
    return [{"period": p, **({"rule": rule} if rule is not None else {}), "cases": n}
            for (p, rule), n in sorted(sums.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1] or ""))]


# -- collisions -------------------------------------------------------------------------------------

def collisions(rows: Rows) -> tuple[list[dict], list[dict], list[dict]]:
    """From (decision_id, option, rule, law) rows of holding blocks: ranked cross-law pairs, the ranked
    sets of blocking rules per case, and the ranked combinations of laws."""
    per: dict[int, dict[str, tuple[str, set]]] = defaultdict(dict)
    for r in rows:
        law, options = per[r["decision_id"]].setdefault(r["rule"], (r["law"], set()))
        options.add(r["option"])
    pairs: Counter = Counter()
    same_option: Counter = Counter()
    sets: Counter = Counter()
    law_sets: Counter = Counter()
    laws_of: dict[str, str] = {}
    for rules in per.values():
        laws = {law for law, _ in rules.values()}
        if len(laws) < 2:
            continue
        for rule, (law, _) in rules.items():
            laws_of[rule] = law
        for a, b in combinations(sorted(rules), 2):
            if rules[a][0] != rules[b][0]:
                pairs[(a, b)] += 1
                if rules[a][1] & rules[b][1]:
                    same_option[(a, b)] += 1
        sets[tuple(sorted(rules))] += 1
        law_sets[tuple(sorted(laws))] += 1
    pair_rows = [{"rank": i, "rule_a": a, "law_a": laws_of[a], "rule_b": b, "law_b": laws_of[b], "cases": n,
                  "same_option": same_option[(a, b)]}
                 for i, ((a, b), n) in enumerate(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0])), start=1)]
    set_rows = [{"rank": i, "rules": " × ".join(s), "laws": " × ".join(sorted({laws_of[r] for r in s})),
                 "size": len(s), "cases": n}
                for i, (s, n) in enumerate(sorted(sets.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0])), start=1)]
    law_rows = [{"rank": i, "laws": " × ".join(s), "size": len(s), "cases": n}
                for i, (s, n) in enumerate(sorted(law_sets.items(), key=lambda kv: (-kv[1], kv[0])), start=1)]
    return pair_rows, set_rows, law_rows


def collision_matrix(pairs: list[dict], top: int = 12) -> tuple[list[str], list[list[int]]]:
    """The rules most involved in collisions and, per two of them, the cases where both block."""
    weight: Counter = Counter()
    for p in pairs:
        weight[p["rule_a"]] += p["cases"]
        weight[p["rule_b"]] += p["cases"]
    labels = [rule for rule, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    index = {rule: i for i, rule in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for p in pairs:
        a, b = index.get(p["rule_a"]), index.get(p["rule_b"])
        if a is not None and b is not None:
            matrix[a][b] = matrix[b][a] = p["cases"]
    return labels, matrix


# -- routes -----------------------------------------------------------------------------------------

def route_table(rows: Rows, sole: Rows, total_cases: int) -> list[dict]:
    """Per route: in how many cases it is available, conditional or unavailable, and in how many it is
    the only usable route; discretionary routes first when counts tie."""
    per: dict[str, dict] = {}
    for r in rows:
        entry = per.setdefault(r["route"], {"route": r["route"], "title": r.get("title"), "law": r["law"],
                                            "article": citation(r), "discretionary": bool(r.get("discretionary")),
                                            "decided_by": r.get("decided_by"), "lead_time_days": r.get("lead_time_days"),
                                            "available": 0, "conditional": 0, "unavailable": 0, "sole_way": 0})
        entry[r["status"]] += r["cases"]
    for r in sole:
        if r["route"] in per:
            per[r["route"]]["sole_way"] = r["cases"]
    ranked = sorted(per.values(), key=lambda e: (-e["available"], -e["sole_way"], not e["discretionary"], e["route"]))
    return [{"rank": i, **e, "share_available": share(e["available"], total_cases)} for i, e in enumerate(ranked, start=1)]


def lifts_table(rows: Rows) -> list[dict]:
    """Which route can lift which block, and in how many cases it was available, conditional or not."""
    per: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in rows:
        per[(r["block"], r["route"])][r["status"]] += r["cases"]
    out = [{"block": b, "route": route, "available": c["available"], "conditional": c["conditional"],
            "unavailable": c["unavailable"]} for (b, route), c in per.items()]
    return sorted(out, key=lambda r: (r["block"], -r["available"], -r["conditional"], r["route"]))


def no_route_table(cases: Rows, blocks: Rows) -> list[dict]:
    """The cases where every option is blocked and no route lifts it, with what blocks them."""
    per: dict[int, dict[str, str]] = defaultdict(dict)
    for b in blocks:
        per[b["decision_id"]][b["rule"]] = b["law"]
    out = []
    for c in cases:
        rules = per.get(c["decision_id"], {})
        out.append({"case_id": c["case_id"], "municipality": c["municipality"], "reference_date": c["reference_date"],
                    "team": c.get("team"), "signal": c.get("signal"), "blocks": " · ".join(sorted(rules)),
                    "laws": " × ".join(sorted(set(rules.values())))})
    return out


def no_route_by_rules(rows: list[dict]) -> list[dict]:
    """The combinations of blocks behind no-route cases, ranked: the strongest system-problem signal."""
    counts = Counter(r["blocks"] for r in rows)
    laws = {r["blocks"]: r["laws"] for r in rows}
    return [{"rank": i, "blocks": b, "laws": laws[b], "cases": n}
            for i, (b, n) in enumerate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), start=1)]


# -- kassabon ---------------------------------------------------------------------------------------

def help_path(outcome: str, primary_route: str | None) -> str:
    if outcome == "allowed":
        return PATH_ALLOWED
    if outcome == "route_available" and primary_route:
        return primary_route
    if outcome == "needs_information":
        return PATH_INFO
    return PATH_NONE


def _receipt(cases: int, cost: int, per_year: int, once: int) -> dict:
    return {"cases": cases, "cost_once": euros(cost), "avoided_per_year": euros(per_year),
            "avoided_once": euros(once),
            "ratio_per_year": (Decimal(per_year) / Decimal(cost)).quantize(CENT, ROUND_HALF_UP) if cost else None}


def kassabon(rows: Rows) -> tuple[dict, list[dict]]:
    """The kassabon in total and per help path (route), from per-(outcome, route) sums in cents."""
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    total = [0, 0, 0, 0]
    helped = [0, 0, 0, 0]
    for r in rows:
        values = (r["cases"], r["cost_once_cents"] or 0, r["avoided_per_year_cents"] or 0, r["avoided_once_cents"] or 0)
        path = help_path(r["outcome"], r.get("primary_route"))
        for acc in (per[path], total) + ((helped,) if path not in (PATH_INFO, PATH_NONE) else ()):
            for i, v in enumerate(values):
                acc[i] += v
    summary = {"total": _receipt(*total), "helped": _receipt(*helped),
               "not_helped": _receipt(*(t - h for t, h in zip(total, helped)))}
    paths = sorted(({"path": p, **_receipt(*v)} for p, v in per.items()),
                   key=lambda r: (-r["cases"], r["path"]))
    return summary, paths


# -- missing facts and tags -------------------------------------------------------------------------

def rank_missing(rows: Rows, total_cases: int, labels: Mapping[str, str] | None = None) -> list[dict]:
    """Missing facts ranked by cases. A row stored as an open term (kind "open_term"), or a name that
    is not a case fact (not in `labels`, the fact vocabulary), is an open norm of a rule set, e.g. a
    municipal percentage that was not found: the professional cannot supply it, the rule set must."""
    labels = labels or {}
    ranked = sorted(rows, key=lambda r: (-r["cases"], -r["options"], r["fact"]))

    def is_fact(r: Mapping) -> bool:
        return r.get("kind", "fact") == "fact" and (r["fact"] in labels or not labels)

    return [{"rank": i, "fact": r["fact"], "label": labels.get(r["fact"], r["fact"]),
             "kind": "feit" if is_fact(r) else "open norm in regelset",
             "cases": r["cases"], "options": r["options"], "share": share(r["cases"], total_cases)}
            for i, r in enumerate(ranked, start=1)]


def rank_tags(rows: Rows, total_cases: int) -> list[dict]:
    ranked = sorted(rows, key=lambda r: (-r["cases"], r["tag"]))
    return [{"tag": r["tag"], "cases": r["cases"], "share": share(r["cases"], total_cases)} for r in ranked]
