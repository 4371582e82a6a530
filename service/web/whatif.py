"""The what-if page for policy staff: /wat-als.

Step 1 chooses a rule set and a date; step 2 shows that version's parameters (current value, unit,
source) and asks what changes (new values, an overlay file, or another version of the rule set), an
optional sweep, and which cases (a synthetic population, the casebook, or uploaded case files). The
run goes to the job registry (service.web.whatif_jobs); the page redirects to the job's address, which
refreshes itself until the report is there: the same report as `regelruimte whatif --html`, with the
flips as CSV and Parquet. Server-rendered and working without JavaScript, like the rest of the site.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.datastructures import UploadFile

from engine.templates import percent
from engine.bsn import looks_like_bsn
from engine.errors import Problem, RegelruimteError
from engine.versions import in_force
from explain import diff as diff_render

from ..http.api import presented_token, rulesets_root
from ..http.guard import SINGLE_LIMIT
from ..http.offload import off_loop
from ..http.whatif_limits import MAX_CASES, too_much
from . import amounts
from .policy_text import words
from .whatif_jobs import ID_PATTERN, Busy, Job, Jobs

router = APIRouter(include_in_schema=False)
MAX_FILES = 50  # uploaded case files per run (together within the page's 1 MB, service.http.guard.SINGLE_LIMIT)
REFRESH_SECONDS = 2
_jobs = Jobs()

# each field the form reports a problem for, and the key of its label (service.web.policy_text)
FIELDS = {"ruleset": "ruleset", "date": "date", "change": "change", "overlay": "overlay", "other_date": "other_date",
          "sweep": "sweep_summary", "cases": "cases", "population.n": "population_n", "population.seed": "seed",
          "population.municipalities": "population_places", "files": "files", "casebook": "casebook_place",
          "casebook.from": "casebook_from", "casebook.to": "casebook_to"}


def jobs(request: Request) -> Jobs:
    return getattr(request.app.state, "whatif_jobs", None) or _jobs


def _registry(request: Request):
    return request.app.state.live.current


def _root(request: Request) -> Path:
    return rulesets_root(request)


# -- what the form says ----------------------------------------------------------------------------------


@dataclass
class Spec:
    """A what-if as the page asked it, checked."""

    ruleset: str
    day: dt.date
    mode: str  # parameters | overlay | version
    values: dict[str, Decimal | bool] = field(default_factory=dict)
    overlay_text: str = ""
    overlay_name: str = ""
    other_day: dt.date | None = None
    sweep: str | None = None
    source: str = "population"  # population | casebook | files
    n: int = 1000
    seed: int = 1
    municipalities: list[str] = field(default_factory=list)
    casebook_municipality: str | None = None
    casebook_from: dt.date | None = None
    casebook_to: dt.date | None = None
    files: list[tuple[str, str]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # each changed parameter in words: "title: 110% → 120%"
    lang: str = "nl"


def first(values: dict[str, list[str]], key: str) -> str:
    return (values.get(key) or [""])[0].strip()


def read_day(text: str, name: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise RegelruimteError([Problem("vul een datum in als 15-9-2025 of 2025-09-15",
                                    "fill in a date as 2025-09-15", field=name)])


_NUMBER = re.compile(r"-?[0-9]{1,12}(?:[.,][0-9]{1,6})?")  # ASCII digits only: "²" and "①" are no numbers
# A whole number as typed in the form (1.000 with a thousands point): ASCII digits only, and few of them,
# so neither "²" (str.isdigit is true for it, int() is not) nor 5,000 digits reach int().
_WHOLE = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})*|[0-9]{1,15}")


def read_whole(text: str, name: str, low: int, high: int) -> int:
    """A whole number from `low` to `high` in the field `name`, or a problem that names the field (never the value)."""
    t = text.strip()
    if len(t) <= 20 and _WHOLE.fullmatch(t):
        number = int(t.replace(".", ""))
        if low <= number <= high:
            return number
    span = f"{low:,} tot {high:,}".replace(",", ".")
    raise RegelruimteError([Problem(f"vul een heel getal in van {span}",  # the form names the field with it
                                    f"fill in a whole number from {low:,} to {high:,}", field=name)])


def read_value(text: str, unit: str, name: str) -> Decimal | bool:
    """A new parameter value as a policy officer types it: € 1.419,46, 120 (%) for a factor, ja/nee."""
    t = text.strip().lower()
    if looks_like_bsn(t):  # never used, never shown again
        raise RegelruimteError([Problem("dit lijkt op een BSN; vul een waarde in, geen persoonsnummer",
                                        "this looks like a BSN", field=name)])
    if unit == "bool" or t in ("ja", "nee", "yes", "no"):
        if t in ("ja", "nee", "yes", "no"):
            return t in ("ja", "yes")
        raise RegelruimteError([Problem("vul ja of nee in", "fill in yes or no", field=name)])
    if unit.startswith("EUR"):
        reading = amounts.read(t)
        if reading.kind == "ambiguous":
            raise RegelruimteError([Problem(
                f"bedoelt u € {amounts.write(reading.value)} of € {amounts.write(reading.other)}? Schrijf het bedrag "
                "met komma en centen, bv. 1.100,00", "ambiguous amount; write it with a comma and cents", field=name)])
        if reading.kind != "ok":
            raise RegelruimteError([Problem("geen bedrag; schrijf bv. 1.419,46", "not an amount", field=name)])
        return reading.value
    t = t.rstrip("%").strip()
    what = "een percentage, bv. 120" if unit == "factor" else "een getal, bv. 12"
    if not _NUMBER.fullmatch(t):
        if _LONG_NUMBER.fullmatch(t):  # a number all the same: say what is wrong with it (not "geen getal")
            raise RegelruimteError([Problem(
                f"dit getal is te groot of te fijn: ten hoogste 12 cijfers voor en 6 na de komma; vul {what} in",
                "this number is too large or too fine: at most 12 digits before and 6 after the point", field=name)])
        raise RegelruimteError([Problem(f"geen getal; vul {what} in", "not a number", field=name)])
    if t.startswith("-"):
        raise RegelruimteError([Problem(f"de waarde kan niet negatief zijn; vul {what} in",
                                        "the value cannot be negative", field=name)])
    number = Decimal(t.replace(",", "."))
    return number / 100 if unit == "factor" else number  # a factor is typed as a percentage (120 for 1.20)


_LONG_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def within_bounds(value: Decimal, typed: str, parameter, name: str) -> None:
    """The legal minimum and maximum of a parameter, said in the unit the user typed: a factor in percent
    (`1,20` typed on a percentage field is 1,2%: "bedoelt u 120%?"), never in the rule set's own units."""
    low, high = parameter.minimum, parameter.maximum
    if parameter.unit != "factor":
        if low is not None and value < low or high is not None and value > high:
            bound = f"minimum ({low})" if low is not None and value < low else f"maximum ({high})"
            raise RegelruimteError([Problem(f"de waarde ligt {'onder' if 'minimum' in bound else 'boven'} het "
                                            f"wettelijke {bound}", "the value is outside the legal bounds", field=name)])
        return
    if low is not None and value < low:
        guess = value * 100
        hint = f"; bedoelt u {percent(guess)}?" if guess >= low and (high is None or guess <= high) else ""
        raise RegelruimteError([Problem(
            f"dit veld is een percentage: {percent(value)} ligt onder het wettelijke minimum van {percent(low)}{hint}",
            f"this field is a percentage: {percent(value)} is below the legal minimum of {percent(low)}", field=name)])
    if high is not None and value > high:
        raise RegelruimteError([Problem(
            f"dit veld is een percentage: {percent(value)} ligt boven het wettelijke maximum van {percent(high)}",
            f"this field is a percentage: {percent(value)} is above the legal maximum of {percent(high)}", field=name)])


def version_of(registry, ruleset: str, day: dt.date):
    rs = registry.rulesets.get(ruleset)
    if rs is None:
        raise RegelruimteError([Problem("kies een regelset uit de lijst", "choose a rule set from the list",
                                        field="ruleset")])
    v = in_force(rs.versions, day)
    if v is None:
        raise RegelruimteError([Problem("geen versie van deze regelset geldig op deze datum",
                                        "no version of this rule set in force on this date", field="date")])
    return v


def parameters(registry, ruleset: str, day: dt.date, lang: str = "nl") -> list[dict]:
    """The parameters of the version in force: name, title, current value in words, unit, source."""
    v = version_of(registry, ruleset, day)
    out = []
    for name, p in v.parameters.items():
        unit = "bool" if isinstance(p.value, bool) else p.unit
        out.append({"name": name, "title": (p.title_en if lang == "en" and p.title_en else p.title),
                    "current": diff_render.value_text(p.value, p.unit, lang), "unit": unit,
                    "input_unit": {"factor": "%", "bool": "yes/no" if lang == "en" else "ja/nee"}.get(unit, "€" if unit.startswith("EUR") else unit),
                    "source": p.source.cite(lang), "url": p.source.url, "open": p.value is None})
    return out


def parse_form(values: dict[str, list[str]], registry, files: list[tuple[str, str]], overlay: tuple[str, str] | None,
               lang: str = "nl") -> Spec:
    """The form's values as a Spec, or every problem at once (each with the field it belongs to)."""
    problems: list[Problem] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except RegelruimteError as exc:
            problems.extend(exc.problems)
            return None

    ruleset = first(values, "ruleset")
    day = attempt(read_day, first(values, "date"), "date")
    if day is None:
        raise RegelruimteError(problems)
    version = attempt(version_of, registry, ruleset, day)
    if version is None:
        raise RegelruimteError(problems)
    spec = Spec(ruleset, day, first(values, "change") or "parameters", lang=lang)
    listed = {p["name"]: p for p in parameters(registry, ruleset, day, lang)}
    units = {name: p["unit"] for name, p in listed.items()}
    if spec.mode == "parameters":
        for name, unit in units.items():
            text = first(values, f"param.{name}")
            if text:
                value = attempt(read_value, text, unit, f"param.{name}")
                if isinstance(value, Decimal) and attempt(within_bounds, value, text, version.parameters[name],
                                                          f"param.{name}") is None and problems \
                        and problems[-1].field == f"param.{name}":
                    value = None
                if value is not None:
                    spec.values[name] = value
                    p = listed[name]
                    new = words(lang)["yes_no"][value] if isinstance(value, bool) else \
                        diff_render.value_text(value, version.parameters[name].unit, lang)
                    spec.words.append(f"{p['title']}: {p['current']} → {new}")
        if not spec.values and not first(values, "sweep.parameter") and not problems:
            problems.append(Problem("vul bij ten minste één parameter een nieuwe waarde in, of kies een sweep",
                                    "give at least one parameter a new value, or choose a sweep", field="change"))
    elif spec.mode == "overlay":
        if overlay is None:
            problems.append(Problem("kies een overlaybestand (YAML)", "choose an overlay file", field="overlay"))
        else:
            spec.overlay_name, spec.overlay_text = overlay
    elif spec.mode == "version":
        spec.other_day = attempt(read_day, first(values, "other_date"), "other_date")
        if spec.other_day is not None:
            attempt(version_of, registry, ruleset, spec.other_day)
    else:
        problems.append(Problem("kies wat verandert", "choose what changes", field="change"))
    sweep_param = first(values, "sweep.parameter")
    if sweep_param:
        if sweep_param not in units or units[sweep_param] == "bool":
            problems.append(Problem("kies een parameter uit de lijst voor de sweep", "choose a sweep parameter",
                                    field="sweep"))
        else:
            ends = []
            for key in ("from", "to", "step"):
                ends.append(attempt(read_value, first(values, f"sweep.{key}"), units[sweep_param], "sweep"))
            if None not in ends:
                lo, hi, step = ends
                for end in (lo, hi):  # in the unit typed: "1,20" on a percentage is 1,2% ("bedoelt u 120%?")
                    if attempt(within_bounds, end, "", version.parameters[sweep_param], "sweep") is None \
                            and problems and problems[-1].field == "sweep":
                        break
                spec.sweep = f"{ruleset}.{sweep_param}={lo}:{hi}:{step}"
                from whatif.run import parse_sweep
                attempt(parse_sweep, spec.sweep)
    spec.source = first(values, "source") or "population"
    if spec.source == "population":
        for key, attr, low, high in (("population.n", "n", 1, 200_000), ("population.seed", "seed", 0, 2**31 - 1)):
            number = attempt(read_whole, first(values, key), key, low, high)
            if number is not None:
                setattr(spec, attr, number)
        known = set(registry.municipalities)
        spec.municipalities = [m for m in values.get("population.municipalities", []) if m in known]
        if len(spec.municipalities) != len(values.get("population.municipalities", [])):
            problems.append(Problem("kies gemeenten uit de lijst", "choose municipalities from the list",
                                    field="population.municipalities"))
    elif spec.source == "casebook":
        m = first(values, "casebook.municipality")
        if m and m not in registry.municipalities:
            problems.append(Problem("kies een gemeente uit de lijst", "choose a municipality", field="casebook"))
        spec.casebook_municipality = m or None
        for key in ("from", "to"):
            if first(values, f"casebook.{key}"):
                setattr(spec, f"casebook_{key}", attempt(read_day, first(values, f"casebook.{key}"), f"casebook.{key}"))
    elif spec.source == "files":
        if not files:
            problems.append(Problem("kies een of meer casusbestanden (YAML of JSON)", "choose case files",
                                    field="files"))
        spec.files = files
    else:
        problems.append(Problem("kies welke casussen", "choose which cases", field="cases"))
    if problems:
        raise RegelruimteError(problems)
    return spec


def precheck(spec: Spec, root: Path, registry) -> None:
    """What can be refused before a job starts, at its field of the form (values kept): the overlay or
    the changed values as the rule set checks them, the uploaded cases, and the work the run would take."""
    from whatif import run
    from whatif.scenario import Ref, reform
    problems: list[Problem] = []
    try:
        change = _overlay_of(spec)
        if change is not None:
            reform(root, Ref(spec.ruleset, spec.day), change)
    except RegelruimteError as exc:
        field = "overlay" if spec.mode == "overlay" else "other_date" if spec.mode == "version" else "change"
        for p in exc.problems:
            problems.append(dataclasses.replace(p, field=p.field if p.field in FIELDS else field))
        change = None
    sweep = run.parse_sweep(spec.sweep) if spec.sweep else None
    runs = 1 + (spec.mode != "parameters" or bool(spec.values)) + (len(sweep.values) if sweep else 0)
    households = spec.n
    if spec.source == "files":
        try:
            households = len(_file_cases(spec, registry.vocabulary).cases)
        except RegelruimteError as exc:
            problems.extend(exc.problems)
    if spec.source != "casebook" and not problems:  # the casebook's cases are counted when they are read
        problem = too_much(households, runs, spec.source == "files",
                           "population.n" if spec.source == "population" else "files")
        if problem is not None:
            problems.append(problem)
    if problems:
        raise RegelruimteError(problems)


def _file_cases(spec: Spec, vocabulary):
    """The uploaded case files as cases; a problem names the file, the line and the field in it (never a value)."""
    from whatif import run
    cases, problems = [], []
    for name, text in spec.files:
        try:
            for data, line in run.documents_of_text(text, name):
                cases.append(run.case_of(data, vocabulary, name, line))
        except RegelruimteError as exc:
            for p in exc.problems:
                inner = p.field if p.field and p.field != "files" and not looks_like_bsn(p.field) else None
                problems.append(dataclasses.replace(p, field="files", file=name,
                                                    message=f"veld '{inner}': {p.message}" if inner else p.message,
                                                    message_en=f"field '{inner}': {p.message_en}" if inner else p.message_en))
    if problems:
        raise RegelruimteError(problems)
    counts = collections.Counter(c.case_id for c in cases)
    twice = [i for i, n in counts.items() if n > 1]
    if twice:
        raise RegelruimteError([Problem(f"{len(twice)} case_id('s) komen meer dan eens voor; elke casus heeft een eigen id",
                                        "a case_id appears more than once; every case needs its own id", field="files")])
    if not cases:
        raise RegelruimteError([Problem("geen casussen gevonden in de bestanden", "no cases found", field="files")])
    return run.Source(f"{len(cases)} geüploade casus(sen)", cases=cases)


# -- the run ---------------------------------------------------------------------------------------------------


@dataclass
class Result:
    title: str
    body: str  # the report (whatif/templates/_body.html)
    flips: Any  # a polars DataFrame of the changed (case, option) rows
    lang: str = "nl"


def _overlay_of(spec: Spec):
    from whatif.overlay import overlay_from_text, parse_overlay
    if spec.mode == "overlay":
        return overlay_from_text(spec.overlay_text, spec.overlay_name)
    if spec.mode == "version":
        return f"{spec.ruleset}@{spec.other_day.isoformat()}"
    if not spec.values:
        return None
    title = "; ".join(spec.words)
    return parse_overlay({"overlay": {"title": title, "ruleset": spec.ruleset, "from": spec.day.isoformat()},
                          "parameters": {k: {"value": v if isinstance(v, bool) else str(v)}
                                         for k, v in spec.values.items()}}, "formulier")


def _source(spec: Spec, before_side, store_cases):
    from whatif import run
    if spec.source == "population":
        towns = spec.municipalities or ([spec.ruleset] if spec.ruleset in before_side.municipalities else None)
        return run.population_source(spec.n, spec.seed, before_side, spec.day, towns)
    if spec.source == "casebook":
        documents = store_cases()
        if not documents:
            raise RegelruimteError([Problem("het casusboek bevat geen casussen in deze selectie",
                                            "the casebook holds no cases in this selection", field="casebook")])
        source = run.cases_from_data(documents, "casebook", before_side.vocabulary)
        source.description = f"{len(source.cases)} casussen uit het casusboek"
        return source
    return _file_cases(spec, before_side.vocabulary)


def run_spec(spec: Spec, root: Path, job: Job, budget, store_cases=lambda: []) -> Result:
    """The what-if of `spec`, step by step, telling `job` where it is and checking `budget` between steps."""
    from whatif import population, report, run
    from whatif.compare import compare
    from whatif.scenario import Ref, baseline, reform

    base = Ref(spec.ruleset, spec.day)
    change = _overlay_of(spec)
    sweep = run.parse_sweep(spec.sweep) if spec.sweep else None
    steps = 3 + (change is not None) + (len(sweep.values) if sweep else 0)
    job.progress("cases", 0, steps)
    before_side = baseline(root, base)
    source = _source(spec, before_side, store_cases)
    households = spec.n if spec.source == "population" else len(source.cases)
    runs = 1 + (change is not None) + (len(sweep.values) if sweep else 0)
    problem = too_much(households, runs, spec.source != "population",
                       "population.n" if spec.source == "population" else "cases")
    if problem is not None:
        raise RegelruimteError([problem])
    budget.check()
    after_side = reform(root, base, change) if change is not None else None
    job.progress("base", 1, steps)
    before = run.outcomes(before_side, source, "basis")
    budget.check()
    after = before
    done = 2
    if after_side is not None:
        job.progress("change", done, steps)
        after = run.outcomes(after_side, source, "wijziging")
        done += 1
        budget.check()
    sweep_table = None
    if sweep:
        counter = iter(range(len(sweep.values)))

        def check():
            budget.check()
            i = next(counter)
            job.progress("sweep", done + i, steps, i=i + 1, n=len(sweep.values))
        sweep_table = run.run_sweep(root, base, sweep, source, change, before, check=check)
    job.progress("report", steps - 1, steps)
    comparison = compare(before, after)
    registries = [before_side] + ([after_side] if after_side is not None else [])
    labels = report.labels(before_side, lang=spec.lang)
    # a sweep by the parameter's title, as the form showed it (not its id)
    swept = f"{report.WORDS[spec.lang]['sweep'].lower()}: {labels.get(sweep.name, sweep.name)}" if sweep else ""
    title = (change if isinstance(change, str) else change.title) if change is not None else swept
    meta = report.Meta(title=title, base=str(base), change=after_side.label if after_side else swept,
                       source=source.description, labels=labels,
                       labels_after=report.labels(registries[-1], lang=spec.lang),
                       municipalities=report.municipality_names(before_side),
                       notes=[f"{a.id}: {a.text}" for a in population.ASSUMPTIONS] if spec.source == "population" else [])
    body = report.html(comparison, before_side.vocabulary, meta, sweep_table, sweep.name if sweep else "",
                       lang=spec.lang, fragment=True)
    job.progress("done", steps, steps)
    return Result(title, body, report.flips_table(comparison))


# -- the pages ---------------------------------------------------------------------------------------------------


def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "nl"


def _page(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    from .site import site_page
    return site_page(request, name, {"active": "nav_whatif", "pw": words(_lang(request)), **context}, status)


def _form_context(request: Request, values: dict[str, list[str]], problems: list[Problem] = ()) -> dict:
    registry = _registry(request)
    lang = _lang(request)
    rulesets = sorted(((rid, (rs.meta.title_en if lang == "en" else None) or rs.meta.title)
                       for rid, rs in registry.rulesets.items()),
                      key=lambda r: r[1])
    municipalities = sorted(((slug, rs.meta.municipality_name or slug) for slug, rs in registry.municipalities.items()),
                            key=lambda m: m[1])
    params, step = [], 1
    ruleset, date_text = first(values, "ruleset"), first(values, "date")
    step_problems = []
    if ruleset or date_text:
        try:
            params = parameters(registry, ruleset, read_day(date_text, "date"), lang)
            step = 2
        except RegelruimteError as exc:
            step_problems = exc.problems
    errors: dict[str, list[str]] = {}
    summary = []
    pw = words(lang)
    for p in [*step_problems, *problems]:
        message = p.message_en if lang == "en" else p.message
        errors.setdefault(p.field or "", []).append(message)
        label = pw[FIELDS[p.field]] if p.field in FIELDS else \
            next((q["title"] for q in params if f"param.{q['name']}" == p.field), "")
        summary.append({"field": p.field, "label": label, "message": message,
                        "where": f"{p.file}, {pw['line']} {p.line}" if p.file and p.line else (p.file or "")})
    safe = {k: [v for v in vs if not looks_like_bsn(v)] for k, vs in values.items()}
    return {"values": safe, "errors": errors, "summary": summary, "step": step, "params": params,
            "rulesets": rulesets, "municipalities": municipalities, "first": lambda k: first(safe, k),
            "fid": lambda name: "f-" + re.sub(r"[^a-z0-9]+", "-", name.lower()),
            "casebook": any(item["href"] == "/casusboek" for item in request.app.state.nav)}


@router.get("/wat-als", response_class=HTMLResponse)
async def form_page(request: Request):
    values = {k: request.query_params.getlist(k) for k in request.query_params}
    values.setdefault("population.n", ["1000"])
    values.setdefault("population.seed", ["1"])
    context = _form_context(request, values)
    return _page(request, "whatif_form.html", context, 422 if context["summary"] else 200)


def describe(spec: Spec) -> str:
    """What is being computed, in one line for the progress page."""
    what = {"parameters": "; ".join(spec.words) or "sweep",
            "version": f"tegenover de versie van {spec.other_day:%d-%m-%Y}" if spec.other_day else "",
            "overlay": spec.overlay_name}[spec.mode]
    return f"{spec.ruleset} op {spec.day:%d-%m-%Y}: {what}"


def _store_cases(request: Request, spec: Spec):
    """The latest version of every case in the casebook that the form chose, as the what-if reads cases:
    within the scope of who asks (a shared casebook's user; everything in the local mode), and in the
    audit log. Only for who may read cases: a what-if's tables, costs and sweep over a handful of stored
    households would show one household (a policy officer runs it on a population or uploaded cases)."""
    if spec.source != "casebook":
        return lambda: []
    from casebook.access import READ, Forbidden  # the casebook is optional: only read when asked for
    from casebook.queries import case_documents
    from casebook.store import Filters
    from ..http.casebook_access import caller, get_store
    store = request.app.dependency_overrides.get(get_store, get_store)()  # the store the casebook pages use
    access = caller(request, store)  # who asks is known now, in the request, not later in the job
    filters = Filters(municipalities=(spec.casebook_municipality,) if spec.casebook_municipality else (),
                      date_from=spec.casebook_from, date_to=spec.casebook_to)
    try:  # refused now (in the audit log), not in the job: a refusal takes no job's place
        scope = store.scope(filters, access, READ)
    except Forbidden as exc:
        raise RegelruimteError([Problem(exc.message, exc.message_en, field="casebook")]) from None

    def read() -> list[dict]:
        with store.engine.connect() as conn:
            documents = case_documents(conn, scope, limit=MAX_CASES + 1)
        if len(documents) > MAX_CASES:  # never a silent sample
            raise RegelruimteError([Problem(
                f"meer dan {MAX_CASES:,} casussen in het casusboek; kies één gemeente of gebruik "
                "regelruimte whatif --casebook".replace(",", "."),
                f"more than {MAX_CASES:,} cases in the casebook; choose one municipality or use regelruimte whatif "
                "--casebook", field="casebook")])
        store.log_access(access, "whatif", [(d["case_id"], d["municipality"]) for d in documents])
        return documents
    return read


@router.post("/wat-als", response_class=HTMLResponse)
async def start(request: Request):
    form = await request.form(max_files=MAX_FILES + 1, max_fields=500, max_part_size=SINGLE_LIMIT)
    values: dict[str, list[str]] = {}
    files: list[tuple[str, str]] = []
    overlay = None
    problems: list[Problem] = []
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
        elif isinstance(value, UploadFile) and value.filename:
            name = Path(value.filename).name
            try:
                text = (await value.read(SINGLE_LIMIT + 1)).decode("utf-8")
            except UnicodeDecodeError:
                problems.append(Problem("het bestand is geen UTF-8-tekst", "the file is not UTF-8 text", file=name,
                                        field="overlay" if key == "overlay" else "files"))
                continue
            if key == "overlay":
                overlay = (name, text)
            elif key == "files":
                files.append((name, text))
    if len(files) > MAX_FILES:
        problems.append(Problem(f"ten hoogste {MAX_FILES} casusbestanden tegelijk", "too many files", field="files"))
    registry = _registry(request)
    try:
        if problems:
            raise RegelruimteError(problems)
        spec = await off_loop(parse_form, values, registry, files, overlay, _lang(request))
        await off_loop(precheck, spec, _root(request), registry)  # refused here, on the form, not in the job
    except RegelruimteError as exc:
        return _page(request, "whatif_form.html", _form_context(request, values, exc.problems), 422)
    root = _root(request)
    try:
        store_cases = await off_loop(_store_cases, request, spec)
    except RegelruimteError as exc:
        return _page(request, "whatif_form.html", _form_context(request, values, exc.problems), 403)
    owner = await off_loop(_asker, request)
    try:
        job = jobs(request).start(describe(spec), lambda job, budget: run_spec(spec, root, job, budget, store_cases),
                                  owner)
    except Busy:
        return _page(request, "whatif_form.html", _form_context(request, values, [Problem(
            "er lopen al te veel berekeningen; probeer het over een paar minuten opnieuw",
            "too many computations are running; try again in a few minutes", field="cases")]), 429)
    job.back = back_query(values, request.query_params.get("lang") == "en")
    lang = "?lang=en" if request.query_params.get("lang") == "en" else ""
    return RedirectResponse(f"/wat-als/taak/{job.id}{lang}", status_code=303)


def back_query(values: dict[str, list[str]], english: bool = False) -> str:
    """The form's typed values (no files, nothing that looks like a BSN) as the query string of the form."""
    from urllib.parse import urlencode
    pairs = [(k, v) for k, vs in values.items() for v in vs if len(v) <= 200 and not looks_like_bsn(v)]
    return urlencode(pairs + ([("lang", "en")] if english else []))


def step_words(job: Job, lang: str) -> str:
    pw = words(lang)
    if job.state == "waiting":
        return pw["waiting"]
    return pw["busy_with"].format(step=pw["steps"][job.step].format(**job.step_args))


def _asker(request: Request) -> str | None:
    """Who asks: a casebook user by name, else whoever holds the token presented (by its hash), else
    nobody (an open local service). A what-if job is its asker's alone."""
    try:
        from ..http.casebook_access import user_of  # the casebook is optional: without it there are no users
    except ImportError:
        user = None
    else:
        user = user_of(request)
    token = presented_token(request.headers.get("authorization"))
    return user or (f"token:{hashlib.sha256(token).hexdigest()}" if token else None)


async def _job(request: Request, job_id: str) -> Job | None:
    """The job at this address, if it is the asker's (someone else's reads as gone)."""
    if not re.fullmatch(ID_PATTERN, job_id):
        return None
    return jobs(request).get(job_id, await off_loop(_asker, request))


def _gone(request: Request) -> HTMLResponse:
    problem = Problem("deze berekening bestaat niet (meer): een uitkomst blijft een uur bewaard. Start haar opnieuw.",
                      "this computation does not exist (any more)")
    return _page(request, "error.html", {"problems": [problem], "title": None}, 404)


@router.get("/wat-als/taak/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, job_id: str):
    job = await _job(request, job_id)
    if job is None:
        return _gone(request)
    body = Markup(job.result.body) if job.state == "done" else None  # rendered by whatif.report (autoescaped)
    return _page(request, "whatif_job.html", {"job": job, "body": body, "refresh": REFRESH_SECONDS,
                                              "step": step_words(job, _lang(request))})


@router.get("/wat-als/taak/{job_id}/stand")
async def job_state(request: Request, job_id: str):
    job = await _job(request, job_id)
    if job is None:
        return JSONResponse({"state": "gone"}, status_code=404)
    return JSONResponse({"state": job.state, "percent": job.percent, "step": step_words(job, _lang(request))})


@router.get("/wat-als/taak/{job_id}/verschuivingen.{fmt}")
async def download(request: Request, job_id: str, fmt: str):
    job = await _job(request, job_id)
    if job is None or job.state != "done" or fmt not in ("csv", "parquet"):
        return _gone(request)

    def encode() -> bytes:
        import io
        from ..spreadsheet import neutral_csv_text
        buffer = io.BytesIO()
        flips = job.result.flips
        if fmt == "csv":
            import polars as pl
            flat = flips.with_columns([flips[k].list.join("; ") for k, t in flips.schema.items()
                                       if t == pl.List(pl.String)])
            flat.with_columns(neutral_csv_text()).write_csv(buffer)
        else:
            flips.write_parquet(buffer)
        return buffer.getvalue()
    data = await off_loop(encode)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/vnd.apache.parquet"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="verschuivingen.{fmt}"'})
