"""Every fixed word of an explanation, in Dutch and English."""
from __future__ import annotations

PHRASES = {
    "nl": {
        "title": "Onderbouwing casus {case_id}",
        "intro": "Peildatum {date}, gemeente {municipality}. Uitkomst: {outcome}.",
        "status": {"allowed": "toegestaan", "blocked": "geblokkeerd", "route_available": "maatwerkroute mogelijk",
                   "needs_information": "informatie nodig"},
        "route_status": {"available": "mogelijk", "conditional": "mogelijk als de ontbrekende feiten dat toelaten",
                         "unavailable": "niet mogelijk in deze situatie"},
        "decided_by": {"college": "het college van B&W", "wijkteam": "het sociaal wijkteam", "bewindvoerder": "de bewindvoerder",
                       "rechter-commissaris": "de rechter-commissaris", "rechter": "de rechter", "uwv": "het UWV",
                       "beslaglegger": "de beslaglegger (deurwaarder of de instantie die beslag legt)",
                       "invorderingsambtenaar": "de invorderingsambtenaar van de gemeente"},
        "blocked_by": "Geblokkeerd door",
        "may_block": "Kan blokkeren (hangt af van ontbrekende feiten)",
        "power": "Het college mag weigeren (een bevoegdheid, geen verbod)",
        # a power to refuse that may hold: the college's power, never a possible prohibition (legal audit D-64)
        "may_power": "Het college mag misschien weigeren (een bevoegdheid, geen verbod; hangt af van ontbrekende feiten)",
        "open_term": "Niet bekend in deze regelset: {terms}",
        "open_terms": "Bedragen of percentages die de regels niet kennen (vraag ze na bij de gemeente of bij wie ze vaststelt)",
        "lead_practice": "doorlooptijd in de praktijk ca. {days}, geen wettelijke termijn ({basis})",
        "ground": "Grond",
        "may_apply": "Kan gelden (hangt af van ontbrekende feiten)",
        "conditions": "Voorwaarden",
        "amount": "{title}: {value}",
        "overrides": "Deze wettelijke uitzondering zet opzij: {rules}.",
        "threshold": "Wat zou moeten veranderen: {label} zou {op} {limit} moeten zijn (nu {value}).",
        "ops": {"<=": "ten hoogste", "<": "lager dan", ">=": "ten minste", ">": "hoger dan"},
        "routes": "Routes",
        # a blocked option: some block that holds has no route, so no route below can open the option on its own
        "stays_blocked": "Let op: er is geen enkele route voor {blocks}. Deze optie blijft dus geblokkeerd. Een "
                         "route hieronder kan nog nodig zijn voor iets anders, maar opent deze optie niet.",
        "route_line": "{title} ({source}): {status}. Beslist door {who}; {discretion}; {lead}.",
        "discretionary": "discretionaire bevoegdheid (wordt niet toegekend door deze toets, maar moet worden onderbouwd)",
        "not_discretionary": "gebonden beoordeling",
        "lead_days": "doorlooptijd ca. {days} ({basis})",
        # a maximum the law sets is no expected duration: "uiterlijk", never "ca." (legal audit D-79)
        "lead_maximum": "doorlooptijd uiterlijk {days} ({basis})",
        "lead_unknown": "doorlooptijd onbekend ({basis})",
        "in_time": "op tijd: de hulp is nodig binnen {within} dagen",
        "in_time_maybe": "kan op tijd: de hulp is nodig binnen {within} dagen en de wet geeft uiterlijk {days}; het "
                         "kan dus eerder",
        "in_time_maybe_short": "kan op tijd voor {within} dagen",
        "too_late": "waarschijnlijk te laat: de hulp is nodig binnen {within} dagen",
        # (no verdict on a lead time from practice: the law sets none, and an urgent case may go faster; D-27)
        "too_late_unverified": "onzeker: de hulp is nodig binnen {within} dagen, en de doorlooptijd uit de praktijk "
                               "is langer (niet geverifieerd)",
        "too_late_unverified_short": "onzeker voor {within} dagen (de doorlooptijd uit de praktijk is langer, niet "
                                     "geverifieerd)",
        "argue": "Onderbouwen",
        "evidence": "Bewijs",
        "missing": "Ontbreekt nog: {facts}",
        "assessment": "interpretatie, geen letterlijke wettekst",
        "unverified": "niet geverifieerd",
        "advice_fast": "Snelste route die op tijd kan: {title} ({who}, ca. {days}).",
        "advice_fast_no_deadline": "Snelste route: {title} ({who}, ca. {days}). Of die op tijd is, hangt af van "
                                   "wanneer de hulp nodig is; dat staat niet in de casus.",
        "advice_maximum": "Snelste route die op tijd kan: {title} ({who}, uiterlijk {days}).",
        "advice_maximum_maybe": "Snelste route: {title} ({who}, uiterlijk {days}). Die kan op tijd zijn voor {within} "
                                "dagen: de wet geeft uiterlijk {days}, het kan dus eerder.",
        "advice_maximum_no_deadline": "Snelste route: {title} ({who}, uiterlijk {days}). Of die op tijd is, hangt af "
                                      "van wanneer de hulp nodig is; dat staat niet in de casus.",
        "day": "dag", "days": "dagen",
        "questions": "Nog uit te zoeken",
        "presumptions": "Aangenomen (meld het als dit niet klopt)",
        "kassabon": "Kassabon",
        "kassabon_line": "Eenmalig {cost} tegenover {per_year} per jaar aan voorkomen kosten: de hulp is {ratio} keer terugverdiend in één jaar, na ongeveer {days} dagen.",
        "kassabon_once": "Daarnaast eenmalig voorkomen: {once}.",
        "rulesets": "Gebruikte regelsets",
        "nothing": "geen",
        "warning": "Let op ({ruleset}): {message}",
        "provisional": "voorlopig: hangt af van bedragen die voor de peildatum nog niet bekend zijn",
        "provisional_amount": "voorlopig: berekend met bedragen van vóór de peildatum",
        "case_law": "Rechtspraak",
    },
    "en": {
        "title": "Justification for case {case_id}",
        "intro": "Reference date {date}, municipality {municipality}. Outcome: {outcome}.",
        "status": {"allowed": "allowed", "blocked": "blocked", "route_available": "custom route available",
                   "needs_information": "needs information"},
        "route_status": {"available": "possible", "conditional": "possible if the missing facts allow",
                         "unavailable": "not possible in this situation"},
        "decided_by": {"college": "the municipal executive", "wijkteam": "the social district team", "bewindvoerder": "the administrator",
                       "rechter-commissaris": "the supervisory judge", "rechter": "the court", "uwv": "UWV",
                       "beslaglegger": "the seizing party (bailiff or the body that seizes)",
                       "invorderingsambtenaar": "the municipal tax collector"},
        "blocked_by": "Blocked by",
        "may_block": "May block (depends on missing facts)",
        "power": "The college may refuse (a power, not a prohibition)",
        "may_power": "The college may be able to refuse (a power, not a prohibition; depends on missing facts)",
        "open_term": "Not known in this rule set: {terms}",
        "open_terms": "Amounts or percentages the rules do not know (ask the municipality or whoever sets them)",
        "lead_practice": "lead time in practice about {days}, no statutory period ({basis})",
        "ground": "Ground",
        "may_apply": "May apply (depends on missing facts)",
        "conditions": "Conditions",
        "amount": "{title}: {value}",
        "overrides": "This statutory exception sets aside: {rules}.",
        "threshold": "What would have to change: {label} would have to be {op} {limit} (now {value}).",
        "ops": {"<=": "at most", "<": "below", ">=": "at least", ">": "above"},
        "routes": "Routes",
        "stays_blocked": "Note: there is no route at all for {blocks}. So this option stays blocked. A route below may still "
                         "be needed for something else, but it does not open this option.",
        "route_line": "{title} ({source}): {status}. Decided by {who}; {discretion}; {lead}.",
        "discretionary": "discretionary power (not granted by this check; it must be argued)",
        "not_discretionary": "bound assessment",
        "lead_days": "takes about {days} ({basis})",
        "lead_maximum": "takes at most {days} ({basis})",
        "lead_unknown": "lead time unknown ({basis})",
        "in_time": "in time: help is needed within {within} days",
        "in_time_maybe": "may be in time: help is needed within {within} days and the law allows at most {days}; it "
                         "can be sooner",
        "in_time_maybe_short": "may be in time for {within} days",
        "too_late": "probably too late: help is needed within {within} days",
        "too_late_unverified": "uncertain: help is needed within {within} days, and the lead time in practice is "
                               "longer (not verified)",
        "too_late_unverified_short": "uncertain for {within} days (the lead time in practice is longer, not verified)",
        "argue": "Argue",
        "evidence": "Evidence",
        "missing": "Still missing: {facts}",
        "assessment": "interpretation, not literal statute",
        "unverified": "not verified",
        "advice_fast": "Fastest route in time: {title} ({who}, about {days}).",
        "advice_fast_no_deadline": "Fastest route: {title} ({who}, about {days}). Whether it is in time depends on "
                                   "when the help is needed, which the case does not say.",
        "advice_maximum": "Fastest route in time: {title} ({who}, at most {days}).",
        "advice_maximum_maybe": "Fastest route: {title} ({who}, at most {days}). It may be in time for {within} days: "
                                "the law allows at most {days}, so it can be sooner.",
        "advice_maximum_no_deadline": "Fastest route: {title} ({who}, at most {days}). Whether it is in time depends "
                                      "on when the help is needed, which the case does not say.",
        "day": "day", "days": "days",
        "questions": "Still to find out",
        "presumptions": "Presumed (say so if this is wrong)",
        "kassabon": "Receipt (kassabon)",
        "kassabon_line": "One-off {cost} against {per_year} a year of avoided costs: the help pays back {ratio} times in one year, after about {days} days.",
        "kassabon_once": "Also avoided once: {once}.",
        "rulesets": "Rule sets used",
        "nothing": "none",
        "warning": "Note ({ruleset}): {message}",
        "provisional": "provisional: depends on amounts not yet known for the reference date",
        "provisional_amount": "provisional: computed with amounts from before the reference date",
        "case_law": "Case law",
    },
}


def phrases(lang: str) -> dict:
    return PHRASES["en" if lang == "en" else "nl"]


def listed(items: list[str], lang: str) -> str:
    """"a, b en c" (English "a, b and c")."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + (" and " if lang == "en" else " en ") + items[-1]


def quoted_titles(items: list[dict], lang: str) -> str:
    """The titles of rules or routes, each in quotes, listed: "‘a’ en ‘b’"; a rule that is a reading of the law says
    so (an assessment stays marked)."""
    reading = " (volgens een uitleg van de wet)" if lang != "en" else " (on a reading of the law)"
    return listed([f"‘{i['title']}’" + (reading if i.get("confidence") == "assessment" else "") for i in items], lang)
