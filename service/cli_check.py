"""`regelruimte check CASE`: one case, one explained decision."""
from __future__ import annotations

import json

from engine.decide import decide, fact_labels
from explain import explain

from .cli import command, dumps, load_registry, read_case


@command("check")
def check(args) -> int:
    registry = load_registry(args.rulesets)
    data = read_case(args.case)
    name = args.case if args.case != "-" else "<stdin>"
    if args.backend == "durable":
        from engine.backends.durable import decide_durable
        decision = decide_durable(data, registry, args.lang, file=name)
    else:
        decision = decide(data, registry, args.lang, file=name)
    if args.json:
        print(dumps(decision), end="")
    elif args.format == "markdown":
        print(explain(decision, args.lang, "markdown", fact_labels(registry, args.lang)), end="")
    elif args.format == "onderbouwing":  # the text for the client file, as the page's copy button gives it
        from .questions import client_file
        print(client_file(decision, registry, args.lang)[0], end="")
    elif args.format == "json-tree":
        print(json.dumps(explain(decision, args.lang, "json", fact_labels(registry, args.lang)), ensure_ascii=False, indent=2))
    else:
        print(decision["explanation"], end="")
    return 0
