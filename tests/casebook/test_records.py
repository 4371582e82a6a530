import copy
import datetime as dt

from casebook.records import Meta, cents, content_digest, detail_rows, prepare, rulesets_digest, summarise
from engine.case import parse_case
from engine.decide import decide_case


def test_equal_content_gives_equal_digest_whatever_its_spelling(welding_case):
    same = copy.deepcopy(welding_case)
    same["need"]["amount"] = "1100"  # 1100 and "1100.00" are the same amount
    same["reference_date"] = dt.date(2025, 9, 15)  # YAML gives a date, JSON a string
    same = dict(reversed(list(same.items())))  # key order does not matter
    assert content_digest(parse_case(same)) == content_digest(parse_case(welding_case))


def test_changed_content_gives_another_digest(welding_case):
    changed = copy.deepcopy(welding_case)
    changed["income"][0]["net_monthly"] = "1720.01"
    assert content_digest(parse_case(changed)) != content_digest(parse_case(welding_case))


def test_metadata_is_not_content(welding_case):
    case = parse_case(welding_case)
    a = prepare(case, Meta(team="wijkteam-oost", signal="systeemprobleem: x", tags=("wsnp",)))
    b = prepare(case, Meta())
    assert a.digest == b.digest
    assert a.case_json == b.case_json == case.model_dump(mode="json", exclude_none=True)


def test_rulesets_digest_ignores_order():
    a = [{"id": "wsnp", "version": "2024-01-01", "digest": "sha256:1"},
         {"id": "zaanstad", "version": "2024-01-01", "digest": "sha256:2"}]
    assert rulesets_digest(a) == rulesets_digest(list(reversed(a)))
    assert rulesets_digest(a) != rulesets_digest([a[0], dict(a[1], digest="sha256:3")])


def test_cents_are_exact():
    assert cents("16428.72") == 1642872
    assert cents("0.10") == 10
    assert cents(None) is None


def test_the_welding_mask_taken_apart(welding_case, registry):
    decision = decide_case(parse_case(welding_case), registry, explanation=False)
    rows = detail_rows(7, decision)
    assert {r["option"]: r["status"] for r in rows.options} == {o["option"]: o["status"] for o in decision["options"]}
    holding = {(r["option"], r["rule"]) for r in rows.blocks if r["holds"]}
    assert ("cash_gift", "wsnp.295.1.boedel") in holding
    assert ("special_assistance", "zaanstad.bb.inkomensgrens") in holding
    block = next(r for r in rows.blocks if r["rule"] == "wsnp.295.1.boedel")
    assert (block["law"], block["article"], block["paragraph"]) == ("Faillissementswet", "295", "1")
    lifts = {(r["option"], r["route"], r["block"]) for r in rows.route_lifts}
    assert ("in_kind", "zaanstad.maatwerkbudget", "zaanstad.bb.inkomensgrens") in lifts
    assert all(r["decision_id"] == 7 for table in (rows.options, rows.blocks, rows.routes, rows.route_lifts)
               for r in table)


def test_the_welding_mask_summarised(welding_case, registry):
    s = summarise(decide_case(parse_case(welding_case), registry, explanation=False))
    assert s.outcome == "route_available"
    # the fastest usable route that is in time: the maatwerk budget (1 day), not art. 16 (42 days, too late)
    assert s.primary_route == "zaanstad.maatwerkbudget"
    assert s.usable_routes > 1 and s.sole_route is None
    assert s.discretionary_only is False  # the VTLB draagkracht route is not discretionary
    assert (s.cost_once_cents, s.avoided_per_year_cents) == (110000, 1642872)


def test_a_case_whose_only_route_is_discretionary(registry):
    case = parse_case({"case_id": "g1", "reference_date": "2026-02-10", "municipality": "groningen",
                       "household": {"composition": "single", "members": [{"role": "applicant", "age": 38}]},
                       "benefit": "bijstand", "work": "unemployed", "debts": {"regime": "none"},
                       "need": {"kind": "exemption", "obligation": "job_search", "duration_months": 6},
                       "options": ["exemption"], "circumstances": {"urgent_reasons": ["health"]}})
    s = summarise(decide_case(case, registry, explanation=False))
    assert s.sole_route == "pw.9.2.tijdelijke_ontheffing"
    assert s.discretionary_only is True
