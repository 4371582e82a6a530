"""'Nog uit te zoeken': the questions a decision leaves, as a professional asks them.

Every unknown fact a decision names (an option's, a possible block's, a ground's, a route's) is
asked once, in the order of a conversation (the order of the fact vocabulary: household, income,
assets and debts, benefit and work, the need, circumstances), with the form field where its answer
goes. A name that is not a fact but a rule-set figure (a parameter that is NOT FOUND) is no
question for the professional: it is said apart, as a figure this rule set does not know.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

from decision.decide import fact_labels
from explain import onderbouwing


def _open_options(decision: dict) -> list[dict]:
    """The options an answer can still change: not a blocked one (a block holds that no route lifts, so the
    status algorithm asks nothing for it, engine.status; its routes' and grounds' unknowns change nothing)."""
    return [o for o in decision.get("options", ()) if o.get("status") != "blocked"]


def named_unknowns(decision: dict) -> list[str]:
    """Every unknown name in `decision` that can change an option's outcome, first mention first."""
    names: list[str] = list(decision.get("missing_facts") or ())
    for o in _open_options(decision):
        names += (o.get("missing_facts") or []) + (o.get("open_terms") or [])
        for part in ("possible_blocks", "grounds", "routes"):
            for item in o.get(part) or ():
                names += (item.get("missing_facts") or []) + (item.get("open_terms") or [])
    return list(dict.fromkeys(names))


def field_of(fact: str) -> str:
    """The form field where the answer to `fact` is filled in."""
    if fact.startswith("income."):  # a source's share (only the total known): where the source is chosen
        return "income.0.net_monthly" if fact == "income.net_monthly" else "income.0.source"
    if fact.startswith("avoided_costs."):
        return f"avoided_costs.0.{fact.split('.', 1)[1]}"
    if fact.startswith("case."):
        return fact.split(".", 1)[1]
    m = re.fullmatch(r"household\.housemate_(\d)\.([a-z_]+)", fact)  # place N of the rule set is row N - 1
    if m:
        return f"household.housemates.{min(int(m[1]), 4) - 1}.{m[2]}"  # (the form shows four rows)
    if fact == "household.housemates.count":
        return "household.housemates.0.age"
    return fact


def questions(decision: dict, vocabulary, lang: str) -> list[dict]:
    """[{fact, question, field}] for the unknown facts of `decision`, in the order of a conversation."""
    order = {name: i for i, name in enumerate(vocabulary.facts)}
    facts = sorted((n for n in named_unknowns(decision) if n in vocabulary.facts), key=order.__getitem__)
    return [{"fact": f, "question": vocabulary.facts[f].text(lang)[1], "field": field_of(f)} for f in facts]


# the form's cards, in its order: a question is grouped under the card where its answer goes
_TOPICS = (("household.", "fs_household"), ("applicant.", "fs_household"), ("partner.", "fs_household"),
           ("income.", "fs_income"), ("assets", "fs_money"), ("debts.", "fs_money"), ("benefit", "fs_situation"),
           ("work", "fs_situation"), ("need.", "fs_need"), ("case.", "fs_case"), ("circumstances.", "fs_circumstances"),
           ("assessment.", "fs_bridge"), ("avoided_costs.", "fs_avoided"))
_WHY = {"nl": {"possible_blocks": "of deze blokkade geldt: {title}", "grounds": "of deze grond geldt: {title}",
               "routes": "of deze route kan: {title}", "option": "de uitkomst voor {option}",
               "lead": "Beslist {what}", "more": " (en nog {n} {unit})", "one": "punt", "many": "punten",
               "for": "voor {option} {what}", "also": ", ook voor {options}", "and": " en "},
        "en": {"possible_blocks": "whether this block applies: {title}", "grounds": "whether this ground applies: {title}",
               "routes": "whether this route is possible: {title}", "option": "the outcome for {option}",
               "lead": "Decides {what}", "more": " (and {n} more)", "one": "", "many": "",
               "for": "for {option} {what}", "also": ", also for {options}", "and": " and "}}


def _reasons(decision: dict, fact: str, titles: dict[str, str]) -> list[tuple[str, str, str]]:
    """(option, part, title) of every block, ground and route of `decision` the answer to `fact` decides;
    blocks first (they say whether help is blocked at all), then grounds, then routes, then the option."""
    out = []
    for part in ("possible_blocks", "grounds", "routes"):
        for o in _open_options(decision):
            for item in o.get(part) or ():
                if fact in (item.get("missing_facts") or ()):
                    out.append((o["option"], part, item.get("title") or item.get("rule") or item.get("route") or ""))
    for o in decision.get("options", ()):
        if fact in (o.get("missing_facts") or ()) and not any(r[0] == o["option"] for r in out):
            out.append((o["option"], "option", titles.get(o["option"], o["option"])))
    return out


def why(decision: dict, fact: str, titles: dict[str, str], lang: str) -> str:
    """One short line: which block, ground, route or option the answer to `fact` decides."""
    words = _WHY["en" if lang == "en" else "nl"]
    reasons = _reasons(decision, fact, titles)
    if not reasons:
        return ""
    option, part, title = reasons[0]
    what = words[part].format(title=title, option=titles.get(option, option))
    several = len({o["option"] for o in decision.get("options", ())}) > 1
    if several and part != "option":
        what = words["for"].format(option=titles.get(option, option), what=what)
    line = words["lead"].format(what=what)
    if len(reasons) > 1:
        n = len(reasons) - 1
        more = words["more"].format(n=n, unit=words["one"] if n == 1 else words["many"]).replace("  ", " ")
        others = list(dict.fromkeys(titles.get(o, o) for o, _, _ in reasons[1:] if o != option))
        if others:
            more = more[:-1] + words["also"].format(options=words["and"].join(others)) + ")"
        line += more.replace(" )", ")")
    return line


def grouped(decision: dict, asked: list[dict], titles: dict[str, str], topic_words: dict[str, str],
            lang: str) -> list[dict]:
    """`asked` in groups by the form card where each answer goes (the order of a conversation kept), each
    question with one short line on what it decides: [{topic, questions: [{fact, question, field, why}]}]."""
    groups: dict[str, list[dict]] = {}
    for q in asked:
        key = next((word for prefix, word in _TOPICS if q["fact"].startswith(prefix)), "fs_circumstances")
        groups.setdefault(topic_words.get(key, key), []).append({**q, "why": why(decision, q["fact"], titles, lang)})
    return [{"topic": topic, "questions": qs} for topic, qs in groups.items()]


_UNIT_WORD = {"nl": ("bedrag", "percentage", "waarde"), "en": ("amount", "percentage", "value")}


def figures(decision: dict, vocabulary, versions: Iterable, lang: str) -> list[dict]:
    """[{name, title, what}] for the unknown names of `decision` that are rule-set figures, not facts."""
    params = {}
    for v in versions:
        for key, spec in (getattr(v, "parameters", None) or {}).items():
            params[f"{v.id}.{key}"] = spec
    words = _UNIT_WORD["en" if lang == "en" else "nl"]
    out = []
    for name in named_unknowns(decision):
        if name in vocabulary.facts:
            continue
        spec = params.get(name)
        title = (spec.title_en if lang == "en" and spec.title_en else spec.title) if spec else None
        unit = getattr(spec, "unit", "")
        what = words[0] if unit.startswith("EUR") else words[1] if unit == "factor" else words[2]
        out.append({"name": name, "title": title or words[2], "what": what})
    return out


def client_file(decision: dict, registry, lang: str, figure_words: str = "{what}",
                brief: bool = False) -> tuple[str, list[dict], list[dict]]:
    """The onderbouwing for the client file (as the page shows it and `regelruimte check --format
    onderbouwing` prints it), with the questions still to ask and the rule sets' unknown figures.
    `figure_words` says how an unknown figure is named where a fact label would stand; `brief`: the short
    form (`--format onderbouwing-kort`)."""
    render, asked, unknown = _client_file(decision, registry, lang, figure_words)
    return render(brief), asked, unknown


def client_file_forms(decision: dict, registry, lang: str,
                      figure_words: str = "{what}") -> tuple[str, str, list[dict], list[dict]]:
    """The full and the short onderbouwing with the questions and unknown figures, worked out once (the page
    shows both)."""
    render, asked, unknown = _client_file(decision, registry, lang, figure_words)
    return render(False), render(True), asked, unknown


def _client_file(decision: dict, registry, lang: str, figure_words: str):
    vocab = registry.vocabulary
    asked = questions(decision, vocab, lang)
    versions = registry.bundle(decision["municipality"], dt.date.fromisoformat(decision["reference_date"])).versions
    unknown = figures(decision, vocab, versions, lang)
    labels = {**fact_labels(registry, lang),
              **{f["name"]: f"{f['title']} ({figure_words.format(what=f['what'])})" for f in unknown}}
    said, named = [q["question"] for q in asked], [f"{f['title']} ({f['what']})" for f in unknown]
    return (lambda brief: onderbouwing.render(decision, lang, labels, said, named, brief=brief)), asked, unknown
