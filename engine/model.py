"""The rule-set format: what a rule-set file may contain, validated with pydantic.

A rule set is a folder per law or municipality with a `ruleset.yaml` and one folder per version,
named by its `valid_from` date. Each version folder holds YAML files with `parameters`, `rules`,
`routes` and `presumptions`; a later version inherits everything from the one before and only
states what changed (as an amending law does), plus `removed` for what it repeals.

Figures may instead live as time series in `parameters/<group>.yaml` next to the version folders
(`FigureFile`): each figure once, with its values by date and a source per value (ADR 0023).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
SLUG = r"^[a-z][a-z0-9_-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where a rule comes from: the article of a law, or a municipal regulation (CVDR)."""

    law: str = Field(min_length=1, description="Name of the law or of the municipal regulation")
    article: str | None = None
    paragraph: str | None = None  # lid
    onderdeel: str | None = None
    url: str | None = None
    quote: str | None = None  # the words of the article that carry the rule
    case_law: tuple[str, ...] = ()  # ECLI numbers
    note: str | None = None

    @field_validator("article", "paragraph", "onderdeel", mode="before")
    @classmethod
    def _as_text(cls, v):
        return None if v is None else str(v)

    @field_validator("url")
    @classmethod
    def _url(cls, v):
        if v is not None and not v.startswith("https://"):
            raise ValueError("een bron-URL begint met https://")
        return v

    def cite(self, lang: str = "nl") -> str:
        """'Participatiewet art. 9 lid 2 onderdeel a' (or the English equivalent)."""
        words = {"nl": ("art.", "lid", "onderdeel"), "en": ("art.", "para.", "point")}[lang]
        parts = [self.law]
        if self.article:
            parts.append(f"{words[0]} {self.article}")
        if self.paragraph:
            parts.append(f"{words[1]} {self.paragraph}")
        if self.onderdeel:
            parts.append(f"{words[2]} {self.onderdeel}")
        return " ".join(parts)

    def public(self) -> dict:
        out = {"law": self.law}
        for key in ("article", "paragraph", "onderdeel", "url"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.case_law:
            out["case_law"] = list(self.case_law)
        return out


Confidence = Literal["law", "assessment"]


Unit = Literal["EUR", "EUR/maand", "EUR/jaar", "factor", "jaar", "maanden", "dagen", "aantal"]
FigureValueType = Decimal | int | bool | None  # None: an open term whose value is not known (never guessed)
PARAMETER_NAME = r"^[a-z][a-z0-9_]*$"


def _parameter_names(names):
    for name in names:
        if not re.match(PARAMETER_NAME, name):
            raise ValueError(f"parameternaam '{name}' mag alleen kleine letters, cijfers en _ bevatten")
    return names


class Parameter(Strict):
    """A figure as a version computes with it (from a version folder, or a series' value in force)."""

    title: str
    title_en: str | None = None
    unit: Unit
    value: FigureValueType
    source: Source
    verified: bool = True
    note: str | None = None
    # The least value the term can take by law (a municipal income limit is never below 100% of the norm,
    # an asset limit never below 0). Rules use it to decide a case for every value an open term can take.
    minimum: Decimal | None = None
    maximum: Decimal | None = None  # a bound the law sets on an open term (kwijtschelding: at most 100%)
    # false: an amount that no indexation changes (the € 1.200 of the text of Pw art. 31 lid 2 onder m, the bound
    # of an indexed figure): never stale past the horizon, so it makes no status provisional (legal audit D-48)
    indexed: bool = True

    @model_validator(mode="after")
    def _open_term(self):
        if self.value is None and self.verified:
            raise ValueError("een parameter zonder waarde (open norm) heeft verified: false en een note over wat ontbreekt")
        if self.minimum is not None and isinstance(self.value, (int, Decimal)) and not isinstance(self.value, bool) \
                and self.value < self.minimum:
            raise ValueError(f"de waarde ligt onder het wettelijke minimum ({self.minimum})")
        if self.maximum is not None and isinstance(self.value, (int, Decimal)) and not isinstance(self.value, bool) \
                and self.value > self.maximum:
            raise ValueError(f"de waarde ligt boven het wettelijke maximum ({self.maximum})")
        return self


class Presumption(Strict):
    """The ordinary situation presumed for a fact the case does not give (overridable)."""

    fact: str
    value: bool | str | int
    title: str
    title_en: str | None = None
    source: Source


class LeadTime(Strict):
    days: int | None = Field(default=None, ge=0)
    basis: str  # where the figure comes from, or why there is none
    basis_en: str | None = None
    verified: bool = False
    # the days are the law's maximum ("binnen vier weken", "maximaal acht weken"), not an expected duration: at or
    # below the days available the route is in time; above them it may still be in time (legal audit D-79)
    maximum: bool = False

    @model_validator(mode="after")
    def _maximum_is_law(self):
        if self.maximum and (self.days is None or not self.verified):
            raise ValueError("lead_time.maximum vraagt days en verified: true (een termijn die de wet stelt)")
        return self


class Amount(Strict):
    title: str
    title_en: str | None = None
    unit: Literal["EUR", "EUR/maand", "EUR/jaar", "maanden", "factor"]
    value: str  # an expression


class AmountOf(Strict):
    """On a derive rule: its fact is an amount the decision shows, with how it was computed (ADR 0015).

    The steps come from the derive rules it reads; the title and source are the rule's own."""

    unit: Literal["EUR", "EUR/maand", "EUR/jaar"]
    applies_to: tuple[str, ...] = Field(min_length=1)  # shown when the case asks about one of these options
    when: str | None = None  # and also when this holds (e.g. the household already receives bijstand)


class Rule(Strict):
    id: str = Field(pattern=ID)
    kind: Literal["block", "ground", "derive"]
    title: str = Field(min_length=3)
    title_en: str | None = None
    source: Source
    confidence: Confidence = "law"
    verified: bool = True
    applies_to: tuple[str, ...] = ()  # options (block, ground)
    when: str | None = None  # condition; a block or ground without one always holds (not for derive)
    fact: str | None = None  # derive: the name it defines, "<ruleset>.<name>"
    value: str | None = None  # derive: the expression
    reason: str | None = None  # Dutch sentence, {fact} placeholders
    reason_en: str | None = None
    tags: tuple[str, ...] = ()
    # block: a power to refuse ("het college kan weigeren"), not a prohibition. It is shown as a block the
    # professional can argue against, and lint requires a route that lifts it without conditions.
    discretionary: bool = False
    overrides: tuple[str, ...] = ()  # ground: statutory exception that sets these blocks aside
    conditions: tuple[str, ...] = ()  # ground: what must still hold (Dutch)
    conditions_en: tuple[str, ...] = ()
    amounts: dict[str, Amount] = Field(default_factory=dict)
    # derive: how the value is computed, in words (a step of an amount shows it); `amount` makes the fact an amount
    formula: str | None = None
    formula_en: str | None = None
    amount: AmountOf | None = None
    # derive: a check on the case itself (its facts contradict the law, e.g. a Wsnp older than the law allows).
    # When the value is true the decision carries `reason` as a warning (code `case_inconsistent`, decision
    # record 0036); the rules that depend on it read the fact as any other.
    warning: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self):
        if self.warning and (self.kind != "derive" or not self.reason):
            raise ValueError("'warning' hoort bij een 'derive'-regel met een 'reason' (de tekst van de waarschuwing)")
        if self.kind == "derive":
            if not self.fact or not self.value:
                raise ValueError("een 'derive'-regel heeft 'fact' en 'value' nodig")
            if self.applies_to or self.overrides or self.when:
                raise ValueError("een 'derive'-regel heeft geen 'applies_to', 'overrides' of 'when' (schrijf 'a if b else c' in 'value')")
        else:
            if not self.applies_to:
                raise ValueError(f"een '{self.kind}'-regel noemt in 'applies_to' de opties waarop hij werkt")
            if not self.reason:
                raise ValueError(f"een '{self.kind}'-regel heeft een Nederlandse 'reason' nodig")
            if self.fact or self.value:
                raise ValueError("'fact' en 'value' horen alleen bij een 'derive'-regel")
        if self.discretionary and self.kind != "block":
            raise ValueError("'discretionary' hoort alleen bij een 'block'-regel (een bevoegdheid om te weigeren)")
        if self.kind != "ground" and (self.overrides or self.conditions or self.amounts):
            raise ValueError("'overrides', 'conditions' en 'amounts' horen alleen bij een 'ground'-regel")
        if self.kind != "derive" and (self.formula or self.formula_en or self.amount):
            raise ValueError("'formula' en 'amount' horen alleen bij een 'derive'-regel")
        return self


class Route(Strict):
    """An exemption ground or custom instrument that can lift named blocks."""

    id: str = Field(pattern=ID)
    title: str = Field(min_length=3)
    title_en: str | None = None
    source: Source
    confidence: Confidence = "law"
    verified: bool = True
    lifts: tuple[str, ...] = Field(min_length=1)  # rule ids, or "tag:<tag>"
    applies_to: tuple[str, ...] = ()  # options; empty = every option with a block it lifts
    when: str | None = None  # conditions of the route itself
    decided_by: Literal["college", "wijkteam", "bewindvoerder", "rechter-commissaris", "rechter", "uwv", "beslaglegger",
                        "invorderingsambtenaar"]
    discretionary: bool
    lead_time: LeadTime
    argue: str  # what must be argued (Dutch)
    argue_en: str | None = None
    evidence: tuple[str, ...] = ()
    evidence_en: tuple[str, ...] = ()
    reason: str | None = None  # why it is open in this case (Dutch, placeholders)
    reason_en: str | None = None
    note: str | None = None


class VersionFile(Strict):
    """One YAML file inside a version folder."""

    version: VersionMeta | None = None
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    presumptions: tuple[Presumption, ...] = ()
    rules: tuple[Rule, ...] = ()
    routes: tuple[Route, ...] = ()
    removed: tuple[str, ...] = ()

    @field_validator("parameters")
    @classmethod
    def _param_names(cls, v):
        return _parameter_names(v)


class FigureValue(Strict):
    """One value of a figure, in force from its date until the next one's (with the source of that date)."""

    value: FigureValueType
    source: Source
    verified: bool = True
    note: str | None = None


class Figure(Strict):
    """A figure as a time series (OpenFisca's parameters): what it is once, its values by date.
    The value in force on a version's `valid_from` is the version's `Parameter`."""

    title: str
    title_en: str | None = None
    unit: Unit
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    indexed: bool = True  # false: no indexation changes it (Parameter.indexed)
    values: dict[dt.date, FigureValue] = Field(min_length=1)

    def parameter(self, day: dt.date) -> Parameter:
        """The figure as stated on `day` (one of its dates); raises ValidationError (open term, bounds)."""
        value = self.values[day]
        return Parameter(title=self.title, title_en=self.title_en, unit=self.unit, value=value.value,
                         source=value.source, verified=value.verified, note=value.note,
                         minimum=self.minimum, maximum=self.maximum, indexed=self.indexed)


class FigureFile(Strict):
    """`parameters/<group>.yaml` of a rule set: a group of figures as time series."""

    parameters: dict[str, Figure] = Field(default_factory=dict)

    @field_validator("parameters")
    @classmethod
    def _param_names(cls, v):
        return _parameter_names(v)


class Figures(Strict):
    """Which figures a version computes with, and until when they are known (its horizon).

    Indexed figures change on fixed dates (the rule set's `indexation`); the figures of `as_of` are
    known until the day before the next of those dates, unless `known_until` says otherwise (local
    figures that follow their own rule). A later version without `figures` keeps those of the one before.
    """

    as_of: dt.date  # the date the figures were set for (the last indexation date they reflect)
    known_until: dt.date | None = None  # explicit last day; default: the day before the next indexation date
    basis: str | None = None  # why this horizon (for figures with their own rule)

    @model_validator(mode="after")
    def _order(self):
        if self.known_until is not None and self.known_until < self.as_of:
            raise ValueError("'known_until' ligt vóór 'as_of'")
        return self


class VersionMeta(Strict):
    valid_to: dt.date | None = None
    changes: str | None = None  # what this version changes, in Dutch
    source: Source | None = None
    figures: Figures | None = None


MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


class Indexation(Strict):
    """The days of the year on which the rule set's figures change (indexation), e.g. 01-01 and 07-01."""

    dates: tuple[str, ...] = Field(min_length=1)  # "MM-DD"
    source: Source

    @field_validator("dates")
    @classmethod
    def _dates(cls, v):
        for d in v:
            if not re.match(MONTH_DAY, d):
                raise ValueError(f"'{d}' is geen dag van het jaar in de vorm MM-DD (bijvoorbeeld 01-01)")
        return tuple(sorted(set(v)))


class RulesetMeta(Strict):
    """`ruleset.yaml`: what the rule set is."""

    id: str = Field(pattern=SLUG)
    title: str
    title_en: str | None = None
    jurisdiction: str = Field(pattern=SLUG)  # "national" or a municipality slug
    law: str
    source: Source
    layers_on: tuple[str, ...] = ()  # national rule sets a local one fills in
    municipality_name: str | None = None
    indexation: Indexation | None = None  # when its figures change; needed for a horizon without known_until


VersionFile.model_rebuild()
