"""The web page for professionals: a case form, the decision page, and the rule sets.

Server-rendered HTML (Jinja2), Dutch unless `?lang=en`; no inline script and no CDN. The form is
turned into the public case by `service.web.form.form_to_case` and decided by the same engine call as
the API; the page only presents the decision.

The form comes in two steps, both without JavaScript: first the municipality, the date and the
options; then only the questions the rules of those options read (`Bundle.reads`), so a new fact in
the vocabulary appears by itself where a rule uses it. A checked case is kept a short while
(`service.web.case_store`) and its decision shown at /besluit/<id> (POST-redirect-GET).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.datastructures import UploadFile

from engine import diff as versions_diff
from engine.bsn import FILE_NAME_MESSAGE, contains_bsn, looks_like_bsn
from engine.case import parse_case
from decision.decide import decide, fact_labels
from engine.errors import CaseError, NoRulesetInForce, Problem
from engine.sources import case_law_url, dated_url
from engine.templates import date as write_date
from engine.templates import money as write_money
from engine.templates import number as write_number
from engine.yamlsource import SourceError, parse_text
from explain import amounts as amount_words
from explain import diff as diff_render
from explain.citation import cite
from explain.lines import route_order, stays_blocked, timing as route_timing
from explain.phrases import quoted_titles
from explain.tree import build as explanation_tree

from .. import catalogue
from .. import questions as open_questions
from ..examples import WELDING_MASK_NL
from ..http.guard import SINGLE_LIMIT
from ..http.offload import off_loop
from . import case_summary, form_check
from . import paste as paste_reading
from .case_store import CaseStore
from .form import AVOIDED_ROWS, HOUSEMATE_FIELDS, HOUSEMATE_ROWS, INCOME_ROWS, PILLARS, case_to_form, first, form_field, form_to_case
from .form import date as read_date
from .text import GLOSSARY, texts

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
STATIC = HERE / "static"  # served at /static by service.http.app
templates.env.globals["amount_words"] = amount_words
templates.env.filters["money"] = lambda v, lang="nl": _money(v, lang)
templates.env.filters["number"] = lambda v, lang="nl": write_number(Decimal(str(v)), lang)
templates.env.filters["longdate"] = lambda v, lang="nl": write_date(dt.date.fromisoformat(v), lang) if v else ""
templates.env.globals["cite"] = cite
templates.env.globals["route_timing"] = route_timing
templates.env.globals["stays_blocked"] = stays_blocked
templates.env.globals["quoted_titles"] = quoted_titles
templates.env.globals["case_law_url"] = case_law_url
templates.env.filters["param_value"] = lambda v, unit, lang="nl": diff_render.value_text(v, unit, lang)
templates.env.filters["field_value"] = lambda v, field, lang="nl": diff_render.field_text(field, v, lang)
templates.env.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]
templates.env.filters["fact_label"] = lambda name, labels: labels.get(name, name)
_AMOUNT = re.compile(r"-?€\s?\d[\d.]*(?:,\d{2}|,-)?")
# an amount in a sentence stays on one line (escaped first: the text is the rule set's, not markup)
templates.env.filters["amounts"] = lambda text: Markup(_AMOUNT.sub(
    lambda m: f'<span class="amount">{m[0]}</span>', str(escape(text)))) if text else text
templates.env.filters["bridge_field"] = lambda pillar: f"assessment.bridge.{pillar}"
templates.env.globals["field_id"] = lambda name: "f-" + name.replace(".", "-").replace("_", "-")

router = APIRouter(include_in_schema=False)


def _money(value: Any, lang: str) -> str:
    try:
        return write_money(Decimal(str(value)), lang)
    except (InvalidOperation, ValueError):
        return str(value)


def lang_of(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "nl"


def circumstance_specs(vocabulary, lang: str) -> list[dict]:
    """The circumstances the form asks about, from the vocabulary (so new ones appear by themselves)."""
    words = vocabulary.value_labels.get(lang, {})
    out = []
    for name, spec in vocabulary.facts.items():
        if name.startswith("circumstances."):
            label, question = spec.text(lang)
            out.append({"name": name.split(".", 1)[1], "type": spec.type, "label": label, "question": question,
                        "choices": [(v, words.get(v, v)) for v in spec.values]})
    return out


def _kinds(request: Request) -> dict[str, str]:
    return circumstance_kinds(request.app.state.live.current.vocabulary)


def circumstance_kinds(vocabulary) -> dict[str, str]:
    return {n.split(".", 1)[1]: s.type for n, s in vocabulary.facts.items() if n.startswith("circumstances.")}


def field_labels(t: dict) -> dict[str, str]:
    """The visible label of each form field, for the list of problems at the top of the form."""
    w = t["w"]
    labels = {"case_id": w["case_id"], "reference_date": w["reference_date"], "municipality": w["municipality"],
              "household.composition": w["composition"], "applicant.age": w["applicant_age"],
              "partner.age": w["partner_age"], "applicant.student_finance_possible": w["student_finance"],
              "household.children": w["children"], "household.cost_sharers": w["cost_sharers"],
              "assets": w["assets"], "debts.regime": w["regime"], "debts.since": w["since"],
              "debts.free_allowance_monthly": w["vtlb"], "benefit": w["benefit"], "work": w["work"],
              "need.kind": w["need_kind"], "need.purpose": w["purpose"], "need.description": w["description"],
              "need.amount": w["amount"], "need.needed_within_days": w["within"], "need.at_risk": w["at_risk"],
              "need.obligation": w["obligation"], "need.duration_months": w["duration"],
              "need.expected_earnings_monthly": w["earnings"], "options": w["fs_options"]}
    for i in range(HOUSEMATE_ROWS):
        line = w["housemate_line"].format(n=i + 1)
        for key in HOUSEMATE_FIELDS:
            labels[f"household.housemates.{i}.{key}"] = f"{line}: {w['housemate_' + key]}"
    for i in range(INCOME_ROWS):
        line = w["income_line"].format(n=i + 1)
        labels[f"income.{i}.source"] = f"{line}: {w['income_source']}"
        labels[f"income.{i}.net_monthly"] = f"{line}: {w['income_amount']}"
    for i in range(AVOIDED_ROWS):
        line = w["avoided_line"].format(n=i + 1)
        for key in ("item", "per_year", "once"):
            labels[f"avoided_costs.{i}.{key}"] = f"{line}: {w['avoided_item' if key == 'item' else key]}"
    for p in PILLARS:
        labels[f"assessment.bridge.{p}"] = t["choices"]["pillars"][p]
    return labels


def _safe_values(values: dict[str, list[str]]) -> dict[str, list[str]]:
    """Form values to show again, without anything that looks like a BSN (never echoed)."""
    return {k: [v for v in vs if not looks_like_bsn(v)] for k, vs in values.items()}


def site_page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    t = texts(lang)
    app = request.app
    other = t["w"]["other_lang_code"]
    # the same page in the other language; an error page links home, so what was typed is not repeated
    path = request.url.path if request.method == "GET" and status < 400 else "/"
    base = {"t": t, "w": t["w"], "lang": lang, "nav": app.state.nav, "generation": app.state.live.generation,
            "lang_query": "?lang=en" if lang == "en" else "", "other_lang_href": f"{path}?lang={other}"}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def case_store_of(request: Request) -> CaseStore:
    """The cases checked on the page (decision pages, the casebook's save)."""
    return _store(request, "case_store")


def form_store_of(request: Request) -> CaseStore:
    """Step 1's choices, for step 2's address: apart from the checked cases, so neither crowds out the other."""
    return _store(request, "form_store")


def _store(request: Request, name: str) -> CaseStore:
    store = getattr(request.app.state, name, None)
    if store is None:
        store = CaseStore()
        setattr(request.app.state, name, store)
    return store


# form field -> the fact it answers, where the two names differ (relevance of a field to the options)
def _fact_of(field: str) -> str:
    if field.startswith("income."):
        return "income."
    if field.startswith("household.housemates."):  # row i of the form is place i + 1 of the rule set
        _, _, row, key = field.split(".")
        return f"household.housemate_{int(row) + 1}.{key}"
    return field


ALWAYS = {"case_id", "reference_date", "municipality", "options", "need.kind", "need.description",
          "need.needed_within_days"}


def used_fields(registry, values: dict[str, list[str]]) -> set[str] | None:
    """The facts the rules of the chosen options read (None: options, municipality or date not known yet)."""
    options = [o for o in values.get("options", ()) if o.strip()]
    municipality = first(values, "municipality")
    try:
        day = dt.date.fromisoformat(read_date(first(values, "reference_date")))
        bundle = registry.bundle(municipality, day)
    except (ValueError, CaseError, NoRulesetInForce):
        return None
    if not options:
        return None
    reads = set().union(*(bundle.reads.get(o, frozenset()) for o in options))
    prefixes = {n.split(".", 1)[0] + "." for n in reads if n.startswith("income.")}
    return reads | prefixes


def _form_page(request: Request, values: dict[str, list[str]], problems: list[Problem] | None = None,
               case: dict | None = None, paste: str = "", status: int = 200,
               field_problems: list[form_check.FieldProblem] = (), step: int | None = None) -> HTMLResponse:
    registry = request.app.state.live.current
    lang = lang_of(request)
    t = texts(lang)
    labels = field_labels(t)
    errors: dict[str, list[str]] = {}
    summary = []

    def add(name: str | None, problem: Problem, where: str = "") -> None:
        message = problem.message_en if lang == "en" else problem.message
        if name in labels or (name or "").startswith("circumstances."):
            if message in errors.get(name, ()):
                return
            errors.setdefault(name, []).append(message)
            summary.append({"field": name, "label": labels.get(name) or circumstance_label(registry, name, lang),
                            "message": message})
        else:
            summary.append({"field": None, "label": where, "message": message})

    typed = {name for name, _ in field_problems}
    for name, problem in field_problems:
        add(name, problem)
    for p in problems or []:
        name = form_field(p.field, case or {}, values) if case is not None else None
        if name in typed:
            continue  # the form already said what is wrong with what was typed there
        add(name, form_check.plain(p, name), p.where() if case is not None else pasted_where(p, labels, registry, lang))
    summary.sort(key=lambda s: form_order(s["field"], labels))
    vocab = registry.vocabulary
    municipalities = sorted(((slug, rs.meta.municipality_name or slug) for slug, rs in registry.municipalities.items()),
                            key=lambda m: m[1])
    used = used_fields(registry, values)
    if step is None:
        step = 2 if used is not None else 1
    shown = None
    if step == 2 and used is not None:
        shown = {f for f in labels if f in ALWAYS or _fact_of(f) in used or f in errors or values.get(f)}
        shown |= {f"circumstances.{c}" for c in circumstance_kinds(vocab)
                  if f"circumstances.{c}" in used or values.get(f"circumstances.{c}") or f"circumstances.{c}" in errors}
    def show(name: str) -> bool:
        return shown is None or name in shown or name.startswith("avoided_costs.")

    safe = _safe_values(values)
    context = {
        "values": safe, "errors": errors, "summary": summary, "paste": paste, "step": step,
        "show": show, "any_shown": lambda names: any(show(n) for n in names),
        "shown_circumstances": [c for c in circumstance_kinds(vocab) if show(f"circumstances.{c}")],
        "show_income": shown is None or any(f.startswith("income.") for f in shown),
        "housemates_open": any(values.get(f"household.housemates.{i}.{k}") or errors.get(f"household.housemates.{i}.{k}")
                               for i in range(HOUSEMATE_ROWS) for k in HOUSEMATE_FIELDS),
        "extra_housemates": any(values.get(f"household.housemates.{i}.{k}") or errors.get(f"household.housemates.{i}.{k}")
                                for i in range(1, HOUSEMATE_ROWS) for k in HOUSEMATE_FIELDS),
        "extra_income": any(values.get(f"income.{i}.{k}") or errors.get(f"income.{i}.{k}")
                            for i in range(1, INCOME_ROWS) for k in ("source", "net_monthly")),
        "step_one_open": any(n in errors for n in ("case_id", "reference_date", "municipality", "options")),
        "chosen_summary": ", ".join(x for x in [first(safe, "case_id"),
                                                dict(municipalities).get(first(safe, "municipality"), "")] + [
            dict(_option_titles(vocab, lang)).get(o, o) for o in safe.get("options", ())] if x),
        "more_avoided": any(v and v[0] for k, v in values.items() if k.startswith("avoided_costs.")
                            and not k.startswith("avoided_costs.0.")),
        "extra_avoided": any(v and v[0] for k, v in values.items() if k.startswith("avoided_costs."))
                         or any(k.startswith("avoided_costs.") for k in errors),
        "options": _option_titles(vocab, lang),
        "circumstances": circumstance_specs(vocab, lang), "municipalities": municipalities,
        "housemate_rows": range(HOUSEMATE_ROWS), "housemate_fields": HOUSEMATE_FIELDS,
        "income_rows": range(INCOME_ROWS), "avoided_rows": range(AVOIDED_ROWS), "pillars": PILLARS,
    }
    return site_page(request, "form.html", context, status)


def pasted_where(p: Problem, labels: dict[str, str], registry, lang: str) -> str:
    """Where a problem of a pasted case is: its line and the field as the form names it (the path after it)."""
    if not p.file:
        return p.where()
    where = f"{p.file}:{p.line}" if p.line else p.file
    return f"{where} {_pasted_label(p.field, labels, registry, lang)}" if p.field else where


def _pasted_label(path: str, labels: dict[str, str], registry, lang: str) -> str:
    label = labels.get(path) or (circumstance_label(registry, path, lang) if path.startswith("circumstances.") else "")
    return f"{label} ({path})" if label and label != path else path


_GROUPS = ("case_id", "reference_date", "municipality", "options", "need.", "household.", "applicant.", "partner.",
           "children_none", "income", "assets", "debts.", "benefit", "work", "circumstances.", "assessment.",
           "avoided_costs.")


def form_order(field: str | None, labels: dict) -> tuple[int, int]:
    """Where `field` sits on the form (problems are listed in that order; unplaced ones last)."""
    if field is None:
        return (len(_GROUPS), 0)
    group = next((i for i, g in enumerate(_GROUPS) if field.startswith(g)), len(_GROUPS))
    if group in (5, 6, 7):  # the household is one card
        group = 5
    keys = list(labels)
    return (group, keys.index(field) if field in labels else len(keys))


def _option_titles(vocab, lang: str) -> list[tuple[str, str]]:
    return [(code, spec.get("title_en" if lang == "en" else "title", code)) for code, spec in vocab.options.items()]


def circumstance_label(registry, name: str | None, lang: str) -> str:
    spec = registry.vocabulary.facts.get(name or "")
    return spec.text(lang)[0][:1].upper() + spec.text(lang)[0][1:] if spec else (name or "")


def _defaults() -> dict[str, list[str]]:
    today = dt.date.today()
    return {"case_id": [f"gesprek-{today:%Y%m%d}-{dt.datetime.now():%H%M}"], "reference_date": [today.isoformat()]}


@router.get("/", response_class=HTMLResponse)
async def form_page(request: Request, voorbeeld: str | None = None):
    values = case_to_form(WELDING_MASK_NL) if voorbeeld == "lasmasker" else _defaults()
    return _form_page(request, values)


async def _values(request: Request) -> dict[str, list[str]]:
    form = await request.form(max_files=0, max_fields=500)
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    return values


@router.post("/formulier", response_class=HTMLResponse)
async def next_step(request: Request):
    """Step 1 -> 2: the questions for the chosen options (or step 1 again, with what is missing)."""
    values = await _values(request)
    registry = request.app.state.live.current
    if used_fields(registry, values) is None:
        problems = []
        if not [o for o in values.get("options", ()) if o.strip()]:
            problems.append(("options", Problem("kies ten minste één optie", "choose at least one option")))
        if not first(values, "municipality"):
            problems.append(("municipality", Problem("kies de gemeente", "choose the municipality")))
        try:
            day = dt.date.fromisoformat(read_date(first(values, "reference_date")))
            registry.bundle(first(values, "municipality") or "-", day) if first(values, "municipality") else None
        except ValueError:
            problems.append(("reference_date", Problem("vul de peildatum in als 15-9-2025 of 2025-09-15",
                                                       "fill in the reference date as 2025-09-15")))
        except (CaseError, NoRulesetInForce) as exc:
            problems += [("municipality" if p.field == "municipality" else "reference_date", p) for p in exc.problems]
        return _form_page(request, values, field_problems=problems, step=1, status=422)
    # POST-redirect-GET, as for a decision: Back from the decision then shows step 2 again, not a resubmit prompt
    key = form_store_of(request).put(_safe_values(values))  # nothing BSN-like is kept, even in memory
    return RedirectResponse(f"/formulier/{key}" + ("?lang=en" if lang_of(request) == "en" else ""), status_code=303)


@router.get("/formulier/{key}", response_class=HTMLResponse)
async def step_two(request: Request, key: str):
    values = form_store_of(request).get(key)
    if values is None:
        return gone_page(request)
    return _form_page(request, values, step=2)


def _decision_page(request: Request, key: str, decision: dict, case: dict, registry,
                   save: tuple[str | None, str | None]) -> HTMLResponse:
    lang = lang_of(request)
    t = texts(lang)
    labels = fact_labels(registry, lang)
    advice = next((n["text"] for n in explanation_tree(decision, lang, labels) if n["kind"] == "advice"), None)
    within = (decision.get("need") or {}).get("needed_within_days")
    options = [dict(o, routes=sorted(o["routes"], key=lambda r: route_order(r, within))) for o in decision["options"]]
    vocab = registry.vocabulary
    text, brief, asked, unknown_figures = open_questions.client_file_forms(decision, registry, lang,
                                                                           t["w"]["figure_line"])
    labels = {**labels, **{f["name"]: f"{f['title']} ({t['w']['figure_line'].format(what=f['what'])})"
                           for f in unknown_figures}}
    facts = case_summary.summary(case, t, field_labels(t), circumstance_specs(vocab, lang),
                                 vocab.value_labels.get(lang, {}),
                                 {slug: rs.meta.municipality_name or slug for slug, rs in registry.municipalities.items()})
    context = {"d": decision, "options": options, "advice": advice, "labels": labels, "within": within,
               "key": key, "asked": asked, "figures": unknown_figures,
               "ruleset_titles": {rid: rs.meta.title for rid, rs in registry.rulesets.items()},
               "question_groups": open_questions.grouped(decision, asked, dict(_option_titles(vocab, lang)), t["w"], lang), "onderbouwing": text, "onderbouwing_kort": brief, "facts": facts,
               "printed": write_date(dt.date.today(), lang), "glossary": glossary(text, lang),
               "store_hours": case_store_of(request).ttl // 3600,
               # saving to the casebook (service.web.casebook), where this installation has one
               "can_save": _has_casebook(request), "save_refused": save[0], "save_team": save[1],
               "saved": request.query_params.get("opgeslagen") == "ja",
               "save_problems": getattr(request.state, "save_problems", []),
               "save_values": getattr(request.state, "save_values", {"team": save[1] or "", "signal": ""})}
    return site_page(request, "decision.html", context)


def glossary(text: str, lang: str) -> list[tuple[str, str]]:
    """The words of the decision a client file should not need, explained (only those that occur)."""
    return [(term, meaning) for term, meaning in GLOSSARY.get(lang, ()) if term.lower() in text.lower()]


def _decide(request: Request, case: Any, file: str | None = None):
    registry = request.app.state.live.current  # one generation for the whole page
    return decide(case, registry, lang_of(request), file=file), registry


def _to_decision(request: Request, case: dict) -> RedirectResponse:
    key = case_store_of(request).put(case)
    return RedirectResponse(f"/besluit/{key}" + ("?lang=en" if lang_of(request) == "en" else ""), status_code=303)


@router.post("/toets", response_class=HTMLResponse)
async def check_form(request: Request):
    values = await _values(request)
    kinds = _kinds(request)
    case = form_to_case(values, kinds)
    found = form_check.check(values, kinds)
    try:
        await off_loop(_decide, request, case)
    except CaseError as exc:
        return _form_page(request, values, form_check.all_problems(case, exc), case, field_problems=found,
                          status=422, step=2)
    except NoRulesetInForce as exc:
        return _form_page(request, values, exc.problems, case, field_problems=found, status=422, step=2)
    if found:
        return _form_page(request, values, [], case, field_problems=found, status=422, step=2)
    return _to_decision(request, case)


@router.get("/besluit/{key}", response_class=HTMLResponse)
async def decision_page(request: Request, key: str):
    case = case_store_of(request).get(key)
    if case is None:
        return gone_page(request)
    try:
        decision, registry = await off_loop(_decide, request, case)
    except (CaseError, NoRulesetInForce) as exc:  # the rule sets changed since: say so, as for a new case
        return _form_page(request, case_to_form(case, _kinds(request)), exc.problems, case, status=422, step=2)
    return _decision_page(request, key, decision, case, registry, await off_loop(_save_standing, request))


def _has_casebook(request: Request) -> bool:
    return any(item["href"] == "/casusboek" for item in request.app.state.nav)


def _save_standing(request: Request) -> tuple[str | None, str | None]:
    """Why the caller's role may not save cases, said instead of the save form (which would ask for a team), and
    the caller's own team, which the form shows instead of asking; (None, None): the form as it is."""
    if not _has_casebook(request):
        return None, None
    from .casebook import save_standing  # the casebook is optional, and with it the save
    refusal, team = save_standing(request)
    message = None if refusal is None else refusal.message_en if lang_of(request) == "en" else refusal.message
    return message, team


@router.get("/besluit/{key}/bewerk", response_class=HTMLResponse)
async def edit_stored(request: Request, key: str):
    case = case_store_of(request).get(key)
    if case is None:
        return gone_page(request)
    return _form_page(request, case_to_form(case, _kinds(request)), step=2)


def gone_page(request: Request) -> HTMLResponse:
    w = texts(lang_of(request))["w"]
    return site_page(request, "error.html", {"problems": [Problem(w["gone"], w["gone"])], "title": "gone_title"},
                 status=404)


@router.post("/toets/bestand", response_class=HTMLResponse)
async def check_file(request: Request):
    form = await request.form(max_files=1, max_fields=10, max_part_size=SINGLE_LIMIT)
    pasted = form.get("paste")
    upload = form.get("file")
    name, text = "geplakte casus" if lang_of(request) == "nl" else "pasted case", pasted if isinstance(pasted, str) else ""
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(SINGLE_LIMIT + 1)
        name = Path(upload.filename).name
        if looks_like_bsn(name):  # never decided under, nor shown again
            return _form_page(request, _defaults(), [Problem(*FILE_NAME_MESSAGE)], status=422)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _form_page(request, _defaults(), [Problem("het bestand is geen UTF-8-tekst", "the file is not UTF-8 text",
                                                              file=name)], status=422)
    keep = "" if looks_like_bsn(text) else text  # never echo a BSN-like number back
    if not text.strip():
        return _form_page(request, _defaults(), [Problem("plak een casus of kies een bestand",
                                                          "paste a case or choose a file")], status=422)

    # off the loop: a hostile file costs a worker, not the service
    case, read = None, []
    as_json = name.endswith(".json")
    try:
        case = await off_loop(parse_text, text, name, "json" if as_json else "yaml")
        if not (isinstance(case, dict) and contains_bsn(case)):  # a BSN-like number: the engine refuses it as it is
            # read as the form reads what is typed: "1.100", "€ 1.100", 15-9-2025, ja/nee (decision record 0040)
            case, read = paste_reading.read_as_form(case, _kinds(request), name, yaml=not as_json)
        await off_loop(_decide, request, form_check.without(case, [p.field for p in read]) if read else case, name)
    except SourceError as exc:
        return _form_page(request, _defaults(), [exc.problem], paste=keep, status=422)
    except (CaseError, NoRulesetInForce) as exc:
        if any("BSN" in p.message for p in exc.problems):  # however it was written: not shown again
            keep = ""
        problems = form_check.all_problems(case, exc) if isinstance(exc, CaseError) else exc.problems
        return _form_page(request, _defaults(), read + [p for p in problems if p.field not in {q.field for q in read}],
                          paste=keep, status=422)
    if read:  # amounts asked back or unreadable: nothing is decided or kept until they are clear
        return _form_page(request, _defaults(), read, paste=keep, status=422)
    return _to_decision(request, json.loads(json.dumps(case, default=str)))


@router.post("/bewerk", response_class=HTMLResponse)
async def edit_case(request: Request):
    """Back to the form with the case just checked, to change a fact and check again."""
    form = await request.form(max_files=0, max_fields=5)

    def valid(text: str) -> dict | None:
        # the page sent a case it had checked; anything else (a changed or hostile field) starts afresh
        try:
            case = parse_text(text, "case", "json")
            parse_case(case)
        except (SourceError, CaseError):
            return None
        return case
    case = await off_loop(valid, str(form.get("case", "")))
    if case is None:
        return RedirectResponse("/" + ("?lang=en" if lang_of(request) == "en" else ""), status_code=303)
    return _form_page(request, case_to_form(case, _kinds(request)))


@router.get("/regelsets", response_class=HTMLResponse)
async def rulesets_page(request: Request):
    return site_page(request, "rulesets.html", {"rulesets": catalogue.summary(request.app.state.live.current)})


@router.get("/regelsets/{ruleset_id}/wijzigingen", response_class=HTMLResponse)
async def changelog_page(request: Request, ruleset_id: str):
    try:
        log = versions_diff.changelog(request.app.state.live.current, ruleset_id)
    except versions_diff.DiffInputError as exc:
        return site_page(request, "error.html", {"problems": exc.problems}, status=404)
    return site_page(request, "ruleset_changelog.html", {"log": log})


@router.get("/regelsets/{ruleset_id}/verschil", response_class=HTMLResponse)
async def diff_page(request: Request, ruleset_id: str, van: str = "", tot: str = ""):
    registry = request.app.state.live.current
    if ruleset_id not in registry.rulesets:
        return site_page(request, "error.html", {"problems": []}, status=404)
    try:
        data = versions_diff.diff_refs(registry, f"{ruleset_id}@{van}", f"{ruleset_id}@{tot}")
    except versions_diff.DiffInputError as exc:
        return site_page(request, "error.html", {"problems": exc.problems, "title": "invalid_request"}, status=422)
    return site_page(request, "ruleset_diff.html", {"d": data})


@router.get("/regelsets/{ruleset_id}/{version}/regels/{rule_id}", response_class=HTMLResponse)
async def rule_page(request: Request, ruleset_id: str, version: str, rule_id: str):
    registry = request.app.state.live.current
    try:
        item = catalogue.rule_detail(registry, ruleset_id, version, rule_id)
    except catalogue.NotFound as exc:
        return site_page(request, "error.html", {"problems": exc.problems}, status=404)
    if item["source"].get("url"):  # the text as it read when this version took effect
        item["source"]["url"] = dated_url(item["source"]["url"], dt.date.fromisoformat(item["version"]))
    return site_page(request, "rule.html", {"r": item, "plain": rule_in_words(item, registry, lang_of(request))})


_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_.]*)(?::[a-z]+)?\}")


def rule_in_words(item: dict, registry, lang: str) -> dict:
    """A rule as the page says it: placeholders, conditions and codes in words, never internal names."""
    vocab, w = registry.vocabulary, texts(lang)["w"]
    labels = dict(fact_labels(registry, lang))
    for rs in registry.rulesets.values():
        for v in rs.versions:
            for key, spec in getattr(v, "parameters", {}).items():
                labels.setdefault(f"{v.id}.{key}", (spec.title_en if lang == "en" and spec.title_en else spec.title))

    def words(text: str | None) -> str | None:
        return _PLACEHOLDER.sub(lambda m: labels.get(m[1], w["unknown"]), text) if text else text

    en = lang == "en"
    text = (item.get("reason_en") if en else None) or item.get("reason") or (item.get("argue_en") if en else None) \
        or item.get("argue")
    when = item.get("when") or ""
    reads = [labels[n] for n in sorted(set(re.findall(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+", when)), key=str)
             if n in labels]
    titles = {code: spec.get("title_en" if en else "title", code) for code, spec in vocab.options.items()}
    lifts = []
    for target in item.get("lifts") or ():
        lifts.append(w["rule_lifts_tag"].format(tag=target[4:].replace("_", " ")) if target.startswith("tag:") else target)
    kind = item.get("kind") or item.get("type")
    return {"text": words(text), "reads": list(dict.fromkeys(reads)), "kind": w["rule_kind"].get(kind, ""),
            "applies_to": [titles.get(o, o) for o in item.get("applies_to") or ()], "lifts": lifts}
