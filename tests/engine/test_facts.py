import datetime as dt
from decimal import Decimal

import pytest

from engine.case import parse_case
from engine.errors import CaseError
from engine.facts import case_facts


def case(circumstances):
    return parse_case({"case_id": "x", "reference_date": "2026-01-01", "municipality": "zaanstad",
                       "options": ["keep_gift"], "circumstances": circumstances})


def test_money_circumstances_accept_decimal_strings_exactly(registry):
    facts = case_facts(case({"gifts_this_year": "1200.10", "home_equity": 5}), registry.vocabulary)
    assert facts["circumstances.gifts_this_year"] == Decimal("1200.10")
    assert facts["circumstances.home_equity"] == 5


@pytest.mark.parametrize("value", ["-1", "abc", "NaN", True])
def test_bad_money_circumstances_name_the_field(registry, value):
    with pytest.raises(CaseError) as err:
        case_facts(case({"gifts_this_year": value}), registry.vocabulary)
    assert err.value.problems[0].field == "circumstances.gifts_this_year"


@pytest.mark.parametrize("value", ["1112223.33e2", "11122233.30E1", "1e3"])
def test_a_money_circumstance_typed_with_an_exponent_is_refused_with_a_clear_message(registry, value):
    # Decimal reads "1112223.33e2" as 111222333, a BSN the guard did not see in the text
    with pytest.raises(CaseError) as err:
        case_facts(case({"home_equity": value}), registry.vocabulary)
    [problem] = err.value.problems
    assert (problem.field, problem.message) == ("circumstances.home_equity",
                                                'schrijf het bedrag zonder e-notatie, bijvoorbeeld "1100.00"')


def test_date_circumstances_sent_as_json_text_are_read_as_dates(registry):
    facts = case_facts(case({"overpaid_costs_date": "2023-01-31", "recovery_decision_date": "2025-02-01"}),
                       registry.vocabulary)
    assert facts["circumstances.overpaid_costs_date"] == dt.date(2023, 1, 31)
    assert facts["circumstances.recovery_decision_date"] == dt.date(2025, 2, 1)


@pytest.mark.parametrize("value", ["31-01-2023", "2023-02-30", "gisteren", 20230131, True])
def test_bad_date_circumstances_name_the_field_and_are_not_echoed(registry, value):
    with pytest.raises(CaseError) as err:
        case_facts(case({"overpaid_costs_date": value}), registry.vocabulary)
    problem = err.value.problems[0]
    assert problem.field == "circumstances.overpaid_costs_date"
    assert "datum" in problem.message and str(value) not in problem.message


def test_housemates_become_one_fact_per_place_and_field(registry):
    c = parse_case({"case_id": "x", "reference_date": "2026-01-01", "municipality": "zaanstad", "options": ["full_norm"],
                    "household": {"housemates": [{"age": 35, "close_family": True, "commercial_contract": True},
                                                 {"age": 24}]}})
    facts = case_facts(c, registry.vocabulary)
    assert facts["household.housemates.count"] == 2
    assert facts["household.housemate_1.close_family"] is True
    assert facts["household.housemate_2.age"] == 24
    # what the professional did not record stays unknown, never false
    assert "household.housemate_1.student_finance" not in facts
    assert "household.housemate_2.commercial_contract" not in facts
    assert "household.cost_sharers" not in facts
    assert all(name in registry.vocabulary.facts for name in facts if name.startswith("household."))


def test_an_option_with_a_comma_in_an_unquoted_title_is_refused_with_its_line(tmp_path):
    """YAML reads `{title: A, b c, title_en: D}` as a title "A" and a key "b c": the title would be cut short."""
    from engine.errors import RulesetError
    from engine.facts import load_vocabulary
    path = tmp_path / "facts.yaml"
    path.write_text("facts: {}\noptions:\n  good: {title: \"Goed, met komma\", title_en: Good}\n"
                    "  cut: {title: Bbz-bijstand, om niet, title_en: Bbz}\n")
    with pytest.raises(RulesetError) as exc:
        load_vocabulary(path)
    [problem] = exc.value.problems
    assert "optie 'cut'" in problem.message and "om niet" in problem.message and problem.line == 4
    path.write_text("facts: {}\noptions:\n  good: {title: \"Goed, met komma\", title_en: Good, form_of: null}\n")
    assert load_vocabulary(path).options["good"]["title"] == "Goed, met komma"


def test_the_shipped_option_titles_are_whole(registry):
    assert registry.vocabulary.option_title("bbz_income", "nl") == \
        "Bbz-bijstand voor levensonderhoud, om niet na vaststelling van het inkomen"
