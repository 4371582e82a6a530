"""A what-if from start to end: which cases, evaluated under both sides, compared; and sweeps.

Named case files and casebook cases go through the single-case evaluator (every reason in Dutch);
a synthetic population goes through the columnar evaluator. Both end as `Outcomes`, so the
comparison cannot tell them apart.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import polars as pl

from engine.case import Case, parse_case
from engine.bsn import MESSAGE as BSN_MESSAGE, looks_like_bsn
from engine.errors import CaseError, Problem, RegelruimteError
from engine.evaluator import evaluate as evaluate_one
from engine.facts import Vocabulary, case_facts
from engine.registry import Registry
from engine.yamlsource import SourceError, line_of_field, load_file, parse_text, read_bounded

from . import columnar, population
from .compare import Comparison, compare
from .outcomes import BITS, Outcomes, from_columnar, from_decisions
from .overlay import Overlay, parameter_overlay
from .scenario import Ref, Scenario, baseline, reform

MAX_SWEEP_POINTS = 101
FLIPS = "flips"  # the folder beside the partitions where Dask workers write the changed rows


@dataclass
class Source:
    """What to evaluate: cases for the single-case evaluator, or a case table for the columnar one."""

    description: str
    cases: list[Case] | None = None
    table: pl.DataFrame | pl.LazyFrame | None = None
    parts: list[Path] | None = None  # the table as Parquet partitions (for Dask)

    def days(self) -> list[dt.date]:
        if self.cases is not None:
            return sorted({c.reference_date for c in self.cases})
        return sorted(self.table.lazy().select(pl.col("case.reference_date").unique()).collect().to_series().to_list())


def _checked(data: Any, vocabulary: Vocabulary | None, file: str | None = None) -> Case:
    """A valid case whose options and circumstances the rule sets know (so it fails here, not midway)."""
    case = parse_case(data, file=file)
    if vocabulary is not None:
        try:
            case_facts(case, vocabulary)
        except CaseError as exc:
            for p in exc.problems:
                p.file = file
                p.line = line_of_field(data, p.field) if file else None
            raise
    return case


CASE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", ".ndjson")
LINES = (".jsonl", ".ndjson")  # one case per line: what `casebook generate` and `casebook export --format jsonl` write
CSV = ("een CSV-bestand kan de wat-als niet lezen: importeer het eerst in het casebook (regelruimte casebook import "
       "BESTAND.csv) en reken dan over het casebook (regelruimte whatif --casebook, of 'het casusboek' op /wat-als); "
       "of geef casussen als YAML, JSON of JSONL",
       "the what-if cannot read a CSV file: import it into the casebook first (regelruimte casebook import FILE.csv), "
       "then run the what-if over the casebook (--casebook); or give cases as YAML, JSON or JSONL")


def documents_of_text(text: str, name: str) -> list[tuple[Any, int | None]]:
    """The case documents in one file's text, each with its line when the file holds one per line (JSONL)."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        raise RegelruimteError([Problem(*CSV, file=name)])
    if suffix not in LINES:
        try:
            return [(parse_text(text, name, "json" if suffix == ".json" else "yaml"), None)]
        except SourceError as exc:
            raise RegelruimteError([exc.problem]) from None
    found = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append((parse_text(line, name, "json"), number))
        except SourceError as exc:  # the line in the file, not in the one line read
            raise RegelruimteError([dataclasses.replace(exc.problem, file=name, line=number)]) from None
    return found


def read_text(path: Path) -> str:
    """A case file's text (the one bounded reader, engine.yamlsource.read_bounded), or a problem naming the file."""
    try:
        with path.open("rb") as f:
            return read_bounded(f, str(path))
    except OSError:
        raise RegelruimteError([Problem("kan dit bestand niet lezen", "cannot read this file", file=str(path))]) from None
    except SourceError as exc:
        raise RegelruimteError([exc.problem]) from None


def case_of(data: Any, vocabulary: Vocabulary | None, name: str, line: int | None = None) -> Case:
    """A case read from the file `name` (at `line` for a case per line): its problems name the file, and the
    line of the field where there is one."""
    try:
        return _checked(data, vocabulary, name)
    except RegelruimteError as exc:
        for p in exc.problems:
            p.file = name
            p.line = line if line is not None else (p.line or line_of_field(data, p.field))
        raise


def _read_case(path: Path, vocabulary: Vocabulary | None) -> Case:
    try:
        return _checked(load_file(path), vocabulary, str(path))
    except SourceError as exc:
        raise RegelruimteError([exc.problem]) from None


def _cases_in(path: Path, vocabulary: Vocabulary | None) -> list[Case]:
    if path.suffix.lower() in LINES or path.suffix.lower() == ".csv":
        return [case_of(d, vocabulary, str(path), line) for d, line in documents_of_text(read_text(path), str(path))]
    return [_read_case(path, vocabulary)]


def cases_from_paths(paths: Iterable[str], vocabulary: Vocabulary | None = None) -> Source:
    """Case files; a folder contributes every YAML/JSON file in it that has a `case_id`, and every JSONL file."""
    cases = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.suffix.lower() in LINES:
                    cases.extend(_cases_in(f, vocabulary))
                elif f.suffix in (".yaml", ".yml", ".json") and isinstance(d := _load(f), dict) and "case_id" in d:
                    cases.append(_read_case(f, vocabulary))
        elif p.exists():
            cases.extend(_cases_in(p, vocabulary))
        else:
            raise RegelruimteError([Problem("bestand bestaat niet", "file does not exist", file=str(p))])
    if not cases:
        raise RegelruimteError([Problem("geen casussen gevonden", "no cases found", field="cases")])
    seen: dict[str, int] = {}
    for c in cases:
        seen[c.case_id] = seen.get(c.case_id, 0) + 1
    twice = sorted(k for k, n in seen.items() if n > 1)
    if twice:
        raise RegelruimteError([Problem(f"case_id '{k}' komt meer dan eens voor", f"case_id '{k}' appears twice",
                                        field="case_id") for k in twice])
    return Source(f"{len(cases)} casus(sen)", cases=cases)


def _load(path: Path) -> Any:
    try:
        return load_file(path)
    except SourceError:
        return None


def cases_from_data(items: list[dict], field_name: str = "cases", vocabulary: Vocabulary | None = None) -> Source:
    """Cases given as data (the API, the casebook): at least one, each valid and with its own case_id."""
    cases, problems, first = [], [], {}
    for i, data in enumerate(items):
        try:
            case = _checked(data, vocabulary)
        except RegelruimteError as exc:
            for p in exc.problems:
                p.field = f"{field_name}.{i}" + (f".{p.field}" if p.field else "")
            problems.extend(exc.problems)
            continue
        if case.case_id in first:  # as cases_from_paths: a case counted twice would skew every total
            where = f"{field_name}.{first[case.case_id]}"
            problems.append(Problem(f"dezelfde case_id als {where}; elke casus heeft een eigen id",
                                    f"the same case_id as {where}; every case needs its own id",
                                    field=f"{field_name}.{i}.case_id"))
        first.setdefault(case.case_id, i)
        cases.append(case)
    if problems:
        raise RegelruimteError(problems)
    if not cases:  # nothing to compare: later steps would fail on empty tables
        raise RegelruimteError([Problem("geen casussen gevonden", "no cases found", field=field_name)])
    return Source(f"{len(cases)} casus(sen)", cases=cases)


def _describe(n: int, seed: int, registry: Registry, day: dt.date, municipalities: list[str] | None) -> str:
    where = ", ".join(sorted(municipalities or registry.municipalities))
    return f"synthetische populatie van {n:_} huishoudens (seed {seed}, {where}, peildatum {day})".replace("_", ".")


def population_source(n: int, seed: int, registry: Registry, day: dt.date, municipalities: list[str] | None = None,
                      folder: Path | None = None) -> Source:
    """A synthetic population, in memory, or written to `folder` as Parquet partitions and read from there."""
    description = _describe(n, seed, registry, day, municipalities)
    if folder is None:
        return Source(description, table=population.generate(n, seed, registry, day, municipalities))
    parts = population.write(folder, n, seed, registry, day, municipalities)
    return Source(description, table=population.scan(folder), parts=parts)


def casebook_source(url: str | None, vocabulary: Vocabulary | None = None) -> Source:
    """The latest version of every case in the casebook, if this installation has one (optional).

    `url` is what `regelruimte casebook --db` takes: a URL or an SQLite path; without it
    $REGELRUIMTE_DATABASE_URL, else casebook.sqlite (the casebook's own rule, casebook.db.resolve_url).
    """
    try:
        from casebook.db import make_engine, resolve_url
        from casebook.models import CaseRow
    except ModuleNotFoundError:
        raise RegelruimteError([Problem(
            "het casebook is niet beschikbaar in deze installatie (pakket 'casebook' ontbreekt); "
            "gebruik casusbestanden of --population",
            "the casebook is not available in this installation; use case files or --population",
            field="casebook")]) from None
    from sqlalchemy import select
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError
    url = resolve_url(url)
    where = make_url(url)
    if where.get_backend_name() == "sqlite" and where.database and not Path(where.database).exists():
        raise RegelruimteError([Problem(f"geen casebook gevonden op {where.database}",
                                        f"no casebook at {where.database}", field="casebook")])
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            documents = conn.execute(select(CaseRow.case_json).where(CaseRow.latest.is_(True))
                                     .order_by(CaseRow.case_id)).scalars().all()
        _audit_read(engine, documents)
    except (SQLAlchemyError, ValueError) as exc:
        raise RegelruimteError([Problem(f"het casebook is niet te lezen: {type(exc).__name__}",
                                        f"cannot read the casebook: {type(exc).__name__}", field="casebook")]) from None
    if not documents:
        raise RegelruimteError([Problem("het casebook bevat geen casussen", "the casebook holds no cases", field="casebook")])
    source = cases_from_data(list(documents), "casebook", vocabulary)
    source.description = f"{len(source.cases)} casussen uit het casebook"
    return source


def _audit_read(engine, documents) -> None:
    """In a shared casebook (one with users) this read is in the audit log, as the casebook commands' are."""
    import datetime as dt
    from casebook import audit, users
    from casebook.access import command_line
    if users.has_users(engine):
        audit.record(engine, command_line("regelruimte whatif --casebook"), "whatif", dt.datetime.now(dt.timezone.utc),
                     [(d["case_id"], d["municipality"]) for d in documents])


def outcomes(scenario: Scenario, source: Source, label: str) -> Outcomes:
    """Evaluate `source` under `scenario`, in this process."""
    if source.cases is not None:
        return from_decisions(((c, evaluate_one(c, scenario)) for c in source.cases), label)
    return from_columnar(columnar.evaluate(source.table, scenario, kinds=BITS), label)


def _on_cluster(client, source: Source) -> bool:
    return client is not None and bool(source.parts)


def comparison(before_side: Scenario, after_side: Scenario | None, source: Source, client=None,
               labels: tuple[str, str] = ("basis", "wijziging")) -> Comparison:
    """`source` evaluated under both sides (no `after_side`: the baseline against itself) and compared.

    With a Dask `client` and a source in Parquet partitions, each partition is compared on a worker
    and only the sums come back (whatif.scale); the changed rows are written next to the partitions.
    """
    if _on_cluster(client, source):
        from .scale import compare_parquet
        return compare_parquet(client, source.parts, before_side, after_side, labels,
                               flips=Path(source.parts[0]).parent / FLIPS)
    before = outcomes(before_side, source, labels[0])
    return compare(before, outcomes(after_side, source, labels[1]) if after_side is not None else before)


# ---------------------------------------------------------------------------------------------
# Sweeps


@dataclass(frozen=True)
class Sweep:
    ruleset: str
    parameter: str
    values: tuple[Decimal, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return f"{self.ruleset}.{self.parameter}"


SWEEP = re.compile(r"^(?P<rs>[a-z][a-z0-9_-]*)\.(?P<param>[a-z][a-z0-9_]*)=(?P<lo>[^:]+):(?P<hi>[^:]+):(?P<step>[^:]+)$")


def _plain_number(x: Decimal) -> bool:
    return x.is_finite() and (x == 0 or -7 < x.adjusted() < 12) and x.as_tuple().exponent >= -6


def parse_sweep(text: str) -> Sweep:
    m = SWEEP.match(text.strip())
    wrong = RegelruimteError([Problem(  # the text is not repeated: the field says where, the example how
        "geen geldige sweep; schrijf regelset.parameter=van:tot:stap, bv. zaanstad.percentage_inkomensgrens=1.00:1.50:0.05",
        "not a valid sweep; write ruleset.parameter=from:to:step", field="sweep")])
    if not m:
        raise wrong
    try:
        lo, hi, step = (Decimal(m[k]) for k in ("lo", "hi", "step"))
    except InvalidOperation:
        raise wrong from None
    if not all(_plain_number(x) for x in (lo, hi, step)):  # 1e999999 would overflow the arithmetic below
        raise RegelruimteError([Problem(
            "een waarde van de sweep is te groot of te fijn (ten hoogste 12 cijfers voor en 6 na de komma)",
            "a sweep value is too large or too fine (at most 12 digits before and 6 after the point)", field="sweep")])
    if looks_like_bsn(text):  # never shown again (lo, hi and step as typed are in it)
        raise RegelruimteError([Problem(*BSN_MESSAGE, field="sweep")])
    if step <= 0 or hi < lo:
        raise RegelruimteError([Problem("de sweep loopt van laag naar hoog met een stap groter dan nul",
                                        "a sweep runs from low to high with a positive step", field="sweep")])
    count = int((hi - lo) / step) + 1
    if count > MAX_SWEEP_POINTS:
        raise RegelruimteError([Problem(f"te veel punten ({count}); ten hoogste {MAX_SWEEP_POINTS}",
                                        f"too many points ({count}); at most {MAX_SWEEP_POINTS}", field="sweep")])
    values = tuple(lo + i * step for i in range(count))
    if any(map(looks_like_bsn, values)):  # a value on the way (111222330:111222340:1), shown in the report
        raise RegelruimteError([Problem(*BSN_MESSAGE, field="sweep")])
    return Sweep(m["rs"], m["param"], values)


FACTOR_LOOKS_LIKE_PERCENT = 10  # a factor of 10 is 1000% of the norm: no limit is that; 100:150:10 was meant as percent


def check_sweep_unit(sweep: Sweep, registry: Registry, day: dt.date | None, field: str = "sweep") -> None:
    """Refuse a sweep over a factor whose values look like percentages (`=100:150:10` ran at 100 to 150 times
    the norm): the message says the unit and how to write it."""
    rs = registry.rulesets.get(sweep.ruleset)
    versions = [v for v in (rs.versions if rs else ()) if day is None or v.valid_from <= day]
    parameter = versions[-1].parameters.get(sweep.parameter) if versions else None
    if parameter is None or parameter.unit != "factor" or max(sweep.values) < FACTOR_LOOKS_LIKE_PERCENT:
        return
    low, high = (f"{x / 100:.2f}" for x in (sweep.values[0], sweep.values[-1]))
    raise RegelruimteError([Problem(
        f"{sweep.name} is een factor: 1.20 is 120%. Deze waarden lijken percentages; schrijf bv. "
        f"{sweep.name}={low}:{high}:0.05",
        f"{sweep.name} is a factor: 1.20 is 120%. These values look like percentages; write e.g. "
        f"{sweep.name}={low}:{high}:0.05", field=field)])


def run_sweep(root: Path | str, base: Ref, sweep: Sweep, source: Source, change: str | Overlay | None = None,
              before: Outcomes | None = None, client=None, check=lambda: None) -> pl.DataFrame:
    """Per value of the parameter: the households helped, hurt and open (neither, decision record 0043) against the
    baseline, and the cost.
    `check()` is called before each value (it raises to stop: the client has gone, the time is up).
    On a Dask `client`, each value is one pass over the partitions (the baseline evaluated again
    there: the workers keep no outcomes between tasks); else `before` is evaluated once."""
    remote = _on_cluster(client, source)
    before_side = baseline(root, base) if remote or before is None else None
    if not remote:
        before = before or outcomes(before_side, source, "basis")
    day = base.day or source.days()[0]
    rows = []
    for value in sweep.values:
        check()
        point = parameter_overlay(sweep.ruleset, sweep.parameter, value, day)
        after_side, label = reform(root, base, change, extra=(point,)), f"{sweep.name} = {value}"
        if remote:
            from .scale import compare_parquet
            t = compare_parquet(client, source.parts, before_side, after_side, ("basis", label)).totals
        else:
            t = compare(before, outcomes(after_side, source, label)).totals
        rows.append({"value": str(value), "households_helped": t["households_helped"],
                     "households_hurt": t["households_hurt"] + t["households_mixed"],
                     "households_open": t["households_open"], "flips": t["flips"],
                     "newly_granted": t["newly_granted"], "newly_granted_eur": t["newly_granted_eur"],
                     "no_longer_granted": t["no_longer_granted"]})
    return pl.DataFrame(rows)
