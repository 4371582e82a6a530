"""The fact vocabulary, and a case turned into the flat facts that conditions read.

`rulesets/facts.yaml` names every fact with its type and the Dutch question that finds it out.
A fact the case does not give is simply absent from the result: the evaluator reads it as unknown.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .case import EXPONENT_MESSAGE, HOUSEMATE_FIELDS, MAX_HOUSEMATES, Case, Need, written_with_exponent
from .errors import CaseError, Problem, RulesetError
from .yamlsource import SourceError, load_file

FACT_TYPES = ("integer", "money", "date", "text", "enum", "boolean", "list_text", "list_integer")


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str
    label: str
    label_en: str
    question: str
    question_en: str
    values: tuple[str, ...] = ()

    def text(self, lang: str) -> tuple[str, str]:
        return (self.label_en, self.question_en) if lang == "en" else (self.label, self.question)


@dataclass(frozen=True)
class Vocabulary:
    facts: dict[str, FactSpec]
    options: dict[str, dict[str, str]]
    value_labels: dict[str, dict[str, str]]  # lang -> code -> word

    def option_title(self, option: str, lang: str = "nl") -> str:
        spec = self.options.get(option, {})
        return spec.get("title_en" if lang == "en" else "title", option)

    def forms(self, option: str) -> tuple[str, ...]:
        """The options that are the same legal act as `option` in another form (`form_of` in facts.yaml)."""
        return tuple(o for o, spec in self.options.items() if spec.get("form_of") == option)

    def with_forms(self, options: tuple[str, ...]) -> tuple[str, ...]:
        """`options` and every form of them: a rule written for a legal act binds each of its forms."""
        out = list(options)
        for o in options:
            out.extend(f for f in self.forms(o) if f not in out)
        return tuple(out)


_OPTION_KEYS = ("title", "title_en", "form_of")


def load_vocabulary(path: Path) -> Vocabulary:
    try:
        raw = load_file(path)
    except SourceError as exc:
        raise RulesetError([exc.problem]) from None
    problems, facts = [], {}
    for name, spec in (raw.get("facts") or {}).items():
        line = raw["facts"].lines.get(name)
        try:
            if spec["type"] not in FACT_TYPES:
                raise KeyError("type")
            facts[name] = FactSpec(name=name, type=spec["type"], label=spec["label"], label_en=spec["label_en"],
                                   question=spec["question"], question_en=spec["question_en"],
                                   values=tuple(spec.get("values", ())))
        except (KeyError, TypeError) as exc:
            problems.append(Problem(f"feit '{name}' mist of heeft een ongeldig veld {exc}",
                                    f"fact '{name}' lacks or has an invalid field {exc}", file=str(path), line=line))
    options = {}
    for name, spec in (raw.get("options") or {}).items():
        if not isinstance(spec, dict) or "title" not in spec:
            problems.append(Problem(f"optie '{name}' heeft een 'title' nodig", f"option '{name}' needs a 'title'",
                                    file=str(path), line=raw["options"].lines.get(name)))
            continue
        unknown = sorted(str(k) for k in spec if k not in _OPTION_KEYS)
        if unknown:  # e.g. a comma in an unquoted title inside {…}, which YAML reads as the start of a second key
            problems.append(Problem(f"optie '{name}' heeft onbekende velden: {', '.join(unknown)} (een komma in een "
                                    f"titel tussen {{…}}? zet de titel dan tussen aanhalingstekens)",
                                    f"option '{name}' has unknown fields: {', '.join(unknown)} (a comma in a title "
                                    f"inside {{…}}? then quote the title)",
                                    file=str(path), line=raw["options"].lines.get(name)))
            continue
        options[name] = dict(spec)
    for name, spec in options.items():
        act = spec.get("form_of")
        if act is not None and (act not in options or options[act].get("form_of")):
            problems.append(Problem(f"optie '{name}': form_of noemt '{act}', dat geen optie is of zelf een vorm is",
                                    f"option '{name}': form_of names '{act}', which is not an option or is itself a form",
                                    file=str(path), line=raw["options"].lines.get(name)))
    if problems:
        raise RulesetError(problems)
    labels = {lang: dict(words) for lang, words in (raw.get("value_labels") or {}).items()}
    return Vocabulary(facts=facts, options=options, value_labels=labels)


def suggest(name: str, names) -> tuple[str, str]:
    """A likely meant name, as a hint in Dutch and in English ("" and "" when none is close)."""
    hint = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return (f"; bedoelde u '{hint[0]}'?", f"; did you mean '{hint[0]}'?") if hint else ("", "")


def _check_value(spec: FactSpec, value: Any) -> tuple[str, str] | None:
    """What is wrong with `value` for this fact, in Dutch and in English, or None."""
    t = spec.type
    if t == "boolean":
        return None if isinstance(value, bool) else ("moet true of false zijn", "must be true or false")
    if t == "integer":
        return None if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT \
            else (f"moet een geheel getal van 0 tot {MAX_COUNT:,} zijn".replace(",", "."),
                  f"must be a whole number from 0 to {MAX_COUNT:,}")
    if t == "money":  # as the case's own amounts (engine.case.Money)
        if isinstance(value, str) and written_with_exponent(value):  # left as text by _money
            return EXPONENT_MESSAGE
        ok = isinstance(value, (int, Decimal)) and not isinstance(value, bool) and 0 <= value < MAX_AMOUNT \
            and value == Decimal(value).quantize(Decimal("0.01")) and not Decimal(value).is_signed()  # no "-0.00"
        return None if ok else ("moet een bedrag ≥ 0 zijn, met ten hoogste 10 cijfers voor en 2 na de komma",
                                "must be an amount ≥ 0, with at most 10 digits before and 2 after the decimal point")
    if t == "date":
        return None if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else \
            ("moet een datum JJJJ-MM-DD zijn", "must be a date YYYY-MM-DD")
    if t in ("text", "enum"):
        if not isinstance(value, str):
            return "moet tekst zijn", "must be text"
        if spec.values and value not in spec.values:
            allowed = ", ".join(spec.values)
            return f"ongeldige waarde; toegestaan: {allowed}", f"invalid value; allowed: {allowed}"
        return None
    if t in ("list_text", "list_integer"):
        item_type = str if t == "list_text" else int
        if not isinstance(value, list) or not all(isinstance(v, item_type) and not isinstance(v, bool) for v in value):
            return "moet een lijst zijn", "must be a list"
        bad = [str(i) for i, v in enumerate(value, 1) if spec.values and v not in spec.values]
        if not bad:
            return None
        # the places, not the values: a free text there may be anything
        places, allowed = ", ".join(bad[:10]), ", ".join(spec.values)
        return (f"ongeldige waarde op plaats {places}; toegestaan: {allowed}",
                f"invalid value at place {places}; allowed: {allowed}")
    return None


MAX_COUNT = 1_000_000  # a count circumstance: months, years, people
MAX_AMOUNT = Decimal(10) ** 10  # as engine.case.Money: 12 digits, 2 after the point


def _money(value: Any) -> Any:
    """A money circumstance written as a decimal string ("1200.00"), as the case format allows, read exactly."""
    if isinstance(value, str):
        if "_" in value or written_with_exponent(value):  # Decimal reads "1_200" as 1200; an amount is written 1200.00
            return value
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            return value
        return amount if amount.is_finite() else value
    return value


def _date(value: Any) -> Any:
    """A date circumstance written as text ("2025-10-01"), as JSON carries it, read as a date."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


_ZERO = Decimal("0.00")
_INCOME_SOURCES = ("wages", "self_employment", "bijstand", "other_benefit", "alimony", "other")
# Fact names built once, not per case: (field, fact) in the order the facts are written
_INCOME_FACTS = tuple((source, f"income.{source}") for source in _INCOME_SOURCES)
_HOUSEMATE_FACTS = tuple(tuple((key, f"household.housemate_{i}.{key}") for key in HOUSEMATE_FIELDS)
                         for i in range(1, MAX_HOUSEMATES + 1))
_DEBT_FACTS = tuple((key, f"debts.{key}") for key in ("regime", "since", "free_allowance_monthly"))
_NEED_FACTS = tuple((key, f"need.{key}") for key in Need.model_fields if key != "description")


def _money_sum(values) -> Decimal:
    return sum(values, _ZERO)


def case_facts(case: Case, vocabulary: Vocabulary) -> dict[str, Any]:
    """The known facts of `case`, keyed by their vocabulary name. Raises CaseError on bad open fields."""
    problems: list[Problem] = []
    facts: dict[str, Any] = {"case.reference_date": case.reference_date, "case.municipality": case.municipality}

    for i, option in enumerate(case.options):
        if option not in vocabulary.options:
            # the sent value is not repeated (it may be a name); what is allowed is
            allowed, (nl, en) = ", ".join(vocabulary.options), suggest(option, vocabulary.options)
            problems.append(Problem(f"onbekende optie{nl}; toegestaan: {allowed}", f"unknown option{en}; allowed: {allowed}",
                                    field=f"options.{i}"))

    h = case.household
    if h is not None:
        if h.composition is not None:
            facts["household.composition"] = h.composition
        if h.children is not None:
            facts["household.children"] = tuple(h.children)
        if h.cost_sharers is not None:
            facts["household.cost_sharers"] = h.cost_sharers
        if h.housemates is not None:  # one fact per field and place; art. 19a is applied by the rule set
            facts["household.housemates.count"] = len(h.housemates)
            for mate, names in zip(h.housemates, _HOUSEMATE_FACTS):
                for key, name in names:
                    value = getattr(mate, key)
                    if value is not None:
                        facts[name] = value
        for m in h.members or ():
            if m.role in ("applicant", "partner"):
                facts[f"{m.role}.age"] = m.age
                if m.student_finance_possible is not None:
                    facts[f"{m.role}.student_finance_possible"] = m.student_finance_possible

    if case.income is not None:  # an empty list is known: no income
        total, per_source, unsourced = _ZERO, dict.fromkeys(_INCOME_SOURCES, _ZERO), False
        for item in case.income:
            total += item.net_monthly
            if item.source is None:
                unsourced = True
            else:
                per_source[item.source] += item.net_monthly
        facts["income.net_monthly"] = total
        if not unsourced:  # an amount of unknown source: the total is known, no source's share is
            for source, name in _INCOME_FACTS:
                facts[name] = per_source[source]

    for name, value in (("assets", case.assets), ("benefit", case.benefit), ("work", case.work)):
        if value is not None:
            facts[name] = value
    if case.debts is not None:
        for key, name in _DEBT_FACTS:
            value = getattr(case.debts, key)
            if value is not None:
                facts[name] = value
    if case.need is not None:
        for key, name in _NEED_FACTS:  # as model_dump(exclude_none=True), without its cost
            value = getattr(case.need, key)
            if value is not None:
                facts[name] = value
    if case.avoided_costs is not None:
        facts["avoided_costs.per_year"] = _money_sum(a.per_year for a in case.avoided_costs if a.per_year is not None)
        facts["avoided_costs.once"] = _money_sum(a.once for a in case.avoided_costs if a.once is not None)
    if case.assessment is not None and case.assessment.bridge:
        for pillar, score in case.assessment.bridge.items():
            facts[f"assessment.bridge.{pillar}"] = score

    for i, (key, value) in enumerate(case.circumstances.items(), 1):
        name = f"circumstances.{key}"
        spec = vocabulary.facts.get(name)
        if spec is None:  # the key is not repeated (it may be anything); its place and a likely one are
            known = [n.split(".", 1)[1] for n in vocabulary.facts if n.startswith("circumstances.")]
            nl, en = suggest(key, known)
            problems.append(Problem(f"onbekende omstandigheid (sleutel nr. {i}){nl}; "
                                    "de toegestane staan in het casusschema (GET /v1/schema/case)",
                                    f"unknown circumstance (key no. {i}){en}; the allowed ones are in the case schema "
                                    "(GET /v1/schema/case)",
                                    field="circumstances"))
            continue
        if value is None:
            continue  # explicitly unknown
        if value.__class__ is bool and spec.type == "boolean":  # most circumstances: nothing to read or check
            facts[name] = value
            continue
        if spec.type == "money":
            value = _money(value)
        elif spec.type == "date":
            value = _date(value)
        wrong = _check_value(spec, value)
        if wrong:
            problems.append(Problem(*wrong, field=name))
            continue
        facts[name] = tuple(value) if isinstance(value, list) else value

    if problems:
        raise CaseError(problems)
    return facts
