from decimal import Decimal

import pytest

from engine.bsn import looks_like_bsn, passes_elfproef
from engine.case import parse_case
from engine.errors import CaseError
from tests.conftest import lasmasker


def test_elfproef():
    assert passes_elfproef("111222333")
    assert passes_elfproef("123456782")
    assert not passes_elfproef("123456789")
    assert passes_elfproef("11222333".zfill(9)) == passes_elfproef("011222333")


@pytest.mark.parametrize("value", ["111222333", "bsn 123456782 van klant", 111222333, "1112.22.333"])
def test_bsn_like_values_are_found(value):
    assert looks_like_bsn(value)


@pytest.mark.parametrize("value", ["123456789", "1720.00", "16428.72", 41, "2025-09-15", "NL91ABNA0417164301"])
def test_ordinary_values_are_not_bsn(value):
    assert not looks_like_bsn(value)


def test_bsn_anywhere_is_refused_without_echoing_it(welding_case):
    welding_case["need"]["description"] = "klant 111222333"
    with pytest.raises(CaseError) as exc:
        parse_case(welding_case)
    assert exc.value.problems[0].field == "need.description"
    assert "111222333" not in exc.value.render()


@pytest.mark.parametrize("mutate, field, fragment", [
    (lambda c: c["income"][0].update(net_monthly="-5"), "income.0.net_monthly", "ten minste 0"),
    (lambda c: c["income"][0].update(net_monthly="12.345"), "income.0.net_monthly", "cijfers achter de komma"),
    (lambda c: c["debts"].update(regime="bankrupt"), "debts.regime", "toegestaan"),
    (lambda c: c.update(reference_date="15-09-2025"), "reference_date", "datum"),
    (lambda c: c.update(reference_date=2025), "reference_date", "datum"),
    (lambda c: c.update(options=[]), "options", "ten minste"),
    (lambda c: c.update(unknown_field=1), "unknown_field", "onbekend veld"),
    (lambda c: c.pop("case_id"), "case_id", "verplicht"),
    (lambda c: c.update(household={"members": [{"role": "applicant", "age": 30}] * 2}), "household", "één lid met role: applicant"),
    (lambda c: c.update(household={"members": [{"role": "partner", "age": 30}] * 2}), "household", "één lid met role: partner"),
])
def test_invalid_fields_are_named_in_dutch(welding_case, mutate, field, fragment):
    mutate(welding_case)
    with pytest.raises(CaseError) as exc:
        parse_case(welding_case)
    assert any(p.field == field and fragment in p.message for p in exc.value.problems), exc.value.render()


def test_money_is_exact(welding_case):
    case = parse_case(welding_case)
    assert str(case.income[0].net_monthly) == "1720.00"


def test_circumstances_nested_absurdly_deep_are_refused_not_a_crash(welding_case):
    value = 1
    for _ in range(300):  # far below the JSON parser's limit, far above the format's (a list of values)
        value = [value]
    welding_case["circumstances"] = {"x": value}
    with pytest.raises(CaseError) as exc:
        parse_case(welding_case)
    assert [p.field for p in exc.value.problems] == ["circumstances"]
    assert "te diep genest" in exc.value.problems[0].message


# Housemates (art. 19a Pw): recorded per person so the rule, not the professional, decides who is a cost sharer.
@pytest.mark.parametrize("mutate, field, fragment", [
    (lambda h: h.update(housemates=[{"age": 30}]), "household", "niet allebei"),
    (lambda h: h.update(cost_sharers=None, housemates=[{"age": 30}] * 7), "household.housemates", "ten hoogste 6"),
    (lambda h: h.update(cost_sharers=None, housemates=[{"age": "dertig"}]), "household.housemates.0.age", "geheel getal"),
    (lambda h: h.update(cost_sharers=None, housemates=[{"age": 30, "close_family": "broer"}]),
     "household.housemates.0.close_family", ""),
    (lambda h: h.update(cost_sharers=None, housemates=[{"age": 30, "landlord": True}]),
     "household.housemates.0.landlord", "onbekend veld"),
])
def test_bad_housemates_are_named(welding_case, mutate, field, fragment):
    mutate(welding_case["household"])
    welding_case["household"] = {k: v for k, v in welding_case["household"].items() if v is not None}
    with pytest.raises(CaseError) as exc:
        parse_case(welding_case)
    assert any(p.field == field and fragment in p.message for p in exc.value.problems), exc.value.render()
    assert "broer" not in exc.value.render() and "dertig" not in exc.value.render()


def test_a_case_may_ask_about_every_option_of_the_vocabulary(registry):
    """The bound on options is there against hostile input, never against a professional who asks
    about everything (it once stood at 20 while the vocabulary grew past it)."""
    from engine.case import MAX_OPTIONS
    every = list(registry.vocabulary.options)
    assert len(every) < MAX_OPTIONS
    case = parse_case({"case_id": "alles", "reference_date": "2026-03-02", "municipality": "zaanstad", "options": every})
    assert len(case.options) == len(every)
    with pytest.raises(CaseError):
        parse_case({"case_id": "te-veel", "reference_date": "2026-03-02", "municipality": "zaanstad",
                    "options": every * (MAX_OPTIONS // len(every) + 1)})


@pytest.mark.parametrize("circumstances, field", [
    ({"home_equity": "\ud800"}, "circumstances.home_equity"),
    ({"urgent_reasons": ["ok", "x\udfff"]}, "circumstances.urgent_reasons.1"),
    ({"a": {"\ud800": 1}}, "circumstances.a"),  # a key: named by its mapping
])
def test_a_lone_surrogate_in_a_circumstance_is_refused_as_in_the_case_own_text(welding_case, circumstances, field):
    # the model refused it in case_id and need.purpose, not in a circumstance: the casebook's digest then failed
    for amount in ("1720.00", Decimal("1720.00")):  # with a Decimal, orjson cannot write the data as it is
        case = dict(welding_case, circumstances=circumstances, need=dict(welding_case["need"], amount=amount))
        with pytest.raises(CaseError) as info:
            parse_case(case)
        assert [(p.field, p.message) for p in info.value.problems] == [(field, "bevat tekens die geen geldige tekst zijn")]



def test_a_case_with_very_many_bad_strings_tells_a_bounded_number_of_problems():
    # 100,000 lone surrogates in a list gave 100,000 problems: an answer of 10 MB
    from engine.errors import CaseError
    with pytest.raises(CaseError) as info:
        parse_case({"case_id": "a", "reference_date": "2026-01-01", "municipality": "zaanstad", "options": ["in_kind"],
                    "circumstances": {"urgent_reasons": ["\ud800"] * 5000}})
    problems = info.value.problems
    assert len(problems) == CaseError.MAX_PROBLEMS + 1
    assert problems[-1].message == f"en nog {5000 - CaseError.MAX_PROBLEMS} problemen van dezelfde soort of elders in de casus"
    assert problems[-1].field is None


@pytest.mark.parametrize("field", ["need.needed_within_days", "household.cost_sharers"])
def test_a_whole_number_too_long_to_read_is_said_in_dutch_at_its_field(field):
    """pydantic's "Unable to parse input string as an integer, exceeded maximum size" reached the user."""
    case = lasmasker()
    section, key = field.split(".")
    case.setdefault(section, {})[key] = "1" * 5000
    with pytest.raises(CaseError) as exc:
        parse_case(case)
    (problem,) = [p for p in exc.value.problems if p.field == field]
    assert problem.message == "moet een geheel getal zijn, en dit getal is te groot"
