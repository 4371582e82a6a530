"""The onderbouwing for a client file: plain paragraphs to paste into a case system's text field.

Unlike the text renderer (explain.text, the CLI's output, wrapped at 100 columns), this writes one
line per paragraph and a blank line between paragraphs: no hard wraps, no underlines, no bullets.
Each route appears once, with the options it serves, and the words are those of a client file
(B1): "het college mag dit toestaan, maar hoeft het niet" rather than "discretionaire bevoegdheid".
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.templates import date, money, number

from . import amounts as amount_words
from .citation import cite
from .lines import advice_text, days, fastest_route, route_order, stays_blocked, timing
from .phrases import listed, phrases, quoted_titles

PLAIN = {
    "nl": {
        "intro": "Peildatum {date}, gemeente {municipality}.",
        "per_option": "Per optie:",
        "option": "{title}: {status}.",
        "blocked": "Wat in de weg staat: {items}.",
        "may_block": "Wat in de weg kan staan, afhankelijk van wat nog uitgezocht moet worden: {items}.",
        "may_power": "Wat het college misschien mag weigeren (een bevoegdheid, geen verbod), afhankelijk van wat nog "
                     "uitgezocht moet worden: {items}.",
        "grounds": "Waarop het rust: {items}.",
        "may_apply": "Wat ook kan gelden, afhankelijk van wat nog uitgezocht moet worden: {items}.",
        "routes": "Routes die een blokkade kunnen opheffen:",
        "route": "{title} ({source}), voor {options}: {status}.",
        "discretionary": "{who} mag dit toestaan, maar hoeft het niet; deze toets kent niets toe, het verzoek moet "
                         "worden onderbouwd.",
        "bound": "{who} moet dit toestaan als aan de voorwaarden is voldaan.",
        "bound_reading": "{who} moet dit toestaan als aan de voorwaarden is voldaan, volgens een uitleg van de wet.",
        "discretionary_reading": "{who} mag dit toestaan (volgens een uitleg van de wet), maar hoeft het niet; deze "
                                 "toets kent niets toe, het verzoek moet worden onderbouwd.",
        "lead": "Doorlooptijd ongeveer {days} ({basis}).",
        "lead_maximum": "Doorlooptijd uiterlijk {days} ({basis}).",
        "lead_unknown": "Doorlooptijd onbekend ({basis}).",
        "missing": "Nog nodig voor deze route: {facts}.",
        "questions": "Nog uit te zoeken: {items}",
        "figures": "Niet bekend in deze regelset (geen vraag aan u; de regelset moet worden aangevuld): {items}.",
        "presumptions": "Aangenomen (meld het als dit niet klopt): {items}",
        "rulesets": "Gebruikte regelsets: {items}.",
        "in_the_way": "In de weg: {items}.",
        "may_be_in_the_way": "Kan in de weg staan (nog uit te zoeken): {items}.",
        "may_power_short": "Het college mag misschien weigeren (een bevoegdheid; nog uit te zoeken): {items}.",
        "rests_on": "Rust op: {items}.",
        "may_apply_short": "Kan gelden (nog uit te zoeken): {items}.",
        "route_short": "{title} ({source}), voor {options}: {power}; {lead}{status}.",
        "stays_blocked": "Er is geen enkele route voor {blocks}. Een route hieronder opent deze optie dus niet (al kan "
                         "die nog nodig zijn voor iets anders).",
        "advised": "Geadviseerde route",
        "other_routes": "Andere routes: {items}",
        "routes_short": "Routes die een blokkade kunnen opheffen: {items}",
        "may_short": "{who} mag, maar hoeft niet",
        "must_short": "{who} moet, als aan de voorwaarden is voldaan",
        "reading_short": " (een uitleg van de wet)",
        "lead_short": "ca. {days}",
        "lead_short_maximum": "uiterlijk {days}",
        "lead_short_unverified": "ca. {days} (niet geverifieerd)",
        "lead_short_unknown": "doorlooptijd onbekend",
    },
    "en": {
        "intro": "Reference date {date}, municipality {municipality}.",
        "per_option": "Per option:",
        "option": "{title}: {status}.",
        "blocked": "What stands in the way: {items}.",
        "may_block": "What may stand in the way, depending on what is still to be found out: {items}.",
        "may_power": "What the college may be able to refuse (a power, not a prohibition), depending on what is still "
                     "to be found out: {items}.",
        "grounds": "What it rests on: {items}.",
        "may_apply": "What may also apply, depending on what is still to be found out: {items}.",
        "routes": "Routes that can lift a block:",
        "route": "{title} ({source}), for {options}: {status}.",
        "discretionary": "{who} may allow this but does not have to; this check grants nothing, the request must be "
                         "argued.",
        "bound": "{who} must allow this when the conditions are met.",
        "bound_reading": "{who} must allow this when the conditions are met, on a reading of the law.",
        "discretionary_reading": "{who} may allow this (on a reading of the law) but does not have to; this check "
                                 "grants nothing, the request must be argued.",
        "lead": "Takes about {days} ({basis}).",
        "lead_maximum": "Takes at most {days} ({basis}).",
        "lead_unknown": "Lead time unknown ({basis}).",
        "missing": "Still needed for this route: {facts}.",
        "questions": "Still to find out: {items}",
        "figures": "Not known in this rule set (not a question for you; the rule set must be completed): {items}.",
        "presumptions": "Presumed (say so if this is wrong): {items}",
        "rulesets": "Rule sets used: {items}.",
        "in_the_way": "In the way: {items}.",
        "may_be_in_the_way": "May be in the way (still to find out): {items}.",
        "may_power_short": "The college may be able to refuse (a power; still to find out): {items}.",
        "rests_on": "Rests on: {items}.",
        "may_apply_short": "May apply (still to find out): {items}.",
        "route_short": "{title} ({source}), for {options}: {power}; {lead}{status}.",
        "stays_blocked": "There is no route at all for {blocks}. So no route below opens this option (though one may "
                         "still be needed for something else).",
        "advised": "Advised route",
        "other_routes": "Other routes: {items}",
        "routes_short": "Routes that can lift a block: {items}",
        "may_short": "{who} may, but need not",
        "must_short": "{who} must, if the conditions are met",
        "reading_short": " (a reading of the law)",
        "lead_short": "about {days}",
        "lead_short_maximum": "at most {days}",
        "lead_short_unverified": "about {days} (not verified)",
        "lead_short_unknown": "lead time unknown",
    },
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _option(o: dict, p: dict, w: dict, lang: str) -> str:
    parts = [w["option"].format(title=o["title"], status=p["status"][o["status"]])]
    blocks = []
    for b in o["blocked_by"]:
        item = f"{b['title']} ({cite(b['source'], lang)})"
        reason = b.get("reason")
        blocks.append(f"{item}: {reason.rstrip('.')}" if reason else item)
    if blocks:
        parts.append(w["blocked"].format(items="; ".join(blocks)))
        parts += _stays_blocked(o, w, lang)
    possible, powers = _possible(o, lang)
    if possible:
        parts.append(w["may_block"].format(items="; ".join(possible)))
    if powers:  # a power to refuse that may hold is the college's, not a possible prohibition (legal audit D-64)
        parts.append(w["may_power"].format(items="; ".join(powers)))
    grounds, conditional = [], []
    for g in o["grounds"]:
        shown = [f"{a['title']} {money(Decimal(a['value']), lang) if a['unit'].startswith('EUR') else a['value']}"
                 for a in (g.get("amounts") or {}).values() if a["value"] is not None]
        item = f"{g['title']} ({cite(g['source'], lang)})" + (f": {', '.join(shown)}" if shown else "")
        (conditional if g.get("status") == "conditional" else grounds).append(item)
    if grounds:
        parts.append(w["grounds"].format(items="; ".join(grounds)))
    if conditional:  # it rests on them only if the missing facts allow
        parts.append(w["may_apply"].format(items="; ".join(conditional)))
    parts += _thresholds(o, p, lang)
    return " ".join(parts)


def _possible(o: dict, lang: str) -> tuple[list[str], list[str]]:
    """The blocks that may hold, cited: the prohibitions, and apart the college's powers to refuse."""
    possible, powers = [], []
    for b in o.get("possible_blocks", ()):
        (powers if b.get("discretionary") else possible).append(f"{b['title']} ({cite(b['source'], lang)})")
    return possible, powers


def _thresholds(o: dict, p: dict, lang: str) -> list[str]:
    """What would have to change for each block that holds, with the limit and the case's value."""
    out = []
    for b in o["blocked_by"]:
        for t in b.get("thresholds", ()):
            value = (lambda v: money(Decimal(v), lang) if t["money"] else v)
            out.append(p["threshold"].format(label=t["label"], op=p["ops"][t["operator"]], limit=value(t["limit"]),
                                             value=value(t["value"])))
    return out


def _routes(decision: dict) -> list[tuple[dict, list[str]]]:
    """Each route once, with the titles of the options it serves, in the order of `route_order`."""
    seen: dict[str, tuple[dict, list[str]]] = {}
    for o in decision["options"]:
        for r in o["routes"]:
            seen.setdefault(r["route"], (r, []))[1].append(o["title"])
    within = (decision.get("need") or {}).get("needed_within_days")
    return sorted(seen.values(), key=lambda pair: route_order(pair[0], within))


def _stays_blocked(o: dict, w: dict, lang: str) -> list[str]:
    """For a blocked option with a route that may be granted: which blocks no route lifts (lines.stays_blocked)."""
    stays = stays_blocked(o)
    return [w["stays_blocked"].format(blocks=quoted_titles(stays, lang))] if stays else []


def _route(r: dict, options: list[str], within, labels: dict, p: dict, w: dict, lang: str) -> str:
    who = _upper(p["decided_by"].get(r["decided_by"], r["decided_by"]))
    parts = [w["route"].format(title=r["title"], source=cite(r["source"], lang), options=listed(options, lang),
                               status=p["route_status"][r["status"]])]
    reading = r.get("confidence") == "assessment"  # an assessment stays marked, a power or a duty alike
    if r["discretionary"]:
        parts.append((w["discretionary_reading"] if reading else w["discretionary"]).format(who=who))
    else:
        parts.append((w["bound_reading"] if reading else w["bound"]).format(who=who))
    if r.get("lead_time_days") is None:
        parts.append(w["lead_unknown"].format(basis=r["lead_time_basis"]))
    else:
        # a maximum the law sets is "uiterlijk", never "ongeveer" (legal audit D-79)
        parts.append(w["lead_maximum" if r.get("lead_time_maximum") else "lead"].format(
            days=days(r["lead_time_days"], p), basis=r["lead_time_basis"]))
    when = timing(r, within)
    if when is not None and within is not None:
        # (the client file is two A4 pages: the short form of the unverified case, said the same way)
        parts.append(_upper(p[when + "_short" if when == "too_late_unverified" else when].format(
            within=within, days=days(r["lead_time_days"], p))) + ".")
    if r.get("reason"):
        parts.append(_sentence(r["reason"]))
    parts.append(f"{p['argue']}: {_sentence(r['argue'])}")
    if r.get("evidence"):
        parts.append(f"{p['evidence']}: " + "; ".join(e.rstrip(".") for e in r["evidence"]) + ".")
    if r.get("missing_facts"):
        parts.append(w["missing"].format(facts=", ".join(labels.get(f, f) for f in r["missing_facts"])))
    return " ".join(parts)


def _cited(decision: dict) -> list[dict]:
    """The rule sets this text cites (a rule, route, ground or presumption of theirs). The decision itself
    keeps every rule set it was checked against, with its digest; the client file names what speaks."""
    cited = {x["ruleset"] for o in decision["options"]
             for key in ("blocked_by", "possible_blocks", "grounds", "routes") for x in o.get(key, ())}
    cited |= {x["ruleset"] for x in decision.get("presumptions", ())}
    cited |= {s["ruleset"] for a in decision.get("amounts", ()) for s in a["steps"]}
    return [r for r in decision["rulesets"] if r["id"] in cited] or decision["rulesets"]


def _short(title: str) -> str:
    return title.split(" (")[0]


def _amounts(decision: dict, lang: str) -> str:
    """One paragraph: each amount with the sums that led to it, shortly (a client file; the tests, formulas and
    figures used are on the page and in the CLI text)."""
    aw = amount_words.words(lang)
    parts = []
    for a in decision["amounts"]:
        value = amount_words.value_text(a["value"], lang) if a["value"] is not None else aw["unknown"]
        text = f"{_short(a['title'])}: {value}"
        if a.get("provisional"):
            text += f" ({aw['provisional']})"
        steps, before = [], None
        for s in a["steps"][:-1]:  # the last step is the amount itself; only the sums (the tests are on the page)
            if not isinstance(s["value"], str):
                continue
            value, source = amount_words.value_text(s["value"], lang), cite(s["source"], lang)
            if (value, source) != before:  # "the norm that applies" repeating the norm says nothing new here
                steps.append(f"{_short(s['title'])} {value} ({source})")
            before = (value, source)
        if steps:
            text += f", uit: {'; '.join(steps)}" if lang != "en" else f", from: {'; '.join(steps)}"
        parts.append(" ".join([text + ".", *amount_words.reasons(a)]))
    return f"{aw['section']}: " + " ".join(parts)


def _option_brief(o: dict, p: dict, w: dict, lang: str) -> str:
    """One option in a few lines: its status, the rules in the way (titles and articles; the reasons are in
    the full text) and what would have to change; for an option that is allowed, what it rests on. The routes
    follow once, with the options they serve."""
    parts = [w["option"].format(title=o["title"], status=p["status"][o["status"]])]
    blocks = [f"{b['title']} ({cite(b['source'], lang)})" for b in o["blocked_by"]]
    if blocks:
        parts.append(w["in_the_way"].format(items="; ".join(blocks)))
        parts += _stays_blocked(o, w, lang)
    possible, powers = _possible(o, lang)
    if possible:
        parts.append(w["may_be_in_the_way"].format(items="; ".join(possible)))
    if powers:
        parts.append(w["may_power_short"].format(items="; ".join(powers)))
    if o["status"] == "allowed":
        grounds = [f"{g['title']} ({cite(g['source'], lang)})" for g in o["grounds"] if g.get("status") != "conditional"]
        if grounds:
            parts.append(w["rests_on"].format(items="; ".join(grounds)))
    # what may apply once the missing facts are known (a vrijlating that would set a block aside): the answer the
    # professional is waiting for, so it stays in the short form too
    conditional = [f"{g['title']} ({cite(g['source'], lang)})" for g in o["grounds"] if g.get("status") == "conditional"]
    if conditional:
        parts.append(w["may_apply_short"].format(items="; ".join(conditional)))
    return " ".join(parts + _thresholds(o, p, lang))


def _route_brief(r: dict, options: list[str], within, p: dict, w: dict, lang: str) -> str:
    """A route in one sentence: title, article, the options it serves, who decides and whether they must, the
    lead time (and whether it is probably too late), and its status where it is not simply possible."""
    who = p["decided_by"].get(r["decided_by"], r["decided_by"])
    power = (w["may_short"] if r["discretionary"] else w["must_short"]).format(who=who)
    if r.get("confidence") == "assessment":
        power += w["reading_short"]
    when = timing(r, within) if within is not None else None
    if r.get("lead_time_days") is None:
        lead = w["lead_short_unknown"]
    elif when == "too_late_unverified":  # (the short phrase says the lead time is not verified)
        lead = w["lead_short"].format(days=days(r["lead_time_days"], p)) + ", " + \
            p["too_late_unverified_short"].format(within=within)
    elif r.get("lead_time_maximum"):  # a maximum the law sets: "uiterlijk", and it may be in time (D-79)
        lead = w["lead_short_maximum"].format(days=days(r["lead_time_days"], p))
        if when == "in_time_maybe":
            lead += ", " + p["in_time_maybe_short"].format(within=within)
    else:
        lead = (w["lead_short"] if r.get("lead_time_verified", True) else w["lead_short_unverified"]).format(
            days=days(r["lead_time_days"], p))
        if when == "too_late":
            lead += ", " + p["too_late"].format(within=within)
    status = "" if r["status"] == "available" else f"; {p['route_status'][r['status']]}"
    return w["route_short"].format(title=r["title"], source=cite(r["source"], lang), options=listed(options, lang),
                                   power=power, lead=lead, status=status)


def _routes_brief(decision: dict, best: dict | None, within, labels: dict, p: dict, w: dict, lang: str) -> list[str]:
    """The advised route in full (what to argue, the evidence), every other usable route in one sentence."""
    routes = [(r, opts) for r, opts in _routes(decision) if r["status"] != "unavailable"]
    advised = [(r, opts) for r, opts in routes if best is not None and r["route"] == best["route"]]
    out = [f"{w['advised']}: " + _route(r, opts, within, labels, p, w, lang) for r, opts in advised]
    others = [_route_brief(r, opts, within, p, w, lang) for r, opts in routes if (r, opts) not in advised]
    if others:
        out.append((w["other_routes"] if advised else w["routes_short"]).format(items=" ".join(others)))
    return out


def render(decision: dict, lang: str = "nl", labels: dict | None = None, questions: list[str] = (),
           figures: list[str] = (), brief: bool = False) -> str:
    """The onderbouwing of `decision`: paragraphs separated by one blank line, no line breaks inside.

    `questions`: the questions still to ask, in the order of a conversation; `figures`: the rule-set
    figures that are not known (said apart: they are not a question to the professional). `brief`: the
    short form for a client file (each option in a few lines, only the advised route in full)."""
    lang = "en" if lang == "en" else "nl"
    p, w, labels = phrases(lang), PLAIN[lang], labels or {}
    within = (decision.get("need") or {}).get("needed_within_days")
    paragraphs = [p["title"].format(case_id=decision["case_id"]),
                  w["intro"].format(date=date(dt.date.fromisoformat(decision["reference_date"]), lang),
                                    municipality=decision.get("municipality_name") or decision.get("municipality", ""))]
    best = fastest_route(decision)
    if best is not None:  # what to do first, who decides, how fast (a verdict per option follows, never one for all)
        paragraphs.append(advice_text(best, p, within))
    paragraphs.append(w["per_option"])
    if brief:
        paragraphs += [_option_brief(o, p, w, lang) for o in decision["options"]]
        paragraphs += _routes_brief(decision, best, within, labels, p, w, lang)
    else:
        paragraphs += [_option(o, p, w, lang) for o in decision["options"]]
        routes = _routes(decision)
        if routes:
            paragraphs.append(w["routes"])
            paragraphs += [_route(r, opts, within, labels, p, w, lang) for r, opts in routes]
    if decision.get("amounts"):
        paragraphs.append(_amounts(decision, lang))
    if questions:
        paragraphs.append(w["questions"].format(items=" ".join(_sentence(q) for q in questions)))
    if figures:
        paragraphs.append(w["figures"].format(items="; ".join(figures)))
    if decision.get("presumptions"):
        paragraphs.append(w["presumptions"].format(
            items=" ".join(f"{_sentence(x['title'])[:-1]} ({cite(x['source'], lang)})." for x in decision["presumptions"])))
    k = decision.get("kassabon")
    if k:
        text = p["kassabon"] + ": " + p["kassabon_line"].format(
            cost=money(Decimal(k["cost_once"]), lang), per_year=money(Decimal(k["avoided_per_year"]), lang),
            ratio=number(Decimal(k["ratio_per_year"]), lang), days=k.get("payback_days", "?"))
        if Decimal(k["avoided_once"]) > 0:
            text += " " + p["kassabon_once"].format(once=money(Decimal(k["avoided_once"]), lang))
        paragraphs.append(text)
    paragraphs.append(w["rulesets"].format(items=", ".join(f"{r['id']} {r['version']}" for r in _cited(decision))))
    return "\n\n".join(" ".join(x.split()) for x in paragraphs) + "\n"
