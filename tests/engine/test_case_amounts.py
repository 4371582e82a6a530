"""An amount of the case format is accepted or refused exactly as pydantic's Field constraints did it
(engine.case._amount_in_bounds replaces them for speed; the JSON schema keeps what they wrote)."""
from decimal import Decimal
from typing import Annotated

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BeforeValidator, Field, TypeAdapter, ValidationError

from engine.case import Money, SignedMoney, _plain_amount

# the types as they were: the reference
FIELD_MONEY = Annotated[Decimal, BeforeValidator(_plain_amount), Field(ge=0, max_digits=12, decimal_places=2, allow_inf_nan=False)]
FIELD_SIGNED = Annotated[Decimal, BeforeValidator(_plain_amount), Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]

digits = st.text("0123456789", min_size=1, max_size=14)
written = st.builds(lambda sign, whole, point, frac, exp: f"{sign}{whole}{point}{frac}{exp}",
                    st.sampled_from(["", "-", "+"]), digits, st.sampled_from(["", "."]), st.text("0123456789", max_size=5),
                    st.sampled_from(["", "e3", "E-2", "e-5", "e+12"]))
amount = (written | written.map(Decimal) | st.decimals(allow_nan=True, allow_infinity=True)
          | st.integers(-10**13, 10**13) | st.floats() | st.sampled_from(["nan", "-inf", "1_0", " ", "abc", True, None, "-0.00"]))


def _outcome(adapter: TypeAdapter, value):
    try:
        result = adapter.validate_python(value)
    except ValidationError as exc:
        return [(e["type"], e["loc"], e["msg"], e.get("ctx", {}).get("error", e.get("ctx")).__repr__()) for e in exc.errors()]
    return ("accepted", result, result.as_tuple())


@settings(max_examples=1500)
@given(amount)
def test_money_accepts_and_refuses_as_the_field_constraints(value):
    assert _outcome(TypeAdapter(Money), value) == _outcome(TypeAdapter(FIELD_MONEY), value)
    assert _outcome(TypeAdapter(SignedMoney), value) == _outcome(TypeAdapter(FIELD_SIGNED), value)


def test_the_json_schema_of_an_amount_is_unchanged():
    for new, old in ((Money, FIELD_MONEY), (SignedMoney, FIELD_SIGNED)):
        assert TypeAdapter(new).json_schema() == TypeAdapter(old).json_schema()
        assert TypeAdapter(new | None).json_schema() == TypeAdapter(old | None).json_schema()
