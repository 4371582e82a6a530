"""The web form and the public case format, both ways: pure functions, no I/O.

`form_to_case` builds the same case object the API takes; the engine then validates it, so the
form has no rules of its own. An empty field means *unknown* and is left out of the case. Amounts
may be typed the Dutch way ("1.100,00", "€ 1.720"); what cannot be read is passed on as typed, so
the engine names the field (`service.web.amounts` says what to ask back). `case_to_form` is the
inverse, to edit a case again; it writes amounts in Dutch notation.

Form field names follow the case paths: `need.amount`, `income.0.net_monthly`, with
`applicant.age` / `partner.age` for the household members.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable, Mapping, Sequence

from . import amounts

Form = Mapping[str, Sequence[str]]  # every value of each field, as a browser sends them

INCOME_ROWS = 4
AVOIDED_ROWS = 3
PILLARS = ("family_stability", "well_being", "financial_management", "education", "employment")
NEED_FIELDS = ("kind", "purpose", "description", "amount", "needed_within_days", "at_risk", "obligation",
               "duration_months", "expected_earnings_monthly")
NEED_MONEY = {"amount", "expected_earnings_monthly"}
NEED_INTEGER = {"needed_within_days", "duration_months"}
INCOME_FIELDS = ("source", "net_monthly")
HOUSEMATE_ROWS = 4  # the case takes six (engine.case.MAX_HOUSEMATES); the form shows four
HOUSEMATE_FIELDS = ("age", "close_family", "commercial_contract", "student_finance")
AVOIDED_FIELDS = ("item", "per_year", "once")

_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def first(form: Form, name: str) -> str:
    values = form.get(name) or ()
    return values[0].strip() if values else ""


def money(text: str) -> str:
    """'€ 1.100,50' -> '1100.50'; what cannot be read for sure is returned as typed."""
    reading = amounts.read(text)
    return amounts.canonical(reading.value) if reading.kind == "ok" else text.strip()


def dutch_money(value: Any) -> Any:
    """A case amount ('1100.00', 1100) as the form shows it: '1.100,00'; anything else as it is."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    # (a hostile edit could send 1e999999: written out, a million digits)
    return amounts.write(amount) if not isinstance(value, bool) and amount.is_finite() and abs(amount) <= amounts.LIMIT \
        else value


def integer(text: str) -> int | str:
    t = text.strip()
    return int(t) if re.fullmatch(r"-?\d{1,9}", t) else t


def date(text: str) -> str:
    """ISO dates as they are; 15-9-2025 (Dutch order) to 2025-09-15."""
    m = _DUTCH_DATE.match(text.strip())
    return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}" if m else text.strip()


def boolean(text: str) -> bool | str:
    return {"true": True, "false": False}.get(text, text)


def rows(form: Form, prefix: str, fields: Iterable[str], count: int) -> list[int]:
    """The numbers of the repeated rows (income, avoided costs) that have anything filled in."""
    fields = tuple(fields)
    return [i for i in range(count) if any(first(form, f"{prefix}.{i}.{f}") for f in fields)]


def _put(target: dict, key: str, value: Any) -> None:
    if value not in ("", None):
        target[key] = value


def form_to_case(form: Form, circumstances: Mapping[str, str]) -> dict:
    """The case a filled-in form describes. `circumstances` maps each circumstance to its fact type."""
    case: dict[str, Any] = {}
    for key in ("case_id", "reference_date", "municipality"):
        _put(case, key, date(first(form, key)) if key == "reference_date" else first(form, key))

    household: dict[str, Any] = {}
    _put(household, "composition", first(form, "household.composition"))
    members = []
    for role in ("applicant", "partner"):
        age = first(form, f"{role}.age")
        finance = first(form, f"{role}.student_finance_possible")
        if age or finance:
            member: dict[str, Any] = {"role": role}
            _put(member, "age", integer(age) if age else "")
            _put(member, "student_finance_possible", boolean(finance))
            members.append(member)
    if members:
        household["members"] = members
    children = first(form, "household.children")
    if children:
        household["children"] = [integer(c) for c in re.split(r"[,;\s]+", children) if c]
    elif first(form, "children_none"):
        household["children"] = []
    _put(household, "cost_sharers", integer(first(form, "household.cost_sharers")) if first(form, "household.cost_sharers") else "")
    housemates = []
    for i in rows(form, "household.housemates", HOUSEMATE_FIELDS, HOUSEMATE_ROWS):
        mate: dict[str, Any] = {}
        for key in HOUSEMATE_FIELDS:
            text = first(form, f"household.housemates.{i}.{key}")
            _put(mate, key, (integer(text) if key == "age" else boolean(text)) if text else "")
        housemates.append(mate)
    if housemates:
        household["housemates"] = housemates
    if household:
        case["household"] = household

    income = []
    for i in rows(form, "income", INCOME_FIELDS, INCOME_ROWS):
        line: dict[str, Any] = {}
        _put(line, "source", first(form, f"income.{i}.source"))
        _put(line, "net_monthly", money(first(form, f"income.{i}.net_monthly")))
        income.append(line)
    if income:
        case["income"] = income
    elif first(form, "income_none"):
        case["income"] = []

    _put(case, "assets", money(first(form, "assets")))
    debts: dict[str, Any] = {}
    _put(debts, "regime", first(form, "debts.regime"))
    _put(debts, "since", date(first(form, "debts.since")))
    _put(debts, "free_allowance_monthly", money(first(form, "debts.free_allowance_monthly")))
    if debts:
        case["debts"] = debts
    _put(case, "benefit", first(form, "benefit"))
    _put(case, "work", first(form, "work"))

    need: dict[str, Any] = {}
    for key in NEED_FIELDS:
        text = first(form, f"need.{key}")
        if text:
            need[key] = money(text) if key in NEED_MONEY else integer(text) if key in NEED_INTEGER else text
    if need:
        case["need"] = need

    case["options"] = [o.strip() for o in form.get("options", ()) if o.strip()]

    found: dict[str, Any] = {}
    for name, kind in circumstances.items():
        values = [v for v in form.get(f"circumstances.{name}", ()) if v.strip()]
        if not values:
            continue
        found[name] = list(values) if kind.startswith("list_") else money(values[0]) if kind == "money" \
            else date(values[0]) if kind == "date" else integer(values[0]) if kind == "integer" else boolean(values[0])
    if found:
        case["circumstances"] = found

    bridge = {p: integer(first(form, f"assessment.bridge.{p}")) for p in PILLARS if first(form, f"assessment.bridge.{p}")}
    if bridge:
        case["assessment"] = {"bridge": bridge}

    avoided = []
    for i in rows(form, "avoided_costs", AVOIDED_FIELDS, AVOIDED_ROWS):
        item: dict[str, Any] = {}
        _put(item, "item", first(form, f"avoided_costs.{i}.item"))
        _put(item, "per_year", money(first(form, f"avoided_costs.{i}.per_year")))
        _put(item, "once", money(first(form, f"avoided_costs.{i}.once")))
        avoided.append(item)
    if avoided:
        case["avoided_costs"] = avoided
    return case


def case_to_form(case: Mapping[str, Any], circumstances: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """The form values that describe `case` (what the form cannot hold is left out)."""
    form: dict[str, list[str]] = {}

    def put(name: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            value = "true" if value else "false"
        form[name] = [str(value)]

    for key in ("case_id", "reference_date", "municipality", "benefit", "work"):
        put(key, case.get(key))
    if case.get("assets") is not None:
        put("assets", dutch_money(case["assets"]))
    household = case.get("household") or {}
    put("household.composition", household.get("composition"))
    put("household.cost_sharers", household.get("cost_sharers"))
    for i, mate in enumerate((household.get("housemates") or [])[:HOUSEMATE_ROWS]):
        for key in HOUSEMATE_FIELDS:
            put(f"household.housemates.{i}.{key}", mate.get(key))
    for m in household.get("members") or ():
        if m.get("role") in ("applicant", "partner"):
            put(f"{m['role']}.age", m.get("age"))
            put(f"{m['role']}.student_finance_possible", m.get("student_finance_possible"))
    children = household.get("children")
    if children:
        put("household.children", ", ".join(str(c) for c in children))
    elif children == []:
        put("children_none", "on")
    income = case.get("income")
    if income == []:
        put("income_none", "on")
    for i, line in enumerate((income or [])[:INCOME_ROWS]):
        for f in INCOME_FIELDS:
            put(f"income.{i}.{f}", dutch_money(line[f]) if f == "net_monthly" and f in line else line.get(f))
    for key, value in (case.get("debts") or {}).items():
        put(f"debts.{key}", dutch_money(value) if key == "free_allowance_monthly" else value)
    for key, value in (case.get("need") or {}).items():
        put(f"need.{key}", dutch_money(value) if key in NEED_MONEY else value)
    if case.get("options"):
        form["options"] = [str(o) for o in case["options"]]
    for name, value in (case.get("circumstances") or {}).items():
        if isinstance(value, list):
            form[f"circumstances.{name}"] = [str(v) for v in value]
        else:  # an amount in Dutch notation, as typed (`circumstances` maps each to its fact type)
            put(f"circumstances.{name}", dutch_money(value) if (circumstances or {}).get(name) == "money" else value)
    for pillar, score in ((case.get("assessment") or {}).get("bridge") or {}).items():
        put(f"assessment.bridge.{pillar}", score)
    for i, item in enumerate((case.get("avoided_costs") or [])[:AVOIDED_ROWS]):
        for f in AVOIDED_FIELDS:
            put(f"avoided_costs.{i}.{f}", dutch_money(item[f]) if f != "item" and f in item else item.get(f))
    return form


def form_field(path: str | None, case: Mapping[str, Any], form: Form) -> str | None:
    """The form field where the problem at case path `path` was typed, if the form has one."""
    if not path:
        return None
    parts = path.split(".")
    if parts[:2] == ["household", "members"] and len(parts) >= 3 and parts[2].isdigit():
        members = (case.get("household") or {}).get("members") or []
        i = int(parts[2])
        if i < len(members) and members[i].get("role") in ("applicant", "partner"):
            return f"{members[i]['role']}.{parts[3] if len(parts) > 3 else 'age'}"
        return None
    if parts[:2] == ["household", "housemates"] and len(parts) >= 3 and parts[2].isdigit():
        kept = rows(form, "household.housemates", HOUSEMATE_FIELDS, HOUSEMATE_ROWS)
        i = int(parts[2])
        return f"household.housemates.{kept[i]}.{parts[3] if len(parts) > 3 else 'age'}" if i < len(kept) else None
    for prefix, fields, count in (("income", INCOME_FIELDS, INCOME_ROWS),
                                  ("avoided_costs", AVOIDED_FIELDS, AVOIDED_ROWS)):
        if parts[0] == prefix and len(parts) >= 2 and parts[1].isdigit():
            kept = rows(form, prefix, fields, count)
            i = int(parts[1])
            if i >= len(kept):
                return None
            return f"{prefix}.{kept[i]}.{parts[2] if len(parts) > 2 else fields[-1]}"
    if parts[0] in ("options", "household") and len(parts) >= 2 and parts[-1].isdigit():
        return ".".join(parts[:-1])
    if parts[0] == "assessment":
        return ".".join(parts[:3]) if len(parts) >= 3 else None
    return path
