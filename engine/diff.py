"""What changed between two versions of a rule set, and the changelog of a rule set.

Pure data, compared on the resolved (inherited) content of each version: parameters (old and new
value, with their source), rules and routes added, removed or changed (field by field: condition,
source, text, …), and the horizon of the figures. Rendering is in `explain.diff`.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import Problem, RegelruimteError

# Fields compared, in the order a reader wants them; the English twins follow their Dutch field.
RULE_FIELDS = ("kind", "title", "applies_to", "when", "fact", "value", "reason", "conditions", "amounts", "overrides",
               "tags", "confidence", "verified", "source", "note", "title_en", "reason_en", "conditions_en")
ROUTE_FIELDS = ("title", "lifts", "applies_to", "when", "decided_by", "discretionary", "lead_time", "reason", "argue",
                "evidence", "confidence", "verified", "source", "note", "title_en", "reason_en", "argue_en",
                "evidence_en")
PARAMETER_FIELDS = ("value", "unit", "title", "verified", "source", "note", "title_en")


class DiffInputError(RegelruimteError):
    """A version reference that cannot be compared (exit 2, HTTP 422)."""


def parse_ref(text: str, field: str) -> tuple[str, str]:
    """'participatiewet@2026-07-01' -> ('participatiewet', '2026-07-01')."""
    rid, at, version = (text or "").partition("@")
    try:
        dt.date.fromisoformat(version)
        ok = bool(rid) and bool(at)
    except ValueError:
        ok = False
    if not ok:
        raise DiffInputError([Problem("geef een versie als regelset@JJJJ-MM-DD, bijvoorbeeld participatiewet@2026-07-01",
                                      "give a version as ruleset@YYYY-MM-DD, e.g. participatiewet@2026-07-01", field=field)])
    return rid, version


def find_version(registry, rid: str, version: str, field: str):
    rs = registry.rulesets.get(rid)
    if rs is None:
        raise DiffInputError([Problem(f"onbekende regelset (bekend: {', '.join(registry.order)})",
                                      f"unknown rule set (known: {', '.join(registry.order)})", field=field)])
    v = next((x for x in rs.versions if x.version == version), None)
    if v is None:
        known = ", ".join(x.version for x in rs.versions)
        raise DiffInputError([Problem(f"regelset '{rid}' heeft geen versie met die ingangsdatum (wel: {known})",
                                      f"rule set '{rid}' has no version with that start date (known: {known})",
                                      field=field)])
    return v


def _plain(model) -> dict:
    return model.model_dump(mode="json", exclude_none=True, exclude_defaults=False)


def _fields(old: dict, new: dict, fields: tuple[str, ...]) -> list[dict]:
    out = []
    for f in fields:
        a, b = old.get(f), new.get(f)
        if a in ((), []):
            a = None
        if b in ((), []):
            b = None
        if a != b:
            out.append({"field": f, "old": a, "new": b})
    return out


def _summary(kind: str, item: dict) -> dict:
    out = {"id": item["id"], "title": item.get("title"), "source": item.get("source")}
    if kind == "rule":
        out["kind"] = item.get("kind")
    return out


def _items(kind: str, old: dict, new: dict, fields: tuple[str, ...]) -> dict:
    """Added, removed and changed items between two {id: model} maps."""
    a = {k: _plain(v.rule if kind == "rule" else v.route) for k, v in old.items()}
    b = {k: _plain(v.rule if kind == "rule" else v.route) for k, v in new.items()}
    changed = []
    for k in sorted(set(a) & set(b)):
        diffs = _fields(a[k], b[k], fields)
        if diffs:
            changed.append(dict(_summary(kind, b[k]), changes=diffs))
    return {"added": [_summary(kind, b[k]) for k in sorted(set(b) - set(a))],
            "removed": [_summary(kind, a[k]) for k in sorted(set(a) - set(b))],
            "changed": changed}


def _parameters(old: dict, new: dict) -> dict:
    a = {k: _plain(v) for k, v in old.items()}
    b = {k: _plain(v) for k, v in new.items()}

    def one(k: str, p: dict) -> dict:
        return {"id": k, "title": p.get("title"), "unit": p.get("unit"), "value": p.get("value"), "source": p.get("source")}

    changed = []
    for k in sorted(set(a) & set(b)):
        diffs = _fields(a[k], b[k], PARAMETER_FIELDS)
        if diffs:
            changed.append({"id": k, "title": b[k].get("title"), "unit": b[k].get("unit"),
                            "old": a[k].get("value"), "new": b[k].get("value"),
                            "old_source": a[k].get("source"), "new_source": b[k].get("source"), "changes": diffs})
    return {"added": [one(k, b[k]) for k in sorted(set(b) - set(a))],
            "removed": [one(k, a[k]) for k in sorted(set(a) - set(b))],
            "changed": changed}


def _horizon(v) -> dict | None:
    h = v.horizon
    return None if h is None else {"figures_of": h.as_of.isoformat(), "known_until": h.known_until.isoformat()}


def _ref(v) -> dict:
    return {"id": v.id, "version": v.version, "valid_from": v.valid_from.isoformat(),
            "valid_to": v.valid_to.isoformat() if v.valid_to else None, "digest": v.digest, "changes": v.changes,
            "horizon": _horizon(v)}


def diff_versions(old, new) -> dict:
    """The differences between two versions (RulesetVersion) of the same rule set."""
    if old.id != new.id:
        raise DiffInputError([Problem(f"vergelijk twee versies van dezelfde regelset (niet '{old.id}' met '{new.id}')",
                                      f"compare two versions of the same rule set (not '{old.id}' with '{new.id}')",
                                      field="to")])
    out = {"ruleset": old.id, "from": _ref(old), "to": _ref(new),
           "parameters": _parameters(old.parameters, new.parameters),
           "rules": _items("rule", old.rules, new.rules, RULE_FIELDS),
           "routes": _items("route", old.routes, new.routes, ROUTE_FIELDS)}
    out["empty"] = not any(out[k][part] for k in ("parameters", "rules", "routes") for part in ("added", "removed", "changed"))
    return out


def diff_refs(registry, from_ref: str, to_ref: str) -> dict:
    a = find_version(registry, *parse_ref(from_ref, "from"), field="from")
    b = find_version(registry, *parse_ref(to_ref, "to"), field="to")
    return diff_versions(a, b)


def changelog(registry, rid: str) -> dict:
    """Per version, newest first: the period it is in force, its note, its horizon and what changed."""
    rs = registry.rulesets.get(rid)
    if rs is None:
        raise DiffInputError([Problem(f"onbekende regelset (bekend: {', '.join(registry.order)})",
                                      f"unknown rule set (known: {', '.join(registry.order)})", field="ruleset")])
    entries: list[dict[str, Any]] = []
    for prev, v in zip([None, *rs.versions], rs.versions):
        entry = _ref(v)
        if prev is not None:
            d = diff_versions(prev, v)
            entry["previous"] = prev.version
            entry["counts"] = {k: {part: len(d[k][part]) for part in ("added", "removed", "changed")}
                               for k in ("parameters", "rules", "routes")}
            entry["ids"] = {k: {part: [x["id"] for x in d[k][part]] for part in ("added", "removed", "changed")}
                            for k in ("parameters", "rules", "routes")}
        entries.append(entry)
    return {"ruleset": rid, "title": rs.meta.title, "versions": list(reversed(entries))}
