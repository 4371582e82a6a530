"""The evaluator on the acceptance cases and on small variations of the welding-mask case."""
import copy
import json

from engine.case import parse_case
from engine.evaluator import evaluate
from tests.conftest import shared_case


def decide(registry, data, lang="nl"):
    return evaluate(parse_case(data), registry, lang)


def option(decision, name):
    return next(o for o in decision["options"] if o["option"] == name)


def ids(items, key="rule"):
    return [i[key] for i in items]


def test_welding_mask_names_every_block_and_route(registry, welding_case):
    d = decide(registry, welding_case)
    assert d["outcome"] == "route_available"
    wage = option(d, "wage_deduction")
    assert ids(wage["blocked_by"]) == ["wsnp.297.2.a.krediet", "wsnp.295.2.afdracht_boven_vtlb",
                                       "wsnp.350.3.d.nieuwe_schulden"]
    assert wage["status"] == "route_available"
    special = option(d, "special_assistance")
    assert ids(special["blocked_by"]) == ["zaanstad.bb.inkomensgrens"]
    assert special["blocked_by"][0]["thresholds"][0] == {
        "fact": "income.net_monthly", "label": "het netto maandinkomen van het huishouden", "value": "1720.00",
        "operator": "<=", "limit": "1505.97", "money": True}
    routes = {r["route"]: r for r in option(d, "in_kind")["routes"]}
    assert routes["zaanstad.maatwerkbudget"]["in_time"] is True
    assert routes["zaanstad.maatwerkbudget"]["decided_by"] == "wijkteam"
    # art. 16 has no statutory period: a lead time from practice never says "too late"
    assert routes["pw.16.1.zeer_dringende_redenen"]["in_time"] is None
    assert routes["wsnp.draagkracht_op_vtlb"]["confidence"] == "assessment"
    assert option(d, "cash_gift")["status"] == "blocked"
    assert d["kassabon"] == {"cost_once": "1100.00", "avoided_per_year": "16428.72", "avoided_once": "0.00",
                             "ratio_per_year": "14.94", "payback_days": 24}
    assert [p["fact"] for p in d["presumptions"]] == [
        "circumstances.lawful_residence", "circumstances.detention", "circumstances.necessary_cost",
        "circumstances.prior_provision"]


def test_income_at_the_limit_is_not_blocked_but_one_cent_above_is(registry, welding_case):
    welding_case["income"][0]["net_monthly"] = "1505.97"
    assert option(decide(registry, welding_case), "special_assistance")["status"] == "allowed"
    welding_case["income"][0]["net_monthly"] = "1505.98"
    assert option(decide(registry, welding_case), "special_assistance")["status"] == "route_available"


def test_unknown_income_is_never_read_as_no_block(registry, welding_case):
    del welding_case["income"]
    welding_case["need"]["at_risk"] = "other"  # no maatwerk budget that would lift the limit either way
    special = option(decide(registry, welding_case), "special_assistance")
    assert special["status"] == "needs_information"
    assert special["missing_facts"][0] == "income.net_monthly"
    # the local limit, and the draagkracht of art. 35 lid 1, may both hold: neither is read as "no block"
    assert sorted(ids(special["possible_blocks"])) == ["pw.35.1.draagkracht_dekt_kosten", "zaanstad.bb.inkomensgrens"]


def test_a_block_without_any_open_route_blocks(registry, welding_case):
    welding_case["need"]["at_risk"] = "comfort"
    welding_case["debts"]["regime"] = "none"
    welding_case["circumstances"] = {"urgent_reasons": []}
    special = option(decide(registry, welding_case), "special_assistance")
    assert special["status"] == "blocked"
    assert {r["status"] for r in special["routes"]} == {"unavailable"}


def test_circumstances_override_a_presumption(registry, welding_case):
    welding_case["circumstances"] = {"lawful_residence": False}
    d = decide(registry, welding_case)
    assert "pw.11.rechtmatig_verblijf" in ids(option(d, "special_assistance")["blocked_by"])
    assert "circumstances.lawful_residence" not in [p["fact"] for p in d["presumptions"]]


def test_the_decision_is_the_same_bytes_every_time(registry, welding_case):
    first = json.dumps(decide(registry, copy.deepcopy(welding_case)), sort_keys=True)
    assert all(json.dumps(decide(registry, copy.deepcopy(welding_case)), sort_keys=True) == first for _ in range(3))


def test_english_on_request(registry, welding_case):
    d = decide(registry, welding_case, "en")
    assert option(d, "special_assistance")["blocked_by"][0]["reason"].startswith("Net income (€1,720.00)")


def test_versions_follow_the_reference_date(registry, welding_case):
    for day, version, limit in (("2025-06-30", "2025-01-01", "1480.00"), ("2025-07-01", "2025-07-01", "1505.97"),
                                ("2026-01-01", "2026-01-01", "1541.65")):
        welding_case["reference_date"] = day
        d = decide(registry, welding_case)
        assert {r["id"]: r["version"] for r in d["rulesets"]}["participatiewet"] == version
        assert option(d, "special_assistance")["blocked_by"][0]["thresholds"][0]["limit"] == limit


def test_single_parent_exception_sets_the_work_duty_aside(registry):
    d = decide(registry, shared_case("maastricht-alleenstaande-ouder"))
    exemption = option(d, "exemption")
    assert exemption["status"] == "allowed"
    assert ids(exemption["grounds"]) == ["pw.9a.1.alleenstaande_ouder"]


def test_unknown_care_situation_leaves_the_single_parent_case_open(registry):
    case = shared_case("maastricht-alleenstaande-ouder")
    del case["circumstances"]["full_care_of_children"]
    exemption = option(decide(registry, case), "exemption")
    assert exemption["status"] == "needs_information"
    assert "circumstances.full_care_of_children" in exemption["missing_facts"]


def test_earnings_exemption_amount(registry):
    d = decide(registry, shared_case("groningen-zzp-start"))
    ground = option(d, "earnings_exemption")["grounds"][0]
    assert ground["amounts"]["vrijgelaten_per_maand"]["value"] == "100.00"
    case = shared_case("groningen-zzp-start")
    case["need"]["expected_earnings_monthly"] = "2000.00"  # 25% = 500, capped at € 278 on 2025-10-01
    assert option(decide(registry, case), "earnings_exemption")["grounds"][0]["amounts"]["vrijgelaten_per_maand"]["value"] == "278.00"


def test_young_applicant_route_exists_only_from_2026(registry):
    case = shared_case("utrecht-jongere-zoektermijn")
    assert option(decide(registry, case), "bijstand")["status"] == "route_available"
    case["reference_date"] = "2025-12-31"
    assert option(decide(registry, case), "bijstand")["status"] == "blocked"


def test_open_local_term_is_named_apart_from_the_households_facts(registry, welding_case):
    welding_case["municipality"] = "groningen"
    welding_case["debts"]["regime"] = "none"
    d = decide(registry, welding_case)
    special = option(d, "special_assistance")
    assert special["status"] == "needs_information"
    assert "groningen.percentage_inkomensgrens" in special["open_terms"]
    assert "groningen.percentage_inkomensgrens" not in special["missing_facts"]
    assert "groningen.percentage_inkomensgrens" not in [q["fact"] for q in d["questions"]]
    term = next(t for t in d["open_terms"] if t["parameter"] == "groningen.percentage_inkomensgrens")
    assert term["ruleset"] == "groningen" and "bijzondere bijstand" in term["title"].lower()


def test_an_open_term_a_route_reads_is_named_apart_and_never_asked(registry):
    """Art. 475da lid 5 Rv compares housing costs with a rekenhuur that is NOT FOUND: the household is asked for
    its housing costs, never for the rule set's figure, which is listed with its title."""
    case = {"case_id": "rekenhuur", "reference_date": "2026-04-01", "municipality": "utrecht",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 40}], "children": []},
            "income": [{"source": "wages", "net_monthly": "1900.00"}], "options": ["raise_seizure_free_amount"],
            "circumstances": {"seizure_running": True, "housing_costs": "1200.00"}}
    from decision.decide import decide as decide_case  # with the explanation text
    decision = decide_case(case, registry)
    [route] = [r for r in decision["options"][0]["routes"] if r["route"] == "bvv.475da.5.woonkosten"]
    assert route["status"] == "conditional" and route["missing_facts"] == []
    assert route["open_terms"] == ["beslagvrije_voet.rekenhuur_lid_5"]
    assert "beslagvrije_voet.rekenhuur_lid_5" not in decision["missing_facts"]
    assert {t["parameter"]: t["title"] for t in decision["open_terms"]}["beslagvrije_voet.rekenhuur_lid_5"] \
        .startswith("De rekenhuur")
    assert "Niet bekend in deze regelset: De rekenhuur" in " ".join(decision["explanation"].split())


def test_items_built_from_kits_kept_per_plan_and_language_equal_those_of_a_fresh_registry(registry):
    # the kits (engine.evaluator._Kit) are built on first use per plan and language: a decision in English after
    # Dutch ones, and a day later, must equal the decision of a registry that never decided anything
    from engine.registry import Registry
    from tests.conftest import RULESETS
    from tests.engine.test_horizon import household_case
    cases = [parse_case(household_case(day, municipality, options=options)) for day, municipality, options in (
        ("2026-09-01", "amsterdam", ["earnings_exemption", "bijstand", "buffer_budget"]),
        ("2026-09-02", "amsterdam", ["bijstand", "buffer_budget"]),
        ("2026-09-02", "zaanstad", ["earnings_exemption", "bijstand"]))]
    warm = [evaluate(c, registry, lang, dated=True) for lang in ("nl", "en", "nl") for c in cases]
    for i, (lang, c) in enumerate((lang, c) for lang in ("nl", "en", "nl") for c in cases):
        cold = evaluate(c, Registry.load(RULESETS), lang, dated=True)
        assert json.dumps(warm[i], sort_keys=True, default=str) == json.dumps(cold, sort_keys=True, default=str)
    assert warm[0] != warm[3]  # the languages differ (so the comparison says something)
