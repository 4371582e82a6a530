"""The explanation as a tree of nodes, built from a public decision; renderers turn it into text.

A node is `{"kind": ..., "text": ..., "children": [...]}`. Kinds: title, warning, intro, advice, option,
block, threshold, route, detail, ground, question, presumption, kassabon, ruleset, section, amount, step.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from engine.sources import case_law_url
from engine.templates import date, money, number

from . import amounts as amount_words
from .citation import cite
from .phrases import phrases


def node(kind: str, text: str, children: list | None = None) -> dict:
    return {"kind": kind, "text": text, "children": children or []}


def _flags(item: dict, p: dict) -> str:
    flags = []
    if item.get("confidence") == "assessment":
        flags.append(p["assessment"])
    if item.get("verified") is False:
        flags.append(p["unverified"])
    return f" [{'; '.join(flags)}]" if flags else ""


def days(n: int, p: dict) -> str:
    return f"{n} {p['day'] if n == 1 else p['days']}"


def _lead(route: dict, p: dict) -> str:
    if route.get("lead_time_days") is None:
        return p["lead_unknown"].format(basis=route["lead_time_basis"])
    # a figure from practice is shown as practice, never as a fact
    wording = p["lead_days"] if route.get("lead_time_verified", True) else p["lead_practice"]
    return wording.format(days=days(route["lead_time_days"], p), basis=route["lead_time_basis"])


def _value(v: str, money_like: bool, lang: str) -> str:
    return money(Decimal(v), lang) if money_like else v


def case_law_nodes(item: dict, p: dict) -> list[dict]:
    """The judgments a rule or route rests on, each with its link on rechtspraak.nl."""
    eclis = (item.get("source") or {}).get("case_law") or ()
    if not eclis:
        return []
    shown = [f"{e} ({case_law_url(e)})" if case_law_url(e) else e for e in eclis]
    return [node("detail", f"{p['case_law']}: " + "; ".join(shown) + ".")]


def _route_node(route: dict, within, labels: dict, p: dict, lang: str, terms: dict | None = None) -> dict:
    text = p["route_line"].format(
        title=route["title"], source=cite(route["source"], lang), status=p["route_status"][route["status"]],
        who=p["decided_by"].get(route["decided_by"], route["decided_by"]),
        discretion=p["discretionary"] if route["discretionary"] else p["not_discretionary"], lead=_lead(route, p))
    if route.get("in_time") is not None:
        text += " " + (p["in_time"] if route["in_time"] else p["too_late"]).format(within=within).capitalize() + "."
    text += _flags(route, p)
    children = []
    if route.get("reason"):
        children.append(node("detail", route["reason"]))
    children.append(node("detail", f"{p['argue']}: {route['argue']}"))
    if route.get("evidence"):
        children.append(node("detail", f"{p['evidence']}: " + "; ".join(route["evidence"]) + "."))
    if route.get("missing_facts"):
        children.append(node("detail", p["missing"].format(facts=", ".join(labels.get(f, f) for f in route["missing_facts"]))))
    if route.get("open_terms"):
        children.append(node("detail", p["open_term"].format(terms=", ".join((terms or {}).get(t, t) for t in route["open_terms"]))))
    children += case_law_nodes(route, p)
    return node("route", text, children)


def route_order(route: dict) -> tuple:
    # usable and fast first: available before conditional before unavailable, in time before late
    rank = {"available": 0, "conditional": 1, "unavailable": 2}[route["status"]]
    late = 1 if route.get("in_time") is False else 0
    days = route["lead_time_days"] if route.get("lead_time_days") is not None else 10**6
    return (rank, late, days, route["route"])


def _option_node(option: dict, decision: dict, labels: dict, p: dict, lang: str) -> dict:
    within = (decision.get("need") or {}).get("needed_within_days")
    terms = {t["parameter"]: t["title"] for t in decision.get("open_terms", ())}
    children = []
    for b in option["blocked_by"]:
        kids = [node("detail", b["reason"])] if b.get("reason") else []
        for t in b.get("thresholds", ()):
            kids.append(node("threshold", p["threshold"].format(
                label=t["label"], op=p["ops"][t["operator"]], limit=_value(t["limit"], t["money"], lang),
                value=_value(t["value"], t["money"], lang))))
        kids += case_law_nodes(b, p)
        head = p["power"] if b.get("discretionary") else p["blocked_by"]
        children.append(node("block", f"{head}: {b['title']} ({cite(b['source'], lang)}){_flags(b, p)}.", kids))
    for b in option.get("possible_blocks", ()):
        kids = []
        if b["missing_facts"]:
            kids.append(node("detail", p["missing"].format(facts=", ".join(labels.get(f, f) for f in b["missing_facts"]))))
        if b.get("open_terms"):
            kids.append(node("detail", p["open_term"].format(terms=", ".join(terms.get(t, t) for t in b["open_terms"]))))
        children.append(node("block", f"{p['may_block']}: {b['title']} ({cite(b['source'], lang)}){_flags(b, p)}.", kids))
    for g in option["grounds"]:
        kids = [node("detail", g["reason"])] if g.get("reason") else []
        for name, a in (g.get("amounts") or {}).items():
            if a["value"] is not None:
                shown = money(Decimal(a["value"]), lang) if a["unit"].startswith("EUR") else a["value"]
                if g.get("provisional"):
                    shown += f" ({p['provisional_amount']})"
                kids.append(node("detail", p["amount"].format(title=a["title"], value=shown)))
        if g.get("conditions"):
            kids.append(node("detail", f"{p['conditions']}: " + " ".join(g["conditions"])))
        kids += case_law_nodes(g, p)
        children.append(node("ground", f"{p['ground']}: {g['title']} ({cite(g['source'], lang)}){_flags(g, p)}.", kids))
    routes = sorted(option["routes"], key=route_order)
    if routes:
        children.append(node("section", p["routes"], [_route_node(r, within, labels, p, lang, terms) for r in routes]))
    if option["missing_facts"]:
        children.append(node("detail", p["missing"].format(facts=", ".join(labels.get(f, f) for f in option["missing_facts"]))))
    status = p["status"][option["status"]]
    if option.get("provisional"):
        status += f" ({p['provisional']})"
    return node("option", f"{option['title']}: {status}.", children)


def amounts_section(decision: dict, lang: str) -> dict:
    """Each amount, then its steps (dependencies first) with the inputs they used, or why it is not known."""
    titles = {o["option"]: o["title"] for o in decision["options"]}
    items = []
    for a in decision["amounts"]:
        kids = [node("detail", r) for r in amount_words.reasons(a)]
        for step in a["steps"]:  # with the figures it used; the case's own facts are in the JSON and on the page
            kids.append(node("step", amount_words.step_text(step, lang),
                             [node("detail", amount_words.input_text(i, lang)) for i in step["inputs"]
                              if i["kind"] == "parameter"]))
        items.append(node("amount", amount_words.heading(a, lang, titles), kids))
    return node("section", amount_words.words(lang)["section"], items)


def warning_nodes(decision: dict, p: dict) -> list[dict]:
    """The notices that belong at the top: figures past a rule set's horizon, one per rule set."""
    return [node("warning", p["warning"].format(ruleset=w["ruleset"], message=w["message"]))
            for w in decision.get("warnings", ())]


def _advice(decision: dict, p: dict) -> dict | None:
    best = None
    for o in decision["options"]:
        for r in o["routes"]:
            if r["status"] == "available" and r.get("in_time") is not False and r.get("lead_time_days") is not None \
                    and r.get("lead_time_verified", True):
                if best is None or r["lead_time_days"] < best["lead_time_days"]:
                    best = r
    if best is None:
        return None
    return node("advice", p["advice_fast"].format(title=best["title"], who=p["decided_by"].get(best["decided_by"]),
                                                  days=days(best["lead_time_days"], p)))


def build(decision: dict, lang: str = "nl", labels: dict | None = None) -> list[dict]:
    """The explanation tree of `decision`; `labels` maps fact names to their Dutch/English label."""
    p = phrases(lang)
    labels = labels or {}
    q_labels = {q["fact"]: q["question"] for q in decision.get("questions", ())}
    nodes = [
        node("title", p["title"].format(case_id=decision["case_id"])),
        *warning_nodes(decision, p),
        node("intro", p["intro"].format(date=date(dt.date.fromisoformat(decision["reference_date"]), lang),
                                        municipality=decision.get("municipality_name") or decision.get("municipality", ""),
                                        outcome=p["status"][decision["outcome"]])),
    ]
    advice = _advice(decision, p)
    if advice:
        nodes.append(advice)
    nodes += [_option_node(o, decision, labels, p, lang) for o in decision["options"]]
    if decision.get("amounts"):
        nodes.append(amounts_section(decision, lang))
    if decision["missing_facts"]:
        nodes.append(node("section", p["questions"],
                          [node("question", q_labels.get(f, labels.get(f, f))) for f in decision["missing_facts"]]))
    if decision.get("open_terms"):
        nodes.append(node("section", p["open_terms"], [node("question", f"{t['title']} ({t['ruleset']}).")
                                                        for t in decision["open_terms"]]))
    if decision.get("presumptions"):
        nodes.append(node("section", p["presumptions"],
                          [node("presumption", f"{x['title']} ({cite(x['source'], lang)}).") for x in decision["presumptions"]]))
    k = decision.get("kassabon")
    if k:
        text = p["kassabon_line"].format(cost=money(Decimal(k["cost_once"]), lang),
                                         per_year=money(Decimal(k["avoided_per_year"]), lang),
                                         ratio=number(Decimal(k["ratio_per_year"]), lang), days=k.get("payback_days", "?"))
        kids = [node("detail", p["kassabon_once"].format(once=money(Decimal(k["avoided_once"]), lang)))] \
            if Decimal(k["avoided_once"]) > 0 else []
        nodes.append(node("section", p["kassabon"], [node("kassabon", text, kids)]))
    nodes.append(node("section", p["rulesets"], [
        node("ruleset", f"{r['id']} {r['version']} ({r['digest'][:19]}…)" + (f": {r['url']}" if r.get("url") else ""))
        for r in decision["rulesets"]]))
    return nodes
