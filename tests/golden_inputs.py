"""How the cases of rulesets/golden were made: `python -m tests.golden_inputs` (run once).

The cases are data from then on: they are not drawn again when the rule sets change, so that a rule
change shows as a change of the golden renderings of the same cases, never as other cases.
Copies the acceptance cases and writes the first generated cases readable, the rest compressed.
"""
from __future__ import annotations

import gzip
import json
import shutil

import yaml

from engine.registry import Registry
from service.cli.golden import GENERATED, folder
from tests.conftest import CASES, RULESETS, case_names
from tests.strategies import Universe, random_cases

SEED = 2026
READABLE = 12
GENERATED_CASES = 3000


def main() -> None:
    here = folder(RULESETS)
    (here / "cases").mkdir(parents=True, exist_ok=True)
    for name in case_names():
        shutil.copyfile(CASES / f"{name}.yaml", here / "cases" / f"{name}.yaml")
    cases = list(random_cases(Universe.from_registry(Registry.load(RULESETS)), READABLE + GENERATED_CASES, SEED))
    for case in cases[:READABLE]:
        text = yaml.safe_dump(case, allow_unicode=True, sort_keys=False)
        (here / "cases" / f"{case['case_id']}.yaml").write_text(text, encoding="utf-8")
    lines = "".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) + "\n" for c in cases[READABLE:])
    (here / GENERATED).write_bytes(gzip.compress(lines.encode(), mtime=0))  # mtime 0: the same bytes each run


if __name__ == "__main__":
    main()
