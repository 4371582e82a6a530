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
