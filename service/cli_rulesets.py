"""`regelruimte rulesets list|show ID`: what the engine knows, per version."""
from __future__ import annotations

from engine.errors import Problem, RegelruimteError

from .cli import command, dumps, load_registry


def summary(registry) -> list[dict]:
    out = []
    for rid in registry.order:
        rs = registry.rulesets[rid]
        out.append({"id": rid, "title": rs.meta.title, "jurisdiction": rs.meta.jurisdiction, "law": rs.meta.law,
                    "layers_on": list(rs.meta.layers_on),
                    "versions": [{"version": v.version, "valid_from": v.valid_from.isoformat(),
                                  "valid_to": v.valid_to.isoformat() if v.valid_to else None,
                                  "digest": v.digest, "changes": v.changes,
                                  "rules": sum(r.rule.kind != "derive" for r in v.rules.values()),
                                  "routes": len(v.routes), "parameters": len(v.parameters)} for v in rs.versions]})
    return out


def detail(registry, rid: str, version: str | None) -> dict:
    rs = registry.rulesets.get(rid)
    if rs is None:
        raise RegelruimteError([Problem(f"onbekende regelset '{rid}' (bekend: {', '.join(registry.order)})",
                                        f"unknown rule set '{rid}'")])
    v = rs.versions[-1] if version is None else registry.version(rid, version)
    if v is None:
        raise RegelruimteError([Problem(f"regelset '{rid}' heeft geen versie {version} "
                                        f"(wel: {', '.join(x.version for x in rs.versions)})", f"no version {version}")])
    return {
        "id": rid, "title": rs.meta.title, "version": v.version, "valid_from": v.valid_from.isoformat(),
        "valid_to": v.valid_to.isoformat() if v.valid_to else None, "digest": v.digest, "changes": v.changes,
        "parameters": {k: p.model_dump(mode="json", exclude_none=True) for k, p in v.parameters.items()},
        "presumptions": [p.model_dump(mode="json", exclude_none=True) for p in v.presumptions.values()],
        "rules": [dict(r.rule.model_dump(mode="json", exclude_none=True, exclude_defaults=True), origin=str(r.origin))
                  for r in v.rules.values()],
        "routes": [dict(r.route.model_dump(mode="json", exclude_none=True, exclude_defaults=True), origin=str(r.origin))
                   for r in v.routes.values()],
    }


@command("rulesets")
def rulesets(args) -> int:
    registry = load_registry(args.rulesets)
    if args.action == "list":
        data = summary(registry)
        if args.json:
            print(dumps(data), end="")
            return 0
        for rs in data:
            print(f"{rs['id']:<16} {rs['title']}")
            for v in rs["versions"]:
                until = f" t/m {v['valid_to']}" if v["valid_to"] else ""
                print(f"  {v['version']}{until:<15} {v['rules']:>3} regels {v['routes']:>3} routes "
                      f"{v['parameters']:>3} parameters  {v['digest'][:19]}…")
        return 0
    data = detail(registry, args.id, args.version)
    if args.json:
        print(dumps(data), end="")
        return 0
    print(f"{data['id']} {data['version']} — {data['title']} ({data['digest']})")
    if data["changes"]:
        print(f"Wijzigingen: {data['changes']}")
    print("\nParameters:")
    for k, p in data["parameters"].items():
        print(f"  {k} = {p.get('value', 'open norm (onbekend)')}  {p['title']}")
    print("\nRegels:")
    for r in data["rules"]:
        print(f"  [{r['kind']}] {r['id']}: {r['title']}  ({r['origin']})")
    print("\nRoutes:")
    for r in data["routes"]:
        print(f"  {r['id']}: {r['title']} — {r['decided_by']}  ({r['origin']})")
    return 0
