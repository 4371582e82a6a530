"""The acceptance cases meet expected.yaml: the shared contract, held by the project's own copy.

`regelruimte check CASE --json` per case, read as the shared check tool reads it (CI also
runs that tool on the shared cases when they are there). A key in expected.yaml this test does not know fails,
so a newer contract is never half checked.
"""
from __future__ import annotations

import json

import pytest
import yaml

from service.cli.main import main
from tests.conftest import CASES, case_names

EXPECTED = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
CASE_KEYS = {"outcome", "options", "routes_anywhere"}
OPTION_KEYS = {"status", "blocked_by", "routes", "grounds_or_routes", "missing_facts_include"}


def matches(want: dict, item: dict) -> bool:
    """`want` names a rule set and parts of a source (law, article, paragraph); an item meets all."""
    source = item.get("source") or {}
    return all(str(item.get(k) if k in ("ruleset", "rule", "route") else source.get(k)) == str(v)
               for k, v in want.items())


def any_matches(want: dict, items) -> bool:
    return any(matches(want, item) for item in items or [])


def unmet(expected: dict, decision: dict) -> list[str]:
    out = []
    if decision["outcome"] not in (o if isinstance(o := expected["outcome"], list) else [o]):
        out.append(f"outcome {decision['outcome']}")
    options = {o["option"]: o for o in decision["options"]}
    for name, want in expected.get("options", {}).items():
        assert set(want) <= OPTION_KEYS, f"expected.yaml: unknown keys {set(want) - OPTION_KEYS}"
        got = options.get(name)
        if got is None:
            out.append(f"{name}: missing")
            continue
        if "status" in want and got["status"] not in want["status"]:
            out.append(f"{name}: status {got['status']}")
        blocks = (got.get("blocked_by") or []) + (
            (got.get("possible_blocks") or []) if got["status"] == "needs_information" else [])
        out += [f"{name}: no block {w}" for w in want.get("blocked_by", []) if not any_matches(w, blocks)]
        out += [f"{name}: no route {w}" for w in want.get("routes", []) if not any_matches(w, got.get("routes"))]
        out += [f"{name}: no ground or route {w}" for w in want.get("grounds_or_routes", [])
                if not (any_matches(w, got.get("grounds")) or any_matches(w, got.get("routes")))]
        missing = [str(m) for m in (got.get("missing_facts") or []) + (decision.get("missing_facts") or [])]
        out += [f"{name}: missing_facts lacks {f}" for f in want.get("missing_facts_include", [])
                if not any(m.startswith(f) for m in missing)]
    out += [f"no route anywhere {w}" for w in expected.get("routes_anywhere", [])
            if not any(any_matches(w, o.get("routes")) for o in decision["options"])]
    return out


def test_every_case_has_its_expectation():
    assert sorted(EXPECTED) == case_names()


@pytest.mark.parametrize("name", case_names())
def test_the_decision_meets_expected_yaml(name, capsys):
    expected = EXPECTED[name]
    assert set(expected) <= CASE_KEYS, f"expected.yaml: unknown keys {set(expected) - CASE_KEYS}"
    assert main(["check", str(CASES / f"{name}.yaml"), "--json"]) == 0
    assert unmet(expected, json.loads(capsys.readouterr().out)) == []
