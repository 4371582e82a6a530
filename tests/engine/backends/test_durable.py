"""The fenced durable-rules backend: the same public decisions as the core, and the fence holds."""
from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.backends import durable
from decision.decide import decide
from decision.durable import decide_durable
from engine.errors import RegelruimteError
from engine.registry import Registry
from service.cli.main import dumps
from tests.conftest import CASES, ROOT, RULESETS, case_names, lasmasker, shared_case
from tests.strategies import Universe, cases, random_cases

pytestmark = pytest.mark.skipif(durable.IMPORT_ERROR is not None, reason=f"durable-rules: {durable.IMPORT_ERROR}")

REGISTRY = Registry.load(RULESETS)
UNIVERSE = Universe.from_registry(REGISTRY)
ACCEPTANCE = case_names()


def both(case: dict, lang: str = "nl") -> tuple[str, str]:
    out = []
    for run in (decide, decide_durable):
        try:
            out.append(dumps(run(copy.deepcopy(case), REGISTRY, lang)))
        except RegelruimteError as exc:
            out.append("error: " + exc.render(lang))
    return out[0], out[1]


@pytest.mark.parametrize("name", ACCEPTANCE)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_acceptance_cases_get_the_cores_decision_byte_for_byte(name, lang):
    core, fenced = both(shared_case(name), lang)
    assert fenced == core


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(UNIVERSE), st.sampled_from(["nl", "en"]))
def test_the_two_backends_agree_on_generated_cases(case, lang):
    core, fenced = both(case, lang)
    assert fenced == core


def test_durable_really_decides_the_leaves():
    before = durable.STATS["durable"]
    decide_durable(lasmasker(), REGISTRY)
    assert durable.STATS["durable"] > before


def test_one_private_host_per_rule_set_version_named_by_its_first_day():
    versions = [v for rs in REGISTRY.rulesets.values() for v in rs.versions]
    hosts = {durable.compiled(v).name: durable.compiled(v).host for v in versions}
    assert set(hosts) == {f"{v.id}@{v.valid_from.isoformat()}" for v in versions}
    assert len({id(h) for h in hosts.values()}) == len(hosts)  # private: no Host is shared


def test_hosts_start_no_timer_threads():
    before = threading.active_count()
    durable.CompiledVersion(REGISTRY.rulesets["wsnp"].versions[0])
    assert threading.active_count() == before


class Spy:
    """Wraps a compiled version's Host to see what reaches durable-rules."""

    def __init__(self, version: durable.CompiledVersion, drop: str | None = None):
        self.version, self.host, self.drop = version, version.host, drop
        self.sent: list[dict] = []
        self.deleted: list[str] = []

    def assert_fact(self, name, fact):
        self.sent.append(dict(fact))
        if self.drop:
            fact.pop(self.drop, None)
        return self.host.assert_fact(name, fact)

    def delete_state(self, name, sid):
        self.deleted.append(sid)
        return self.host.delete_state(name, sid)


def spy_on(monkeypatch, case: dict, ruleset: str, drop: str | None = None) -> Spy:
    bundle = REGISTRY.bundle(case["municipality"], dt.date.fromisoformat(case["reference_date"]))
    version = durable.compiled(next(v for v in bundle.versions if v.id == ruleset))
    spy = Spy(version, drop)
    monkeypatch.setattr(version, "host", spy)
    return spy


def test_only_known_facts_reach_durable_and_only_as_integers(monkeypatch):
    case = lasmasker()
    del case["income"]  # the Zaanstad income limit is now unknown
    spy = spy_on(monkeypatch, case, "zaanstad")
    decision = decide_durable(case, REGISTRY)
    assert spy.sent, "nothing was sent for zaanstad"
    for fact in spy.sent:
        assert all(type(v) is int for k, v in fact.items() if k != "sid")
    leaf = next(leaf for leaf in spy.version.leaves if "income.net_monthly" in leaf.source)
    assert all(f"a{leaf.index}" not in fact for fact in spy.sent)
    special = next(o for o in decision["options"] if o["option"] == "special_assistance")
    assert special["status"] == "needs_information"
    assert "income.net_monthly" in special["missing_facts"]


def test_every_case_gets_a_fresh_session_that_is_deleted(monkeypatch):
    spy = spy_on(monkeypatch, lasmasker(), "wsnp")
    for _ in range(3):
        decide_durable(lasmasker(), REGISTRY)
    sids = [fact["sid"] for fact in spy.sent]
    assert len(set(sids)) == 3 and spy.deleted == sids


def test_a_leaf_durable_leaves_undecided_fails_the_case_loudly(monkeypatch):
    # a missing attribute fails every durable condition: without the fence that reads as "no block"
    spy_on(monkeypatch, lasmasker(), "wsnp", drop="a0")
    with pytest.raises(durable.BackendFailure, match="geen oordeel"):
        decide_durable(lasmasker(), REGISTRY)


def test_more_cases_than_durables_limit_of_live_states():
    # durable-rules allows 1024 live states per rule set; deleted sessions do not count
    for case in random_cases(UNIVERSE, 1500, seed=5):
        decide_durable(case, REGISTRY)


def test_concurrent_cases_get_their_own_decisions():
    batch = list(random_cases(UNIVERSE, 200, seed=9))
    expected = [dumps(decide(c, REGISTRY)) for c in batch]
    got: dict[int, str] = {}

    def work(offset: int) -> None:
        for i in range(offset, len(batch), 4):
            got[i] = dumps(decide_durable(batch[i], REGISTRY))
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(len(batch))] == expected


def run_cli(*args: str, prelude: str = "") -> subprocess.CompletedProcess:
    code = f"import sys; {prelude}from service.cli.main import main; sys.exit(main({list(args)!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)


def test_cli_backend_durable_prints_the_same_json():
    case = str(CASES / "zaanstad-lasmasker.yaml")
    core, fenced = run_cli("check", case, "--json"), run_cli("check", case, "--json", "--backend", "durable")
    assert fenced.returncode == core.returncode == 0
    assert fenced.stdout == core.stdout


def test_cli_without_durable_rules_exits_2_with_a_dutch_message():
    # as on Python 3.13, where the package builds but fails at import
    result = run_cli("check", str(CASES / "zaanstad-lasmasker.yaml"), "--backend", "durable",
                     prelude="sys.modules['durable'] = None; ")
    assert result.returncode == 2
    assert "durable-rules-backend is niet beschikbaar" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
