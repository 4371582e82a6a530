"""The legal regression suite: realistic cases whose expected decisions are derived from the law text.

Each folder under `legal/` holds case files in the public case format (tests/cases/acceptance/README.md) and one
`expected.yaml` that gives, per case id, the law-facts section, the legal reasoning and per option what
the law says. The expectations were written from law-facts.md and law-facts-2.md, not from the engine:
a failure here is a decision that is wrong in law (or an expectation that is), never a test to update
because the code changed.

An option's expectation may give:
- `status`: the acceptable statuses (one value or a list);
- `blocked_by` / `not_blocked_by`: blocks that must / must not hold or possibly hold (blocked_by and
  possible_blocks of the decision);
- `routes` / `not_routes`: routes that must / must not be offered (a `status` key checks the route's status);
- `grounds`: grounds that must be listed;
- `missing_facts_include` / `missing_facts_exclude`: fact names (a prefix matches) that must / must not be asked.
A case may also give `explanation_includes` / `explanation_excludes`: text that the Dutch explanation (the text a
professional pastes into a client file) must / must not contain (whitespace-insensitive: the text is wrapped).
A block, route or ground is named by any of `rule`/`route` (id), `ruleset`, `law`, `article`, `paragraph`,
`onderdeel`, `discretionary`: every key given must equal the decision's value; a ground may also give
`amounts` ({name: value}) that it must compute.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from decision.decide import decide
from engine.errors import RegelruimteError
from engine.yamlsource import load_file

LEGAL = Path(__file__).resolve().parent / "legal"
TOP_KEYS = {"ruleset", "rule", "route", "status", "discretionary", "decided_by"}


def _folders() -> list[Path]:
    return sorted(p for p in LEGAL.iterdir() if p.is_dir())


def _case_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != "expected.yaml")


def _params():
    for folder in _folders():
        expected = load_file(folder / "expected.yaml") or {}
        for path in _case_files(folder):
            yield pytest.param(path, expected.get(path.stem), id=f"{folder.name}/{path.stem}")


def _matches(item: dict, want: dict) -> bool:
    source = item.get("source") or {}
    for key, value in want.items():
        if key == "amounts":  # {name: value}: the amounts a ground computes, e.g. the part of the earnings left free
            got_amounts = item.get("amounts") or {}
            if any(str((got_amounts.get(n) or {}).get("value")) != str(v) for n, v in value.items()):
                return False
            continue
        got = item.get(key) if key in TOP_KEYS else source.get(key)
        if got != value and str(got) != str(value):
            return False
    return True


def _check_option(option: dict, want: dict) -> list[str]:
    name, problems = option["option"], []
    statuses = want.get("status")
    if statuses is not None:
        statuses = [statuses] if isinstance(statuses, str) else statuses
        if option["status"] not in statuses:
            problems.append(f"{name}: status {option['status']}, the law gives {' or '.join(statuses)}")
    blocks = option["blocked_by"] + option.get("possible_blocks", [])
    for spec in want.get("blocked_by", []):
        if not any(_matches(b, spec) for b in blocks):
            problems.append(f"{name}: no block {spec} (blocks: {[b['rule'] for b in blocks]})")
    for spec in want.get("not_blocked_by", []):
        hits = [b["rule"] for b in blocks if _matches(b, spec)]
        if hits:
            problems.append(f"{name}: blocked by {hits}, which the law does not apply here ({spec})")
    for spec in want.get("routes", []):
        if not any(_matches(r, spec) for r in option["routes"]):
            problems.append(f"{name}: no route {spec} (routes: {[(r['route'], r['status']) for r in option['routes']]})")
    for spec in want.get("not_routes", []):
        hits = [r["route"] for r in option["routes"] if _matches(r, spec)]
        if hits:
            problems.append(f"{name}: route {hits} offered, which the law does not give here ({spec})")
    for spec in want.get("grounds", []):
        if not any(_matches(g, spec) for g in option["grounds"]):
            problems.append(f"{name}: no ground {spec} (grounds: {[g['rule'] for g in option['grounds']]})")
    missing = option["missing_facts"]
    for fact in want.get("missing_facts_include", []):
        if not any(m.startswith(fact) for m in missing):
            problems.append(f"{name}: {fact} is not asked (asked: {missing})")
    for fact in want.get("missing_facts_exclude", []):
        hits = [m for m in missing if m.startswith(fact)]
        if hits:
            problems.append(f"{name}: asks {hits}, which does not decide this case or is not a household fact")
    return problems


def test_every_case_has_its_expectation_and_reasoning():
    for folder in _folders():
        expected = load_file(folder / "expected.yaml") or {}
        files = {p.stem for p in _case_files(folder)}
        assert files == set(expected), f"{folder.name}: case files and expected.yaml differ: {files ^ set(expected)}"
        for case_id, want in expected.items():
            assert want.get("law") and want.get("reasoning") and want.get("options"), \
                f"{folder.name}/{case_id}: give law, reasoning and options"
            assert load_file(folder / f"{case_id}.yaml")["case_id"] == case_id


def test_the_suite_is_large_enough():
    assert sum(len(_case_files(f)) for f in _folders()) >= 80


@pytest.mark.parametrize("path, want", list(_params()))
def test_decision_is_right_in_law(path: Path, want: dict, registry):
    assert want, f"{path.name}: no expectation"
    try:
        decision = decide(load_file(path), registry, file=str(path))
    except RegelruimteError as exc:  # e.g. a fact the vocabulary does not know yet
        pytest.fail(f"{path.name}: the engine refused the case: {[p.message for p in exc.problems]}")
    problems = []
    if "outcome" in want:
        outcomes = [want["outcome"]] if isinstance(want["outcome"], str) else want["outcome"]
        if decision["outcome"] not in outcomes:
            problems.append(f"outcome {decision['outcome']}, the law gives {' or '.join(outcomes)}")
    # whitespace-insensitive, as the rule-set tests' explanation_contains: the text is wrapped at 100 columns
    text = " ".join(decision["explanation"].split())
    problems += [f"the explanation lacks {t!r}" for t in want.get("explanation_includes", [])
                 if " ".join(t.split()) not in text]
    problems += [f"the explanation contains {t!r}" for t in want.get("explanation_excludes", [])
                 if " ".join(t.split()) in text]
    options = {o["option"]: o for o in decision["options"]}
    for name, spec in want["options"].items():
        if name not in options:
            problems.append(f"{name}: the decision has no such option")
            continue
        problems += _check_option(options[name], spec)
    assert not problems, (f"{path.parent.name}/{path.name} ({want['law']}):\n  " + "\n  ".join(problems)
                          + f"\n  reasoning: {want['reasoning'].strip()}")
