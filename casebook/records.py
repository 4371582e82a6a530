"""A case ready to store, and a decision taken apart into the rows analysis reads.

Pure functions only: no database here. A case is known by its scope and id (`CaseKey`: municipality,
team, case id; decision record 0044). The content digest identifies a case's content: two records with
the same key and digest are the same case (an import re-run adds nothing); the same key with another
digest is a new version of that case; the same id in another team or municipality is another case.
Team, signal and tags are not part of the digest: they describe the record, not the household.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, NamedTuple

import orjson

from engine.case import Case
from explain.lines import fastest_route, route_order

CENT = Decimal("0.01")


class CaseKey(NamedTuple):
    """A case's identity: its scope (municipality, team; '' for none) and its id."""

    case_id: str
    municipality: str
    team: str


def case_key(case_id: str, municipality: str, team: str | None) -> CaseKey:
    return CaseKey(case_id, municipality, team or "")


def case_ref(case_id: str, team: str | None) -> str:
    """How the audit log names a case within its municipality's entry: the id, and for a case with a team a
    tag of that team (`casus-001~3fa2c1d0`, the start of its SHA-256), so two teams' cases with one id are
    told apart while the log holds no free text (decision record 0016). A case id never holds a ~."""
    return f"{case_id}~{hashlib.sha256(team.encode()).hexdigest()[:8]}" if team else case_id


@dataclass(frozen=True)
class Meta:
    """What the professional adds to a case for the casebook."""

    team: str | None = None
    signal: str | None = None
    tags: tuple[str, ...] = ()


@dataclass
class Prepared:
    """A validated (and, once `decision` is set, evaluated) case on its way into the casebook."""

    case_id: str
    digest: str
    municipality: str
    reference_date: dt.date
    case_json: dict
    meta: Meta
    file: str | None = None  # where it was read: file name and line, never a full path
    line: int | None = None
    case: Case | None = field(default=None, repr=False)
    raw: Any = field(default=None, repr=False)  # the input as read, to name lines in problems
    decision: dict | None = None

    @property
    def key(self) -> CaseKey:
        return case_key(self.case_id, self.municipality, self.meta.team)

    @property
    def origin(self) -> str | None:
        return f"{self.file}:{self.line}" if self.file and self.line else self.file


def _canonical(value: Any) -> Any:
    """A form of the case in which equal content is equal data: numbers as normalised text."""
    kind = type(value)
    if kind is dict:
        return {k if type(k) is str else str(k): _canonical(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_canonical(v) for v in value]
    if kind is str or kind is bool or value is None:
        return value
    if kind is int and -_EXACT_INT < value < _EXACT_INT:
        return str(value)  # what format(Decimal(value).normalize(), "f") gives while no digit is rounded off
    if kind is Decimal:
        return format(value.normalize(), "f")
    return _canonical_other(value)


_EXACT_INT = 10 ** 28  # the default decimal context keeps 28 digits


def _canonical_other(value: Any) -> Any:
    """`_canonical` of a value of any other type (a subclass, a date, a very long integer)."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def case_document(case: Case) -> dict:
    """The case as stored: the validated case, unknown fields left out (absent = unknown)."""
    return case.model_dump(mode="json", exclude_none=True)


def canonical_json(value: Any) -> bytes:
    """The canonical form of `value` as JSON with sorted keys, compact, non-ASCII as UTF-8: the bytes of
    `json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, which
    stored digests were made of (tests/casebook/test_records.py holds them equal), written by orjson."""
    return orjson.dumps(_canonical(value), option=orjson.OPT_SORT_KEYS)


def content_digest(case: Case) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(case.model_dump(exclude_none=True))).hexdigest()


def prepare(case: Case, meta: Meta, file: str | None = None, line: int | None = None, raw: Any = None) -> Prepared:
    return Prepared(case_id=case.case_id, digest=content_digest(case), municipality=case.municipality,
                    reference_date=case.reference_date, case_json=case_document(case), meta=meta,
                    file=file, line=line, case=case, raw=raw)


def rulesets_digest(rulesets: Iterable[dict]) -> str:
    """One digest for the rule-set versions a decision used (id, version and content digest of each)."""
    body = "\n".join(sorted(f"{r['id']}@{r['version']}:{r['digest']}" for r in rulesets))
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def cents(amount: str | Decimal | None) -> int | None:
    if amount is None:
        return None
    return int((Decimal(str(amount)) / CENT).to_integral_value())


def law_of(item: dict) -> str:
    """The law a block or route comes from: its source's law, else its rule set."""
    return (item.get("source") or {}).get("law") or item.get("ruleset") or "?"


def usable_routes(decision: dict) -> list[dict]:
    """The available routes of options that a route can open (status route_available), one per route id, in the
    order the explanation lists routes (explain.lines.route_order), the route it advises first."""
    seen: dict[str, dict] = {}
    for o in decision["options"]:
        if o["status"] != "route_available":
            continue
        for r in o["routes"]:
            if r["status"] == "available":
                seen.setdefault(r["route"], r)
    within = (decision.get("need") or {}).get("needed_within_days")
    advised = fastest_route(decision)
    return sorted(seen.values(), key=lambda r: (advised is None or r["route"] != advised["route"],
                                                route_order(r, within)))


@dataclass
class DecisionSummary:
    outcome: str
    rulesets: list[dict]
    rulesets_digest: str
    cost_once_cents: int | None
    avoided_per_year_cents: int | None
    avoided_once_cents: int | None
    primary_route: str | None
    usable_routes: int
    sole_route: str | None
    discretionary_only: bool


def summarise(decision: dict) -> DecisionSummary:
    """The columns of a decision row. The primary route is the one the explanation advises, else the first usable
    route in the explanation's order (the kassabon is booked on it)."""
    usable = usable_routes(decision)
    k = decision.get("kassabon") or {}
    return DecisionSummary(
        outcome=decision["outcome"],
        rulesets=decision["rulesets"],
        rulesets_digest=rulesets_digest(decision["rulesets"]),
        cost_once_cents=cents(k.get("cost_once")),
        avoided_per_year_cents=cents(k.get("avoided_per_year")),
        avoided_once_cents=cents(k.get("avoided_once")),
        primary_route=usable[0]["route"] if usable else None,
        usable_routes=len(usable),
        sole_route=usable[0]["route"] if len(usable) == 1 else None,
        discretionary_only=bool(usable) and all(r.get("discretionary") for r in usable),
    )


@dataclass
class DetailRows:
    options: list[dict] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)
    route_lifts: list[dict] = field(default_factory=list)
    missing_facts: list[dict] = field(default_factory=list)

    def tables(self) -> list[tuple[str, list[dict]]]:
        return [("decision_options", self.options), ("blocks", self.blocks), ("routes", self.routes),
                ("route_lifts", self.route_lifts), ("missing_facts", self.missing_facts)]


def _block_row(decision_id: int, option: str, b: dict, holds: bool) -> dict:
    s = b.get("source") or {}
    return {"decision_id": decision_id, "option": option, "rule": b["rule"], "holds": holds,
            "ruleset": b.get("ruleset") or "?", "version": b.get("version"), "law": law_of(b),
            "article": s.get("article"), "paragraph": s.get("paragraph"), "onderdeel": s.get("onderdeel"),
            "title": (b.get("title") or "")[:300] or None}


def detail_rows(decision_id: int, decision: dict) -> DetailRows:
    """The decision taken apart: one row per option, block, route, lifted block and missing fact."""
    out = DetailRows()
    for o in decision["options"]:
        name = o["option"]
        usable = [r for r in o["routes"] if r["status"] == "available"] if o["status"] == "route_available" else []
        out.options.append({"decision_id": decision_id, "option": name, "status": o["status"],
                            "blocks": len(o["blocked_by"]), "usable_routes": len(usable),
                            "discretionary_only": bool(usable) and all(r.get("discretionary") for r in usable)})
        out.blocks += [_block_row(decision_id, name, b, True) for b in o["blocked_by"]]
        held = {b["rule"] for b in o["blocked_by"]}
        out.blocks += [_block_row(decision_id, name, b, False) for b in o.get("possible_blocks", ())
                       if b["rule"] not in held]
        for r in o["routes"]:
            s = r.get("source") or {}
            out.routes.append({"decision_id": decision_id, "option": name, "route": r["route"], "status": r["status"],
                               "ruleset": r.get("ruleset") or "?", "law": law_of(r), "article": s.get("article"),
                               "paragraph": s.get("paragraph"), "title": (r.get("title") or "")[:300] or None,
                               "decided_by": r.get("decided_by"), "discretionary": bool(r.get("discretionary")),
                               "lead_time_days": r.get("lead_time_days"), "in_time": r.get("in_time")})
            out.route_lifts += [{"decision_id": decision_id, "option": name, "route": r["route"], "block": block,
                                 "status": r["status"]} for block in dict.fromkeys(r.get("lifts", ()))]
        out.missing_facts += missing_rows(decision_id, o)
    return out


def open_terms(option: dict) -> list[str]:
    """The open norms of the rule sets an option waits for: its own and its routes' (the decision's
    top-level `open_terms` is their union over the options)."""
    names = list(option.get("open_terms") or ())
    for route in option.get("routes", ()):
        names += route.get("open_terms") or ()
    return list(dict.fromkeys(names))


def missing_rows(decision_id: int, option: dict) -> list[dict]:
    """The `missing_facts` rows of one option: its missing facts (kind "fact") and open norms ("open_term")."""
    facts = list(dict.fromkeys(option.get("missing_facts") or ()))
    rows = [{"decision_id": decision_id, "option": option["option"], "fact": f, "kind": "fact"} for f in facts]
    rows += [{"decision_id": decision_id, "option": option["option"], "fact": f, "kind": "open_term"}
             for f in open_terms(option) if f not in facts]
    return rows
