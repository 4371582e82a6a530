"""Errors a user can act on: each names the field, or the file and line, that is wrong.

Messages are Dutch by default with an English twin, so the CLI (exit 2) and the API (422) can
show them in the user's language without a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """One thing wrong with an input: where it is and what is wrong, in Dutch and English."""

    message: str
    message_en: str
    field: str | None = None  # dotted path in a case, e.g. "income.0.net_monthly"
    file: str | None = None
    line: int | None = None
    rule: str | None = None  # rule, route or parameter id in a rule set
    code: str | None = None  # lint diagnostic code (engine/lint.py) for rule-set problems

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.rule:
            parts.append(self.rule)
        if self.field:
            parts.append(self.field)
        return " ".join(parts)

    def render(self, lang: str = "nl") -> str:
        text = self.message_en if lang == "en" else self.message
        where = self.where()
        return f"{where}: {text}" if where else text

    def as_dict(self, lang: str = "nl") -> dict:
        out = {"message": self.message_en if lang == "en" else self.message}
        for key in ("field", "file", "line", "rule"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


class InvalidValue(ValueError):
    """A value a validator refuses, said in Dutch and in English (engine.messages reads both from pydantic's
    error; a plain ValueError would be Dutch in both)."""

    def __init__(self, nl: str, en: str):
        super().__init__(nl)
        self.en = en


@dataclass
class RegelruimteError(Exception):
    """Base of the errors that carry problems for the user."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def render(self, lang: str = "nl") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class CaseError(RegelruimteError):
    """The case is invalid: nothing is evaluated or stored. At most `MAX_PROBLEMS` problems are told, and how
    many more there are: a case of 100,000 bad strings gave an answer of 10 MB."""

    MAX_PROBLEMS = 100

    def __post_init__(self) -> None:
        rest = len(self.problems) - self.MAX_PROBLEMS
        if rest > 0:
            self.problems = [*self.problems[:self.MAX_PROBLEMS],
                             Problem(f"en nog {rest} problemen van dezelfde soort of elders in de casus",
                                     f"and {rest} more problems of the same kind or elsewhere in the case")]
        super().__post_init__()


class RulesetError(RegelruimteError):
    """A rule set is malformed: it is refused whole."""


class NoRulesetInForce(RegelruimteError):
    """No version of a required rule set is in force on the reference date."""


def problem(message: str, message_en: str, **where) -> Problem:
    return Problem(message=message, message_en=message_en, **where)
