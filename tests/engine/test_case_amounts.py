"""An amount of the case format is accepted or refused exactly as pydantic's Field constraints did it
(engine.case._amount_in_bounds replaces them for speed; the JSON schema keeps what they wrote)."""
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from engine.case import Money, SignedMoney, _plain_amount, parse_case
from engine.errors import CaseError
from tests.conftest import lasmasker

# the types as they were: the reference
FIELD_MONEY = Annotated[Decimal, BeforeValidator(_plain_amount), Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]
FIELD_SIGNED = Annotated[Decimal, BeforeValidator(_plain_amount), Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]

digits = st.text("0123456789", min_size=1, max_size=14)
written = st.builds(lambda sign, whole, point, frac, exp: f"{sign}{whole}{point}{frac}{exp}",
                    st.sampled_from(["", "-", "+"]), digits, st.sampled_from(["", "."]), st.text("0123456789", max_size=5),
                    st.sampled_from(["", "e3", "E-2", "e-5", "e+12"]))
amount = (written | written.map(Decimal) | st.decimals(allow_nan=True, allow_infinity=True)
          | st.integers(-10**13, 10**13) | st.floats() | st.sampled_from(["nan", "-inf", "1_0", " ", "abc", True, None, "-0.00", "-0", "-0e5", "-0.000"]))


def _outcome(adapter: TypeAdapter, value):
    try:
        result = adapter.validate_python(value)
    except ValidationError as exc:
        return [(e["type"], e["loc"], e["msg"], e.get("ctx", {}).get("error", e.get("ctx")).__repr__()) for e in exc.errors()]
    return ("accepted", result, result.as_tuple())


def _signed_zero(outcome) -> bool:
    return outcome[0] == "accepted" and not outcome[1] and outcome[1].is_signed()


def _whole(outcome):
    """The reference's amount with an exponent above 0 (the number 1e3) as the case format now gives it:
    whole euros (1000), never shown as "1E+3"."""
    if outcome[0] == "accepted" and outcome[2].exponent > 0:
        result = outcome[1].quantize(Decimal(1))
        return ("accepted", result, result.as_tuple())
    return outcome


@settings(max_examples=1500)
@given(amount)
def test_money_accepts_and_refuses_as_the_field_constraints(value):
    # but for a zero with a minus: refused as a negative amount, or zero without the sign where negatives may be
    reference = _whole(_outcome(TypeAdapter(FIELD_MONEY), value))
    if _signed_zero(reference):
        reference = _outcome(TypeAdapter(FIELD_MONEY), Decimal(-1))
    assert _outcome(TypeAdapter(Money), value) == reference
    reference = _whole(_outcome(TypeAdapter(FIELD_SIGNED), value))
    if _signed_zero(reference):
        reference = _outcome(TypeAdapter(FIELD_SIGNED), reference[1].copy_abs())
    assert _outcome(TypeAdapter(SignedMoney), value) == reference


@pytest.mark.parametrize("written", ["-0", "-0.00", "-0.0", Decimal("-0e3"), Decimal("-0.00"), "-00.00"])
def test_a_zero_with_a_minus_is_a_negative_amount_where_negatives_are_refused(written):
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Money).validate_python(written)
    assert [e["type"] for e in info.value.errors()] == ["greater_than_equal"]
    # ... and zero without the minus where they are allowed: never "-0.00" in a decision
    assert str(TypeAdapter(SignedMoney).validate_python(written)).startswith("0")


@pytest.mark.parametrize("written", ["0", "0.00", "+0.00", Decimal("0")])
def test_zero_itself_is_an_amount(written):
    assert TypeAdapter(Money).validate_python(written) == 0


def test_the_json_schema_of_an_amount_is_unchanged():
    for new, old in ((Money, FIELD_MONEY), (SignedMoney, FIELD_SIGNED)):
        assert TypeAdapter(new).json_schema() == TypeAdapter(old).json_schema()
        assert TypeAdapter(new | None).json_schema() == TypeAdapter(old | None).json_schema()


@pytest.mark.parametrize("written", ["1112223.33e2", "11122233.30E1", "1e5", " 1E+2 ", "-1.5e-1", ".5e1"])
def test_an_amount_typed_with_an_exponent_is_refused_with_a_clear_message(written):
    # "1112223.33e2" is 111222333 to Decimal, while the BSN guard reads 1112223 and cents in the text
    for money in (Money, SignedMoney):
        with pytest.raises(ValidationError) as info:
            TypeAdapter(money).validate_python(written)
        assert [e["msg"] for e in info.value.errors()] == ['Value error, schrijf het bedrag zonder e-notatie, '
                                                           'bijvoorbeeld "1100.00"']


@pytest.mark.parametrize("number, shown", [(Decimal("1e3"), "1000"), (Decimal("1.5E+3"), "1500"),
                                           (Decimal("-0e2"), "0")])
def test_a_number_with_an_exponent_is_the_amount_it_stands_for_in_whole_euros(number, shown):
    # a JSON or YAML number 1e3 is a value, not typed text: read as 1000, never written "1E+3" in a decision
    assert str(TypeAdapter(SignedMoney).validate_python(number)) == shown


@pytest.mark.parametrize("amount", ["١٢٣", "１２３", "१२३"])
def test_an_amount_in_other_digits_than_0_to_9_is_refused(amount):
    """Decimal reads Arabic-Indic, full-width and Devanagari digits as 123 (attacker review)."""
    case = lasmasker()
    case["need"]["amount"] = amount
    with pytest.raises(CaseError) as exc:
        parse_case(case)
    (problem,) = exc.value.problems
    assert problem.field == "need.amount" and "de cijfers 0-9" in problem.message and amount not in problem.message
