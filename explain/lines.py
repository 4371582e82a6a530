"""The explanation of a public decision as one stream of lines in reading order: the one place that says
which lines an explanation has and how each is worded (from explain.phrases and explain.amounts).

A line is `(level, kind, text)`, level being its depth in the explanation tree. Kinds: title, warning,
intro, advice, option, block, threshold, route, detail, ground, question, presumption, kassabon, ruleset,
section, amount, step. Lines that recur from case to case (option titles, block, route and ground lines,
argue and evidence, case law, questions, presumptions, rule sets, headings) come as shared fragments
(explain.fragments), keyed on every input they depend on; only what belongs to the case (reasons,
thresholds, amounts, missing facts) is worded per case. explain.text writes the stream as it comes;
explain.tree nests it into nodes for JSON and Markdown.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from engine.sources import case_law_url
from engine.templates import date, money, number

from . import amounts as amount_words
from .citation import cite
from .fragments import UNCACHED, Fragment, exact, fragment, line
from .phrases import phrases, quoted_titles

Line = tuple[int, str, str]
Stream = list  # of Line | Fragment


def _flags(item: dict, p: dict) -> str:
    flags = []
    if item.get("confidence") == "assessment":
        flags.append(p["assessment"])
    if item.get("verified") is False:
        flags.append(p["unverified"])
    return f" [{'; '.join(flags)}]" if flags else ""


def _flag_key(item: dict) -> tuple[bool, bool]:
    return item.get("confidence") == "assessment", item.get("verified") is False


def days(n: int, p: dict) -> str:
    return f"{n} {p['day'] if n == 1 else p['days']}"


def _lead(route: dict, p: dict) -> str:
    if route.get("lead_time_days") is None:
        return p["lead_unknown"].format(basis=route["lead_time_basis"])
    # a figure from practice is shown as practice, never as a fact; a maximum the law sets as "uiterlijk" (D-79)
    wording = p["lead_maximum"] if route.get("lead_time_maximum") else \
        p["lead_days"] if route.get("lead_time_verified", True) else p["lead_practice"]
    return wording.format(days=days(route["lead_time_days"], p), basis=route["lead_time_basis"])


def _value(v: str, money_like: bool, lang: str) -> str:
    return _euros(v, lang) if money_like else v


def _euros(value, lang: str) -> str:
    return _euros_of(value, lang) if type(value) is str else money(Decimal(value), lang)


@lru_cache(maxsize=8192)  # limits, incomes and receipts recur from case to case; a string is an exact key
def _euros_of(value: str, lang: str) -> str:
    return money(Decimal(value), lang)


def _missing(level: int, facts: list, labels: dict, p: dict) -> Line:
    return (level, "detail", p["missing"].format(facts=", ".join(labels.get(f, f) for f in facts)))


def _open(level: int, names: list, terms: dict, p: dict) -> Line:
    return (level, "detail", p["open_term"].format(terms=", ".join(terms.get(t, t) for t in names)))


def _case_law(item: dict, level: int, lang: str) -> Fragment | None:
    """The judgments a rule or route rests on, each with its link on rechtspraak.nl."""
    eclis = (item.get("source") or {}).get("case_law")
    if not eclis:
        return None
    return fragment(("case_law", level, lang, tuple(eclis)), _case_law_lines, eclis, level, lang)


def _case_law_lines(eclis: list, level: int, lang: str) -> list[Line]:
    shown = [f"{e} ({case_law_url(e)})" if case_law_url(e) else e for e in eclis]
    return [(level, "detail", f"{phrases(lang)['case_law']}: " + "; ".join(shown) + ".")]


def _item_line(level: int, kind: str, head: str, item: dict, lang: str) -> Fragment:
    """'Geblokkeerd door: <title> (<citation>) [flags].' (and the like for grounds and possible blocks)."""
    source = cite(item["source"], lang)
    return fragment((kind, lang, head, item["title"], source, *_flag_key(item)), _item_lines, level, kind, head,
                    item, source, lang)


def _item_lines(level: int, kind: str, head: str, item: dict, source: str, lang: str) -> list[Line]:
    return [(level, kind, f"{head}: {item['title']} ({source}){_flags(item, phrases(lang))}.")]


def probably_late(route: dict, within) -> bool:
    """Whether a route whose lead time is a figure from practice (not verified, so `in_time` is unknown)
    clearly takes too long: at least twice the days within which help is needed. Said as "onzeker", marked as not
    verified; a verified lead time decides `in_time` itself (decision record 0040)."""
    lead = route.get("lead_time_days")
    return (route.get("in_time") is None and not route.get("lead_time_verified", True) and isinstance(lead, int)
            and isinstance(within, int) and not isinstance(within, bool) and lead > within and lead >= 2 * within)


def maybe_in_time(route: dict, within) -> bool:
    """Whether a route's lead time is a maximum the law sets (`lead_time_maximum`) above the days within which help
    is needed: not too late, for the decision may come sooner; `in_time` is unknown (legal audit D-79)."""
    lead = route.get("lead_time_days")
    return (route.get("in_time") is None and bool(route.get("lead_time_maximum")) and isinstance(lead, int)
            and isinstance(within, int) and not isinstance(within, bool) and lead > within)


def timing(route: dict, within) -> str | None:
    """'in_time', 'too_late', 'too_late_unverified', 'in_time_maybe' (a legal maximum above the days available) or
    None (unknown): what the text and the page say."""
    if route.get("in_time") is not None:
        return "in_time" if route["in_time"] else "too_late"
    if maybe_in_time(route, within):
        return "in_time_maybe"
    return "too_late_unverified" if probably_late(route, within) else None


def _route(out: Stream, route: dict, within, labels: dict, terms: dict, p: dict, lang: str) -> None:
    source = cite(route["source"], lang)
    when = timing(route, within)
    lead = exact(route.get("lead_time_days"))
    shown_within = exact(within) if when is not None else None
    if lead is UNCACHED or shown_within is UNCACHED:
        out.append(Fragment(_route_lines(route, source, within, p)))
    else:  # (discretionary and the maximum are only tested for truth; the lead time and `within` are written out)
        key = ("route", lang, route["title"], source, route["status"], route["decided_by"], bool(route["discretionary"]),
               lead, route["lead_time_basis"], bool(route.get("lead_time_verified", True)),
               bool(route.get("lead_time_maximum")), when, shown_within, *_flag_key(route))
        out.append(fragment(key, _route_lines, route, source, within, p))
    if route.get("reason"):
        out.append((3, "detail", route["reason"]))
    evidence = route.get("evidence")
    out.append(fragment(("argue", lang, route["argue"], tuple(evidence) if evidence else ()),
                        _argue_lines, route["argue"], evidence, p))
    if route.get("missing_facts"):
        out.append(_missing(3, route["missing_facts"], labels, p))
    if route.get("open_terms"):
        out.append(_open(3, route["open_terms"], terms, p))
    law = _case_law(route, 3, lang)
    if law:
        out.append(law)


def _route_lines(route: dict, source: str, within, p: dict) -> list[Line]:
    text = p["route_line"].format(
        title=route["title"], source=source, status=p["route_status"][route["status"]],
        who=p["decided_by"].get(route["decided_by"], route["decided_by"]),
        discretion=p["discretionary"] if route["discretionary"] else p["not_discretionary"], lead=_lead(route, p))
    when = timing(route, within)
    if when is not None:
        text += " " + p[when].format(within=within, days=days(route["lead_time_days"], p)).capitalize() + "."
    return [(2, "route", text + _flags(route, p))]


def _argue_lines(argue: str, evidence: list | None, p: dict) -> list[Line]:
    lines = [(3, "detail", f"{p['argue']}: {argue}")]
    if evidence:
        lines.append((3, "detail", f"{p['evidence']}: " + "; ".join(evidence) + "."))
    return lines


_RANK = {"available": 0, "conditional": 1, "unavailable": 2}
# by what `timing` says: certain to be in time, nothing (no deadline, or a lead time from practice or none),
# 'Onzeker', too late by a verified lead time (it cannot be in time; an uncertain route still may). A maximum the law
# sets above the days available is unknown timing, not too late: the decision may come sooner (legal audit D-79)
_TIMING = {"in_time": 0, None: 1, "in_time_maybe": 1, "too_late_unverified": 2, "too_late": 3}


def route_order(route: dict, within) -> tuple:
    """The key routes are listed by, in the text, the onderbouwing and on the page: usable first (available,
    conditional, unavailable), then certain before uncertain (`_TIMING`; a verified lead time before one from
    practice or none), then the fastest. `within`: the days within which help is needed."""
    days = route.get("lead_time_days")
    verified = days is not None and route.get("lead_time_verified", True)
    return (_RANK[route["status"]], _TIMING[timing(route, within)], not verified,
            days if days is not None else 10**6, route["route"])


def _option(out: Stream, option: dict, within, terms: dict, labels: dict, p: dict, lang: str) -> None:
    out.append(fragment(("option", lang, option["title"], option["status"], bool(option.get("provisional"))),
                        _option_lines, option, p))
    for b in option["blocked_by"]:
        out.append(_item_line(1, "block", p["power"] if b.get("discretionary") else p["blocked_by"], b, lang))
        if b.get("reason"):
            out.append((2, "detail", b["reason"]))
        for t in b.get("thresholds", ()):
            out.append((2, "threshold", p["threshold"].format(
                label=t["label"], op=p["ops"][t["operator"]], limit=_value(t["limit"], t["money"], lang),
                value=_value(t["value"], t["money"], lang))))
        law = _case_law(b, 2, lang)
        if law:
            out.append(law)
    for b in option.get("possible_blocks", ()):
        out.append(_item_line(1, "block", p["may_power"] if b.get("discretionary") else p["may_block"], b, lang))
        if b["missing_facts"]:
            out.append(_missing(2, b["missing_facts"], labels, p))
        if b.get("open_terms"):
            out.append(_open(2, b["open_terms"], terms, p))
    for g in option["grounds"]:
        # a ground that may apply is shown as a possible block is: its reason is written for a ground that applies
        # and would state the unknown facts as "onbekend"
        conditional = g.get("status") == "conditional"
        out.append(_item_line(1, "ground", p["may_apply"] if conditional else p["ground"], g, lang))
        if g.get("reason") and not conditional:
            out.append((2, "detail", g["reason"]))
        if conditional and g.get("missing_facts"):
            out.append(_missing(2, g["missing_facts"], labels, p))
        for a in (g.get("amounts") or {}).values():
            if a["value"] is not None:
                shown = _euros(a["value"], lang) if a["unit"].startswith("EUR") else a["value"]
                if g.get("provisional"):
                    shown += f" ({p['provisional_amount']})"
                out.append((2, "detail", p["amount"].format(title=a["title"], value=shown)))
        if g.get("conditions"):
            out.append((2, "detail", f"{p['conditions']}: " + " ".join(g["conditions"])))
        law = _case_law(g, 2, lang)
        if law:
            out.append(law)
    if option["routes"]:
        out.append(line(1, "section", p["routes"]))
        stays = stays_blocked(option)
        if stays:
            out.append((2, "detail", p["stays_blocked"].format(blocks=quoted_titles(stays, lang))))
        for r in sorted(option["routes"], key=lambda r: route_order(r, within)):
            _route(out, r, within, labels, terms, p, lang)
    if option["missing_facts"]:
        out.append(_missing(1, option["missing_facts"], labels, p))


def _option_lines(option: dict, p: dict) -> list[Line]:
    status = p["status"][option["status"]]
    if option.get("provisional"):
        status += f" ({p['provisional']})"
    return [(0, "option", f"{option['title']}: {status}.")]


def _amounts(out: Stream, decision: dict, lang: str) -> None:
    """Each amount, then its steps (dependencies first) with the inputs they used, or why it is not known."""
    titles = {o["option"]: o["title"] for o in decision["options"]}
    out.append(line(0, "section", amount_words.words(lang)["section"]))
    for a in decision["amounts"]:
        out.append((1, "amount", amount_words.heading(a, lang, titles)))
        out.extend((2, "detail", r) for r in amount_words.reasons(a))
        for step in a["steps"]:  # with the figures it used; the case's own facts are in the JSON and on the page
            out.append(_step(step, lang))
            out.extend(_input(i, lang) for i in step["inputs"] if i["kind"] == "parameter")


def _step(step: dict, lang: str) -> Line | Fragment:
    value = exact(step["value"])
    if value is UNCACHED:
        return (2, "step", amount_words.step_text(step, lang))
    key = ("step", lang, step["title"], value, cite(step["source"], lang), *_flag_key(step), step.get("formula"))
    return fragment(key, _step_lines, step, lang)


def _step_lines(step: dict, lang: str) -> list[Line]:
    return [(2, "step", amount_words.step_text(step, lang))]


def _input(item: dict, lang: str) -> Line | Fragment:
    """The line of a figure a step used. Kept by the identity of the input too (with the input, so its id is
    not reused): the engine shares a figure's input between the decisions that read it (engine.amounts;
    read-only, decision record 0019), so a case finds the line with one lookup. Bounded: cleared when full."""
    mine = (id(item), lang)
    hit = _SHOWN.get(mine)
    if hit is not None and hit[0] is item:
        return hit[1]
    value = exact(item["value"])
    if value is UNCACHED:
        return (3, "detail", amount_words.input_text(item, lang))
    source = cite(item["source"], lang) if item.get("source") else None
    key = ("input", lang, item["title"], value, item.get("unit"), item.get("value_label"), source, item.get("verified"))
    shown = fragment(key, _input_lines, item, lang)
    if len(_SHOWN) >= _SHOWN_MAX:
        _SHOWN.clear()
    _SHOWN[mine] = (item, shown)
    return shown


_SHOWN: dict[tuple[int, str], tuple[dict, Fragment]] = {}
_SHOWN_MAX = 8_192


def _input_lines(item: dict, lang: str) -> list[Line]:
    return [(3, "detail", amount_words.input_text(item, lang))]


def stays_blocked(option: dict) -> list[dict]:
    """For a blocked option with a route that may be granted: the blocks that hold and that no such route lifts.
    Because of them the option stays blocked whatever the routes give (engine.status: `blocked`), which the text
    and the page say, lest a professional apply for a route that cannot open it (legal audit D-70)."""
    if option["status"] != "blocked":
        return []
    usable = [r for r in option["routes"] if r["status"] != "unavailable"]
    if not usable:
        return []
    lifted = {b for r in usable for b in r["lifts"]}
    return [b for b in option["blocked_by"] if b["rule"] not in lifted]


def fastest_route(decision: dict) -> dict | None:
    """The route to advise: available, lifting a block that certainly holds (not one that may hold: then the
    facts come first) of an option it can open (not a blocked one: stays_blocked), not too late, with a verified
    lead time; the fastest of those."""
    best = None
    for o in decision["options"]:
        if o["status"] == "blocked":
            continue
        holding = {b["rule"] for b in o["blocked_by"]}
        for r in o["routes"]:
            if r["status"] == "available" and r.get("in_time") is not False and r.get("lead_time_days") is not None \
                    and r.get("lead_time_verified", True) and not holding.isdisjoint(r["lifts"]):
                if best is None or r["lead_time_days"] < best["lead_time_days"]:
                    best = r
    return best


def advice_text(best: dict, p: dict, within=None) -> str:
    """The advice line for the route `fastest_route` chose: "in time" only where a deadline says so; a maximum the
    law sets is "uiterlijk", never "ca." (legal audit D-79). `within`: the days within which help is needed."""
    if best.get("lead_time_maximum"):
        phrase = p["advice_maximum"] if best.get("in_time") is True else \
            p["advice_maximum_maybe"] if maybe_in_time(best, within) else p["advice_maximum_no_deadline"]
    else:
        phrase = p["advice_fast"] if best.get("in_time") is True else p["advice_fast_no_deadline"]
    return phrase.format(title=best["title"], who=p["decided_by"].get(best["decided_by"]),
                         days=days(best["lead_time_days"], p), within=within)


def _advice(decision: dict, p: dict, lang: str) -> Fragment | None:
    best = fastest_route(decision)
    if best is None:
        return None
    within = (decision.get("need") or {}).get("needed_within_days")
    maybe = maybe_in_time(best, within)
    lead = exact(best["lead_time_days"])
    shown_within = exact(within) if maybe else None
    if lead is UNCACHED or shown_within is UNCACHED:
        return Fragment(_advice_lines(best, p, within))
    return fragment(("advice", lang, best["title"], best["decided_by"], lead, best.get("in_time") is True,
                     bool(best.get("lead_time_maximum")), shown_within), _advice_lines, best, p, within)


def _advice_lines(best: dict, p: dict, within=None) -> list[Line]:
    return [(0, "advice", advice_text(best, p, within))]


def _kassabon(k: dict, p: dict, lang: str) -> list[Line]:
    text = p["kassabon_line"].format(cost=_euros(k["cost_once"], lang), per_year=_euros(k["avoided_per_year"], lang),
                                     ratio=number(Decimal(k["ratio_per_year"]), lang), days=k.get("payback_days", "?"))
    lines = [(1, "kassabon", text)]
    if Decimal(k["avoided_once"]) > 0:
        lines.append((2, "detail", p["kassabon_once"].format(once=_euros(k["avoided_once"], lang))))
    return lines


def stream(decision: dict, lang: str = "nl", labels: dict | None = None) -> Stream:
    """The lines of the explanation of `decision`; `labels` maps fact names to their Dutch/English label."""
    p = phrases(lang)
    labels = labels or {}
    out: Stream = [(0, "title", p["title"].format(case_id=decision["case_id"]))]
    out.extend((0, "warning", p["warning"].format(ruleset=w["ruleset"], message=w["message"]))
               for w in decision.get("warnings", ()))
    municipality = decision.get("municipality_name") or decision.get("municipality", "")
    out.append((0, "intro", p["intro"].format(date=date(dt.date.fromisoformat(decision["reference_date"]), lang),
                                              municipality=municipality, outcome=p["status"][decision["outcome"]])))
    advice = _advice(decision, p, lang)
    if advice:
        out.append(advice)
    within = (decision.get("need") or {}).get("needed_within_days")
    terms = {t["parameter"]: t["title"] for t in decision.get("open_terms", ())}
    for o in decision["options"]:
        _option(out, o, within, terms, labels, p, lang)
    if decision.get("amounts"):
        _amounts(out, decision, lang)
    if decision["missing_facts"]:
        q_labels = {q["fact"]: q["question"] for q in decision.get("questions", ())}
        out.append(line(0, "section", p["questions"]))
        out.extend(line(1, "question", q_labels.get(f, labels.get(f, f))) for f in decision["missing_facts"])
    if decision.get("open_terms"):
        out.append(line(0, "section", p["open_terms"]))
        out.extend((1, "question", f"{t['title']} ({t['ruleset']}).") for t in decision["open_terms"])
    if decision.get("presumptions"):
        out.append(line(0, "section", p["presumptions"]))
        out.extend(line(1, "presumption", f"{x['title']} ({cite(x['source'], lang)}).") for x in decision["presumptions"])
    k = decision.get("kassabon")
    if k:
        out.append(line(0, "section", p["kassabon"]))
        out.extend(_kassabon(k, p, lang))
    out.append(line(0, "section", p["rulesets"]))
    # (per case: a rule set's link is dated to the reference date)
    out.extend((1, "ruleset", f"{r['id']} {r['version']} ({r['digest'][:19]}…)" + (f": {r['url']}" if r.get("url") else ""))
               for r in decision["rulesets"])
    return out
