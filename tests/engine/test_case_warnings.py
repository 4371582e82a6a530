"""Checks on the case itself (derive rules with `warning: true`, decision record 0036): a Wsnp that starts after the
reference date or began more than five years before it (Fw art. 349a) says so in a `case_inconsistent` warning, in the
JSON and at the top of the explanation, and asks whether the scheme runs (until then the Wsnp rules may apply); a Wsnp
within its term says nothing."""
import pytest
from pydantic import ValidationError

from decision.decide import decide
from engine.model import Rule
from service.http import schemas

SOURCE = {"law": "Faillissementswet", "article": "349a"}


def wsnp_case(since: str | None, day: str = "2024-09-15") -> dict:
    """A worker in the Wsnp who is offered a cash gift (no case data of anyone)."""
    return {"case_id": f"wsnp-{since}", "reference_date": day, "municipality": "zaanstad",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 40}]},
            "income": [{"source": "wages", "net_monthly": "1720.00"}], "work": "employed",
            "debts": {"regime": "wsnp", "since": since, "free_allowance_monthly": "1310.00"},
            "need": {"kind": "keep_gift", "amount": "300.00"}, "options": ["cash_gift"]}


def _inconsistent(decision: dict) -> list[dict]:
    return [w for w in decision["warnings"] if w["code"] == "case_inconsistent"]


@pytest.mark.parametrize("since, rule, phrase", [
    ("2024-09-16", "wsnp.349a.nog_niet_begonnen", "De Wsnp begint volgens de casus op 16 september 2024"),
    ("2019-09-14", "wsnp.349a.termijn_verstreken", "meer dan vijf jaar voor de peildatum"),
])
def test_a_wsnp_outside_its_term_warns_and_asks_whether_it_runs(registry, since, rule, phrase):
    decision = decide(wsnp_case(since), registry)
    [warning] = _inconsistent(decision)
    assert warning["ruleset"] == "wsnp" and warning["rule"] == rule and phrase in warning["message"]
    assert "hangt daarom af van de vraag of de" in warning["message"]
    [option] = decision["options"]
    assert option["status"] == "needs_information" and "circumstances.wsnp_running" in decision["missing_facts"]
    assert "wsnp.295.1.boedel" in {b["rule"] for b in option["possible_blocks"]}
    case = wsnp_case(since)
    case["circumstances"] = {"wsnp_running": False}  # the professional says it does not run: no Wsnp rules
    [option] = decide(case, registry)["options"]
    assert "wsnp.295.1.boedel" not in {b["rule"] for b in option["possible_blocks"] + option["blocked_by"]}
    assert "circumstances.wsnp_running" not in option["missing_facts"]
    # at the top of the explanation, before the intro
    first = decision["explanation"].split("Peildatum", 1)[0]
    assert phrase in " ".join(first.split())
    schemas.Decision.model_validate(decision)  # the documented model knows the code


@pytest.mark.parametrize("since", ["2024-09-15", "2019-09-15", "2021-09-15", None])
def test_a_wsnp_within_its_term_or_without_a_start_date_says_nothing(registry, since):
    decision = decide(wsnp_case(since), registry)
    assert _inconsistent(decision) == []
    assert "wsnp.295.1.boedel" in {b["rule"] for b in decision["options"][0]["blocked_by"]}


def test_the_warning_in_english(registry):
    decision = decide(wsnp_case("2019-09-14"), registry, lang="en")
    [warning] = _inconsistent(decision)
    assert warning["message"].startswith("According to the case the Wsnp began on 14 September 2019")


def test_an_unknown_regime_is_asked_not_warned_about(registry):
    case = wsnp_case("2030-01-01")
    case["debts"] = {"since": "2030-01-01"}
    decision = decide(case, registry)
    assert _inconsistent(decision) == []
    assert "debts.regime" in decision["missing_facts"]


def test_the_http_service_returns_the_warning():
    from tests.service.conftest import make_client
    client = make_client()
    r = client.post("/v1/decisions", json=wsnp_case("2024-09-16"))
    assert r.status_code == 200
    assert [w["code"] for w in r.json()["warnings"]] == ["case_inconsistent"]


def test_warning_belongs_to_a_derive_with_a_reason():
    with pytest.raises(ValidationError, match="warning"):
        Rule(id="x.y", kind="block", title="Een blok", applies_to=["loan"], reason="r", warning=True, source=SOURCE)
    with pytest.raises(ValidationError, match="warning"):
        Rule(id="x.y", kind="derive", title="Een check", fact="x.y", value="true", warning=True, source=SOURCE)
    assert Rule(id="x.y", kind="derive", title="Een check", fact="x.y", value="true", warning=True, reason="r",
                source=SOURCE).warning
