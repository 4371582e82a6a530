"""The web page for professionals: a case form, the decision page, and the rule sets.

Server-rendered HTML (Jinja2), Dutch unless `?lang=en`; no inline script and no CDN. The form is
turned into the public case by `service.form.form_to_case` and decided by the same engine call as
the API; the page only presents the decision.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from engine.bsn import looks_like_bsn
from engine.case import parse_case
from engine.decide import decide, fact_labels
from engine.errors import CaseError, NoRulesetInForce, Problem
from engine.templates import date as write_date
from engine.templates import money as write_money
from engine.templates import number as write_number
from engine.yamlsource import SourceError, parse_text
from explain.tree import _route_order as route_order
from explain.tree import build as explanation_tree
from explain.tree import cite

from . import catalogue
from .examples import WELDING_MASK
from .form import (AVOIDED_ROWS, INCOME_ROWS, PILLARS, case_to_form, form_field, form_to_case)
from .guard import SINGLE_LIMIT
from .offload import off_loop
from .web_text import texts

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters["money"] = lambda v, lang="nl": _money(v, lang)
templates.env.filters["number"] = lambda v, lang="nl": write_number(Decimal(str(v)), lang)
templates.env.filters["longdate"] = lambda v, lang="nl": write_date(dt.date.fromisoformat(v), lang) if v else ""
templates.env.globals["cite"] = cite
templates.env.filters["first_upper"] = lambda text: text[:1].upper() + text[1:]
templates.env.filters["fact_label"] = lambda name, labels: labels.get(name, name)
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


def _page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    lang = lang_of(request)
    t = texts(lang)
    app = request.app
    other = t["w"]["other_lang_code"]
    path = request.url.path if request.method == "GET" else "/"
    base = {"t": t, "w": t["w"], "lang": lang, "nav": app.state.nav, "generation": app.state.live.generation,
            "lang_query": "?lang=en" if lang == "en" else "", "other_lang_href": f"{path}?lang={other}"}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status)


def _form_page(request: Request, values: dict[str, list[str]], problems: list[Problem] | None = None,
               case: dict | None = None, paste: str = "", status: int = 200) -> HTMLResponse:
    registry = request.app.state.live.current
    lang = lang_of(request)
    t = texts(lang)
    labels = field_labels(t)
    errors: dict[str, list[str]] = {}
    summary = []
    for p in problems or []:
        message = p.message_en if lang == "en" else p.message
        name = form_field(p.field, case or {}, values) if case is not None else None
        if name in labels or (name or "").startswith("circumstances."):
            errors.setdefault(name, []).append(message)
            summary.append({"field": name, "label": labels.get(name) or name, "message": message})
        else:
            where = p.where()
            summary.append({"field": None, "label": where, "message": message})
    vocab = registry.vocabulary
    municipalities = sorted(((slug, rs.meta.municipality_name or slug) for slug, rs in registry.municipalities.items()),
                            key=lambda m: m[1])
    context = {
        "values": _safe_values(values), "errors": errors, "summary": summary, "paste": paste,
        "options": [(code, spec.get("title_en" if lang == "en" else "title", code)) for code, spec in vocab.options.items()],
        "circumstances": circumstance_specs(vocab, lang), "municipalities": municipalities,
        "income_rows": range(INCOME_ROWS), "avoided_rows": range(AVOIDED_ROWS), "pillars": PILLARS,
    }
    return _page(request, "form.html", context, status)


def _defaults() -> dict[str, list[str]]:
    today = dt.date.today()
    return {"case_id": [f"gesprek-{today:%Y%m%d}-{dt.datetime.now():%H%M}"], "reference_date": [today.isoformat()]}


@router.get("/", response_class=HTMLResponse)
async def form_page(request: Request, voorbeeld: str | None = None):
    values = case_to_form(WELDING_MASK) if voorbeeld == "lasmasker" else _defaults()
    return _form_page(request, values)


def _decision_page(request: Request, decision: dict, case: dict, registry) -> HTMLResponse:
    lang = lang_of(request)
    labels = fact_labels(registry, lang)
    advice = next((n["text"] for n in explanation_tree(decision, lang, labels) if n["kind"] == "advice"), None)
    options = [dict(o, routes=sorted(o["routes"], key=route_order)) for o in decision["options"]]
    within = (decision.get("need") or {}).get("needed_within_days")
    context = {"d": decision, "options": options, "advice": advice, "labels": labels, "within": within,
               "case_json": json.dumps(case, ensure_ascii=False, indent=2, default=str)}
    return _page(request, "decision.html", context)


def _decide(request: Request, case: Any, file: str | None = None):
    registry = request.app.state.live.current  # one generation for the whole page
    return decide(case, registry, lang_of(request), file=file), registry


@router.post("/toets", response_class=HTMLResponse)
async def check_form(request: Request):
    form = await request.form(max_files=0, max_fields=500)
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    case = form_to_case(values, circumstance_kinds(request.app.state.live.current.vocabulary))
    try:
        decision, registry = await off_loop(_decide, request, case)
    except (CaseError, NoRulesetInForce) as exc:
        return _form_page(request, values, exc.problems, case, status=422)
    return _decision_page(request, decision, case, registry)


@router.post("/toets/bestand", response_class=HTMLResponse)
async def check_file(request: Request):
    form = await request.form(max_files=1, max_fields=10, max_part_size=SINGLE_LIMIT)
    pasted = form.get("paste")
    upload = form.get("file")
    name, text = "geplakte casus" if lang_of(request) == "nl" else "pasted case", pasted if isinstance(pasted, str) else ""
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(SINGLE_LIMIT + 1)
        name = Path(upload.filename).name
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _form_page(request, _defaults(), [Problem("het bestand is geen UTF-8-tekst", "the file is not UTF-8 text",
                                                              file=name)], status=422)
    keep = "" if looks_like_bsn(text) else text  # never echo a BSN-like number back
    if not text.strip():
        return _form_page(request, _defaults(), [Problem("plak een casus of kies een bestand",
                                                          "paste a case or choose a file")], status=422)

    def work():  # off the loop: a hostile file costs a worker, not the service
        case = parse_text(text, name, "json" if name.endswith(".json") else "yaml")
        return (case, *_decide(request, case, name))
    try:
        case, decision, registry = await off_loop(work)
    except SourceError as exc:
        return _form_page(request, _defaults(), [exc.problem], paste=keep, status=422)
    except (CaseError, NoRulesetInForce) as exc:
        if any("BSN" in p.message for p in exc.problems):  # however it was written: not shown again
            keep = ""
        return _form_page(request, _defaults(), exc.problems, paste=keep, status=422)
    return _decision_page(request, decision, json.loads(json.dumps(case, default=str)), registry)


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
    return _form_page(request, case_to_form(case))


@router.get("/regelsets", response_class=HTMLResponse)
async def rulesets_page(request: Request):
    return _page(request, "rulesets.html", {"rulesets": catalogue.summary(request.app.state.live.current)})


@router.get("/regelsets/{ruleset_id}/{version}/regels/{rule_id}", response_class=HTMLResponse)
async def rule_page(request: Request, ruleset_id: str, version: str, rule_id: str):
    try:
        item = catalogue.rule_detail(request.app.state.live.current, ruleset_id, version, rule_id)
    except catalogue.NotFound as exc:
        return _page(request, "error.html", {"problems": exc.problems}, status=404)
    return _page(request, "rule.html", {"r": item})
