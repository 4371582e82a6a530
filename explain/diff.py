"""A version diff and a changelog (engine.diff) as text or Markdown, for policy staff."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from engine.templates import date as long_date
from engine.templates import money, percent

from .citation import cite

WORDS = {
    "nl": {"title": "Wijzigingen {id} {a} → {b}", "parameters": "Parameters", "rules": "Regels", "routes": "Routes",
           "added": "nieuw", "removed": "vervallen", "changed": "gewijzigd", "none": "Geen wijzigingen.",
           "open": "open norm (onbekend)", "absent": "(geen)", "source": "bron", "horizon": "Bedragen bekend tot en met",
           "no_horizon": "geen geïndexeerde bedragen", "figures_of": "bedragen van {date}", "note": "Toelichting",
           "period": "Geldig van {start} tot en met {end}", "period_open": "Geldig vanaf {start}",
           "changelog": "Wijzigingsoverzicht {title} ({id})", "base": "Eerste versie.",
           "counts": "{n} {what} {how}", "field": {
               "kind": "soort", "title": "titel", "applies_to": "opties", "when": "voorwaarde", "fact": "feit",
               "value": "waarde", "reason": "tekst", "conditions": "voorwaarden", "amounts": "bedragen",
               "overrides": "zet opzij", "tags": "tags", "confidence": "zekerheid", "verified": "geverifieerd",
               "source": "bron", "note": "notitie", "lifts": "heft op", "decided_by": "beslist door",
               "discretionary": "discretionair", "lead_time": "doorlooptijd", "argue": "onderbouwen",
               "evidence": "bewijs", "unit": "eenheid"}},
    "en": {"title": "Changes {id} {a} → {b}", "parameters": "Parameters", "rules": "Rules", "routes": "Routes",
           "added": "added", "removed": "removed", "changed": "changed", "none": "No changes.",
           "open": "open term (unknown)", "absent": "(none)", "source": "source", "horizon": "Figures known until",
           "no_horizon": "no indexed figures", "figures_of": "figures of {date}", "note": "Note",
           "period": "In force from {start} to {end}", "period_open": "In force from {start}",
           "changelog": "Changelog {title} ({id})", "base": "First version.",
           "counts": "{n} {what} {how}", "field": {}},
}
MARK = {"added": "+", "removed": "-", "changed": "~"}


def _words(lang: str) -> dict:
    return WORDS["en" if lang == "en" else "nl"]


def value_text(value, unit: str | None, lang: str) -> str:
    """A parameter value as a reader writes it: € 1.419,46, 15%, 12."""
    if value is None:
        return _words(lang)["open"]
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if unit and unit.startswith("EUR"):
        return money(number, lang) + (unit[3:] if len(unit) > 3 else "")
    if unit == "factor":
        return percent(number, lang)
    return str(value)


def _source(source: dict | None, lang: str) -> str:
    if not source:
        return _words(lang)["absent"]
    text = cite(source, lang)
    return f"{text} <{source['url']}>" if source.get("url") else text


def field_text(field: str, value, lang: str) -> str:
    if value is None:
        return _words(lang)["absent"]
    if field == "source":
        return _source(value, lang)
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("ja" if value else "nee")
    if isinstance(value, list):
        return "; ".join(str(x) for x in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return " ".join(str(value).split())


def _horizon_text(ref: dict, lang: str) -> str:
    w = _words(lang)
    h = ref.get("horizon")
    if h is None:
        return w["no_horizon"]
    until = long_date(dt.date.fromisoformat(h["known_until"]), lang)
    return f"{until} ({w['figures_of'].format(date=long_date(dt.date.fromisoformat(h['figures_of']), lang))})"


def lines(d: dict, lang: str = "nl") -> list[tuple[int, str]]:
    """The diff as (depth, text) lines; depth 0 is a heading."""
    w = _words(lang)
    names = w["field"]
    out: list[tuple[int, str]] = [(0, w["title"].format(id=d["ruleset"], a=d["from"]["version"], b=d["to"]["version"]))]
    a, b = _horizon_text(d["from"], lang), _horizon_text(d["to"], lang)
    out.append((1, f"{w['horizon']}: {a}" + ("" if a == b else f" → {b}")))
    if d["to"].get("changes"):
        out.append((1, f"{w['note']}: {' '.join(d['to']['changes'].split())}"))
    if d["empty"]:
        out.append((1, w["none"]))
        return out
    p = d["parameters"]
    if any(p.values()):
        out.append((0, w["parameters"]))
        for x in p["added"]:
            out.append((1, f"+ {x['id']} = {value_text(x['value'], x['unit'], lang)} ({w['added']}; {x['title']}; "
                           f"{w['source']}: {_source(x['source'], lang)})"))
        for x in p["removed"]:
            out.append((1, f"- {x['id']} ({w['removed']}; {x['title']})"))
        for x in p["changed"]:
            old, new = value_text(x["old"], x["unit"], lang), value_text(x["new"], x["unit"], lang)
            text = f"~ {x['id']}: {old} → {new} ({x['title']}; {w['source']}: {_source(x['new_source'], lang)})"
            out.append((1, text))
            for c in x["changes"]:
                if c["field"] not in ("value", "source"):
                    out.append((2, f"{names.get(c['field'], c['field'])}: {field_text(c['field'], c['old'], lang)} → "
                                   f"{field_text(c['field'], c['new'], lang)}"))
            if x["old_source"] and x["new_source"] and cite(x["old_source"], lang) != cite(x["new_source"], lang):
                out.append((2, f"{w['source']}: {_source(x['old_source'], lang)} → {_source(x['new_source'], lang)}"))
    for part in ("rules", "routes"):
        items = d[part]
        if not any(items.values()):
            continue
        out.append((0, w[part]))
        for how in ("added", "removed"):
            for x in items[how]:
                kind = f"[{x['kind']}] " if x.get("kind") else ""
                out.append((1, f"{MARK[how]} {kind}{x['id']}: {x['title']} ({w[how]}; {_source(x['source'], lang)})"))
        for x in items["changed"]:
            out.append((1, f"~ {x['id']}: {x['title']} ({w['changed']})"))
            for c in x["changes"]:
                out.append((2, f"{names.get(c['field'], c['field'])}: {field_text(c['field'], c['old'], lang)} → "
                               f"{field_text(c['field'], c['new'], lang)}"))
    return out


def changelog_lines(log: dict, lang: str = "nl") -> list[tuple[int, str]]:
    w = _words(lang)
    out: list[tuple[int, str]] = [(0, w["changelog"].format(title=log["title"], id=log["ruleset"]))]
    for v in log["versions"]:
        start = long_date(dt.date.fromisoformat(v["valid_from"]), lang)
        period = (w["period"].format(start=start, end=long_date(dt.date.fromisoformat(v["valid_to"]), lang))
                  if v["valid_to"] else w["period_open"].format(start=start))
        out.append((0, f"{v['version']}: {period}"))
        out.append((1, f"{w['horizon']}: {_horizon_text(v, lang)}"))
        if v.get("changes"):
            out.append((1, " ".join(v["changes"].split())))
        if "ids" not in v:
            out.append((1, w["base"]))
            continue
        for what in ("parameters", "rules", "routes"):
            for how in ("added", "removed", "changed"):
                ids = v["ids"][what][how]
                if ids:
                    out.append((1, f"{MARK[how]} {w[what].lower()} {w[how]}: {', '.join(ids)}"))
    return out


def text(rows: list[tuple[int, str]]) -> str:
    out = []
    for depth, line in rows:
        if depth == 0:
            out += ["", line, "=" * min(len(line), 100) if not out else "-" * min(len(line), 100)]
        else:
            out.append("  " * (depth - 1) + line)
    return "\n".join(out).strip() + "\n"


def markdown(rows: list[tuple[int, str]]) -> str:
    out = []
    for depth, line in rows:
        esc = line.replace("*", r"\*").replace("_", r"\_")
        if depth == 0:
            out += ["", ("# " if not out else "## ") + esc, ""]
        else:
            out.append("  " * (depth - 1) + "- " + esc)
    return "\n".join(out).strip() + "\n"
