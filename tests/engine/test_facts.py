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
