"""The horizon: a decision past the figures a rule set knows says so, in the JSON and at the top of the
explanation, and marks what rests on those figures as provisional; a decision within them says nothing."""
import datetime as dt

import pytest

from decision.decide import decide
from engine.errors import RulesetError
from engine import horizon
from engine.horizon import next_indexation
from engine.loader import load_rulesets
from engine.model import Indexation, Source
from explain import explain
from tests import demo_rulesets as demo

NOTICE_2027 = "De bedragen per 1 januari 2027 zijn nog niet bekend; deze toets rekent met die van 1 juli 2026."


def household_case(day: str, municipality: str = "amsterdam", **extra) -> dict:
    """A single adult on bijstand with savings, who wants to earn a little extra (no case data of anyone)."""
    case = {"case_id": f"horizon-{day}", "reference_date": day, "municipality": municipality,
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 35}], "children": [],
                          "cost_sharers": 0},
            "income": [{"source": "bijstand", "net_monthly": "1300.00"}], "assets": "7900.00",
            "debts": {"regime": "none"}, "benefit": "bijstand", "work": "unemployed",
            "need": {"kind": "earn_extra", "expected_earnings_monthly": "800.00"},
            "options": ["earnings_exemption", "bijstand", "buffer_budget"]}
    case.update(extra)
    return case


@pytest.mark.parametrize("day", ["2027-02-01", "2027-06-30"])
def test_a_case_past_the_known_figures_carries_the_warning_in_json_and_text(registry, day):
    decision = decide(household_case(day), registry)
    by_ruleset = {w["ruleset"]: w for w in decision["warnings"]}
    assert set(by_ruleset) == {"participatiewet", "bbz", "beslagvrije_voet"}
    pw = by_ruleset["participatiewet"]
    # the maxima of the beslagvrije voet change on 1 January and 1 July too (Rv art. 475da lid 8)
    assert by_ruleset["beslagvrije_voet"]["message"] == NOTICE_2027
    assert pw["code"] == "figures_not_known" and pw["message"] == NOTICE_2027 and pw["known_until"] == "2026-12-31"
    assert by_ruleset["bbz"]["message"] == ("De bedragen per 1 januari 2027 zijn nog niet bekend; deze toets rekent "
                                            "met die van 1 januari 2026.")
    # the notice is at the top of the explanation: right under the title, before the outcome
    lines = decision["explanation"].splitlines()
    top = " ".join(lines[2:6])
    assert "De bedragen per 1 januari 2027 zijn nog niet bekend" in top and lines[2].startswith("! Let op")
    assert top.index("1 juli 2026") < decision["explanation"].index("Uitkomst")


def test_a_case_within_the_known_figures_carries_none(registry):
    decision = decide(household_case("2026-09-01"), registry)
    assert decision["warnings"] == []
    assert "nog niet bekend" not in decision["explanation"]
    assert not any(o.get("provisional") for o in decision["options"])


def test_a_status_that_reads_a_stale_figure_is_provisional_and_one_that_does_not_is_not(registry):
    decision = decide(household_case("2027-02-01"), registry)
    options = {o["option"]: o for o in decision["options"]}
    # bijstand compares income and assets with the norm and the asset limit (figures of 1 July 2026)
    assert options["bijstand"].get("provisional") is True
    # the buffer budget (art. 34b) depends on benefit and earnings only, not on an indexed amount
    assert "provisional" not in options["buffer_budget"]
    text = " ".join(decision["explanation"].split())
    assert f"{options['bijstand']['title']}:" in text
    assert "(voorlopig: hangt af van bedragen die voor de peildatum nog niet bekend zijn)" in text
    assert f"{options['buffer_budget']['title']}: maatwerkroute mogelijk." in text


def test_an_amount_computed_with_stale_figures_is_marked(registry):
    def grounds(age: int) -> dict:
        case = household_case("2027-02-01", household={"composition": "single", "children": [], "cost_sharers": 0,
                                                       "members": [{"role": "applicant", "age": age}]})
        [option] = [o for o in decide(case, registry)["options"] if o["option"] == "earnings_exemption"]
        return {g["rule"]: g for g in option["grounds"]}

    # from pension age, art. 34a lid 1 onder c caps the amount at € 226, an amount not known for 2027
    assert grounds(68)["pw.34a.1.c.pensioengerechtigde"].get("provisional") is True
    # onder a is 15% without a cap: no indexed amount, so the amount is not provisional
    assert "provisional" not in grounds(35)["pw.34a.1.a.vrijlating_arbeidsinschakeling"]
    text = " ".join(decide(household_case("2027-02-01", household={
        "composition": "single", "children": [], "cost_sharers": 0, "members": [{"role": "applicant", "age": 68}]}),
        registry)["explanation"].split())
    assert "(voorlopig: berekend met bedragen van vóór de peildatum)" in text


def test_each_rule_set_has_its_own_horizon(registry):
    # past the horizon of the Participatiewet, the Bbz and the beslagvrije voet: each rule set warns for itself
    decision = decide(household_case("2027-02-01", "zaanstad"), registry)
    assert {w["ruleset"] for w in decision["warnings"]} == {"participatiewet", "bbz", "beslagvrije_voet"}
    bbz = next(w for w in decision["warnings"] if w["ruleset"] == "bbz")
    assert bbz["message"] == ("De bedragen per 1 januari 2027 zijn nog niet bekend; deze toets rekent met die van "
                              "1 januari 2026.")
    # Zaanstad's asset limit follows art. 34 lid 3 (no indexed figures of its own): no warning of its own in 2026
    assert decide(household_case("2026-09-01", "zaanstad"), registry)["warnings"] == []
    # a rule set without indexed figures (Wsnp, Amsterdam) never warns
    assert {v.horizon for v in registry.rulesets["wsnp"].versions} == {None}


def test_markdown_and_english_carry_the_notice(registry):
    decision = decide(household_case("2027-02-01"), registry, lang="en")
    assert decision["warnings"][0]["message"].startswith("The amounts as of 1 January 2027 are not known yet")
    md = explain(decide(household_case("2027-02-01"), registry), "nl", "markdown")
    assert f"> **Let op (participatiewet): {NOTICE_2027}**" in md


def test_the_next_indexation_date():
    twice = Indexation(dates=("07-01", "01-01"), source=Source(law="x"))
    once = Indexation(dates=("01-01",), source=Source(law="x"))
    assert next_indexation(dt.date(2026, 7, 1), twice) == dt.date(2027, 1, 1)
    assert next_indexation(dt.date(2026, 6, 30), twice) == dt.date(2026, 7, 1)
    assert next_indexation(dt.date(2026, 1, 1), once) == dt.date(2027, 1, 1)
    assert next_indexation(dt.date(2026, 12, 31), once) == dt.date(2027, 1, 1)


def _demo_with_figures(tmp_path, figures: str, indexation: str = ""):
    return demo.write(tmp_path, {
        "demo/ruleset.yaml": demo.RULESET + indexation,
        "demo/2025-01-01/version.yaml": demo.V2025.replace("  changes: Nieuwe grens.\n",
                                                           f"  changes: Nieuwe grens.\n  figures: {figures}\n")})


def test_a_version_without_figures_keeps_those_of_the_one_before(tmp_path):
    root = _demo_with_figures(tmp_path, "{as_of: 2025-01-01, known_until: 2025-03-31}")
    [v24, v25] = load_rulesets(root).rulesets["demo"].versions
    assert v24.horizon is None and v25.horizon.known_until == dt.date(2025, 3, 31)


def test_figures_without_an_end_need_the_indexation_dates(tmp_path):
    with pytest.raises(RulesetError, match="indexation"):
        load_rulesets(_demo_with_figures(tmp_path, "{as_of: 2025-01-01}"))
    root = _demo_with_figures(tmp_path, "{as_of: 2025-01-01}",
                              'indexation: {dates: ["01-01", "07-01"], source: {law: Demowet}}\n')
    assert load_rulesets(root).rulesets["demo"].versions[-1].horizon.known_until == dt.date(2025, 6, 30)


def test_a_malformed_indexation_date_is_refused_with_its_file(tmp_path):
    root = _demo_with_figures(tmp_path, "{as_of: 2025-01-01}", 'indexation: {dates: ["13-01"], source: {law: Demowet}}\n')
    with pytest.raises(RulesetError) as exc:
        load_rulesets(root)
    assert any("MM-DD" in p.message and p.file.endswith("ruleset.yaml") for p in exc.value.problems)


def test_the_maximum_beslagvrije_voet_after_its_horizon_is_provisional(registry):
    case = household_case("2027-02-01", options=["seizure_protection"], income=[{"source": "wages", "net_monthly": "4000.00"}],
                          circumstances={"seizure_running": True, "municipal_recovery": False})
    [option] = decide(case, registry)["options"]
    ground = next(g for g in option["grounds"] if g["rule"] == "bvv.475c.beslagvrije_voet")
    # the maximum of 1 July 2026 (law-facts-2 §4.1), computed on, and marked as such
    assert ground["amounts"]["maximum"]["value"] == "2208.48" and ground.get("provisional") is True


def test_what_stale_figures_touch_is_worked_out_once_per_bundle_and_past_versions(registry):
    day = dt.date(2027, 2, 1)
    bundle = registry.bundle("amsterdam", day)
    parts = horizon.stale(bundle, day)
    assert horizon.stale(bundle, dt.date(2027, 2, 2)) is parts  # the same versions past their horizon
    assert parts.figures == horizon.stale_figures(bundle.versions, day) and parts.figures
    derived = {r.rule.fact: r for r in bundle.derive}
    assert parts.options == {o for o, names in bundle.reads.items()
                             if horizon.reads_any(names, parts.figures, derived)}
    assert "bijstand" in parts.options and "buffer_budget" not in parts.options
    assert "pw.34a.1.c.pensioengerechtigde" in parts.grounds
    assert "pw.34a.1.a.vrijlating_arbeidsinschakeling" not in parts.grounds
    early = horizon.stale(bundle, min(v.horizon.known_until for v in bundle.versions if v.horizon))  # none past
    assert not early.figures and not early.options and not early.grounds


@pytest.mark.parametrize("municipality", ["amsterdam", "zaanstad"])
def test_the_bundles_last_day_of_known_figures_says_whether_any_version_warns(registry, municipality):
    # evaluate asks the versions for warnings only past `figures_until`: on every day around each horizon
    # the answer is the one asking every version gives
    bundle = registry.bundle(municipality, dt.date(2026, 9, 1))
    edges = [v.horizon.known_until for v in bundle.versions if v.horizon is not None]
    assert edges and bundle.figures_until == min(edges)
    for edge in edges:
        for day in (edge - dt.timedelta(days=1), edge, edge + dt.timedelta(days=1)):
            assert (day > bundle.figures_until) == bool(horizon.warnings(bundle.versions, day))
    assert bundle.listed == tuple((v.id, v.version, v.digest) for v in bundle.versions)


@pytest.mark.parametrize("day, latest, bbz_latest", [
    ("2027-07-01", "1 juli 2027", "1 januari 2027"),
    ("2028-03-01", "1 januari 2028", "1 januari 2028"),
])
def test_a_case_further_past_the_horizon_names_the_date_whose_figures_apply(registry, day, latest, bbz_latest):
    """Legal audit D-49: on 1 March 2028 the amounts that apply are those of 1 January 2028; the notice names
    that date too, not only 1 January 2027 (the first date whose amounts are not known). One day before the
    next indexation date and on it: the notice changes on the date (Pw: 1 January and 1 July; Bbz: 1 January)."""
    decision = decide(household_case(day), registry)
    by_ruleset = {w["ruleset"]: w["message"] for w in decision["warnings"]}
    assert by_ruleset["participatiewet"] == (
        f"De bedragen vanaf 1 januari 2027 zijn nog niet bekend, ook die van {latest} (die gelden op de peildatum); "
        "deze toets rekent met die van 1 juli 2026.")
    if bbz_latest == "1 januari 2027":
        assert by_ruleset["bbz"] == ("De bedragen per 1 januari 2027 zijn nog niet bekend; deze toets rekent "
                                     "met die van 1 januari 2026.")
    else:
        assert by_ruleset["bbz"] == (
            f"De bedragen vanaf 1 januari 2027 zijn nog niet bekend, ook die van {bbz_latest} (die gelden op de "
            "peildatum); deze toets rekent met die van 1 januari 2026.")


def test_the_notice_in_english_names_the_date_whose_figures_apply(registry):
    decision = decide(household_case("2028-03-01"), registry, "en")
    pw = next(w for w in decision["warnings"] if w["ruleset"] == "participatiewet")
    assert pw["message"] == ("The amounts from 1 January 2027 on are not known yet, including those of 1 January 2028 "
                             "(which apply on the reference date); this check uses those of 1 July 2026.")


def _gift_case(day: str, amount: str) -> dict:
    return household_case(day, need={"kind": "keep_gift", "amount": amount}, options=["keep_gift"],
                          circumstances={"gifts_this_year": "0.00"})


@pytest.mark.parametrize("amount, status", [("1200.00", "allowed"), ("1200.01", "needs_information")])
def test_a_2027_gift_at_the_statutory_amount_is_not_provisional(registry, amount, status):
    """Legal audit D-48: art. 39 lid 1 only raises the € 1.200 of art. 31 lid 2 onder m, so at or below it the
    answer is certain; the amount of the law text is no indexed figure past the horizon. Above it the open 2027
    amount decides, and the decision names it as an open term."""
    option = decide(_gift_case("2027-01-01", amount), registry)["options"][0]
    assert option["status"] == status
    if status == "allowed":
        assert "provisional" not in option
    else:
        assert option["open_terms"] == ["participatiewet.giftenvrijlating_per_jaar"]


def _iit_case(day: str, age: int) -> dict:
    case = household_case(day, need={"kind": "income_support"}, options=["income_supplement"],
                          circumstances={"income_prospects": False, "iit_last_12_months": False, "low_income_years": 6})
    case["household"] = dict(case["household"], members=[{"role": "applicant", "age": age}])
    return case


def test_a_status_decided_by_a_block_that_reads_no_stale_figure_is_not_provisional(registry):
    """Legal audit D-48: 'voorlopig' only where a figure past the horizon can change the answer. At 67 in 2027 the
    age block of art. 36 lid 1 holds and no route lifts it: no amount changes that. At 66 the asset limit (an
    amount of 1 July 2026) and the municipal income limit decide: still provisional."""
    at_67 = decide(_iit_case("2027-12-31", 67), registry)["options"][0]
    assert at_67["status"] == "blocked" and "provisional" not in at_67
    at_66 = decide(_iit_case("2027-12-31", 66), registry)["options"][0]
    assert at_66["status"] != "blocked" and at_66.get("provisional") is True
