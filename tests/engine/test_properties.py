"""Properties of the engine that must hold for every case, on cases from tests/strategies.py.

- determinism: the same case gives the same bytes, in any order, in any process;
- version selection: the version chosen for each rule set is the one whose interval contains the
  reference date; before a rule set's first version there is no decision but an error;
- monotonicity: a higher income never lifts an income-limit block, a lower one never adds one;
- unknown is never silently false: forgetting a known fact moves an option only towards
  "needs information", and a block that held is still shown (as a block or a possible block).
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision.decide import decide
from engine.errors import NoRulesetInForce, RegelruimteError
from engine.registry import Registry
from service.cli.main import dumps
from tests.conftest import RULESETS, ROOT
from tests.strategies import ONE_DAY, Universe, cases, random_cases

REGISTRY = Registry.load(RULESETS)
UNIVERSE = Universe.from_registry(REGISTRY)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decision_bytes(case: dict, lang: str = "nl") -> str:
    try:
        return dumps(decide(copy.deepcopy(case), REGISTRY, lang))
    except RegelruimteError as exc:
        return "error: " + exc.render(lang)


def by_option(decision: dict) -> dict[str, dict]:
    return {o["option"]: o for o in decision["options"]}


def rule_ids(items) -> set[str]:
    return {i["rule"] for i in items}


# -- determinism --------------------------------------------------------------------------------

@PROPERTY
@given(cases(UNIVERSE), st.sampled_from(["nl", "en"]))
def test_the_same_case_gives_the_same_bytes(case, lang):
    assert decision_bytes(case, lang) == decision_bytes(case, lang)


def test_decisions_do_not_depend_on_what_was_decided_before():
    batch = list(random_cases(UNIVERSE, 150, seed=41))
    forward = [decision_bytes(c) for c in batch]
    backward = [decision_bytes(c) for c in reversed(batch)][::-1]
    assert forward == backward


_DIGEST = """
import hashlib, sys
sys.path.insert(0, {root!r})
from decision.decide import decide
from engine.registry import Registry
from service.cli.main import dumps
from tests.strategies import Universe, random_cases
registry = Registry.load({rulesets!r})
h = hashlib.sha256()
for case in random_cases(Universe.from_registry(registry), 150, seed=43):
    h.update(dumps(decide(case, registry)).encode())
print(h.hexdigest())
"""


def test_decisions_are_the_same_bytes_in_every_process():
    script = _DIGEST.format(root=str(ROOT), rulesets=str(RULESETS))
    digests = set()
    for seed in ("0", "1", "4242"):  # a different hash seed changes the order of sets and dicts of sets
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        digests.add(run.stdout.strip())
    assert len(digests) == 1


# -- version selection --------------------------------------------------------------------------

def intervals(ruleset) -> list[tuple[str, dt.date, dt.date | None]]:
    """(version, first day, last day) of each version, from valid_from and valid_to alone."""
    out = []
    for i, v in enumerate(ruleset.versions):
        nxt = ruleset.versions[i + 1].valid_from - ONE_DAY if i + 1 < len(ruleset.versions) else None
        out.append((v.version, v.valid_from, v.valid_to or nxt))
    return out


def containing(ruleset, day: dt.date) -> list[str]:
    return [version for version, start, end in intervals(ruleset) if start <= day and (end is None or day <= end)]


def every_day_near_a_boundary():
    return st.sampled_from(UNIVERSE.dates_near_boundaries()) | st.dates(
        UNIVERSE.boundaries[0] - 60 * ONE_DAY, UNIVERSE.last_day)


@settings(max_examples=300, deadline=None)
@given(every_day_near_a_boundary(), st.sampled_from(UNIVERSE.municipalities), st.sampled_from(UNIVERSE.options))
def test_the_version_in_force_is_the_one_whose_interval_contains_the_date(day, municipality, option):
    case = {"case_id": "versie", "reference_date": day.isoformat(), "municipality": municipality, "options": [option]}
    applying = [rs for rs in REGISTRY.rulesets.values() if rs.national or rs.meta.jurisdiction == municipality]
    expected = {rs.id: containing(rs, day) for rs in applying}
    assert all(len(v) <= 1 for v in expected.values()), f"versions overlap on {day}: {expected}"
    if all(expected.values()):
        chosen = {r["id"]: r["version"] for r in decide(case, REGISTRY)["rulesets"]}
        assert chosen == {rid: versions[0] for rid, versions in expected.items()}
    else:
        with pytest.raises(NoRulesetInForce) as exc:
            decide(case, REGISTRY)
        named = {rid for rid, versions in expected.items() if not versions}
        assert all(any(f"'{rid}'" in p.message for p in exc.value.problems) for rid in named)


@pytest.mark.parametrize("ruleset", sorted(REGISTRY.rulesets))
def test_the_day_before_the_first_version_is_an_error(ruleset):
    rs = REGISTRY.rulesets[ruleset]
    municipality = UNIVERSE.municipalities[0] if rs.national else rs.meta.jurisdiction
    day = rs.versions[0].valid_from
    case = {"case_id": "eerste", "reference_date": (day - ONE_DAY).isoformat(), "municipality": municipality,
            "options": ["special_assistance"]}
    with pytest.raises(NoRulesetInForce) as exc:
        decide(case, REGISTRY)
    assert any(f"'{ruleset}'" in p.message and p.field == "reference_date" for p in exc.value.problems)
    case["reference_date"] = max(r.versions[0].valid_from for r in REGISTRY.rulesets.values()).isoformat()
    assert decide(case, REGISTRY)["rulesets"]


# -- monotonicity in income ---------------------------------------------------------------------

# the net income, and the income beside the bijstand under assessment (art. 11): both rise with wages
INCOME_FACTS = ("income.net_monthly", "participatiewet.middelen_naast_bijstand")


def income_limit_blocks() -> set[str]:
    """Every block, in any version, that holds when the net income is above a limit."""
    found = set()
    for rs in REGISTRY.rulesets.values():
        for v in rs.versions:
            for rule in v.rules.values():
                if rule.rule.kind == "block" and rule.when is not None and any(
                        t.fact in INCOME_FACTS and t.op in (">", ">=") for t in rule.when.thresholds):
                    found.add(rule.id)
    return found


INCOME_LIMITS = income_limit_blocks()


def test_the_income_limits_under_test_include_the_known_ones():
    assert {"zaanstad.bb.inkomensgrens", "pw.11.middelen_boven_norm"} <= INCOME_LIMITS


@PROPERTY
@given(cases(UNIVERSE), st.sampled_from(UNIVERSE.amounts), st.integers(1, 300_000))
def test_more_income_never_lifts_an_income_limit_block(case, income, raise_cents):
    lower = dict(case, income=[{"source": "wages", "net_monthly": str(income)}])
    higher = dict(case, income=[{"source": "wages", "net_monthly": str(income + Decimal(raise_cents) / 100)}])
    low, high = by_option(decide(lower, REGISTRY)), by_option(decide(higher, REGISTRY))
    for option, before in low.items():
        # raising the income keeps every income-limit block; lowering it never adds one
        assert rule_ids(before["blocked_by"]) & INCOME_LIMITS <= rule_ids(high[option]["blocked_by"])


# -- unknown is never silently false ------------------------------------------------------------

PRESUMED = {p.fact: p.value for rs in REGISTRY.rulesets.values() for v in rs.versions for p in v.presumptions.values()}


def known_fields(case: dict) -> list[tuple[str, ...]]:
    """Paths of the optional fields a case gives (presumed circumstances aside: see below)."""
    paths = [(k,) for k in ("household", "income", "assets", "debts", "benefit", "work", "need", "assessment",
                            "avoided_costs") if k in case]
    for parent in ("household", "debts", "need"):
        paths += [(parent, k) for k in case.get(parent, {}) if (parent, k) != ("need", "kind")]
    paths += [("circumstances", k) for k in case.get("circumstances", {}) if f"circumstances.{k}" not in PRESUMED]
    return paths


def without(case: dict, path: tuple[str, ...]) -> dict:
    out = copy.deepcopy(case)
    parent = out
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    return out


@PROPERTY
@given(st.data())
def test_forgetting_a_fact_never_makes_an_option_look_better(data):
    case = data.draw(cases(UNIVERSE))
    paths = known_fields(case)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    before, after = by_option(decide(case, REGISTRY)), by_option(decide(without(case, path), REGISTRY))
    for option, b in before.items():
        a = after[option]
        # Kleene logic is monotone: less known can only mean "needs information"
        assert a["status"] in (b["status"], "needs_information"), (path, option)
        shown = rule_ids(a["blocked_by"]) | rule_ids(a["possible_blocks"])
        assert rule_ids(b["blocked_by"]) | rule_ids(b["possible_blocks"]) <= shown, (path, option)
        if a["status"] != b["status"]:
            assert a["missing_facts"], (path, option)


def what_it_decides(decision: dict) -> dict:
    """Everything of a decision that a fact can change, apart from the texts that repeat the fact."""
    def route(r):
        return r["route"], r["status"], tuple(r["lifts"])
    options = {o["option"]: (o["status"], sorted(rule_ids(o["blocked_by"])), sorted(rule_ids(o["possible_blocks"])),
                             sorted(route(r) for r in o["routes"]), sorted((g["rule"], g["status"]) for g in o["grounds"]),
                             o["missing_facts"])
               for o in decision["options"]}
    return {"outcome": decision["outcome"], "options": options,
            "amounts": {a["amount"]: a["value"] for a in decision["amounts"]}}


@PROPERTY
@given(cases(UNIVERSE), st.sampled_from(sorted(f for f, v in PRESUMED.items() if isinstance(v, bool))))
def test_a_presumption_not_listed_did_not_matter(case, fact):
    """A presumption the decision does not list was not relied on: the opposite value changes nothing it decides;
    one the case gives is never listed."""
    key = fact.split(".", 1)[1]
    circumstances = {k: v for k, v in case.get("circumstances", {}).items() if k != key}
    forgotten = decide(dict(case, circumstances=circumstances), REGISTRY)
    opposite = decide(dict(case, circumstances={**circumstances, key: not PRESUMED[fact]}), REGISTRY)
    if fact not in [p["fact"] for p in forgotten["presumptions"]]:
        assert what_it_decides(forgotten) == what_it_decides(opposite)
    assert fact not in [p["fact"] for p in opposite["presumptions"]]


@PROPERTY
@given(cases(UNIVERSE), st.sampled_from(sorted(f for f, v in PRESUMED.items() if isinstance(v, bool))))
def test_a_presumption_that_decides_is_listed(case, fact):
    """The other way round: where the opposite value changes the decision, the presumption is listed."""
    key = fact.split(".", 1)[1]
    circumstances = {k: v for k, v in case.get("circumstances", {}).items() if k != key}
    forgotten = decide(dict(case, circumstances=circumstances), REGISTRY)
    opposite = decide(dict(case, circumstances={**circumstances, key: not PRESUMED[fact]}), REGISTRY)
    if what_it_decides(forgotten) != what_it_decides(opposite):
        assert fact in [p["fact"] for p in forgotten["presumptions"]]