"""The HTTP API's response models: the public decision format, errors, rule sets and health.

These document the API (OpenAPI) and are checked against real output in the tests; the engine
produces the data. Extra keys are allowed, as the public format may grow compatibly
(../shared/cases/README.md).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.model import Presumption, Route, Rule

DecimalText = Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["1100.00"])
Status = Literal["allowed", "blocked", "route_available", "needs_information"]
Confidence = Literal["law", "assessment"]


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class LegalSource(Out):
    """Where a rule comes from: an article of a law, or a municipal regulation."""

    law: str = Field(description="Naam van de wet of de gemeentelijke regeling")
    article: str | None = None
    paragraph: str | None = Field(default=None, description="lid")
    onderdeel: str | None = None
    url: str | None = Field(default=None, description="Link naar de wettekst (wetten.overheid.nl) of regeling")
    case_law: list[str] | None = Field(default=None, description="ECLI-nummers")


class Threshold(Out):
    """A numeric limit a block crossed, and what the fact would have to be."""

    fact: str
    label: str
    value: str
    operator: Literal["<=", "<", ">=", ">"]
    limit: str
    money: bool


class RuleHit(Out):
    rule: str = Field(description="Id van de regel")
    ruleset: str = Field(description="participatiewet, wsnp, bbz of de gemeente")
    version: str = Field(description="Ingangsdatum van de gebruikte versie")
    title: str
    source: LegalSource
    reason: str | None = Field(default=None, description="Eén zin met de feiten die de regel deden gelden")
    confidence: Confidence = Field(description="law: letterlijke wettekst; assessment: interpretatie")
    verified: bool | None = Field(default=None, description="Alleen aanwezig (false) als de regel niet is geverifieerd")


class Block(RuleHit):
    thresholds: list[Threshold] | None = None
    discretionary: bool | None = Field(default=None, description=(
        "Alleen aanwezig (true) bij een bevoegdheid om te weigeren ('het college kan weigeren'): geen verbod; "
        "er is altijd een route om het college te vragen de bevoegdheid niet te gebruiken"))


class PossibleBlock(Block):
    missing_facts: list[str] = Field(description="De feiten van het huishouden die bepalen of deze regel blokkeert")
    open_terms: list[str] = Field(default_factory=list, description=(
        "Bedragen of percentages die de regelset zelf niet kent (open normen) en die bepalen of deze regel blokkeert"))


class OpenTerm(Out):
    parameter: str = Field(description="Naam van de parameter, <regelset>.<naam>")
    ruleset: str
    title: str


class GroundAmount(Out):
    title: str
    unit: str
    value: str | None = Field(description="Bedrag of getal als tekst; null als het van onbekende feiten afhangt")


class Ground(RuleHit):
    status: Literal["applies", "conditional"]
    provisional: bool | None = Field(default=None, description="true: de bedragen zijn berekend met bedragen van vóór "
                                     "de peildatum (zie warnings)")
    conditions: list[str]
    amounts: dict[str, GroundAmount] | None = None
    overrides: list[str] | None = Field(default=None, description="Blokkades die deze wettelijke uitzondering opzij zet")
    missing_facts: list[str]


class RouteResult(Out):
    route: str = Field(description="Id van de route")
    ruleset: str
    version: str
    title: str
    source: LegalSource
    lifts: list[str] = Field(description="De blokkades die deze route kan opheffen")
    status: Literal["available", "conditional", "unavailable"]
    decided_by: str = Field(examples=["college", "wijkteam", "bewindvoerder", "rechter-commissaris"])
    discretionary: bool = Field(description="true: mogelijk en te onderbouwen, nooit 'toegekend'")
    lead_time_days: int | None
    lead_time_basis: str
    lead_time_verified: bool | None = Field(default=None, description=(
        "false: de doorlooptijd komt uit de praktijk, niet uit de wet; dan is in_time null"))
    lead_time_maximum: bool | None = Field(default=None, description=(
        "true (alleen dan aanwezig): lead_time_days is de wettelijke maximale termijn, geen verwachte duur; "
        "is die langer dan need.needed_within_days, dan is in_time null (kan op tijd, het kan eerder)"))
    in_time: bool | None = Field(description="Of de route op tijd kan voor need.needed_within_days; null: onbekend")
    argue: str = Field(description="Wat moet worden onderbouwd")
    evidence: list[str]
    confidence: Confidence
    missing_facts: list[str]
    open_terms: list[str] | None = Field(default=None, description="Open normen van de regelset waarvan de route afhangt")
    reason: str | None = None
    verified: bool | None = None


class AmountInput(Out):
    """A fact of the case or a figure of the rule set that a step of an amount used."""

    name: str = Field(examples=["participatiewet.norm_alleenstaande"])
    kind: Literal["fact", "parameter"]
    title: str
    value: str | int | bool | list | None = Field(description="null: niet bekend")
    value_label: str | None = Field(default=None, description="De waarde in woorden (bij een keuze)")
    unit: str | None = Field(default=None, description="Bij een parameter: EUR/maand, factor, jaar, …")
    source: LegalSource | None = Field(default=None, description="Bij een parameter: waar het bedrag staat")
    verified: bool | None = Field(default=None, description="false: een parameter die niet is geverifieerd")


class AmountStep(Out):
    """One step of an amount: a derive rule of the rule set, with its value and what it used."""

    fact: str = Field(examples=["participatiewet.bijstandsnorm"])
    rule: str
    ruleset: str
    title: str
    value: str | int | bool | None = Field(description="Bedragen exact als tekst; null: niet bekend")
    formula: str | None = Field(default=None, description="De berekening in woorden")
    source: LegalSource
    confidence: Confidence
    verified: bool | None = None
    inputs: list[AmountInput]


class UnknownBecause(Out):
    name: str
    kind: Literal["fact", "open_term"]
    reason: str = Field(examples=["Niet bekend: het netto maandinkomen van het huishouden."])


class AmountResult(Out):
    """An amount the law fixes, with how it was computed (ADR 0015). Never guessed: unknown is null with the reason."""

    amount: str = Field(description="Het afgeleide feit dat het bedrag is", examples=["participatiewet.bijstand_per_maand"])
    rule: str
    ruleset: str
    title: str
    unit: Literal["EUR", "EUR/maand", "EUR/jaar"]
    value: str | None = Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["1401.50"],
                              description="Exact (geen afronding die de wet niet noemt); null: niet te berekenen")
    unknown_because: list[UnknownBecause] | None = Field(default=None, description="Waarom het bedrag niet bekend is")
    options: list[str] = Field(description="De gevraagde opties waar het bedrag bij hoort (leeg: getoond omdat het "
                               "huishouden al bijstand ontvangt)")
    source: LegalSource
    confidence: Confidence
    provisional: bool | None = Field(default=None, description="true: berekend met bedragen van vóór de peildatum")
    verified: bool | None = Field(default=None, description="false: een stap rust op een niet geverifieerde regel")
    steps: list[AmountStep] = Field(description="De stappen, eerst wat later wordt gebruikt; de laatste is het bedrag zelf")


class OptionDecision(Out):
    option: str
    title: str
    status: Status
    blocked_by: list[Block]
    possible_blocks: list[PossibleBlock]
    routes: list[RouteResult]
    grounds: list[Ground]
    missing_facts: list[str] = Field(description="Feiten van het huishouden die nog ontbreken")
    open_terms: list[str] = Field(default_factory=list, description="Open normen van de regelset die de uitkomst bepalen")
    provisional: bool | None = Field(default=None, description="true: de status hangt af van bedragen die voor de "
                                     "peildatum nog niet bekend zijn (zie warnings)")
    amounts: list[str] = Field(default_factory=list, description="De bedragen (in `amounts` van het besluit) die bij "
                               "deze optie horen")


class DecisionWarning(Out):
    """Something the reader must know before using the decision."""

    code: Literal["figures_not_known", "case_inconsistent"] = Field(
        description="figures_not_known: de peildatum ligt na de horizon van een gebruikte regelset; er is gerekend met "
                    "de laatst bekende bedragen. case_inconsistent: de gegevens van de casus passen niet bij de wet "
                    "(bv. een Wsnp die op de peildatum nog niet begonnen is of langer dan vijf jaar duurt); de "
                    "melding zegt wat er met de regels is gebeurd")
    message: str = Field(examples=["De bedragen per 1 januari 2027 zijn nog niet bekend; deze toets rekent met die "
                                   "van 1 juli 2026."])
    ruleset: str = Field(description="Id van de regelset", examples=["participatiewet"])
    known_until: str | None = Field(default=None, description="Laatste dag waarvoor de bedragen bekend zijn",
                                    examples=["2026-12-31"])
    rule: str | None = Field(default=None, description="case_inconsistent: de regel die de casus toetst",
                             examples=["wsnp.349a.nog_niet_begonnen"])


class Question(Out):
    fact: str
    question: str


class UsedPresumption(Out):
    fact: str
    value: bool | int | str
    ruleset: str
    title: str
    source: LegalSource


class RulesetUsed(Out):
    id: str
    version: str
    digest: str
    url: str | None = Field(default=None, description="De regeling zelf: de wettekst zoals die op de peildatum gold, "
                            "of de gemeentelijke regeling (CVDR)")


class Kassabon(Out):
    """What one-off help costs against what it prevents."""

    cost_once: str = DecimalText
    avoided_per_year: str = DecimalText
    avoided_once: str = DecimalText
    ratio_per_year: str = DecimalText
    payback_days: int | None = None


class NeedSummary(Out):
    kind: str
    amount: str | None = None
    needed_within_days: int | None = None
    at_risk: str | None = None
    obligation: str | None = None
    duration_months: int | None = None


class Decision(Out):
    """The public decision format."""

    case_id: str
    reference_date: str = Field(examples=["2025-09-15"])
    municipality: str
    municipality_name: str | None = None
    outcome: Status
    warnings: list[DecisionWarning] = Field(default_factory=list, description="Waarschuwingen, bv. bedragen die "
                                            "voor de peildatum nog niet bekend zijn; leeg als er geen zijn")
    options: list[OptionDecision]
    missing_facts: list[str]
    questions: list[Question]
    open_terms: list[OpenTerm] = Field(default_factory=list, description=(
        "Bedragen of percentages die in de regelset niet bekend zijn (NOT FOUND) en de uitkomst bepalen; nooit een vraag aan het huishouden"))
    presumptions: list[UsedPresumption]
    rulesets: list[RulesetUsed]
    kassabon: Kassabon | None
    need: NeedSummary | None
    amounts: list[AmountResult] = Field(default_factory=list, description=(
        "Bedragen die de wet vastlegt, met de berekening stap voor stap en de bronnen (ADR 0015)"))
    explanation: str = Field(description="Onderbouwing in platte tekst voor het dossier")


# --- errors -------------------------------------------------------------------------------------

ErrorCode = Literal["invalid_case", "invalid_request", "not_found", "payload_too_large", "unsupported_media_type",
                    "unauthorized", "method_not_allowed", "forbidden_origin", "internal_error"]


class ProblemOut(BaseModel):
    """One thing wrong with the input. Input values are never echoed."""

    message: str = Field(description="Nederlands, of Engels met lang=en")
    field: str | None = Field(default=None, description="Pad van het veld, bv. income.0.net_monthly")
    file: str | None = None
    line: int | None = None
    rule: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorCode
    message: str
    problems: list[ProblemOut] = []


# --- batch --------------------------------------------------------------------------------------

BATCH_LIMIT = 1000


class BatchItem(BaseModel):
    index: int = Field(description="Plaats van de casus in het verzoek (vanaf 0)")
    status: Literal["ok", "invalid"]
    decision: Decision | None = None
    problems: list[ProblemOut] | None = None


class BatchResponse(BaseModel):
    count: int
    ok: int
    invalid: int
    results: list[BatchItem]


# --- rule sets ----------------------------------------------------------------------------------


class Horizon(BaseModel):
    """Until when a version's figures are known."""

    figures_of: str = Field(description="De datum van de bedragen waarmee de versie rekent", examples=["2026-07-01"])
    known_until: str = Field(description="De laatste dag waarvoor ze bekend zijn", examples=["2026-12-31"])


class VersionSummary(BaseModel):
    version: str
    valid_from: str
    valid_to: str | None
    digest: str
    changes: str | None
    horizon: Horizon | None = Field(default=None, description="Tot wanneer de bedragen bekend zijn; null: geen "
                                    "geïndexeerde bedragen")
    rules: int
    routes: int
    parameters: int


class RulesetSummary(BaseModel):
    id: str
    title: str
    jurisdiction: str
    law: str
    layers_on: list[str]
    versions: list[VersionSummary]


class ParameterOut(BaseModel):
    title: str
    title_en: str | None = None
    unit: str
    value: str | int | bool | None = Field(default=None, description="Ontbreekt bij een open norm (waarde onbekend)")
    source: LegalSource
    verified: bool | None = None
    note: str | None = None


class RuleOut(Rule):
    origin: str = Field(description="Bestand en regel in de regelset")


class RouteOut(Route):
    origin: str = Field(description="Bestand en regel in de regelset")


class RulesetDetail(BaseModel):
    id: str
    title: str
    version: str
    valid_from: str
    valid_to: str | None
    digest: str
    changes: str | None
    horizon: Horizon | None = None
    parameters: dict[str, ParameterOut]
    presumptions: list[Presumption]
    rules: list[RuleOut]
    routes: list[RouteOut]


class RuleItemDetail(BaseModel):
    """A rule (type=rule) or route (type=route) with its text, source and link."""

    type: Literal["rule", "route"]
    id: str
    ruleset: str
    version: str
    digest: str
    title: str
    source: LegalSource
    origin: str
    model_config = ConfigDict(extra="allow")


# --- health -------------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    generation: int = Field(description="Telt op bij elke geslaagde herlaadactie")
    loaded_at: str | None
    rulesets: dict[str, int] = Field(description="Aantal versies per geladen regelset")
    last_reload_error: list[ProblemOut] | None = None


# --- version diffs ------------------------------------------------------------------------------

class VersionRef(Out):
    id: str
    version: str
    valid_from: str
    valid_to: str | None
    digest: str
    changes: str | None
    horizon: Horizon | None = Field(description="Tot wanneer de bedragen bekend zijn; null als de regelset geen "
                                    "geïndexeerde bedragen heeft")


class DiffPart(Out):
    added: list[dict]
    removed: list[dict]
    changed: list[dict] = Field(description="Per item de gewijzigde velden: {field, old, new}; bij parameters ook "
                                "old en new (de waarde) en old_source en new_source")


class VersionDiff(Out):
    """What changed between two versions of one rule set."""

    ruleset: str
    from_: VersionRef = Field(alias="from")
    to: VersionRef
    parameters: DiffPart
    rules: DiffPart
    routes: DiffPart
    empty: bool


class Changelog(Out):
    """Per version, newest first: its period, horizon, note and what it added, removed or changed."""

    ruleset: str
    title: str
    versions: list[dict]

