"""A small demo casebook, so the analyst page is not empty on a fresh `make run`.

    from casebook.demo import ensure_demo
    ensure_demo("casebook.sqlite")      # or a database URL; does nothing if it already has cases

The cases are synthetic (casebook.synthetic, seed 2025): 200 across the five municipalities with a
rule set, evaluated under the bundled rule sets and labelled `demo`.
"""
from __future__ import annotations

from pathlib import Path

from engine.registry import Registry

from .evaluation import evaluation_label
from .importers import RawRecord, import_records
from .store import Store
from .synthetic import DEFAULT_SEED, generate

DEMO_CASES = 200
RULESETS = Path(__file__).resolve().parent.parent / "rulesets"


def ensure_demo(target: str | Path | None = None, cases: int = DEMO_CASES, seed: int = DEFAULT_SEED,
                rulesets: Path | str = RULESETS) -> dict:
    """Create the casebook at `target` (a path or URL; default as Store.open) and, if it holds no
    cases yet, fill it with `cases` synthetic cases. Returns what it found or did."""
    with Store.open(str(target) if target is not None else None) as store:
        present = store.stats()["cases"]
        if present:
            return {"url": store.url, "created": 0, "cases": present}
        registry = Registry.load(rulesets)
        records = (RawRecord("demo", i + 1, r) for i, r in enumerate(generate(cases, seed, registry)))
        report = import_records(store, registry, records, evaluation_label(registry, rulesets), kind="demo",
                                source="demo")
        return {"url": store.url, "created": report.stored, "cases": store.stats()["cases"]}
