"""Importing cases into the casebook: a folder of YAML/JSON files, a JSONL file, or a CSV file.

Each record is validated (engine.case.parse_case) and evaluated (the engine's decision); a bad
record is reported with its file and line and the rest is imported. Records are written in
batches, each batch in one transaction (whole or not at all). Importing is idempotent by case id
+ content digest: a re-run adds nothing, and a changed case with a known id becomes a new version
of that case (the old version and its decisions are kept; analysis uses the newest).

A record is either a bare case (the public case format) or an envelope that adds the casebook's
own fields: `{case: {...}, team: ..., signal: "systeemprobleem: ...", tags: [...]}`. In a CSV the
same fields are the columns `team`, `signal` and `tags` (see docs/casebook.md for every column).
"""
from __future__ import annotations

import csv
import dataclasses
import io
import re
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from engine.bsn import FILE_NAME_MESSAGE, MESSAGE as BSN_MESSAGE, as_json, bsn_paths, contains_bsn, looks_like_bsn
from engine.case import (HOUSEMATE_FIELDS, INVALID_TEXT, MAX_HOUSEMATES, NUL_MESSAGE, Case, has_lone_surrogate,
                         nul_paths, parse_case, written_with_exponent)
from engine.errors import CaseError, InvalidValue, Problem, RegelruimteError
from engine.facts import Vocabulary, suggest
from engine.registry import Registry
from engine.yamlsource import LineList, SourceError, line_of, load_file, parse_text, shown_field

from . import db
from .access import LOCAL, Access
from .names import looks_like_name
from .evaluation import evaluate
from .preparing import Outcome, Steps, outcomes
from .records import Meta, Prepared, prepare
from .store import Ready, Store, ready

CASE_SUFFIXES = (".yaml", ".yml", ".json")
CASE_KEYS = frozenset(Case.model_fields)
META_KEYS = ("team", "signal", "tags")
# keys of an exported case version (Store.export) that an import ignores: exports import back
EXPORT_KEYS = ("case_id", "version", "latest", "digest", "municipality", "reference_date", "origin", "created_at",
               "updated_at", "decisions")
TAG = re.compile(r"^[a-z0-9][a-z0-9_:.-]{0,49}$")
MAX_TAGS = 20


@dataclass
class RawRecord:
    """One record as read: its data, or the problems that kept it from being read."""

    file: str
    line: int | None
    data: Any = None
    problems: list[Problem] | None = None
    not_a_case: bool = False  # a file in a folder that holds no case (expected.yaml, a README): skipped
    text: str | None = None  # a JSONL line not parsed yet: parsed where it is validated (a worker process)

    def parsed(self) -> "RawRecord":
        """The record with its data (or its problem) when it is a JSONL line not parsed yet."""
        if self.text is None:
            return self
        try:
            return RawRecord(self.file, self.line, parse_text(self.text, self.file, "json"))
        except SourceError as exc:
            return RawRecord(self.file, self.line, problems=[dataclasses.replace(exc.problem, line=self.line)])


@dataclass
class ImportReport:
    read: int = 0
    added: int = 0
    new_versions: int = 0
    unchanged: int = 0
    updated: int = 0
    batches: int = 0
    rejected: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are not cases

    @property
    def stored(self) -> int:
        return self.added + self.new_versions

    def as_dict(self, lang: str = "nl") -> dict:
        return {"read": self.read, "added": self.added, "new_versions": self.new_versions,
                "unchanged": self.unchanged, "updated": self.updated, "batches": self.batches,
                "rejected": [p.as_dict(lang) for p in self.rejected], "skipped": list(self.skipped)}


# -- metadata and envelopes ---------------------------------------------------------------------------

def _meta_problem(message: str, message_en: str, key: str, data: Any, file: str | None, line: int | None) -> Problem:
    # an unknown key is the sender's own text: named only if it is a field name, never if it looks like a BSN
    shown = shown_field(key) if isinstance(key, str) else None
    return Problem(message, message_en, field=shown if shown != "(root)" else None, file=file,
                   line=line_of(data, [key]) or line)


def split_record(data: Any, defaults: Meta = Meta(), file: str | None = None,
                 line: int | None = None) -> tuple[Any, Meta]:
    """The case and the casebook fields of a record (a bare case or a `{case: …}` envelope)."""
    if not (isinstance(data, dict) and isinstance(data.get("case"), dict)):
        return data, defaults  # a bare case (the case format has no field `case`)
    problems = [_meta_problem("onbekend veld in het importrecord (toegestaan: case, team, signal, tags)",
                              "unknown field in the import record (allowed: case, team, signal, tags)", k, data,
                              file, line)
                for k in data if k != "case" and k not in META_KEYS and k not in EXPORT_KEYS]
    team, signal, tags = data.get("team"), data.get("signal"), data.get("tags")
    if team is not None and not (isinstance(team, str) and 0 < len(team.strip()) <= 100):
        problems.append(_meta_problem("team: tekst van 1 tot 100 tekens", "team: text of 1 to 100 characters",
                                      "team", data, file, line))
    if signal is not None and not (isinstance(signal, str) and len(signal) <= 4000):
        problems.append(_meta_problem("signal: tekst van ten hoogste 4000 tekens",
                                      "signal: text of at most 4000 characters", "signal", data, file, line))
    if isinstance(tags, str):
        if looks_like_bsn(tags):  # the text as sent, before it is split: "111|222|333" is three harmless tags after
            problems.append(_meta_problem(*BSN_MESSAGE, "tags", data, file, line))
            tags = None
        else:
            tags = re.split(r"[|,;]", tags)
    if tags is not None and not isinstance(tags, list):
        problems.append(_meta_problem("tags: een lijst van labels", "tags: a list of labels", "tags", data, file,
                                      line))
        tags = None
    clean = []
    for i, t in enumerate(tags or (), 1):
        t = str(t).strip().lower()
        if t and not TAG.match(t):  # its place, not the label: it may be anything the sender typed
            problems.append(_meta_problem(f"ongeldig label (nr. {i}): kleine letters, cijfers en - _ : . (max. 50)",
                                          f"invalid tag (no. {i}): lower-case letters, digits and - _ : . (max. 50)",
                                          "tags", data, file, line))
        elif t:
            clean.append(t)
    if len(clean) > MAX_TAGS:
        problems.append(_meta_problem(f"ten hoogste {MAX_TAGS} labels", f"at most {MAX_TAGS} tags", "tags", data,
                                      file, line))
    if problems:
        raise CaseError(problems)
    meta = Meta(team=team.strip() if isinstance(team, str) else defaults.team,
                signal=(signal.strip() or None) if isinstance(signal, str) else defaults.signal,
                tags=tuple(dict.fromkeys([*clean, *defaults.tags])))
    return data["case"], meta



NAME_MESSAGE = {
    "team": ("dit lijkt de naam van een persoon; casussen zijn pseudoniem, schrijf de naam van het team "
             "(bijvoorbeeld Team Noord of Schuldhulp Zaanstad)",
             "this looks like a person's name; cases are pseudonymous, write the team's name "
             "(for example Team Noord)"),
    "signal": ("dit lijkt de naam van een persoon te bevatten; casussen zijn pseudoniem, beschrijf het "
               "probleem zonder namen (bijvoorbeeld 'de aanvrager' of 'mevrouw')",
               "this seems to hold a person's name; cases are pseudonymous, describe the problem "
               "without names (for example 'the applicant')"),
}


def check_meta(meta: Meta, file: str | None, line: int | None) -> None:
    """The casebook fields are free text: hold them to the same pseudonymity rule as the case."""
    fields = {"team": meta.team, "signal": meta.signal, "tags": list(meta.tags)}
    # as JSON, for the checks below: JSON writes a NUL as \u0000 and cannot write a lone surrogate, so
    # where the fields are written without \u0000, none holds either (as engine.case.parse_case reads it)
    written = as_json(fields)
    unsure = written is None or b"\\u0000" in written
    nul = sorted({p.split(".")[0] for p in nul_paths(fields)}) if unsure else []
    if nul:
        raise CaseError([Problem(NUL_MESSAGE[0], NUL_MESSAGE[1], field=p, file=file, line=line) for p in nul])
    # a lone surrogate (JSON's "\ud800"): no UTF-8 database stores it, and the write would fail the whole
    # batch; the tags are held to TAG already, the case's text by its model
    odd = [k for k in ("team", "signal") if has_lone_surrogate(fields[k] or "")] if unsure else []
    if odd:
        raise CaseError([Problem(*INVALID_TEXT, field=k, file=file, line=line) for k in odd])
    paths = sorted(set(bsn_paths(fields))) if contains_bsn(fields, written) else []  # the fast scan first
    # the tags as `casebook list` prints them, joined by commas: "111", "222" and "333" are "111,222,333" there
    if len(meta.tags) > 1 and not any(p.startswith("tags") for p in paths) and looks_like_bsn(",".join(meta.tags)):
        paths.append("tags")
    if paths:
        raise CaseError([Problem(*BSN_MESSAGE, field=p.split(".")[0], file=file, line=line) for p in paths])
    # nor a person's name: the casebook is pseudonymous (casebook/names.py; the text is never repeated)
    named = [k for k in ("team", "signal") if looks_like_name(fields[k])]
    if named:
        raise CaseError([Problem(*NAME_MESSAGE[k], field=k, file=file, line=line) for k in named])


# -- readers ------------------------------------------------------------------------------------------

def detect_format(path: Path) -> str:
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    if suffix in CASE_SUFFIXES:
        return "file"
    raise SourceError(Problem("onbekend formaat: geef een map, .jsonl, .csv, .yaml of .json (of --format)",
                              "unknown format: give a folder, .jsonl, .csv, .yaml or .json (or --format)",
                              file=path.name))


def read_file(path: Path, name: str | None = None) -> Iterator[RawRecord]:
    """One YAML/JSON file: a case, an envelope, or a list of them."""
    name = name or path.name
    try:
        data = load_file(path)
    except SourceError as exc:
        exc.problem.file = name
        yield RawRecord(name, exc.problem.line, problems=[exc.problem])
        return
    if is_export(data):  # `casebook export` (JSON): its case versions are the records, as in a JSONL export
        data = data["cases"]
    if isinstance(data, list):
        lines = data.lines if isinstance(data, LineList) else [None] * len(data)
        for item, line in zip(data, lines):
            yield RawRecord(name, line, item)
    else:
        yield RawRecord(name, getattr(data, "line", None) or None, data)


def is_export(data: Any) -> bool:
    """Whether a file's content is a JSON export of the casebook: `{municipality, exported_at, cases: [...]}`.
    Only its case versions are records: the export's own metadata (its digests, dates) is no case data and is
    not read, just as the keys of a version an import ignores (EXPORT_KEYS)."""
    return (isinstance(data, dict) and set(data) == {"municipality", "exported_at", "cases"}
            and isinstance(data["cases"], list))


def holds_cases(data: Any) -> bool:
    """Whether a file's content is meant as cases: a list of records, or a mapping with a key of a case
    or an envelope. A mapping with none of them (expected.yaml's case names) is some other file."""
    if isinstance(data, list):
        return True
    return isinstance(data, dict) and any(k in CASE_KEYS or k == "case" for k in data)


def read_folder(folder: Path) -> Iterator[RawRecord]:
    """Every .yaml, .yml and .json file under `folder`, in name order; a file that holds no case is
    marked, not read as a bad case (a folder of cases often has its expectations or notes beside them)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in CASE_SUFFIXES):
        name = str(path.relative_to(folder))
        if looks_like_bsn(name):  # never read, stored as an origin or shown
            yield RawRecord("…", None, problems=[Problem(*FILE_NAME_MESSAGE)])
            continue
        records = list(read_file(path, name))
        if len(records) == 1 and not records[0].problems and not holds_cases(records[0].data):
            yield RawRecord(name, None, not_a_case=True)
        else:
            yield from records


def read_jsonl(path: Path) -> Iterator[RawRecord]:
    """One JSON record per line; empty lines are skipped. Each line is read with the one bounded
    reader (engine.yamlsource) when it is validated (`RawRecord.parsed`: in a worker process with
    `--workers`), and a line that is not UTF-8 is a problem of that line."""
    name = path.name
    with path.open("rb") as f:
        try:
            for number, raw in enumerate(_bounded(f, name), start=1):
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield RawRecord(name, number, problems=[Problem(
                        "deze regel is geen UTF-8-tekst", "this line is not UTF-8 text", file=name, line=number)])
                    continue
                if text.strip():
                    yield RawRecord(name, number, text=text)
        except SourceError as exc:  # a line too long (_bounded): the rest of the file is not read
            yield RawRecord(name, exc.problem.line, problems=[exc.problem])


# -- CSV ----------------------------------------------------------------------------------------------

INCOME_SOURCES = ("wages", "self_employment", "bijstand", "other_benefit", "alimony", "other")
BRIDGE = ("family_stability", "well_being", "financial_management", "education", "employment")

# column -> how its cells are read; circumstances.<name> columns take their type from the fact vocabulary
CSV_COLUMNS: dict[str, str] = {
    "case_id": "text", "reference_date": "date", "municipality": "text",
    "household.composition": "text", "household.children": "int_list", "household.cost_sharers": "int",
    "applicant.age": "int", "partner.age": "int", "applicant.student_finance_possible": "bool",
    "partner.student_finance_possible": "bool",
    # art. 19a Pw: who else lives in the home, one group of columns per housemate (or household.cost_sharers)
    **{f"housemate_{n}.{k}": "int" if k == "age" else "bool" for n in range(1, MAX_HOUSEMATES + 1) for k in HOUSEMATE_FIELDS},
    **{f"income.{s}": "money" for s in INCOME_SOURCES},
    "assets": "money", "debts.regime": "text", "debts.since": "date", "debts.free_allowance_monthly": "money",
    "benefit": "text", "work": "text",
    "need.kind": "text", "need.purpose": "text", "need.description": "text", "need.amount": "money",
    "need.needed_within_days": "int", "need.at_risk": "text", "need.obligation": "text",
    "need.duration_months": "int", "need.expected_earnings_monthly": "money",
    "options": "text_list",
    "avoided_costs.item": "text", "avoided_costs.per_year": "money", "avoided_costs.once": "money",
    **{f"assessment.bridge.{p}": "int" for p in BRIDGE},
    "team": "text", "signal": "text", "tags": "text_list",
}
REQUIRED_COLUMNS = ("case_id", "reference_date", "municipality", "options")
_FACT_KIND = {"boolean": "bool", "integer": "int", "money": "money", "date": "date", "list_text": "text_list",
              "list_integer": "int_list", "text": "text", "enum": "text"}
_TRUE = {"ja", "j", "true", "waar", "yes", "y", "1"}
_FALSE = {"nee", "n", "false", "onwaar", "no", "0"}
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")  # longer is no count; the case format says which are too large


def parse_amount(text: str) -> str:
    """A money cell as a decimal string: accepts 1100.00, 1100,00, 1.100,00 and 1,100.00, € and spaces."""
    t = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    if ("e" in t or "E" in t) and written_with_exponent(t.replace(",", ".")):  # before "1,1e9" looks ambiguous
        raise InvalidValue("schrijf het bedrag zonder e-notatie, bijvoorbeeld 1100,00",
                           "write the amount without an exponent (e-notation), e.g. 1100.00")
    if "," in t and "." in t:
        decimal, thousands = (",", ".") if t.rfind(",") > t.rfind(".") else (".", ",")
        t = t.replace(thousands, "").replace(decimal, ".")
    elif "," in t or "." in t:
        sep = "," if "," in t else "."
        if t.count(sep) > 1 or len(t.rpartition(sep)[2]) == 3:
            raise InvalidValue("dubbelzinnig bedrag; schrijf het als 1100.00", "ambiguous amount; write it as 1100.00")
        t = t.replace(",", ".")
    try:
        Decimal(t)
    except InvalidOperation:
        raise InvalidValue("geen geldig bedrag; schrijf bv. 1100.00", "not a valid amount; write e.g. 1100.00") from None
    if written_with_exponent(t):  # "1 112 223,33e2" would be 111222333 behind the guard's back (engine.case)
        raise InvalidValue("schrijf het bedrag zonder e-notatie, bijvoorbeeld 1100,00",
                           "write the amount without an exponent (e-notation), e.g. 1100.00")
    return t


def _cell(kind: str, text: str, list_sep: str) -> Any:
    if kind == "text":
        return text
    if kind == "money":
        return parse_amount(text)
    if kind == "int":
        if not _WHOLE.fullmatch(text):  # int() would also read "2_9" and other scripts' digits
            raise InvalidValue("moet een geheel getal zijn", "must be a whole number")
        return int(text)
    if kind == "bool":
        low = text.lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE
        raise InvalidValue("moet ja of nee zijn", "must be yes or no (ja/nee)")
    if kind == "date":
        m = _DUTCH_DATE.match(text)
        return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}" if m else text
    parts = [p.strip() for p in re.split(list_sep, text) if p.strip()]
    if kind == "int_list":
        if all(_WHOLE.fullmatch(p) for p in parts):
            return [int(p) for p in parts]
        raise InvalidValue("moet een lijst gehele getallen zijn, gescheiden door |",
                            "must be a list of whole numbers, separated by |")
    return parts


def _row_record(cells: dict[str, Any]) -> dict:
    """A CSV row (converted cells, empty ones left out) as an import envelope, and which case
    field came from which column (so problems can name the column)."""
    case: dict[str, Any] = {}
    where: dict[str, str] = {}
    for key in ("case_id", "reference_date", "municipality", "assets", "benefit", "work", "options"):
        if key in cells:
            case[key] = cells[key]
            where[key] = key
    household: dict[str, Any] = {}
    for key in ("composition", "children", "cost_sharers"):
        if f"household.{key}" in cells:
            household[key] = cells[f"household.{key}"]
            where[f"household.{key}"] = f"household.{key}"
    housemates = []
    for n in range(1, MAX_HOUSEMATES + 1):  # in the order of their numbers; a number left empty is no one
        mate = {k: cells[f"housemate_{n}.{k}"] for k in HOUSEMATE_FIELDS if f"housemate_{n}.{k}" in cells}
        if mate:
            where.update({f"household.housemates.{len(housemates)}.{k}": f"housemate_{n}.{k}" for k in mate})
            where[f"household.housemates.{len(housemates)}"] = f"housemate_{n}.age"
            housemates.append(mate)
    if housemates:
        household["housemates"] = housemates
        where["household"] = "household.cost_sharers"  # both given: the case names the household
    members = []
    for role in ("applicant", "partner"):
        member = {k: cells[f"{role}.{k}"] for k in ("age", "student_finance_possible") if f"{role}.{k}" in cells}
        if member:
            for k in member:
                where[f"household.members.{len(members)}.{k}"] = f"{role}.{k}"
            where[f"household.members.{len(members)}"] = f"{role}.age"
            members.append({"role": role, **member})
    if members:
        household["members"] = members
    if household:
        case["household"] = household
    income = []
    for source in INCOME_SOURCES:
        if f"income.{source}" in cells:
            where[f"income.{len(income)}.net_monthly"] = f"income.{source}"
            income.append({"source": source, "net_monthly": cells[f"income.{source}"]})
    if income:
        case["income"] = income
    for group in ("debts", "need"):
        part = {k.split(".", 1)[1]: v for k, v in cells.items() if k.startswith(group + ".")}
        if part:
            case[group] = part
            where.update({f"{group}.{k}": f"{group}.{k}" for k in part})
    bridge = {k.rsplit(".", 1)[1]: v for k, v in cells.items() if k.startswith("assessment.bridge.")}
    if bridge:
        case["assessment"] = {"bridge": bridge}
        where.update({f"assessment.bridge.{k}": f"assessment.bridge.{k}" for k in bridge})
    avoided = {k.split(".", 1)[1]: v for k, v in cells.items() if k.startswith("avoided_costs.")}
    if avoided:
        avoided.setdefault("item", "voorkomen kosten")
        case["avoided_costs"] = [avoided]
        where.update({f"avoided_costs.0.{k}": f"avoided_costs.{k}" for k in avoided})
    circumstances = {k.split(".", 1)[1]: v for k, v in cells.items() if k.startswith("circumstances.")}
    if circumstances:
        case["circumstances"] = circumstances
        where.update({k: k for k in cells if k.startswith("circumstances.")})
    return {"case": _CsvCase(case, where), **{k: cells[k] for k in META_KEYS if k in cells}}


def csv_columns(vocabulary: Vocabulary) -> dict[str, str]:
    columns = dict(CSV_COLUMNS)
    for name, spec in vocabulary.facts.items():
        if name.startswith("circumstances."):
            columns[name] = _FACT_KIND.get(spec.type, "text")
    return columns


def load_column_mapping(path: Path) -> dict[str, str | None]:
    """A YAML file `{header in the CSV: column name}`; a header mapped to null is ignored."""
    data = load_file(path)
    if not isinstance(data, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                             for k, v in data.items()):
        raise SourceError(Problem("kolomindeling: een lijst 'kop in de CSV: kolomnaam' (of null om te negeren)",
                                  "column mapping: 'CSV header: column name' pairs (or null to ignore)",
                                  file=path.name))
    return dict(data)


def _header(raw: list[str], mapping: dict[str, str | None], columns: dict[str, str], name: str) -> list[str | None]:
    problems, out = [], []
    for i, h in enumerate(raw, start=1):
        h = h.strip()
        if looks_like_bsn(h):  # refused even where the mapping ignores it: a header is repeated in reports
            problems.append(Problem(f"de kolomkop (kolom {i}) {BSN_MESSAGE[0]}", f"the header (column {i}) {BSN_MESSAGE[1]}",
                                    file=name, line=1))
            out.append(None)
            continue
        target = mapping[h] if h in mapping else h
        if target is None:
            out.append(None)
            continue
        if target not in columns:
            nl, en = suggest(target, columns)
            shown = "" if looks_like_bsn(h) else f" '{h}'"  # a header is repeated, never a number like a BSN
            problems.append(Problem(f"onbekende kolom{shown} (kolom {i}){nl}", f"unknown column{shown} (column {i}){en}",
                                    file=name, line=1))
        elif target in out:
            problems.append(Problem(f"kolom '{target}' komt twee keer voor", f"column '{target}' occurs twice",
                                    file=name, line=1))
        out.append(target)
    missing = [c for c in REQUIRED_COLUMNS if c not in out]
    if missing:
        problems.append(Problem(f"verplichte kolom(men) ontbreken: {', '.join(missing)}",
                                f"required column(s) missing: {', '.join(missing)}", file=name, line=1))
    if problems:
        raise RegelruimteError(problems)
    return out


def read_csv(path: Path, vocabulary: Vocabulary, mapping: dict[str, str | None] | None = None) -> Iterator[RawRecord]:
    """Rows of a CSV file with a header (comma, semicolon or tab separated; UTF-8, with or without BOM).
    An empty cell is unknown. List cells separate values with | (or ; in a comma-separated file)."""
    name = path.name
    columns = csv_columns(vocabulary)
    with path.open("rb") as raw:
        f = _utf8_lines(raw, name)
        reader = None
        try:
            first = next(f, "")
            delimiter = max((";", ",", "\t"), key=first.count)
            list_sep = r"\|" if delimiter != "," else r"[|;]"
            header = _header(next(csv.reader(io.StringIO(first), delimiter=delimiter), []), mapping or {}, columns, name)
            reader = csv.reader(f, delimiter=delimiter)
            yield from _csv_rows(reader, header, columns, list_sep, name)
        except SourceError as exc:  # a line too long (_bounded)
            yield RawRecord(name, exc.problem.line, problems=[exc.problem])
        except _NotUtf8 as exc:
            yield RawRecord(name, exc.line, problems=[Problem(
                "deze regel is geen UTF-8-tekst; de rest van het bestand is niet gelezen (sla het op als UTF-8)",
                "this line is not UTF-8 text; the rest of the file was not read (save it as UTF-8)",
                file=name, line=exc.line)])
        except csv.Error:  # a cell beyond csv.field_size_limit (131,072 characters), or a NUL byte
            line = reader.line_num + 1 if reader is not None else 1
            yield RawRecord(name, line, problems=[Problem(
                f"een cel is langer dan {csv.field_size_limit():,} tekens of bevat een NUL-teken; de rest is niet "
                "gelezen".replace(",", "."), f"a cell is longer than {csv.field_size_limit():,} characters or holds "
                "a NUL character; the rest was not read", file=name, line=line)])


class _NotUtf8(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _bounded(raw, name: str) -> Iterator[bytes]:
    """The lines of a binary file, each read up to MAX_LINE_BYTES: a longer line (one case is far shorter) ends
    the file with a problem on that line, never read whole into memory."""
    number = 0
    while True:
        line = raw.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise SourceError(Problem(f"regel {number} is langer dan {MAX_LINE_BYTES // 1_000_000} MB",
                                      f"line {number} is longer than {MAX_LINE_BYTES // 1_000_000} MB",
                                      file=name, line=number))
        yield line


MAX_LINE_BYTES = 1_000_000  # one case on one line, as the service's limit for one case (service.http.guard)


def _utf8_lines(raw, name: str) -> Iterator[str]:
    """The lines of a binary file as text; a line that is not UTF-8 raises _NotUtf8 with its number."""
    for number, data in enumerate(_bounded(raw, name), start=1):
        try:
            yield data.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8(number) from None


def _csv_rows(reader, header, columns, list_sep: str, name: str) -> Iterator[RawRecord]:
    end = 1
    for row in reader:
        start, end = end + 1, reader.line_num + 1
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(header):
            yield RawRecord(name, start, problems=[Problem(
                f"rij heeft {len(row)} cellen, de kop {len(header)}", f"row has {len(row)} cells, the header "
                f"{len(header)}", file=name, line=start)])
            continue
        cells, problems = {}, []
        for column, text in zip(header, row):
            text = text.strip()
            if column is None or not text:
                continue
            try:
                cells[column] = _cell(columns[column], text, list_sep)
            except InvalidValue as exc:
                problems.append(Problem(str(exc), exc.en, field=column, file=name, line=start))
        if problems:
            yield RawRecord(name, start, problems=problems)
            continue
        yield RawRecord(name, start, _row_record(cells))


class _CsvCase(dict):
    """The case of a CSV row, which knows which column each of its fields came from."""

    def __init__(self, case: dict, where: dict[str, str]):
        super().__init__(case)
        self.where = where


def _name_columns(problems: list[Problem], data: Any) -> None:
    """In problems with a CSV row, name the column instead of the case field."""
    if isinstance(data, dict) and isinstance(data.get("case"), _CsvCase):
        data = data["case"]
    where = getattr(data, "where", None)
    if not where:
        return
    for p in problems:
        if p.field:
            parts = p.field.split(".")
            for n in range(len(parts), 0, -1):
                column = where.get(".".join(parts[:n]))
                if column:
                    p.field = column
                    break


def read_source(path: Path, fmt: str | None, vocabulary: Vocabulary,
                mapping: dict[str, str | None] | None = None) -> Iterator[RawRecord]:
    if looks_like_bsn(path.name):  # it would be stored as the batch's source and every case's origin
        raise SourceError(Problem(*FILE_NAME_MESSAGE))
    if not path.exists():
        raise SourceError(Problem("bestand of map bestaat niet", "file or folder does not exist", file=str(path)))
    if not (path.is_file() or path.is_dir()):  # a device or a pipe: /dev/zero never ends
        raise SourceError(Problem("dit is geen gewoon bestand of map", "this is not a regular file or folder",
                                  file=str(path)))
    fmt = fmt or detect_format(path)
    if fmt == "folder":
        return read_folder(path)
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "csv":
        return read_csv(path, vocabulary, mapping)
    return read_file(path)


# -- the import ---------------------------------------------------------------------------------------

def to_prepared(raw: RawRecord, defaults: Meta = Meta()) -> Prepared:
    """A record validated; raises CaseError with the problems (file, line, field)."""
    if raw.problems:
        raise CaseError(raw.problems)
    try:
        case_data, meta = split_record(raw.data, defaults, raw.file, raw.line)
        check_meta(meta, raw.file, raw.line)
        case = parse_case(case_data, file=raw.file)
    except CaseError as exc:
        for p in exc.problems:
            p.file = raw.file
            if p.line is None:
                p.line = raw.line
        _name_columns(exc.problems, raw.data)
        raise
    return prepare(case, meta, raw.file, raw.line, raw=case_data)


def import_records(store: Store, registry: Registry, records: Iterable[RawRecord], evaluation: str,
                   batch_size: int = 500, defaults: Meta = Meta(), source: str | None = None,
                   kind: str = "import", progress: Callable[[ImportReport], None] | None = None,
                   workers: int = 1, access: Access = LOCAL) -> ImportReport:
    """Validate, evaluate and store `records` in batches of `batch_size` (each batch one transaction), as
    `access` (in a shared casebook: within its scope, and in the audit log); with `workers` > 1 they are
    parsed, validated, evaluated and encoded in that many worker processes (casebook/preparing.py)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = ImportReport()
    pending: list[tuple[RawRecord, Outcome]] = []
    codec = db.codec(store.engine.dialect)

    def prepare_record(raw: RawRecord) -> Prepared:
        p = to_prepared(raw, defaults)
        if access.team and not p.meta.team:  # a professional's records are their team's (as Store.add does)
            p = dataclasses.replace(p, meta=dataclasses.replace(p.meta, team=access.team))
        return p

    def evaluate_record(p: Prepared) -> dict:
        try:
            return evaluate(p, registry)
        except RegelruimteError as exc:
            _name_columns(exc.problems, p.raw)
            raise

    steps = Steps(prepare_record, evaluate_record, lambda p: ready(p, codec), store.known,
                  lambda: store.engine.dispose(close=False))  # a forked worker opens its own connections

    def flush() -> None:
        raws, items = [], []
        for raw, o in pending:
            report.rejected += o.rejected
            if not o.rejected:
                raws.append(raw)
                items.append(o.ready)

        def complete(i: int) -> Ready:  # stored when asked, gone when written (deleted meanwhile): evaluated here
            p = prepare_record(raws[i].parsed())
            p.decision = evaluate_record(p)
            return ready(p, codec)

        written = store.write(items, complete, evaluation, kind=kind, source=source, access=access)
        for name in ("added", "new_versions", "unchanged", "updated", "batches"):
            setattr(report, name, getattr(report, name) + getattr(written, name))
        pending.clear()
        if progress:
            progress(report)

    with closing(outcomes(records, steps, batch_size, workers)) as results:  # a failed write stops the workers now
        for raw, o in results:
            if o.not_a_case:
                report.skipped.append(o.file)
                continue
            report.read += 1
            if o.problems:
                report.rejected += o.problems
                continue
            pending.append((raw, o))
            if len(pending) >= batch_size:
                flush()
    if pending:
        flush()
    return report


def import_path(store: Store, registry: Registry, path: Path, evaluation: str, fmt: str | None = None,
                mapping: dict[str, str | None] | None = None, **kwargs) -> ImportReport:
    return import_records(store, registry, read_source(path, fmt, registry.vocabulary, mapping), evaluation,
                          source=path.name, **kwargs)
