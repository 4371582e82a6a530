""""Nog uit te zoeken": every unknown fact once, in the order of a conversation; figures apart."""
from __future__ import annotations

import datetime as dt

from decision.decide import decide
from service.questions import field_of, figures, named_unknowns, questions


def incomplete(options):
    return {"case_id": "x", "reference_date": "2025-11-03", "municipality": "zaanstad",
            "household": {"composition": "couple", "members": [{"role": "applicant", "age": 52}]},
            "need": {"kind": "one_off_cost", "amount": "450.00"}, "options": options}


def test_every_unknown_fact_once_in_the_order_of_a_conversation(registry):
    decision = decide(incomplete(["special_assistance", "loan", "bbz_preparation"]), registry)
    asked = questions(decision, registry.vocabulary, "nl")
    facts = [q["fact"] for q in asked]
    assert len(facts) == len(set(facts))
    assert set(facts) == {n for n in named_unknowns(decision) if n in registry.vocabulary.facts}
    order = list(registry.vocabulary.facts)
    assert facts == sorted(facts, key=order.index)
    assert facts.index("income.net_monthly") < facts.index("debts.regime") < facts.index("need.purpose")
    assert all("_" not in q["question"] for q in asked)  # questions, not names


def test_a_fact_only_a_route_needs_is_asked_too():
    decision = {"missing_facts": [], "options": [{"missing_facts": [], "routes": [
        {"missing_facts": ["debts.free_allowance_monthly"]}]}]}
    assert named_unknowns(decision) == ["debts.free_allowance_monthly"]


def test_each_question_has_a_field_on_the_form():
    assert field_of("income.wages") == "income.0.source"  # a share of the total: asked where the source is chosen
    assert field_of("income.net_monthly") == "income.0.net_monthly"
    assert field_of("case.reference_date") == "reference_date"
    assert field_of("circumstances.urgent_reasons") == "circumstances.urgent_reasons"
    assert field_of("avoided_costs.per_year") == "avoided_costs.0.per_year"


def test_an_unknown_rule_set_figure_is_no_question(registry):
    open_term = "participatiewet.drempel_35_2"  # NOT FOUND in the law facts: no value in the rule set
    decision = {"missing_facts": ["applicant.age", open_term], "options": []}
    versions = registry.bundle("zaanstad", dt.date(2025, 9, 15)).versions
    assert [q["fact"] for q in questions(decision, registry.vocabulary, "nl")] == ["applicant.age"]
    (figure,) = figures(decision, registry.vocabulary, versions, "nl")
    assert figure["name"] == open_term and figure["what"] == "bedrag"
    assert figure["title"].startswith("Drempel bijzondere bijstand")


def test_a_blocked_option_asks_nothing(registry):
    """The page review found the professional sent to ask for assets and a VTLB letter that could not change a
    blocked option (a block holds that no route lifts). A 67-year-old in Zaanstad without lawful residence asks for
    help in kind: art. 16's route would need the urgent reasons, but the option stays blocked whatever they are."""
    case = {"case_id": "geen-verblijf", "reference_date": "2024-04-09", "municipality": "zaanstad",
            "household": {"composition": "single", "members": [{"role": "applicant", "age": 67}], "children": []},
            "income": [{"source": "bijstand", "net_monthly": "4000.00"}], "assets": "23310.01", "benefit": "other",
            "debts": {"regime": "wsnp", "since": "2023-11-19", "free_allowance_monthly": "260.82"},
            "circumstances": {"lawful_residence": False, "dutch_address": True},
            "need": {"kind": "one_off_cost", "amount": "2558.05", "purpose": "care"}, "options": ["in_kind"]}
    decision = decide(case, registry)
    [option] = decision["options"]
    assert option["status"] == "blocked"
    art16 = next(r for r in option["routes"] if r["route"] == "pw.16.1.zeer_dringende_redenen")
    assert "circumstances.urgent_reasons" in art16["missing_facts"]  # the route's own detail still says it
    assert named_unknowns(decision) == [] and questions(decision, registry.vocabulary, "nl") == []
    # the same unknowns asked for an option they can change
    asked = dict(decision, options=[dict(option, status="needs_information")])
    assert "circumstances.urgent_reasons" in named_unknowns(asked)
