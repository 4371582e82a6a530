"""The form and the case format, both ways (pure functions)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.case import parse_case
from engine.errors import CaseError
from engine.facts import case_facts
from service.web.form import case_to_form, form_field, form_to_case, money
from service.examples import WELDING_MASK
from tests.conftest import shared_case
from tests.service.http.test_api import ACCEPTANCE

KINDS = {"urgent_reasons": "list_text", "full_care_of_children": "boolean", "bewindvoerder_consent": "boolean"}


def form(**fields) -> dict[str, list[str]]:
    """Form values as a browser sends them; dotted names are written with __ here."""
    return {k.replace("__", "."): v if isinstance(v, list) else [v] for k, v in fields.items()}


def test_the_welding_mask_filled_in_as_a_professional_would():
    values = form(case_id="zaanstad-lasmasker", reference_date="15-9-2025", municipality="zaanstad",
                  household__composition="single", applicant__age="41", children_none="on",
                  household__cost_sharers="0", **{"income.0.source": "wages", "income.0.net_monthly": "€ 1.720,00"},
                  assets="0", debts__regime="wsnp", debts__since="2025-03-01", debts__free_allowance_monthly="1310,-",
                  benefit="none", work="employed", need__kind="one_off_cost", need__purpose="work",
                  need__description="Welding mask the employer requires for the job", need__amount="1.100,00",
                  need__needed_within_days="14", need__at_risk="job_loss",
                  options=["wage_deduction", "special_assistance", "cash_gift", "in_kind"],
                  **{"avoided_costs.0.item": "bijstand benefit after losing the job",
                     "avoided_costs.0.per_year": "16428,72"})
    case = form_to_case(values, KINDS)
    expected = json.loads(json.dumps(WELDING_MASK))
    expected["avoided_costs"][0]["per_year"] = "16428.72"
    assert case == expected
    parse_case(case)  # the engine takes it as it is


def test_empty_fields_are_unknown_not_zero():
    case = form_to_case(form(case_id="x", reference_date="2025-01-01", municipality="zaanstad", assets="",
                             **{"income.0.source": "", "income.0.net_monthly": ""}, options=["in_kind"]), KINDS)
    assert case == {"case_id": "x", "reference_date": "2025-01-01", "municipality": "zaanstad", "options": ["in_kind"]}


def test_known_none_is_an_empty_list():
    case = form_to_case(form(income_none="on", children_none="on"), KINDS)
    assert case["income"] == [] and case["household"]["children"] == []


def test_typed_rows_win_over_the_none_boxes():
    case = form_to_case(form(income_none="on", household__children="15, 8",
                             **{"income.1.source": "alimony", "income.1.net_monthly": "200"}), KINDS)
    assert case["income"] == [{"source": "alimony", "net_monthly": "200.00"}]
    assert case["household"]["children"] == [15, 8]


def test_circumstances_by_their_type():
    case = form_to_case(form(**{"circumstances.urgent_reasons": ["health", "social_network"],
                                "circumstances.full_care_of_children": "true",
                                "circumstances.bewindvoerder_consent": ""}), KINDS)
    assert case["circumstances"] == {"urgent_reasons": ["health", "social_network"], "full_care_of_children": True}


def test_unreadable_values_are_passed_on_for_the_engine_to_name():
    case = form_to_case(form(case_id="x", reference_date="2025-01-01", municipality="zaanstad", options=["in_kind"],
                             applicant__age="veertig", need__kind="one_off_cost", need__amount="duizend"), KINDS)
    assert case["household"]["members"] == [{"role": "applicant", "age": "veertig"}]
    with pytest.raises(CaseError) as exc:
        parse_case(case)
    assert {p.field for p in exc.value.problems} == {"household.members.0.age", "need.amount"}


@pytest.mark.parametrize("typed, read", [
    ("1100", "1100.00"), ("1100.5", "1100.50"), ("1.100,50", "1100.50"), ("€ 1.720,00", "1720.00"),
    ("€1720", "1720.00"), ("-250,00", "-250.00"), ("12.345.678,9", "12345678.90"), ("1,5", "1.50"), ("veel", "veel"),
    ("1.2.3", "1.2.3"), ("1.100", "1100.00"), ("€ 1.100", "1100.00"), ("1,100", "1,100"),  # asked back, not guessed (service.web.amounts)
])
def test_money_the_dutch_way(typed, read):
    assert money(typed) == read


@pytest.mark.parametrize("name", ACCEPTANCE)
def test_every_acceptance_case_survives_the_form(name):
    case = json.loads(json.dumps(shared_case(name), default=str))
    kinds = dict(KINDS, earlier_single_parent_exemption="boolean")
    assert form_to_case(case_to_form(case), kinds) == case


money_text = st.decimals(min_value=0, max_value=10**6, places=2).map(str)
ages = st.integers(min_value=0, max_value=120)
maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731


@st.composite
def form_cases(draw):
    """Cases the form can hold: every field optional, as in a conversation."""
    case = {"case_id": draw(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)),
            "reference_date": draw(st.dates()).isoformat(), "municipality": draw(st.sampled_from(["zaanstad", "utrecht"]))}
    household = {}
    if (c := draw(maybe(st.sampled_from(["single", "single_parent", "couple"])))) is not None:
        household["composition"] = c
    members = []
    for role in ("applicant", "partner"):
        if (age := draw(maybe(ages))) is not None:
            member = {"role": role, "age": age}
            if (sf := draw(maybe(st.booleans()))) is not None:
                member["student_finance_possible"] = sf
            members.append(member)
    if members:
        household["members"] = members
    if (children := draw(maybe(st.lists(st.integers(0, 30), max_size=4)))) is not None:
        household["children"] = children
    if household:
        case["household"] = household
    if (income := draw(maybe(st.lists(st.fixed_dictionaries(
            {"source": st.sampled_from(["wages", "bijstand", "alimony"]), "net_monthly": money_text}), max_size=4)))) is not None:
        case["income"] = income
    if (assets := draw(maybe(money_text))) is not None:
        case["assets"] = assets
    need = draw(maybe(st.fixed_dictionaries({"kind": st.sampled_from(["one_off_cost", "exemption"])},
                                            optional={"amount": money_text, "needed_within_days": st.integers(0, 365),
                                                      "at_risk": st.sampled_from(["job_loss", "eviction"])})))
    if need is not None:
        case["need"] = need
    case["options"] = draw(st.lists(st.sampled_from(["in_kind", "special_assistance", "loan"]), min_size=1,
                                    max_size=3, unique=True))
    if (reasons := draw(maybe(st.lists(st.sampled_from(["health", "debts"]), min_size=1, unique=True)))) is not None:
        case["circumstances"] = {"urgent_reasons": reasons}
    if (avoided := draw(maybe(st.lists(st.fixed_dictionaries({"item": st.sampled_from(["huur", "uitkering"])},
                                                             optional={"per_year": money_text, "once": money_text}),
                                       min_size=1, max_size=3)))) is not None:
        case["avoided_costs"] = avoided
    return case


@settings(max_examples=200, deadline=None)
@given(form_cases())
def test_form_round_trip(case):
    assert form_to_case(case_to_form(case), KINDS) == case


def test_problems_point_at_the_field_that_was_typed():
    values = form(partner__age="x", **{"income.2.source": "wages", "income.2.net_monthly": "veel",
                                       "avoided_costs.1.item": "huur"})
    case = form_to_case(values, KINDS)
    assert form_field("household.members.0.age", case, values) == "partner.age"
    assert form_field("income.0.net_monthly", case, values) == "income.2.net_monthly"  # the third row was typed
    assert form_field("avoided_costs.0", case, values) == "avoided_costs.1.once"
    assert form_field("options.1", case, values) == "options"
    assert form_field("household.children.0", case, values) == "household.children"
    assert form_field("need.amount", case, values) == "need.amount"
    assert form_field(None, case, values) is None


def test_recovery_dates_and_housing_costs_typed_the_dutch_way_reach_the_engine(registry):
    kinds = {"overpaid": "boolean", "overpaid_costs_date": "date", "recovery_decision_date": "date",
             "housing_costs": "money", "months_before_report": "integer"}
    case = form_to_case(form(case_id="x", reference_date="2025-02-01", municipality="zaanstad",
                             options=["waive_recovery"], **{
                                 "circumstances.overpaid": "true", "circumstances.overpaid_costs_date": "31-1-2023",
                                 "circumstances.recovery_decision_date": "2025-02-01",
                                 "circumstances.housing_costs": "€ 1.050,50",
                                 "circumstances.months_before_report": "3"}), kinds)
    assert case["circumstances"] == {"overpaid": True, "overpaid_costs_date": "2023-01-31",
                                     "recovery_decision_date": "2025-02-01", "housing_costs": "1050.50",
                                     "months_before_report": 3}
    facts = case_facts(parse_case(case), registry.vocabulary)
    assert facts["circumstances.overpaid_costs_date"].isoformat() == "2023-01-31"
    assert facts["circumstances.months_before_report"] == 3


def test_a_money_circumstance_is_shown_back_in_dutch_notation():
    """A professional who edits a case sees '1.050,50' in the field, as she typed it, not '1050.50'."""
    case = {"circumstances": {"gifts_this_year": "1050.50", "months_before_report": 3}}
    form = case_to_form(case, {"gifts_this_year": "money", "months_before_report": "integer"})
    assert form["circumstances.gifts_this_year"] == ["1.050,50"]
    assert form["circumstances.months_before_report"] == ["3"]
    assert form_to_case(form, {"gifts_this_year": "money", "months_before_report": "integer"})["circumstances"] == \
        {"gifts_this_year": "1050.50", "months_before_report": 3}


def test_housemates_typed_in_rows_reach_the_case_and_back():
    values = form(case_id="x", reference_date="2026-03-01", municipality="zaanstad", options=["full_norm"],
                  **{"household.housemates.0.age": "35", "household.housemates.0.close_family": "true",
                     "household.housemates.0.commercial_contract": "true",
                     "household.housemates.2.age": "24", "household.housemates.2.student_finance": "false"})
    case = form_to_case(values, KINDS)
    assert case["household"] == {"housemates": [{"age": 35, "close_family": True, "commercial_contract": True},
                                                {"age": 24, "student_finance": False}]}
    parse_case(case)
    back = case_to_form(case)
    assert back["household.housemates.0.commercial_contract"] == ["true"]
    assert back["household.housemates.1.age"] == ["24"]
    assert "household.housemates.0.student_finance" not in back  # unknown stays empty, not "Nee"


def test_a_bad_housemate_age_points_at_the_row_it_was_typed_in():
    values = form(case_id="x", reference_date="2026-03-01", municipality="zaanstad", options=["full_norm"],
                  **{"household.housemates.2.age": "dertig"})
    case = form_to_case(values, KINDS)
    with pytest.raises(CaseError) as exc:
        parse_case(case)
    fields = {form_field(p.field, case, values) for p in exc.value.problems}
    assert "household.housemates.2.age" in fields
