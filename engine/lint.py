"""Static checks of a rule-set folder and its YAML tests, with stable diagnostic codes.

Modelled on the Drools verifier: every finding has a stable code (RR001 …), a name, a severity (error,
warning, info), the file and line it is about, the rule, route or parameter id, and a Dutch message
with an English twin. The catalogue is documented in docs/rulesets.md; codes are never renumbered.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, RegelruimteError, RulesetError
from .loader import SERIES_DIR, CompiledRoute, CompiledRule, Ruleset, RulesetVersion
from .registry import Registry
from .relevance import through_derived
from .ruletests import RuleTest, RuleTestFileError, assertions, discover, load_test_file, overlaid
from .versions import in_force, overlaps_and_gaps
from .yamlsource import SourceError, load_file

SEVERITIES = ("error", "warning", "info")

# code: (name, severity, what it means in Dutch, in English)
CATALOGUE: dict[str, tuple[str, str, str, str]] = {
    "RR000": ("LOAD_ERROR", "error", "de regelset kan niet worden geladen (formaat, voorwaarde of tekst)",
              "the rule set cannot be loaded (format, condition or text)"),
    "RR001": ("MISSING_SOURCE", "error", "regel, route of parameter zonder herleidbare bron (landelijk: artikel en URL; lokaal: URL, citaat of notitie)",
              "rule, route or parameter without a traceable source"),
    "RR002": ("PARAMETER_WITHOUT_SOURCE_OR_DATE", "error", "parameterwaarde zonder gedateerde bron (landelijk: URL met datum of notitie; lokaal: URL of notitie)",
              "parameter value without a dated source"),
    "RR003": ("VERSION_GAP", "error", "dagen tussen twee versies waarop geen versie geldt", "days between two versions with no version in force"),
    "RR004": ("VERSION_OVERLAP", "error", "twee versies gelden op dezelfde dag", "two versions are in force on the same day"),
    "RR005": ("UNKNOWN_LIFT_TARGET", "error", "route tilt een regel of tag op die niet bestaat", "route lifts a rule or tag that does not exist"),
    "RR006": ("RULE_NOT_TESTED", "error", "regel zonder test waarin hij afgaat, of zonder test waarin hij niet afgaat (afgeleid: zonder test op zijn waarde)",
              "rule without a test where it fires, or without one where it does not (derived: without a test of its value)"),
    "RR007": ("OPTION_NOT_COVERED", "error", "optie die geen regel of route noemt", "option that no rule or route mentions"),
    "RR008": ("MISSING_ENGLISH", "warning", "Engelse tekst ontbreekt", "English text is missing"),
    "RR009": ("UNVERIFIED_FIGURE", "info", "open norm (NOT FOUND) of niet geverifieerde waarde, regel of route", "open term or unverified value, rule or route"),
    "RR010": ("ROUTE_NOT_TESTED", "error", "route zonder test waarin ze mogelijk is, of zonder test waarin ze niet mogelijk is",
              "route without a test where it is open, or without one where it is not"),
    "RR011": ("VERSION_BOUNDARY_NOT_TESTED", "error", "versiegrens zonder test aan beide kanten", "version boundary without a test on both sides"),
    "RR012": ("SOURCE_URL_MISMATCH", "warning", "bron-URL past niet bij artikel of versiedatum", "source URL does not match the article or version date"),
    "RR013": ("UNKNOWN_OVERRIDE_TARGET", "error", "grond zet een regel opzij die niet bestaat", "ground overrides a rule that does not exist"),
    "RR014": ("UNKNOWN_OPTION", "error", "onbekende optie in applies_to", "unknown option in applies_to"),
    "RR015": ("UNKNOWN_NAME", "error", "onbekende naam in een voorwaarde of tekst", "unknown name in a condition or text"),
    "RR016": ("INVALID_TEST", "error", "testbestand of test klopt niet (formaat, onbekende id, optie of feit, geen versie op de datum)",
              "test file or test is invalid"),
    "RR017": ("UNUSED_PARAMETER", "warning", "parameter die geen voorwaarde of tekst gebruikt", "parameter no condition or text uses"),
    "RR018": ("REDUNDANT_REDEFINITION", "warning", "versie herhaalt ongewijzigd wat ze erft", "version restates unchanged what it inherits"),
    "RR019": ("VERSION_WITHOUT_NOTE", "warning", "versie zonder 'version: changes'", "version without 'version: changes'"),
    "RR020": ("CONSTANT_CONDITION", "warning", "voorwaarde die geen feit van de casus leest", "condition that reads no fact of the case"),
    "RR021": ("ID_PREFIX", "error", "id begint niet met het voorvoegsel van de regelset", "id does not start with the rule set's prefix"),
    "RR022": ("ASSESSMENT_WITHOUT_BASIS", "warning", "interpretatie (confidence: assessment) zonder toelichting of rechtspraak",
              "assessment without a note or case law"),
    "RR023": ("DUPLICATE_ID", "error", "id wordt twee keer gebruikt", "id is used twice"),
    "RR024": ("PLACEHOLDER_IN_PLAIN_TEXT", "error", "{…} in een tekst die niet wordt ingevuld (argue, evidence, basis)",
              "{…} in a text that is not filled in"),
    "RR025": ("FIGURES_HORIZON", "warning", "de bedragen van de nieuwste versie zijn over hoogstens 45 dagen niet meer bekend, of al niet meer",
              "the figures of the newest version are known for at most 45 more days, or no longer"),
    "RR030": ("POWER_WITHOUT_ROUTE", "error",
              "bevoegdheid om te weigeren (discretionary: true) zonder route die haar altijd kan opheffen",
              "power to refuse (discretionary: true) without a route that can always lift it"),
    "RR031": ("NAME_NOT_IN_FORCE", "error",
              "een regel of route leest een bedrag of afgeleid feit dat op de ingangsdatum van haar versie nog niet bestaat",
              "a rule or route reads a figure or derived fact that does not exist yet on its version's valid_from"),
    "RR033": ("FIGURE_SERIES_DATES", "error",
              "reeks in parameters/ met datums niet op volgorde, een waarde op een datum waarop geen versie begint, of die 'removed' wil beëindigen",
              "series in parameters/ with dates out of order, a value dated when no version starts, or that 'removed' tries to end"),
    "RR050": ("AMOUNT_WITHOUT_FORMULA", "warning",
              "bedrag (amount:) zonder formule in woorden: de stap toont dan alleen de titel",
              "amount (amount:) without a formula in words: its step then shows only the title"),
    "RR051": ("AMOUNT_WITHOUT_OPTION_RULE", "error",
              "bedrag bij een optie waarop geen regel van de regelset werkt",
              "amount for an option no rule of the rule set applies to"),
    "RR100": ("UNREADABLE_FILE", "error", "bestand is niet leesbaar of geen geldige YAML", "file is unreadable or not valid YAML"),
}

NATIONAL_PREFIX = {"participatiewet": "pw", "wsnp": "wsnp", "bbz": "bbz", "beslagvrije_voet": "bvv",
                   "schuldhulpverlening": "wgs", "kwijtschelding": "kw"}
DATED_URL = re.compile(r"/BWBR\d+/(\d{4}-\d{2}-\d{2})")
JCI_URL = re.compile(r"^https://wetten\.overheid\.nl/jci1\.3:c:BWBR\d+&artikel=([0-9a-z]+)$")
PLACEHOLDER = re.compile(r"\{[a-z][a-z0-9_.]*(:[a-z]+)?\}")


class LintInputError(RegelruimteError):
    """The path cannot be linted at all (exit 2)."""


@dataclass(frozen=True)
class Diagnostic:
    code: str
    file: str | None
    line: int | None
    id: str | None
    message: str
    message_en: str

    @property
    def name(self) -> str:
        return CATALOGUE[self.code][0]

    @property
    def severity(self) -> str:
        return CATALOGUE[self.code][1]

    def render(self, lang: str = "nl") -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "-")
        words = {"nl": {"error": "fout", "warning": "waarschuwing", "info": "melding"},
                 "en": {"error": "error", "warning": "warning", "info": "info"}}[lang]
        ident = f" [{self.id}]" if self.id else ""
        text = self.message_en if lang == "en" else self.message
        return f"{where}: {words[self.severity]} {self.code} {self.name}{ident}: {text}"

    def as_dict(self, lang: str = "nl") -> dict:
        return {"code": self.code, "name": self.name, "severity": self.severity, "file": self.file, "line": self.line,
                "id": self.id, "message": self.message_en if lang == "en" else self.message}


def find_root(path: Path) -> Path:
    """The rule-set folder (the one with facts.yaml) that holds `path`."""
    path = Path(path).resolve()
    for candidate in [path, *path.parents] if path.is_dir() else list(path.parents):
        if (candidate / "facts.yaml").is_file():
            return candidate
    raise LintInputError([Problem("geen map met regelsets (facts.yaml) gevonden rond dit pad",
                                  "no rule-set folder (facts.yaml) found around this path", file=str(path))])


# ---------------------------------------------------------------------------------------------
# Definitions: each rule, route and parameter once, with the versions that carry it


@dataclass
class _Def:
    kind: str  # rule | route | parameter
    id: str
    ruleset: Ruleset
    item: object  # CompiledRule | CompiledRoute | Parameter
    file: str
    line: int | None
    versions: list[RulesetVersion]


def _definitions(registry: Registry) -> list[_Def]:
    defs: dict[tuple, _Def] = {}
    for rs in registry.rulesets.values():
        for v in rs.versions:
            items = [("rule", k, r, r.origin) for k, r in v.rules.items()]
            items += [("route", k, r, r.origin) for k, r in v.routes.items()]
            items += [("parameter", k, p, v.origins[k]) for k, p in v.parameters.items()]
            for kind, key, item, origin in items:
                d = defs.setdefault((rs.id, kind, key, origin.file, origin.line),
                                    _Def(kind, key, rs, item, origin.file, origin.line, []))
                d.versions.append(v)
    return list(defs.values())


def _model(d: _Def):
    if isinstance(d.item, CompiledRule):
        return d.item.rule
    if isinstance(d.item, CompiledRoute):
        return d.item.route
    return d.item


def _diag(code: str, d: _Def, nl: str, en: str) -> Diagnostic:
    return Diagnostic(code, d.file, d.line, d.id, nl, en)


# ---------------------------------------------------------------------------------------------
# Checks on the rule sets


def _check_source(d: _Def) -> list[Diagnostic]:
    out = []
    m = _model(d)
    src = m.source
    national = d.ruleset.national
    if d.kind != "parameter":
        if national and not (src.article and src.url):
            out.append(_diag("RR001", d, "landelijke bron zonder artikel of wetten.overheid.nl-URL",
                             "national source without article or wetten.overheid.nl URL"))
        elif not national and not (src.url or src.quote or src.note):
            out.append(_diag("RR001", d, "lokale bron zonder URL, citaat of notitie", "local source without URL, quote or note"))
        if national and src.article and (src.url or "").startswith("https://wetten.overheid.nl/"):
            match = JCI_URL.match(src.url)
            if not match or match.group(1) != src.article.lower():
                out.append(_diag("RR012", d, f"URL is niet de jci1.3-vorm met artikel={src.article}",
                                 f"URL is not the jci1.3 form with artikel={src.article}"))
        return out
    if m.value is None:
        return out  # an open term: the model already demands a note; RR009 lists it
    if national:
        dated = DATED_URL.search(src.url or "")
        if not (dated or src.note or m.note):
            out.append(_diag("RR002", d, "parameterwaarde zonder gedateerde wettekst-URL of notitie over de herkomst",
                             "parameter value without a dated law-text URL or a provenance note"))
        if dated:
            folder = min(v.valid_from for v in d.versions).isoformat()
            if dated.group(1) != folder:
                out.append(_diag("RR012", d, f"URL verwijst naar de tekst van {dated.group(1)}, de waarde staat in versie {folder}",
                                 f"URL points to the text of {dated.group(1)}, the value sits in version {folder}"))
    elif not (src.url or src.note or src.quote):
        out.append(_diag("RR002", d, "lokale parameterwaarde zonder URL, citaat of notitie", "local parameter value without URL, quote or note"))
    return out


def _check_english(d: _Def) -> list[Diagnostic]:
    m = _model(d)
    missing = [] if m.title_en else ["title_en"]
    if d.kind == "rule" and m.reason and not m.reason_en:
        missing.append("reason_en")
    if d.kind == "rule" and m.conditions and len(m.conditions_en) != len(m.conditions):
        missing.append("conditions_en")
    if d.kind == "rule" and m.formula and not m.formula_en:
        missing.append("formula_en")
    if d.kind == "route":
        missing += [k for k, nl, en in (("argue_en", m.argue, m.argue_en), ("reason_en", m.reason, m.reason_en),
                                        ("basis_en", m.lead_time.basis, m.lead_time.basis_en)) if nl and not en]
        if m.evidence and len(m.evidence_en) != len(m.evidence):
            missing.append("evidence_en")
    if not missing:
        return []
    return [_diag("RR008", d, f"Engelse tekst ontbreekt: {', '.join(missing)}", f"English text missing: {', '.join(missing)}")]


def _check_unverified(d: _Def) -> list[Diagnostic]:
    m = _model(d)
    if d.kind == "parameter" and m.value is None:
        note = " ".join(m.note.split())
        return [_diag("RR009", d, f"open norm: {note}", f"open term: {note}")]
    if not m.verified:
        note = " ".join((getattr(m, "note", None) or m.source.note or "").split())
        return [_diag("RR009", d, f"niet geverifieerd{': ' + note if note else ''}", f"unverified{': ' + note if note else ''}")]
    return []


def _check_condition(d: _Def, derived: dict[str, CompiledRule], params: set[str]) -> list[Diagnostic]:
    if d.kind == "parameter":
        return []
    expr = d.item.when if d.kind == "route" or d.item.rule.kind != "derive" else d.item.value
    if expr is None or through_derived(expr.names, derived) - params - set(derived):
        return []
    # A rule on an open term of its own rule set (a municipal choice not found, Gemeentewet art. 255 lid 3) is
    # unknown in every case on purpose, so that the professional sees it named; once the figure is filled in, the
    # warning returns and asks whether the rule still needs a fact of the case.
    if any(expr.names & {f"{v.id}.{k}" for k, p in v.parameters.items() if p.value is None} for v in d.versions):
        return []
    return [_diag("RR020", d, f"de voorwaarde '{expr.source}' leest geen feit van de casus en heeft dus altijd dezelfde uitkomst",
                  f"the condition '{expr.source}' reads no case fact, so it always has the same outcome")]


def _check_amount(d: _Def, options: set[str]) -> list[Diagnostic]:
    """An amount says how it is computed, and belongs to an option the rule sets decide (ADR 0015)."""
    m = _model(d)
    if d.kind != "rule" or getattr(m, "amount", None) is None:
        return []
    out = []
    if not m.formula:
        out.append(_diag("RR050", d, "bedrag zonder 'formula': schrijf in woorden hoe het wordt berekend",
                         "amount without 'formula': say in words how it is computed"))
    for o in m.amount.applies_to:
        if o not in options:
            out.append(_diag("RR051", d, f"bedrag bij optie '{o}', waarop geen regel werkt",
                             f"amount for option '{o}', which no rule applies to"))
    return out


def _check_prefix(d: _Def) -> list[Diagnostic]:
    if d.kind == "parameter":
        return []
    rs = d.ruleset
    prefix = NATIONAL_PREFIX.get(rs.id, rs.id) if rs.national else rs.meta.jurisdiction
    if d.id.split(".", 1)[0] == prefix:
        return []
    return [_diag("RR021", d, f"id hoort te beginnen met '{prefix}.'", f"id should start with '{prefix}.'")]


def _check_assessment(d: _Def) -> list[Diagnostic]:
    if d.kind == "parameter":
        return []
    m = _model(d)
    if m.confidence != "assessment" or m.note or m.source.note or m.source.case_law:
        return []
    return [_diag("RR022", d, "interpretatie zonder notitie of rechtspraak die haar onderbouwt",
                  "assessment without a note or case law backing it")]


def _check_plain_text(d: _Def) -> list[Diagnostic]:
    if d.kind != "route":
        return []
    r = d.item.route
    texts = [r.argue, r.argue_en or "", r.lead_time.basis, r.lead_time.basis_en or "", *r.evidence, *r.evidence_en]
    if any(PLACEHOLDER.search(t) for t in texts):
        return [_diag("RR024", d, "argue, evidence en basis worden niet ingevuld: schrijf de waarde uit of gebruik 'reason'",
                      "argue, evidence and basis are not filled in: write the value out or use 'reason'")]
    return []


def _check_powers(registry: Registry) -> list[Diagnostic]:
    """A power to refuse ("kan weigeren") is never a prohibition: in every version some route without conditions
    lifts it, so the professional always sees how to argue against its use."""
    out = []
    for rs in registry.rulesets.values():
        for v in rs.versions:
            routes = [r for w in registry.rulesets.values() for x in w.versions
                      if x.valid_from <= v.valid_from and (x.valid_to is None or x.valid_to >= v.valid_from)
                      for r in x.routes.values()]
            for rid, rule in v.rules.items():
                if not rule.rule.discretionary:
                    continue
                lifting = [r for r in routes if r.when is None and
                           (rid in r.route.lifts or any(t[4:] in rule.rule.tags for t in r.route.lifts if t.startswith("tag:")))]
                if not lifting:
                    out.append(Diagnostic("RR030", rule.origin.file, rule.origin.line, rid,
                                          f"bevoegdheid zonder onvoorwaardelijke route in versie {v.version}",
                                          f"power without an unconditional route in version {v.version}"))
    return list({d.render(): d for d in out}.values())


def _check_names_in_force(registry: Registry) -> list[Diagnostic]:
    """A rule set's figures and derived facts are names for every version (so a later version may add one), but a
    rule of an earlier version that reads one it does not have yet reads it as unknown, silently: the option
    then looks undecided instead of decided. Each name must exist in the version in force on the reader's date."""
    out = []
    for rid, rs in registry.rulesets.items():
        for v in rs.versions:
            for iid, item in list(v.rules.items()) + list(v.routes.items()):
                for e in (getattr(item, "when", None), getattr(item, "value", None)):
                    for name in sorted(e.names) if e else ():
                        head, _, tail = name.partition(".")
                        other = registry.rulesets.get(head)
                        if other is None or not tail:
                            continue  # a case fact, not a rule set's name
                        there = in_force(other.versions, v.valid_from)
                        derived = {r.rule.fact for r in there.rules.values() if r.rule.kind == "derive"} if there else set()
                        if there is None or (tail not in there.parameters and name not in derived):
                            out.append(Diagnostic(
                                "RR031", item.origin.file, item.origin.line, iid,
                                f"'{name}' bestaat nog niet op {v.valid_from.isoformat()} (versie {v.version} van {rid})",
                                f"'{name}' does not exist yet on {v.valid_from.isoformat()} (version {v.version} of {rid})"))
    return list({d.render(): d for d in out}.values())


def _used_names(registry: Registry) -> set[str]:
    used = set()
    for rs in registry.rulesets.values():
        for v in rs.versions:
            for r in list(v.rules.values()) + list(v.routes.values()):
                for e in (getattr(r, "when", None), getattr(r, "value", None)):
                    used |= set(e.names) if e else set()
                for t in r.reason.values():
                    used |= {n for n, _ in t.parts}
                for ts in getattr(r, "conditions", {}).values():
                    used |= {n for t in ts for n, _ in t.parts}
                for _, e in getattr(r, "amounts", {}).values():
                    used |= set(e.names)
    return used


def _check_versions(registry: Registry) -> list[Diagnostic]:
    out = []
    for rs in registry.rulesets.values():
        overlaps, gaps = overlaps_and_gaps(rs.versions)
        for a, b in overlaps:
            out.append(Diagnostic("RR004", str(rs.path / b.version), None, rs.id,
                                  f"versie {a.version} (t/m {a.valid_to}) overlapt met {b.version}",
                                  f"version {a.version} (to {a.valid_to}) overlaps {b.version}"))
        for a, b in gaps:
            out.append(Diagnostic("RR003", str(rs.path / b.version), None, rs.id,
                                  f"geen versie van {a.valid_to + dt.timedelta(days=1)} tot {b.version}",
                                  f"no version from {a.valid_to + dt.timedelta(days=1)} to {b.version}"))
        for prev, v in zip([None, *rs.versions], rs.versions):
            folder = rs.path / v.version
            if not v.changes:
                out.append(Diagnostic("RR019", str(folder), None, rs.id, "zet in deze versie 'version: changes' met wat er wijzigt (of dat er niets wijzigt)",
                                      "give this version 'version: changes' saying what changes (or that nothing does)"))
            if prev is None:
                continue
            for kind, now, before in (("rule", v.rules, prev.rules), ("route", v.routes, prev.routes),
                                      ("parameter", v.parameters, prev.parameters)):
                for key, item in now.items():
                    origin = v.origins.get(key)
                    # stated anew in this version: in its folder, or a series value dated on its first day
                    if key not in before or origin is None or origin == prev.origins.get(key):
                        continue
                    old, new = before[key], item
                    if kind == "rule":
                        old, new = old.rule, new.rule
                    elif kind == "route":
                        old, new = old.route, new.route
                    if old == new:
                        out.append(Diagnostic("RR018", origin.file, origin.line, key,
                                              f"'{key}' is gelijk aan wat versie {prev.version} al zegt; laat het weg",
                                              f"'{key}' equals what version {prev.version} already says; leave it out"))
    return out


HORIZON_NOTICE = dt.timedelta(days=45)  # time to add the new figures after they are published (about two weeks before)


def _check_horizons(registry: Registry, today: dt.date) -> list[Diagnostic]:
    """RR025 for each rule set whose newest version knows its figures for at most 45 more days."""
    out = []
    for rs in registry.rulesets.values():
        newest = rs.versions[-1] if rs.versions else None
        h = newest.horizon if newest else None
        if h is None or h.known_until - today > HORIZON_NOTICE:
            continue
        folder = str(rs.path / newest.version)
        days = (h.known_until - today).days
        when_nl = f"nog {days} dagen" if days >= 0 else f"{-days} dagen geleden verlopen"
        when_en = f"{days} more days" if days >= 0 else f"expired {-days} days ago"
        if (rs.path / SERIES_DIR).is_dir():
            where_nl = f"voeg aan de reeksen in {SERIES_DIR}/ de waarden per {h.unknown_from} toe, met een versie van die datum"
            where_en = f"add the values of {h.unknown_from} to the series in {SERIES_DIR}/, with a version of that date"
        else:
            where_nl = f"zet de bedragen per {h.unknown_from} in de versie van die datum"
            where_en = f"add the figures of {h.unknown_from} to the version of that date"
        out.append(Diagnostic(
            "RR025", folder, None, rs.id,
            f"de bedragen van {rs.id} {newest.version} (die van {h.as_of}) zijn bekend tot en met {h.known_until} "
            f"({when_nl}); {where_nl} (maak die zo nodig aan) zodra ze bekend zijn (docs/rulesets.md, 'New figures')",
            f"the figures of {rs.id} {newest.version} (those of {h.as_of}) are known until {h.known_until} ({when_en}); "
            f"{where_en} (create it if needed) once published"))
    return out


def _check_options(registry: Registry) -> list[Diagnostic]:
    mentioned = set()
    for rs in registry.rulesets.values():
        for v in rs.versions:
            for r in v.rules.values():
                mentioned |= set(r.rule.applies_to)
            for r in v.routes.values():
                mentioned |= set(r.route.applies_to)
    facts_file = registry.loaded.root / "facts.yaml"
    raw = load_file(facts_file)
    lines = raw.get("options").lines if raw.get("options") is not None else {}
    return [Diagnostic("RR007", str(facts_file), lines.get(o), o, f"geen regel of route noemt optie '{o}'",
                       f"no rule or route mentions option '{o}'") for o in registry.vocabulary.options if o not in mentioned]


# ---------------------------------------------------------------------------------------------
# Tests: validity and coverage


def _names(registry: Registry) -> set[str]:
    names = set(registry.vocabulary.facts)
    for rs in registry.rulesets.values():
        for v in rs.versions:
            names |= {f"{rs.id}.{p}" for p in v.parameters}
            names |= {r.rule.fact for r in v.rules.values() if r.rule.kind == "derive"}
    return names


def _check_test(t: RuleTest, registry: Registry, ids: set[str], names: set[str]) -> list[Diagnostic]:
    out = []

    def bad(nl: str, en: str) -> None:
        out.append(Diagnostic("RR016", t.file, t.line, t.id, nl, en))

    e = t.expect
    options = registry.vocabulary.options
    for o in t.options:
        if o not in options:
            bad(f"onbekende optie '{o}'", f"unknown option '{o}'")
    a = assertions(t)
    for rid in sorted((a["fired"] | a["quiet"]) - ids):
        bad(f"onbekende regel of route '{rid}'", f"unknown rule or route '{rid}'")
    for name in sorted(a["facts"] - names):
        bad(f"onbekend feit '{name}' in 'facts'", f"unknown fact '{name}' in 'facts'")
    for facts in e.missing.values():
        for name in facts:
            if name not in names:
                bad(f"onbekend feit '{name}' in 'missing'", f"unknown fact '{name}' in 'missing'")
    try:
        registry.select(t.municipality, t.date)
    except RegelruimteError as exc:
        bad(f"geen regelsets op {t.date} voor '{t.municipality}': {exc.render()}", f"no rule sets on {t.date}: {exc.render('en')}")
    return out


def _rests_on_open_term(d: _Def, derived: dict[str, CompiledRule]) -> bool:
    """Whether the condition reads a parameter that is an open term in every version carrying it: such a
    rule can only be shown to fire (as a possible block), never not to fire, until the term is filled in."""
    own = {v.id for v in d.versions}
    params = {n for n in through_derived(d.item.when.names if d.item.when else (), derived) if n.split(".", 1)[0] in own and "." in n}
    return any(all(p not in v.param_env and p.split(".", 1)[1] in v.parameters for v in d.versions) for p in params)


def _coverage(tests: list[RuleTest], registry: Registry, defs: list[_Def],
              derived: dict[str, CompiledRule]) -> list[Diagnostic]:
    fired: set[tuple] = set()
    quiet: set[tuple] = set()
    touched: set[str] = set()  # version keys a test asserts something about
    owner = {}
    for rs in registry.rulesets.values():
        for v in rs.versions:
            for key in list(v.rules) + list(v.routes):
                owner[key] = rs.id
    for t in tests:
        try:
            versions = registry.select(t.municipality, t.date)
        except RegelruimteError:
            continue
        a = assertions(t)
        for v in versions:
            for rid in a["fired"] | a["quiet"]:
                item = v.rules.get(rid) or v.routes.get(rid)
                if item is not None:
                    key = (rid, item.origin.file, item.origin.line)
                    (fired if rid in a["fired"] else quiet).add(key)
                    touched.add(v.key)
            for name in a["facts"]:
                if name.startswith(v.id + "."):
                    touched.add(v.key)
                for r in v.derive_order:
                    if r.rule.fact == name:
                        fired.add((r.id, r.origin.file, r.origin.line))
    out = []
    for d in defs:
        if d.kind == "parameter":
            continue
        key = (d.id, d.file, d.line)
        if d.kind == "rule" and d.item.rule.kind == "derive":
            if key not in fired:
                out.append(_diag("RR006", d, f"geen test controleert de waarde van {d.item.rule.fact} (facts:)",
                                 f"no test checks the value of {d.item.rule.fact} (facts:)"))
            continue
        code = "RR006" if d.kind == "rule" else "RR010"
        what = ("regel", "afgaat", "niet afgaat") if d.kind == "rule" else ("route", "mogelijk is", "niet mogelijk is of niet wordt aangeboden")
        what_en = ("rule", "fires", "does not fire") if d.kind == "rule" else ("route", "is open", "is not open or not offered")
        span = f"{d.versions[0].version}..{d.versions[-1].version}"
        if key not in fired:
            out.append(_diag(code, d, f"geen test (op een datum in {span}) waarin deze {what[0]} {what[1]}",
                             f"no test (dated in {span}) where this {what_en[0]} {what_en[1]}"))
        unconditional = (d.item.rule.when if d.kind == "rule" else d.item.route.when) is None
        # what has no condition cannot fail to fire, nor can what rests on an open term
        if key not in quiet and not unconditional and not _rests_on_open_term(d, derived):
            out.append(_diag(code, d, f"geen test (op een datum in {span}) waarin deze {what[0]} {what[2]}",
                             f"no test (dated in {span}) where this {what_en[0]} {what_en[2]}"))
    for rs in registry.rulesets.values():
        for before, after in zip(rs.versions, rs.versions[1:]):
            sides = [("vóór", "before", before), ("na", "after", after)]
            for nl, en, v in sides:
                if v.key not in touched:
                    out.append(Diagnostic("RR011", str(rs.path / after.version), None, rs.id,
                                          f"versiegrens {after.version}: geen test {nl} de grens (in versie {v.version}) die iets van {rs.id} toetst",
                                          f"boundary {after.version}: no test {en} it (in version {v.version}) asserting anything of {rs.id}"))
    return out


# ---------------------------------------------------------------------------------------------


def lint(path: Path, today: dt.date | None = None) -> list[Diagnostic]:
    """Every diagnostic for the rule-set folder around `path`, limited to files under `path`.
    `today` (default: the system date) is the day the horizon check (RR025) counts from."""
    path = Path(path)
    today = today or dt.date.today()
    if not path.exists():
        raise LintInputError([Problem("pad bestaat niet", "path does not exist", file=str(path))])
    root = find_root(path)
    try:
        load_file(root / "facts.yaml")
    except SourceError as exc:
        raise LintInputError([exc.problem]) from None
    try:
        registry = Registry.load(root)
    except RulesetError as exc:
        diags = [Diagnostic(p.code or "RR000", p.file, p.line, p.rule, p.message, p.message_en) for p in exc.problems]
        return _within(diags, path, root)
    diags: list[Diagnostic] = []
    defs = _definitions(registry)
    derived = {r.rule.fact: r for rs in registry.rulesets.values() for v in rs.versions for r in v.derive_order}
    params = {f"{rs.id}.{p}" for rs in registry.rulesets.values() for v in rs.versions for p in v.parameters}
    used = _used_names(registry)
    decided = {o for rs in registry.rulesets.values() for v in rs.versions
               for item in [*v.rules.values(), *v.routes.values()]
               for o in getattr(item, "rule", getattr(item, "route", None)).applies_to}
    for d in defs:
        diags += _check_source(d) + _check_english(d) + _check_unverified(d) + _check_prefix(d)
        diags += _check_amount(d, decided)
        diags += _check_assessment(d) + _check_plain_text(d) + _check_condition(d, derived, params)
        if d.kind == "parameter" and f"{d.ruleset.id}.{d.id}" not in used:
            diags.append(_diag("RR017", d, "geen voorwaarde of tekst gebruikt deze parameter", "no condition or text uses this parameter"))
    diags += _check_versions(registry) + _check_options(registry) + _check_powers(registry)
    diags += _check_names_in_force(registry)
    diags += _check_horizons(registry, today)

    tests: list[RuleTest] = []
    ids, names = _ids(registry), _names(registry)
    for f in discover(root):
        shown = str(f)
        if not _in_version_folder(f, registry):
            diags.append(Diagnostic("RR016", shown, None, None, "een testbestand hoort in een versiemap van een regelset",
                                    "a test file belongs in a version folder of a rule set"))
        try:
            loaded = load_test_file(f, shown)
        except RuleTestFileError as exc:
            diags += [Diagnostic(p.code or "RR016", p.file, p.line, p.rule, p.message, p.message_en) for p in exc.problems]
            continue
        for t in loaded:
            if t.overlay is None:
                diags += _check_test(t, registry, ids, names)
            else:  # a test of a what-if names the overlay's rules and facts; it covers no rule as it stands
                amended = overlaid(root, t.overlay)
                diags += _check_test(t, amended, _ids(amended), _names(amended))
        tests += [t for t in loaded if t.overlay is None]
    diags += _coverage(tests, registry, defs, derived)
    return _within(diags, path, root)


def _ids(registry: Registry) -> set[str]:
    return {k for rs in registry.rulesets.values() for v in rs.versions for k in list(v.rules) + list(v.routes)}


def _in_version_folder(f: Path, registry: Registry) -> bool:
    return any(f.parent.resolve() == (rs.path / v.version).resolve()
               for rs in registry.rulesets.values() for v in rs.versions)


def _within(diags: list[Diagnostic], path: Path, root: Path) -> list[Diagnostic]:
    """The diagnostics about files under `path` (all of them when `path` is the root), sorted."""
    target = Path(path).resolve()
    if target != root.resolve():
        diags = [d for d in diags if d.file and _under(Path(d.file), target)]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(set(diags), key=lambda d: (order[d.severity], d.file or "", d.line or 0, d.code, d.id or "", d.message))


def _under(file: Path, target: Path) -> bool:
    f = file.resolve()
    return f == target or target in f.parents


def counts(diags: list[Diagnostic]) -> dict[str, int]:
    return {s: sum(d.severity == s for d in diags) for s in SEVERITIES}
