"""`regelruimte check CASE`: one case, one explained decision."""
from __future__ import annotations

from decision.decide import decide

from ..config import load_registry
from .main import command, read_case
from .renderings import render


@command("check")
def check(args) -> int:
    registry = load_registry(args.rulesets)
    data = read_case(args.case)
    name = args.case if args.case != "-" else "<stdin>"
    if args.backend == "durable":
        from decision.durable import decide_durable
        decision = decide_durable(data, registry, args.lang, file=name)
    else:
        decision = decide(data, registry, args.lang, file=name)
    print(render(decision, registry, args.lang, "json" if args.json else args.format), end="")
    return 0
