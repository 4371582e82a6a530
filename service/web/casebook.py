"""The casebook in the site for analysts ("Casusboek") and the professional's "save to the casebook".

    GET  /casusboek                 the overview: tiles, bars, trend, collisions, routes, facts, signals
    GET  /casusboek/casussen        the cases behind a count (the same filters, plus rule, route, fact, …)
    GET  /casusboek/casus/{id}      one case: its stored decision per option and the onderbouwing
    POST /besluit/{key}/casusboek   the decision page's case, saved pseudonymously with team and signal

Everything a reader sees is in Dutch words: rule and route titles, facts as their titles, statuses,
municipality names. Every count links to the cases behind it. The numbers come from the casebook's
report and query functions (casebook.report, casebook.queries), never from SQL here, so the
store's own scoping applies to these pages as to the API.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from casebook import queries
from reporting import charts
from casebook.access import MIN_GROUP, READ, SAVE, Access, Forbidden
from casebook.evaluation import evaluate, evaluation_label
from casebook.importers import RawRecord, to_prepared
from casebook.records import case_ref
from casebook.report import PERIODS, build_report
from casebook.store import Store
from decision.decide import fact_labels
from engine.errors import CaseError, Problem, RegelruimteError
from explain import onderbouwing
from explain.phrases import PHRASES

from ..http.api import ApiError, rulesets_root
from ..http.casebook_access import (access_of, caller, case_scope_of, check_params, filters_of, get_registry,
                                    get_store)
from ..http.offload import off_loop
from .policy_text import words

router = APIRouter(include_in_schema=False)
PAGE_ROWS = 50
SIGNAL_MAX = 4000


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "nl"


def _page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    from .site import site_page
    return site_page(request, name, {"active": "nav_casebook", "pw": words(_lang(request)), **context}, status)


def _title(item, lang: str) -> str:
    return (item.title_en if lang == "en" else None) or item.title


def names(registry, lang: str = "nl") -> dict[str, dict[str, str]]:
    """Titles for what the casebook stores by id: rules and routes, facts and open figures, municipalities."""
    rules: dict[str, str] = {}
    for rs in registry.rulesets.values():
        for v in rs.versions:  # the latest version's words win
            rules.update({r.rule.id: _title(r.rule, lang) for r in v.rules.values()})
            rules.update({r.route.id: _title(r.route, lang) for r in v.routes.values()})
    facts = dict(fact_labels(registry, lang))
    for rs in registry.rulesets.values():
        for v in rs.versions:
            facts.update({f"{v.id}.{k}": _title(p, lang) for k, p in v.parameters.items()})
    places = {slug: rs.meta.municipality_name or slug for slug, rs in registry.municipalities.items()}
    return {"rules": rules, "facts": facts, "places": places}


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """'2025-K3' -> 1 July to 30 September 2025 (and '2025-07', '2025')."""
    if m := re.fullmatch(r"(\d{4})-K([1-4])", period):
        y, q = int(m[1]), int(m[2])
        start = dt.date(y, 3 * q - 2, 1)
        end = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return start, end
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        y, mo = int(m[1]), int(m[2])
        return dt.date(y, mo, 1), dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
    if re.fullmatch(r"\d{4}", period):
        return dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    return None


def _link(request: Request, **extra) -> str:
    """The address of the cases behind a count: this page's filters plus what the count is about."""
    keep = [(k, v) for k, v in request.query_params.multi_items()
            if k in ("municipality", "from", "to", "evaluation", "team", "tag", "outcome", "lang") and v and k not in extra]
    added = [(k, x) for k, v in extra.items() if v not in (None, "") for x in (v if isinstance(v, list) else [v])]
    return "/casusboek/casussen?" + urlencode(keep + added)


def _bars(rows: list[dict], label, count: str, link) -> list[dict]:
    top = max((r[count] for r in rows), default=0) or 1
    return [{"label": label(r), "n": r[count], "pct": round(100 * r[count] / top, 1), "href": link(r)} for r in rows]


def overview(request: Request, report, registry, municipalities: list[str], evaluations: list[str],
             access: Access | None = None, left_out: int = 0) -> dict:
    """Everything the overview page shows, in words, each count with the address of its cases."""
    lang = _lang(request)
    pw = words(lang)
    n = names(registry, lang)
    rule = lambda rid: n["rules"].get(rid, rid)  # noqa: E731
    place = lambda slug: n["places"].get(slug, slug)  # noqa: E731
    t, o = report.tables, report.overview
    tile = pw["tiles"]
    tiles = [(tile["cases"], o["cases"], _link(request)),  # a count withheld for who sees groups only is None
             *((tile[k], o[k], _link(request, outcome=k)) for k in ("allowed", "route_available", "needs_information",
                                                                     "blocked")),
             (tile["discretionary_only"], o["discretionary_only"], _link(request, alleen_discretionair="1")),
             (tile["collisions"], o["collision_cases"], _link(request, botsing="1"))]
    blocks = _bars(t["blocks"].rows[:15], lambda r: rule(r["rule"]), "cases", lambda r: _link(request, regel=r["rule"]))
    for b, r in zip(blocks, t["blocks"].rows):
        b["source"] = " ".join(x for x in (r.get("law"), r.get("article")) if x)
    # the trend: the four rules that block most often, per period
    periods = sorted({r["period"] for r in t["blocks_by_period"].rows})
    leading = [r["rule"] for r in t["blocks"].rows[:4]]
    per = {(r["period"], r["rule"]): r["cases"] for r in t["blocks_by_period"].rows}
    series = [(rule(rid), [per.get((p, rid), 0) for p in periods]) for rid in leading]
    # a narrow chart for a phone, a wide one for a desktop (the page shows one: style.css), so the labels stay legible
    trend = {"svg": charts.lines(pw["trend_chart"], periods, series, width=400, height=220, heading=False, legend=False),
             "wide": charts.lines(pw["trend_chart"], periods, series, width=880, height=280, heading=False, legend=False),
             "legend": [{"label": name, "colour": charts.PALETTE[i], "dash": charts.DASHES[i]}
                        for i, (name, _) in enumerate(series)],
             # the numbers behind the lines, per rule: each period's count a link to its cases
             "rows": [{"rule": rule(rid), "counts": [{"period": p, "n": per.get((p, rid), 0),
                                                      "href": _period_link(request, p, regel=rid)} for p in periods]}
                      for rid in leading]}
    pairs = [{"a": rule(r["rule_a"]), "law_a": r["law_a"], "b": rule(r["rule_b"]), "law_b": r["law_b"],
              "n": r["cases"], "href": _link(request, regel=[r["rule_a"], r["rule_b"]])}
             for r in t["collision_pairs"].rows[:10]]
    # routes per block: per block its routes by name, each count a link (no legend of colours)
    lifts: dict[str, list[dict]] = {}
    for r in t["route_lifts"].rows:
        if r["available"]:
            lifts.setdefault(r["block"], []).append(r)
    routes_per_block = []
    for b in t["blocks"].rows:
        if b["rule"] in lifts and len(routes_per_block) < 10:
            rows = sorted(lifts[b["rule"]], key=lambda r: (-r["available"], r["route"]))
            routes_per_block.append({"block": rule(b["rule"]), "routes": _bars(
                rows, lambda r: rule(r["route"]), "available", lambda r, b=b: _link(request, blokkade=b["rule"],
                                                                                    route=r["route"]))})
    facts = [r for r in t["missing_facts"].rows if r["kind"] == "feit"][:10]
    figures = [r for r in t["missing_facts"].rows if r["kind"] != "feit"][:10]
    fact_bars = _bars(facts, lambda r: n["facts"].get(r["fact"], r["label"]), "cases",
                      lambda r: _link(request, feit=r["fact"]))
    figure_bars = _bars(figures, lambda r: n["facts"].get(r["fact"], r["label"]), "cases",
                        lambda r: _link(request, feit=r["fact"]))
    places = [{**r, "name": place(r["municipality"]), "href": _link(request, municipality=r["municipality"]),
               "blocked_href": _link(request, municipality=r["municipality"], outcome="blocked")}
              for r in t["municipalities"].rows]
    signals = [{**r, "place": place(r["municipality"]), "status": pw["outcomes"].get(r["outcome"], r["outcome"]),
                "href": case_href(r)} for r in t["signals"].rows[:PAGE_ROWS]]
    f = report.filters
    return {"tiles": tiles, "blocks": blocks, "trend": trend, "pairs": pairs, "routes_per_block": routes_per_block,
            "facts": fact_bars, "figures": figure_bars, "places": places, "signals": signals,
            "municipalities": [(m, place(m)) for m in municipalities], "evaluations": evaluations,
            "chosen": {"municipality": f.municipalities[0] if f.municipalities else "",
                       "from": f.date_from.isoformat() if f.date_from else "",
                       "to": f.date_to.isoformat() if f.date_to else "", "evaluation": f.evaluation or "",
                       "period": report.period},
            "periods": list(pw["periods"].items()),
            "scope": _scope(report, place, pw, access), "left_out": _left_out(report, pw, access, left_out),
            "scoped": access is not None and access.municipalities is not None,
            "tables": _tables(request)}


def _period_link(request: Request, period: str, **extra) -> str:
    """The cases of one period of the trend: the period's dates within the page's own date filter."""
    bounds = period_bounds(period)
    if bounds is None:
        return _link(request, **extra)
    start, end = bounds
    p = request.query_params
    with contextlib.suppress(ValueError):  # a bad filter has been refused before the page was built
        start = max(start, dt.date.fromisoformat(p["from"])) if p.get("from") else start
        end = min(end, dt.date.fromisoformat(p["to"])) if p.get("to") else end
    return _link(request, **{"from": start.isoformat(), "to": end.isoformat()}, **extra)


def _scope(report, place, pw: dict, access: Access | None = None) -> str:
    f = report.filters
    mine = access.municipalities if access is not None else None  # None: every municipality
    parts = [", ".join(place(m) for m in f.municipalities) if f.municipalities else pw["all_places_scope"]
             if mine is None else pw["your_places_scope"].format(places=", ".join(sorted(place(m) for m in mine)))]
    if f.date_from:
        parts.append(pw["scope_from"].format(day=f"{f.date_from:%d-%m-%Y}"))
    if f.date_to:
        parts.append(pw["scope_to"].format(day=f"{f.date_to:%d-%m-%Y}"))
    parts.append(pw["n_cases"].format(n=report.overview["cases"]))
    return ", ".join(parts)


def _left_out(report, pw: dict, access: Access | None, n: int) -> str:
    """For who sees groups only: that cases of small (municipality, month) cells are left out, and how many
    when the selection has no dates (then the number follows from the counts `stats` gives already; with
    dates, two selections' numbers would tell a small month apart)."""
    if access is None or not access.groups_only:
        return ""
    f = report.filters
    if f.date_from or f.date_to:
        return pw["left_out_some"].format(min=MIN_GROUP)
    return pw["left_out"].format(n=n, min=MIN_GROUP) if n else ""


def _tables(request: Request) -> str:
    """Every table of the report with its CSV and Parquet downloads, for this selection."""
    query = request.url.query
    return "/v1/casebook/page" + (f"?{query}" if query else "")


def _named(request: Request, problems: list[Problem]) -> list[Problem]:
    """Each problem led by the name of its field as the form shows it (a parameter's own name otherwise)."""
    pw = words(_lang(request))
    labels = {k: pw[k] for k in ("municipality", "from", "to", "period", "evaluation", "outcome", "team")}
    return [Problem(f"{labels[p.field]}: {p.message}", f"{labels[p.field]}: {p.message_en}") if p.field in labels
            else p for p in problems]


def _checked(request: Request, fn):
    try:
        return fn()
    except (ApiError, RegelruimteError) as exc:
        return error_page(request, _named(request, exc.problems), "invalid_request", 422)
    except Forbidden as exc:  # outside the caller's role or scope (already in the audit log)
        return _forbidden(request, exc)


def error_page(request: Request, problems: list[Problem], title: str, status: int) -> HTMLResponse:
    """A refusal or bad request as a page of the site (title: a key of the error page's headings)."""
    return _page(request, "error.html", {"problems": problems, "title": title}, status)


def _forbidden(request: Request, exc: Forbidden) -> HTMLResponse:
    return error_page(request, [Problem(exc.message, exc.message_en)], "forbidden", 403)


@router.get("/casusboek", response_class=HTMLResponse)
@router.get("/casebook", response_class=HTMLResponse)
async def casebook_page(request: Request, store: Store = Depends(get_store), registry=Depends(get_registry),
                        access: Access = Depends(caller)):
    def work():
        period = request.query_params.get("period") or "quarter"
        try:
            check_params(request, "period")
            if period not in PERIODS:
                raise ApiError("invalid_request", [Problem("kies maand, kwartaal of jaar", "choose month, quarter or "
                                                           "year", field="period")])
            filters = filters_of(request)
        except ApiError as exc:  # the form again, with what is wrong naming its field (422)
            return _refused_form(request, exc.problems, store.stats(access), registry,
                                 access.municipalities is not None)
        report = build_report(store, filters, fact_labels(registry, _lang(request)), period=period,
                              access=access)
        s = store.stats(access)
        return overview(request, report, registry, [m["municipality"] for m in s["municipalities"]],
                        [e["evaluation"] for e in s["evaluations"]], access,
                        store.left_out(report.filters, access))
    result = await off_loop(_checked, request, work)
    if isinstance(result, HTMLResponse):
        return result
    return _page(request, "casebook_overview.html", result, 422 if result.get("problems") else 200)


def _refused_form(request: Request, problems: list[Problem], s: dict, registry, scoped: bool) -> dict:
    """The overview's form only, with each problem led by the name of its field as the form shows it; a
    field that was wrong is empty again (what was typed is not repeated)."""
    pw = words(_lang(request))
    shown = _named(request, problems)
    wrong = {p.field for p in problems}
    q = request.query_params
    chosen = {k: (q.get(k) or "") if k not in wrong else "" for k in ("municipality", "from", "to", "evaluation")}
    chosen["period"] = q.get("period") if q.get("period") in PERIODS else "quarter"
    places = names(registry, _lang(request))["places"]
    return {"problems": shown, "chosen": chosen, "periods": list(pw["periods"].items()), "scoped": scoped,
            "municipalities": [(m["municipality"], places.get(m["municipality"], m["municipality"]))
                               for m in s["municipalities"]],
            "evaluations": [e["evaluation"] for e in s["evaluations"]]}


def _what(request: Request, n: dict, pw: dict) -> list[str]:
    """The selection behind the list, in words (an id that is not known is not repeated)."""
    p, w = request.query_params, pw["what"]
    out = [w["block"].format(x=n["rules"].get(rid, w["unknown"])) for rid in p.getlist("regel")]
    for key, kind, known in (("blokkade", "lift", n["rules"]), ("route", "route", n["rules"]), ("feit", "fact", n["facts"]),
                             ("outcome", "outcome", pw["outcomes"])):
        if p.get(key):
            out.append(w[kind].format(x=known.get(p[key], w["unknown"])))
    if p.get("botsing"):
        out.append(w["collision"])
    if p.get("alleen_discretionair"):
        out.append(w["discretionary"])
    out += [n["places"].get(m, w["unknown"]) for m in p.getlist("municipality")]
    if p.get("from") or p.get("to"):
        out.append(w["dates"].format(start=p.get("from") or "…", end=p.get("to") or "…"))
    return out


@router.get("/casusboek/casussen", response_class=HTMLResponse)
async def cases_page(request: Request, store: Store = Depends(get_store), registry=Depends(get_registry),
                     access: Access = Depends(caller)):
    p = request.query_params
    try:
        asked = max(1, min(int(p.get("pagina") or 1), 10**9))
    except ValueError:
        asked = 1
    page = min(asked, 100_000)

    def work():
        check_params(request, "regel", "blokkade", "route", "feit", "botsing", "alleen_discretionair", "pagina")
        filters = filters_of(request)
        with store.engine.connect() as conn:
            total, rows = queries.cases_behind(
                conn, store.scope(filters, access, READ), blocks=tuple(p.getlist("regel")[:2]),
                route=None if p.get("blokkade") else p.get("route") or None,
                lift=(p["blokkade"], p.get("route") or "") if p.get("blokkade") else None,
                fact=p.get("feit") or None, collision=bool(p.get("botsing")),
                discretionary_only=bool(p.get("alleen_discretionair")), limit=PAGE_ROWS, offset=(page - 1) * PAGE_ROWS)
        store.log_access(access, "list", [(case_ref(r["case_id"], r["team"]), r["municipality"]) for r in rows])
        return total, rows
    result = await off_loop(_checked, request, work)
    if isinstance(result, HTMLResponse):
        return result
    total, rows = result
    lang = _lang(request)
    pw, n = words(lang), names(registry, lang)
    rows = [{**r, "place": n["places"].get(r["municipality"], r["municipality"]),
             "status": pw["outcomes"].get(r["outcome"], r["outcome"]), "href": case_href(r)}
            for r in rows]
    query = [(k, v) for k, v in p.multi_items() if k != "pagina"]
    more = f"/casusboek/casussen?{urlencode(query + [('pagina', page + 1)])}" if page * PAGE_ROWS < total else None
    back = f"/casusboek/casussen?{urlencode(query + [('pagina', page - 1)])}" if page > 1 else None
    past_end = None
    if not rows and total:  # a page past the last one: say so and lead to the last page
        last = -(-total // PAGE_ROWS)
        back = f"/casusboek/casussen?{urlencode(query + [('pagina', last)])}"
        past_end = pw["past_end"].format(page=asked, total=total, last=last)
    return _page(request, "casebook_cases.html", {"total": total, "rows": rows, "what": _what(request, n, pw),
                                                  "more": more, "back": back, "page": page, "past_end": past_end})


def case_href(row: dict) -> str:
    """The page of one case: its id with its municipality and team (an empty team: the case without one), since
    an id alone may name cases of several teams (decision record 0044)."""
    scope = urlencode({"gemeente": row["municipality"], "team": row.get("team") or ""})
    return f"/casusboek/casus/{quote(row['case_id'])}?{scope}"


def case_view(found: dict, registry, lang: str = "nl") -> dict:
    """A stored case for the page: its latest version, the current decision in words, the onderbouwing."""
    version = next((v for v in found["versions"] if v["latest"]), found["versions"][-1])
    current = next((d for d in version["decisions"] if d["current"]), version["decisions"][-1] if version["decisions"]
                   else None)
    n = names(registry, lang)
    decision = current["decision"] if current else None
    statuses = PHRASES[lang]["status"]
    options = []
    text = ""
    if decision is not None:
        for o in decision["options"]:
            options.append({"title": registry.vocabulary.option_title(o["option"], lang), "status": statuses.get(o["status"], o["status"]),
                            "code": o["status"],
                            "blocks": [n["rules"].get(b["rule"]) or b.get("title") or b["rule"]
                                       for b in o.get("blocked_by", ())]})
        text = onderbouwing.render(decision, lang, n["facts"])
    return {"case_id": found["case_id"], "version": version, "place": n["places"].get(version["municipality"],
                                                                                       version["municipality"]),
            "decision": current, "options": options, "onderbouwing": text,
            "outcome": words(lang)["outcomes"].get(current["outcome"], current["outcome"]) if current else ""}


@router.get("/casusboek/casus/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: str, store: Store = Depends(get_store),
                    registry=Depends(get_registry), access: Access = Depends(caller)):
    found = await off_loop(_checked, request, lambda: store.case(case_id, access, *case_scope_of(request), single=True))
    if isinstance(found, HTMLResponse):
        return found
    if found is None:  # the id is not repeated: it may be anything
        return _page(request, "error.html", {"problems": [Problem("deze casus staat niet in het casusboek",
                                                                  "case not found")]}, 404)
    return _page(request, "casebook_case.html", {"c": await off_loop(case_view, found, registry, _lang(request))})


# -- from the decision page into the casebook --------------------------------------------------------------


def save_standing(request: Request) -> tuple[Forbidden | None, str | None]:
    """Why the caller may not save cases (their role), before a form asks for a team, and the caller's own team,
    which every case a professional saves gets (the form shows it, asks nothing); (None, None) when who asks is not
    known yet (the save itself then decides)."""
    access = access_of(request)
    if access is None:
        return None, None
    return (None if access.may(SAVE) else access.refusal(SAVE)), access.team


def save_problems(team: str, signal: str, consent: bool) -> list[Problem]:
    problems = []
    if not consent:
        problems.append(Problem("vink aan dat u de casus wilt opslaan en weet wat er wordt bewaard",
                                "tick that you want to save the case", field="consent"))
    if not 0 < len(team) <= 100:
        problems.append(Problem("vul uw team in (1 tot 100 tekens)", "fill in your team", field="team"))
    if len(signal) > SIGNAL_MAX:
        problems.append(Problem(f"het signaal is ten hoogste {SIGNAL_MAX} tekens", "the signal is too long",
                                field="signal"))
    return problems


@router.post("/besluit/{key}/casusboek", response_class=HTMLResponse)
async def save_case(request: Request, key: str, store: Store = Depends(get_store), registry=Depends(get_registry),
                    access: Access = Depends(caller)):
    from .site import case_store_of, gone_page
    try:  # a role that may not save is refused (and logged) before the team is asked for
        await off_loop(store.require, access, SAVE)
    except Forbidden as exc:
        return _forbidden(request, exc)
    form = await request.form(max_files=0, max_fields=10)
    case = case_store_of(request).get(key)
    if case is None:
        return gone_page(request)
    # a professional's cases are their team's: the form shows the team and asks nothing (the page review found a
    # professional refused for typing "Wijkteam Oost" where the casebook knew "wijkteam-oost")
    team = access.team or str(form.get("team", "")).strip()
    signal = str(form.get("signal", "")).strip()
    problems = save_problems(team, signal, form.get("consent") == "ja")
    lang = "&lang=en" if request.query_params.get("lang") == "en" else ""
    if problems:
        return await _decision_page_again(request, key, problems, {"team": team, "signal": signal}, 422)
    root = rulesets_root(request)

    def work():
        record = {"case": case, "team": team, **({"signal": signal} if signal else {})}
        prepared = to_prepared(RawRecord("web", None, record))
        prepared.decision = evaluate(prepared, registry)
        return store.add([prepared], lambda p: evaluate(p, registry), evaluation_label(registry, root),
                         kind="web", source="web", access=access)
    try:
        await off_loop(work)
    except Forbidden as exc:  # on the decision page, what was typed kept: not a page without a way back
        return await _decision_page_again(request, key, [Problem(exc.message, exc.message_en)],
                                          {"team": team, "signal": signal}, 403)
    except (CaseError, RegelruimteError) as exc:
        refused = {p.field for p in exc.problems}  # e.g. a signal that looks like a BSN or a name: never stored,
        return await _decision_page_again(request, key, exc.problems,  # nor shown again
                                          {"team": "" if "team" in refused else team, "signal": ""}, 422)
    return RedirectResponse(f"/besluit/{key}?opgeslagen=ja{lang}", status_code=303)


async def _decision_page_again(request: Request, key: str, problems: list[Problem], values: dict,
                               status: int) -> HTMLResponse:
    """The decision page with the save form's problems and the values to keep."""
    from .site import decision_page
    request.state.save_problems, request.state.save_values = problems, values
    response = await decision_page(request, key)
    response.status_code = status
    return response
