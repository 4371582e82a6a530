"""The public case format (see ../shared/cases/README.md), validated with pydantic.

An absent field is *unknown*: every field but the identification, the date, the municipality and
the options is optional, and None means "not known", never zero or false.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Iterator, Literal

import orjson
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from pydantic._internal._validators import (decimal_places_validator, forbid_inf_nan_check,
                                            greater_than_or_equal_validator, max_digits_validator)
from pydantic_core import PydanticKnownError

from .bsn import MESSAGE as BSN_MESSAGE, as_json, bsn_paths, contains_bsn
from .errors import CaseError, InvalidValue, Problem
from .messages import problems_from_validation
from .yamlsource import line_of, line_of_field, shown_field



# An amount typed with an exponent ("1112223.33e2"): Decimal reads 111222333, while the BSN guard reads the
# text, where the cents end the number (7 digits). Nobody types an amount that way, so money given as text
# is refused with one (docs/decisions/0031-bsn-in-any-spelling.md); a JSON or YAML *number* is a value, which
# the guard weighs as such.
_EXPONENT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+\s*")
EXPONENT_MESSAGE = ('schrijf het bedrag zonder e-notatie, bijvoorbeeld "1100.00"',
                    'write the amount without an exponent (e-notation), e.g. "1100.00"')


def written_with_exponent(text: str) -> bool:
    """Whether `text` is a number in exponent notation ("1e5", "1112223.33e2", "11122233.30E1")."""
    return ("e" in text or "E" in text) and _EXPONENT.fullmatch(text) is not None


def _plain_amount(v: Any) -> Any:
    # "1_100.00" would be read as 1100.00 by Decimal: an amount is written 1100.00, nothing else
    if isinstance(v, str) and ("_" in v or not v.strip()):
        raise InvalidValue('geen geldig bedrag; schrijf bv. "1100.00" (zonder _ of spaties)',
                           'not a valid amount; write e.g. "1100.00" (without _ or spaces)')
    if isinstance(v, str) and written_with_exponent(v):
        raise InvalidValue(*EXPONENT_MESSAGE)
    if isinstance(v, str) and not v.isascii():  # Decimal reads "١٢٣" and "１２３" as 123: an amount is in 0-9
        raise InvalidValue('geen geldig bedrag; schrijf het met de cijfers 0-9, bv. "1100.00"',
                           'not a valid amount; write it with the digits 0-9, e.g. "1100.00"')
    if isinstance(v, bool):
        raise InvalidValue('geen geldig bedrag; schrijf bv. "1100.00"', 'not a valid amount; write e.g. "1100.00"')
    return v


def _no_bool(v: Any) -> Any:
    if isinstance(v, bool):  # true is not 1
        raise InvalidValue("moet een geheel getal zijn", "must be a whole number")
    return v


def _amount_in_bounds(signed: bool):
    """The checks of Field([ge=0,] max_digits=12, decimal_places=2, allow_inf_nan=False) behind a
    BeforeValidator, which pydantic then runs as four Python calls, two of them taking the digits
    apart: here one call, and pydantic's own four, in its order, only where an amount is not plainly
    within bounds, so a refusal is word for word the same (tests/engine/test_case_amounts.py).

    One difference: a zero with a minus ("-0", "-0.00") is refused where a negative amount is, as a
    negative amount (the minus is a typing or export error there, and ge=0 let it through), and is zero
    without a sign where negatives are allowed, so "-0.00" is never shown (docs/decisions/0031-bsn-in-any-spelling.md)."""
    def check(x: Decimal) -> Decimal:
        sign, digits, exponent = x.as_tuple()
        # finite, at most 2 decimals and 10 digits before the point (so at most 12 in all)
        if type(exponent) is int and -2 <= exponent <= 0 and len(digits) + exponent <= 10 and (signed or not sign):
            return x.copy_abs() if sign and not x else x
        if not signed:
            x = greater_than_or_equal_validator(x, 0)
            if sign and not x.is_nan():  # -0: what greater_than_or_equal_validator says of -1
                raise PydanticKnownError("greater_than_equal", {"ge": 0})
        x = decimal_places_validator(max_digits_validator(forbid_inf_nan_check(x), 12), 2, 12)
        if type(exponent) is int and exponent > 0:  # a JSON number 1e3 is the amount 1000, not shown as "1E+3"
            x = x.quantize(_WHOLE_EUROS)
        return x.copy_abs() if sign and not x else x
    return check


_WHOLE_EUROS = Decimal(1)
# what the Field constraints wrote into the JSON schema of the case format (GET /v1/schema/case)
_AMOUNT_SCHEMA = {"max_digits": 12, "decimal_places": 2}
Money = Annotated[Decimal, BeforeValidator(_plain_amount), AfterValidator(_amount_in_bounds(signed=False)),
                  Field(json_schema_extra={"ge": 0, **_AMOUNT_SCHEMA})]
SignedMoney = Annotated[Decimal, BeforeValidator(_plain_amount), AfterValidator(_amount_in_bounds(signed=True)),
                        Field(json_schema_extra=_AMOUNT_SCHEMA)]
Count = Annotated[int, BeforeValidator(_no_bool)]

Composition = Literal["single", "single_parent", "couple"]
IncomeSource = Literal["wages", "self_employment", "bijstand", "other_benefit", "alimony", "other"]
DebtRegime = Literal["none", "amicable", "wsnp", "protective_administration"]
Benefit = Literal["none", "bijstand", "bbz", "other"]
Work = Literal["employed", "unemployed", "self_employed", "student", "unable"]
NeedKind = Literal["one_off_cost", "income_support", "exemption", "earn_extra", "start_business", "keep_gift"]
Obligation = Literal["job_search", "cooperation", "unpaid_work"]

# A municipality slug (zaanstad, den-haag): the case format's rule, shared with the API's query parameters.
MUNICIPALITY_PATTERN = r"^[a-z][a-z0-9-]*$"
MUNICIPALITY_MIN, MUNICIPALITY_MAX = 2, 60

# A circumstance is a value or a list of values; this is far beyond that, and far below the depth at
# which serialising the case (the casebook stores and digests it) would overflow the stack.
MAX_CIRCUMSTANCE_DEPTH = 10
# The vocabulary has some 30 circumstances; a key is a fact name. Beyond these, a body of unknown
# keys only costs work and answers (docs/decisions/0010-input-limits.md).
MAX_CIRCUMSTANCES = 100
# Options one case may ask about: every option of the vocabulary (some 30) with room to grow; a bound
# because each costs an evaluation (tests/engine/test_case.py holds it above the vocabulary's count).
MAX_OPTIONS = 60
# A household's lists: far beyond any household (the largest families have some 20 children), far below what costs
# work. Unbounded, a 4 MB body of 100,000 income items took 0.7 s to decide, and a sum of many 10-digit amounts
# could leave the range the what-if's columns compute in exactly (docs/decisions/0010-input-limits.md).
MAX_MEMBERS = 40
MAX_INCOME_ITEMS = 50
MAX_AVOIDED_COSTS = 50
CIRCUMSTANCE_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
# A number in a circumstance is an amount or a count: at most 10 digits before the point and 2 after,
# as the case's own amounts (Money), so the casebook can store it and a sum cannot overflow.
MAX_CIRCUMSTANCE_NUMBER = Decimal(10) ** 10


def is_municipality(text: str) -> bool:
    # fullmatch: with re.match, "$" would also accept a trailing newline
    return MUNICIPALITY_MIN <= len(text) <= MUNICIPALITY_MAX and re.fullmatch(MUNICIPALITY_PATTERN, text) is not None


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 0)]  # no recursion: the data may be nested hundreds of levels deep
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return False


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_numbers_as_dates(v: Any) -> Any:
    # a date is a date: not a Unix timestamp (pydantic reads "1700000000" as one), not a date and time
    if isinstance(v, (int, float, Decimal, dt.datetime)) or (
            isinstance(v, str) and not _DATE.fullmatch(v)):
        raise InvalidValue("geen geldige datum; schrijf JJJJ-MM-DD", "not a valid date; write YYYY-MM-DD")
    return v


def _bad_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if isinstance(value, float) or (isinstance(value, Decimal) and not value.is_finite()):
        return True
    if not -MAX_CIRCUMSTANCE_NUMBER < value < MAX_CIRCUMSTANCE_NUMBER:  # (abs() would round, and overflow)
        return True
    return isinstance(value, Decimal) and value != value.quantize(Decimal("0.01"))


# Circumstance values as nearly every case gives them: no depth and no number to check (a list of them
# is two levels deep).
_PLAIN = frozenset({type(None), bool, str})
# Every key at once: the keys joined by a newline, which no key holds where there is one fewer than keys.
_CIRCUMSTANCE_KEYS = re.compile(r"(?:[a-z][a-z0-9_]{0,59}\n)*[a-z][a-z0-9_]{0,59}")


def _plain(v: dict[str, Any]) -> bool:
    """Whether every key is a good name and every value None, true/false, text, a list of those or a
    count within bounds: what `_circumstance_problem` accepts without its walks
    (tests/engine/test_case_circumstances.py)."""
    if not v:
        return True
    try:
        joined = "\n".join(v)
    except TypeError:  # a key that is not text
        return False
    if joined.count("\n") != len(v) - 1 or not _CIRCUMSTANCE_KEYS.fullmatch(joined):
        return False
    for value in v.values():
        kind = type(value)
        if kind is list:
            if not _PLAIN.issuperset(map(type, value)):
                return False
        elif kind is int:  # a count: only its size to check
            if not -MAX_CIRCUMSTANCE_NUMBER < value < MAX_CIRCUMSTANCE_NUMBER:
                return False
        elif kind not in _PLAIN:
            return False
    return True


def _circumstance_problem(v: dict[str, Any]) -> InvalidValue | None:
    if len(v) > MAX_CIRCUMSTANCES:
        return InvalidValue(f"te veel omstandigheden (ten hoogste {MAX_CIRCUMSTANCES})",
                            f"too many circumstances (at most {MAX_CIRCUMSTANCES})")
    return None if _plain(v) else _walked_problem(v)


def _walked_problem(v: dict[str, Any]) -> InvalidValue | None:
    for i, key in enumerate(v, 1):
        if not isinstance(key, str) or not CIRCUMSTANCE_KEY.fullmatch(key):
            # the key is not repeated: it may be anything the sender typed
            return InvalidValue(f"sleutel nr. {i} is geen naam van een omstandigheid "
                                "(kleine letters, cijfers en _, ten hoogste 60 tekens; zie het casusschema)",
                                f"key no. {i} is not the name of a circumstance "
                                "(lower-case letters, digits and _, at most 60 characters; see the case schema)")
    if _deeper_than(v, MAX_CIRCUMSTANCE_DEPTH):
        return InvalidValue(f"te diep genest (ten hoogste {MAX_CIRCUMSTANCE_DEPTH} niveaus)",
                            f"nested too deeply (at most {MAX_CIRCUMSTANCE_DEPTH} levels)")
    stack = list(v.values())
    while stack:
        value = stack.pop()
        if isinstance(value, (dict, list)):
            stack.extend(value.values() if isinstance(value, dict) else value)
        elif _bad_number(value):
            return InvalidValue("een getal is te groot of te precies (ten hoogste 10 cijfers voor en 2 na de komma)",
                                "a number is too large or too precise (at most 10 digits before and 2 after the point)")
    return None


class Member(Part):
    role: Literal["applicant", "partner", "child", "other"]
    age: Count = Field(ge=0, le=130)
    student_finance_possible: bool | None = None


# Slots, not a list the rule iterates: the columnar evaluator (whatif) compiles every condition to
# Polars, which has no records in lists (docs/decisions/0014-schuldhulp-kwijtschelding-kostendelers.md).
MAX_HOUSEMATES = 6
HOUSEMATE_FIELDS = ("age", "close_family", "commercial_contract", "student_finance")


class Housemate(Part):
    """Someone else with the main residence in the home (not the partner, not a dependent child): what
    art. 19a Pw asks to tell a cost sharer from a tenant, lodger or student. The rule decides; an absent
    field is unknown."""

    age: Count | None = Field(default=None, ge=0, le=130)  # absent: unknown, asked (not a refusal of the case)
    close_family: bool | None = None  # blood relative or in-law in the first or second degree
    commercial_contract: bool | None = None  # written contract at a commercial price (rent, sublet, board)
    student_finance: bool | None = None  # in education with a right to student finance (WSF 2000, WTOS, BBL)


class Household(Part):
    composition: Composition | None = None
    members: list[Member] | None = Field(default=None, max_length=MAX_MEMBERS)
    children: list[Annotated[Count, Field(ge=0, le=30)]] | None = Field(default=None, max_length=MAX_MEMBERS)
    cost_sharers: Count | None = Field(default=None, ge=0, le=20)
    housemates: list[Housemate] | None = Field(default=None, max_length=MAX_HOUSEMATES)

    @model_validator(mode="after")
    def _one_applicant(self):
        if self.cost_sharers is not None and self.housemates is not None:
            # two answers to one question could disagree; the list lets the rule count
            raise InvalidValue("geef de medebewoners (housemates) of het aantal kostendelers (cost_sharers), niet allebei",
                               "give the housemates or the number of cost sharers (cost_sharers), not both")
        roles = [m.role for m in self.members or ()]
        if roles.count("applicant") > 1:
            raise InvalidValue("er kan maar één lid met role: applicant zijn", "there can be only one member with role: applicant")
        if roles.count("partner") > 1:
            raise InvalidValue("er kan maar één lid met role: partner zijn", "there can be only one member with role: partner")
        return self


class IncomeItem(Part):
    # absent: the source is unknown (only the total is known); the total counts, each source's share is
    # unknown and asked where a rule reads it (engine.facts.case_facts; decision record 0040)
    source: IncomeSource | None = None
    net_monthly: Money


class Debts(Part):
    regime: DebtRegime | None = None
    since: dt.date | None = None
    free_allowance_monthly: Money | None = None

    _since = field_validator("since", mode="before")(_no_numbers_as_dates)


class Need(Part):
    kind: NeedKind
    purpose: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    amount: Money | None = None
    needed_within_days: Count | None = Field(default=None, ge=0, le=3650)
    at_risk: str | None = Field(default=None, max_length=100)
    obligation: Obligation | None = None
    duration_months: Count | None = Field(default=None, ge=1, le=120)
    expected_earnings_monthly: Money | None = None


class AvoidedCost(Part):
    item: str = Field(min_length=1, max_length=200)
    per_year: Money | None = None
    once: Money | None = None

    @model_validator(mode="after")
    def _some_amount(self):
        if self.per_year is None and self.once is None:
            raise InvalidValue("geef per_year of once", "give per_year or once")
        return self


class Assessment(Part):
    bridge: dict[Literal["family_stability", "well_being", "financial_management", "education", "employment"],
                 Annotated[Count, Field(ge=1, le=5)]] | None = None


class Case(Part):
    case_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    reference_date: dt.date
    municipality: str = Field(min_length=MUNICIPALITY_MIN, max_length=MUNICIPALITY_MAX, pattern=MUNICIPALITY_PATTERN)
    household: Household | None = None
    income: list[IncomeItem] | None = Field(default=None, max_length=MAX_INCOME_ITEMS)
    assets: SignedMoney | None = None
    debts: Debts | None = None
    benefit: Benefit | None = None
    work: Work | None = None
    need: Need | None = None
    options: list[Annotated[str, Field(max_length=60)]] = Field(min_length=1, max_length=MAX_OPTIONS)
    circumstances: dict[str, Any] = Field(default_factory=dict)
    assessment: Assessment | None = None
    avoided_costs: list[AvoidedCost] | None = Field(default=None, max_length=MAX_AVOIDED_COSTS)

    _date = field_validator("reference_date", mode="before")(_no_numbers_as_dates)

    @field_validator("circumstances")
    @classmethod
    def _bounded(cls, v: dict[str, Any]) -> dict[str, Any]:
        problem = _circumstance_problem(v)
        if problem:
            raise problem
        return v

    @field_validator("options")
    @classmethod
    def _unique(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise InvalidValue("een optie staat er meer dan eens in", "an option is given more than once")
        return v


NUL_MESSAGE = ("bevat een NUL-teken (\\0); dat hoort niet in tekst", "contains a NUL character (\\0), which text cannot hold")


INVALID_TEXT = ("bevat tekens die geen geldige tekst zijn", "contains characters that are not valid text")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_nul(text: str) -> bool:
    return "\x00" in text


def has_lone_surrogate(text: str) -> bool:
    # a lone surrogate (JSON's "\ud800") is no text: orjson, UTF-8 and so the casebook's digest and database
    # cannot hold it (ASCII, as nearly every string is, is told in C)
    return not text.isascii() and _SURROGATE.search(text) is not None


def nul_paths(data: Any, bad=_has_nul) -> Iterator[str]:
    """Dotted paths of the strings (values or keys) in `data` with a NUL character, which PostgreSQL
    cannot store in text and no one types (without recursion: the data may be deep); with `bad`, of the
    strings it holds to be bad. A bad key is named by the path of its mapping."""
    stack = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if isinstance(key, str) and bad(key):
                    yield path or "(root)"
                    continue
                stack.append((child, f"{path}.{key}" if path else str(key)))
        elif isinstance(value, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(value))
        elif isinstance(value, str) and bad(value):
            yield path or "(root)"


def surrogate_paths(data: Any) -> Iterator[str]:
    """Dotted paths of the strings (values or keys) in `data` with a lone surrogate."""
    return nul_paths(data, has_lone_surrogate)


def _decimal_as_text(value: Any) -> str:
    if type(value) is Decimal:
        return str(value)  # digits, a point, a sign, an exponent: no NUL, no surrogate
    raise TypeError  # anything else JSON cannot write (a set, a key that is no text): the walks decide


def _as_json_with_decimals(data: Any) -> bytes | None:
    """`data` written as JSON with its Decimals as text, for the NUL and surrogate checks; None where
    orjson cannot write it otherwise (a lone surrogate among them)."""
    try:
        return orjson.dumps(data, default=_decimal_as_text)
    except TypeError:
        return None


def parse_case(data: Any, file: str | None = None) -> Case:
    """Validate raw case data; raise CaseError naming every wrong field (and its line)."""
    if not isinstance(data, dict):
        raise CaseError([Problem("een casus is een object met velden als case_id en options",
                                 "a case is an object with fields such as case_id and options", file=file)])
    written = as_json(data)
    bsn = sorted(set(bsn_paths(data))) if contains_bsn(data, written) else ()
    if bsn:
        raise CaseError([Problem(*BSN_MESSAGE, field=path, file=file, line=line_of_field(data, path)) for path in bsn])
    # JSON writes a NUL as \u0000: where the written data has none, no string holds one; and it cannot write
    # a lone surrogate. Data with amounts read as Decimals is written with them as text for this: one pass in C
    # rather than a walk over the case (each walk ~10 µs)
    texts = written if written is not None else _as_json_with_decimals(data)
    nul = sorted(set(nul_paths(data))) if texts is None or b"\\u0000" in texts else ()
    if nul:
        raise CaseError([Problem(NUL_MESSAGE[0], NUL_MESSAGE[1], field=shown_field(path), file=file,
                                 line=line_of_field(data, path)) for path in nul])
    # nor a lone surrogate, which the model refuses in its own text fields but not in a circumstance, and
    # which made the casebook's digest fail (a 500, an import stopped) before anything was evaluated
    odd = sorted(set(surrogate_paths(data))) if texts is None else ()
    if odd:
        raise CaseError([Problem(*INVALID_TEXT, field=shown_field(path), file=file, line=line_of_field(data, path))
                         for path in odd])
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(problems_from_validation(exc.errors(), file=file,
                                                 line_of=lambda loc: line_of(data, loc))) from None
