"""`regelruimte rulesets list|show ID|diff A B|changelog ID`: what the engine knows, per version,
and what changed between versions."""
from __future__ import annotations

from engine import diff as versions_diff
from explain import diff as diff_render

from ..catalogue import detail, summary
from ..config import load_registry
from .main import command, dumps


def _emit(data: dict, rows, fmt: str) -> int:
    if fmt == "json":
        print(dumps(data), end="")
    else:
        print((diff_render.markdown if fmt == "markdown" else diff_render.text)(rows), end="")
    return 0


@command("rulesets")
def rulesets(args) -> int:
    registry = load_registry(args.rulesets)
    if args.action == "diff":
        data = versions_diff.diff_refs(registry, args.old, args.new)
        return _emit(data, diff_render.lines(data, args.lang), args.format)
    if args.action == "changelog":
        data = versions_diff.changelog(registry, args.id)
        return _emit(data, diff_render.changelog_lines(data, args.lang), args.format)
    if args.action == "list":
        data = summary(registry)
        if args.json:
            print(dumps(data), end="")
            return 0
        for rs in data:
            print(f"{rs['id']:<16} {rs['title']}")
            for v in rs["versions"]:
                until = f" t/m {v['valid_to']}" if v["valid_to"] else ""
                known = f"  bedragen t/m {v['horizon']['known_until']}" if v["horizon"] else ""
                print(f"  {v['version']}{until:<15} {v['rules']:>3} regels {v['routes']:>3} routes "
                      f"{v['parameters']:>3} parameters  {v['digest'][:19]}…{known}")
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
