import copy
import datetime as dt
import hashlib
import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.importers import split_record
from casebook.records import (Meta, canonical_json, cents, content_digest, detail_rows, prepare, rulesets_digest,
                              summarise)
from casebook.synthetic import generate
from engine.case import parse_case
from decision.decide import decide_case


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


def test_the_primary_route_is_the_advised_one_not_a_faster_figure_from_practice(welding_case, registry):
    """An analyst counts cases per primary route: it is the route the professional was advised, with a verified
    lead time, not one whose shorter lead time is only a figure from practice (explain.lines.route_order)."""
    from explain.lines import fastest_route
    decision = decide_case(parse_case(welding_case), registry, explanation=False)
    decision["need"].pop("needed_within_days")
    for o in decision["options"]:
        for r in o["routes"]:
            r["in_time"] = None
            if r["route"] == "zaanstad.maatwerkbudget":
                r.update(lead_time_days=60, lead_time_verified=True)
            elif r["route"] == "pw.16.1.zeer_dringende_redenen":
                r.update(lead_time_days=5, lead_time_verified=False)
    assert fastest_route(decision)["route"] == "zaanstad.maatwerkbudget"
    assert summarise(decision).primary_route == "zaanstad.maatwerkbudget"


def test_a_case_whose_only_route_is_discretionary(registry):
    case = parse_case({"case_id": "g1", "reference_date": "2026-02-10", "municipality": "groningen",
                       "household": {"composition": "single", "members": [{"role": "applicant", "age": 38}]},
                       "benefit": "bijstand", "work": "unemployed", "debts": {"regime": "none"},
                       "need": {"kind": "exemption", "obligation": "job_search", "duration_months": 6},
                       "options": ["exemption"], "circumstances": {"urgent_reasons": ["health"]}})
    s = summarise(decide_case(case, registry, explanation=False))
    assert s.sole_route == "pw.9.2.tijdelijke_ontheffing"
    assert s.discretionary_only is True


# -- the digest's bytes: the same as those every stored digest was made of ---------------------------------

def reference_canonical(value):
    """casebook.records._canonical as it was when the first digests were stored (commit a05db52)."""
    if isinstance(value, dict):
        return {str(k): reference_canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [reference_canonical(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return format(Decimal(value).normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def reference_bytes(value) -> bytes:
    return json.dumps(reference_canonical(value), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def reference_digest(case) -> str:
    return "sha256:" + hashlib.sha256(reference_bytes(case.model_dump(exclude_none=True))).hexdigest()


def test_digests_of_generated_cases_are_those_of_the_stored_formula(registry):
    cases = [parse_case(split_record(r)[0]) for r in generate(3000, seed=11, registry=registry)]
    assert len({reference_digest(c) for c in cases}) > 2900  # they differ: the comparison means something
    for case in cases:
        assert content_digest(case) == reference_digest(case)


scalars = (st.none() | st.booleans() | st.text() | st.integers() | st.integers(min_value=-2**200, max_value=2**200)
           | st.decimals(allow_nan=False, allow_infinity=False) | st.dates() | st.datetimes())
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                         | st.dictionaries(st.text() | st.integers(), inner, max_size=4), max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(documents)
def test_canonical_json_is_byte_for_byte_the_standard_librarys(value):
    """Any key (any character, so any sort order), any text (control characters, non-ASCII), any number."""
    assert canonical_json(value) == reference_bytes(value)
