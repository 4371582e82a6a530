"""What the engine knows, as plain data: rule sets, their versions, rules and routes.

Shared by `regelruimte rulesets` and the HTTP API (`/v1/rulesets`), so both say the same thing.
"""
from __future__ import annotations

from pathlib import Path

from engine.errors import Problem, RegelruimteError


class NotFound(RegelruimteError):
    """A rule set, version, rule or route that does not exist (404 on the API)."""


def _origin(origin, root: Path | None) -> str:
    """`file:line` of a rule; relative to the rule-set folder when `root` is given (no server paths)."""
    text = str(origin)
    if root is not None:
        prefix = str(root).rstrip("/") + "/"
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def summary(registry) -> list[dict]:
    out = []
    for rid in registry.order:
        out.append(ruleset_summary(registry, rid))
    return out


def ruleset_summary(registry, rid: str) -> dict:
    rs = _ruleset(registry, rid)
    return {"id": rid, "title": rs.meta.title, "jurisdiction": rs.meta.jurisdiction, "law": rs.meta.law,
            "layers_on": list(rs.meta.layers_on),
            "versions": [{"version": v.version, "valid_from": v.valid_from.isoformat(),
                          "valid_to": v.valid_to.isoformat() if v.valid_to else None,
                          "digest": v.digest, "changes": v.changes, "horizon": _horizon(v),
                          "rules": sum(r.rule.kind != "derive" for r in v.rules.values()),
                          "routes": len(v.routes), "parameters": len(v.parameters)} for v in rs.versions]}


def _horizon(v) -> dict | None:
    """Until when the version's figures are known (None: it has no indexed figures)."""
    h = v.horizon
    return None if h is None else {"figures_of": h.as_of.isoformat(), "known_until": h.known_until.isoformat()}


def _ruleset(registry, rid: str):
    rs = registry.rulesets.get(rid)
    if rs is None:
        raise NotFound([Problem(f"onbekende regelset (bekend: {', '.join(registry.order)})",
                                f"unknown rule set (known: {', '.join(registry.order)})", field="ruleset_id")])
    return rs


def _version(registry, rid: str, version: str | None):
    rs = _ruleset(registry, rid)
    v = rs.versions[-1] if version is None else registry.version(rid, version)
    if v is None:
        known = ", ".join(x.version for x in rs.versions)
        raise NotFound([Problem(f"regelset '{rid}' heeft deze versie niet (wel: {known})",
                                f"rule set '{rid}' has no such version (known: {known})", field="version")])
    return v


def detail(registry, rid: str, version: str | None, relative: bool = False) -> dict:
    rs = _ruleset(registry, rid)
    v = _version(registry, rid, version)
    root = registry.loaded.root if relative else None
    return {
        "id": rid, "title": rs.meta.title, "version": v.version, "valid_from": v.valid_from.isoformat(),
        "valid_to": v.valid_to.isoformat() if v.valid_to else None, "digest": v.digest, "changes": v.changes,
        "horizon": _horizon(v),
        "parameters": {k: p.model_dump(mode="json", exclude_none=True) for k, p in v.parameters.items()},
        "presumptions": [p.model_dump(mode="json", exclude_none=True) for p in v.presumptions.values()],
        "rules": [dict(r.rule.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
                       origin=_origin(r.origin, root)) for r in v.rules.values()],
        "routes": [dict(r.route.model_dump(mode="json", exclude_none=True, exclude_defaults=True),
                        origin=_origin(r.origin, root)) for r in v.routes.values()],
    }


def rule_detail(registry, rid: str, version: str, item_id: str) -> dict:
    """One rule or route of a version: its text, source and link, and where it is written."""
    v = _version(registry, rid, version)
    compiled = v.rules.get(item_id) or v.routes.get(item_id)
    if compiled is None:
        raise NotFound([Problem(f"regelset '{rid}' versie {v.version} heeft geen regel of route met dit id",
                                f"rule set '{rid}' version {v.version} has no rule or route with this id",
                                field="rule_id")])
    is_rule = item_id in v.rules
    body = (compiled.rule if is_rule else compiled.route).model_dump(mode="json", exclude_none=True,
                                                                    exclude_defaults=True)
    return dict(body, type="rule" if is_rule else "route", ruleset=rid, version=v.version, digest=v.digest,
                origin=_origin(compiled.origin, registry.loaded.root))
