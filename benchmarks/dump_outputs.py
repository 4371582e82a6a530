"""Every user-facing output of `engine.decide.decide` for a fixed set of cases, one line each, so two
trees can be compared byte for byte (`--root` picks the tree; the speed work's safety net).

Cases: the welding mask, the acceptance cases and `--cases` generated cases (fixed seed); per case and
language: the decision JSON with its text, the Markdown, the JSON tree and the text. A refused case
writes its problems instead.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    p.add_argument("--cases", type=int, default=3_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("out", type=Path)
    args = p.parse_args(argv)
    sys.path.insert(0, str(args.root))
    from engine.decide import decide, fact_labels
    from engine.errors import RegelruimteError
    from engine.registry import Registry
    from explain import explain
    from tests.conftest import case_names, lasmasker, shared_case
    from tests.strategies import Universe, random_cases

    registry = Registry.load(args.root / "rulesets")
    cases = [("lasmasker", lasmasker())] + [(n, shared_case(n)) for n in case_names()]
    cases += [(c["case_id"], c) for c in random_cases(Universe.from_registry(registry), args.cases, args.seed)]
    count = 0
    with args.out.open("w", encoding="utf-8") as out:
        for name, data in cases:
            for lang in ("nl", "en"):
                try:
                    d = decide(data, registry, lang)
                except RegelruimteError as exc:
                    out.write(json.dumps([name, lang, "refused", [vars(x) for x in exc.problems]], default=str) + "\n")
                    continue
                labels = fact_labels(registry, lang)
                bare = {k: v for k, v in d.items() if k != "explanation"}
                out.write(json.dumps([name, lang, "decision", d], ensure_ascii=False) + "\n")
                out.write(json.dumps([name, lang, "markdown", explain(bare, lang, "markdown", labels)], ensure_ascii=False) + "\n")
                out.write(json.dumps([name, lang, "tree", explain(bare, lang, "json", labels)], ensure_ascii=False) + "\n")
                out.write(json.dumps([name, lang, "text", explain(bare, lang, "text", labels)], ensure_ascii=False) + "\n")
                count += 1
    print(f"{len(cases)} cases, {count} decisions × 4 outputs -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
