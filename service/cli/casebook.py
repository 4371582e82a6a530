"""`regelruimte casebook …`: the analyst's casebook on the command line.

    regelruimte casebook [--db URL|PAD] init | import BRON | list | show CASUS | delete CASUS… |
                         export --municipality G | reevaluate | report | stats | check | generate | demo |
                         users add|list|remove|token | audit [--export BESTAND] | retention [--months N] [--dry-run]

The command line works on the database itself, so it sees everything; once the casebook has users
its reads, exports and deletes are in the audit log as `cli:<login name>`.

Bad input exits 2 with the file and line (the rest of an import is still stored); a database
that cannot be reached exits 2 with the reason, never a traceback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from casebook import audit, retention, synthetic, users
from casebook.access import ALL, LOCAL, ROLES, Access, Forbidden, User, command_line
from casebook.db import WriteConflict
from casebook.demo import ensure_demo
from casebook.evaluation import evaluation_label, reevaluate
from casebook.exports import write_tables
from casebook.importers import ImportReport, import_path, load_column_mapping
from casebook.records import Meta
from casebook.report import PERIODS, Report, build_report
from casebook.store import Filters, Store
from decision.decide import fact_labels
from engine.case import is_municipality
from engine.errors import Problem, RegelruimteError
from engine.templates import money
from explain import explain

from ..config import DEFAULT_RULESETS, load_registry
from .main import EXIT_INPUT, EXTENSIONS, command, dumps, fail, subparsers


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("geen geldige datum; schrijf JJJJ-MM-DD") from None


MAX_WORKERS = 64
MAX_COUNT = 1_000_000  # a --limit or --batch-size beyond this is a typing error (and overflows SQLite)


def _workers(text: str) -> int:
    value = _positive(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"ten hoogste {MAX_WORKERS} processen")
    return value


def _whole(text: str, low: int, high: int, chars: int, message: str) -> int:
    """`text` as a whole number from `low` to `high`; else `message` (the text is not repeated). A text of
    more than `chars` characters is refused before int() reads it."""
    try:
        value = int(text) if len(text) <= chars else low - 1
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(message)
    return value


def _positive(text: str) -> int:
    return _whole(text, 1, MAX_COUNT, 12, f"moet een geheel getal van 1 tot {MAX_COUNT:,} zijn".replace(",", "."))


def _months(text: str) -> int:
    return _whole(text, 1, retention.MAX_MONTHS, 6,
                  f"moet een geheel aantal maanden van 1 tot {retention.MAX_MONTHS} zijn")


def _offset(text: str) -> int:
    return _whole(text, 0, 10**12, 12, "moet een geheel getal ≥ 0 zijn")


def _filters(p: argparse.ArgumentParser, evaluation: bool = True) -> None:
    p.add_argument("--municipality", "--gemeente", action="append", metavar="G", help="alleen deze gemeente(n)")
    p.add_argument("--from", dest="date_from", type=_date, metavar="JJJJ-MM-DD", help="peildatum vanaf")
    p.add_argument("--to", dest="date_to", type=_date, metavar="JJJJ-MM-DD", help="peildatum tot en met")
    p.add_argument("--team", help="alleen casussen van dit team")
    p.add_argument("--tag", help="alleen casussen met dit label")
    p.add_argument("--outcome", choices=("allowed", "route_available", "needs_information", "blocked"))
    if evaluation:
        p.add_argument("--evaluation", metavar="LABEL",
                       help="de besluiten van deze evaluatie (standaard: het nieuwste besluit per casus)")


def _case_scope(p: argparse.ArgumentParser) -> None:
    """A case is its municipality, team and id (decision record 0044): these pick one of the cases of an id."""
    p.add_argument("--municipality", "--gemeente", metavar="G", help="de gemeente van de casus")
    p.add_argument("--team", help="het team van de casus (\"\": de casus zonder team)")


def _add(parser: argparse.ArgumentParser) -> None:
    p = subparsers(parser).add_parser("casebook", help="casebook: casussen verzamelen en systeemproblemen vinden")
    p.add_argument("--db", metavar="URL|PAD",
                   help="database: een SQLite-pad of een URL (standaard $REGELRUIMTE_DATABASE_URL, anders "
                        "casebook.sqlite)")
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help="taal van meldingen (standaard nl)")
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    acts.add_parser("init", help="maak de database aan of breng haar bij")

    a = acts.add_parser("import", help="importeer casussen: een map met YAML/JSON, een JSONL- of een CSV-bestand")
    a.add_argument("source", help="map, .jsonl, .csv, .yaml of .json")
    a.add_argument("--format", choices=("folder", "jsonl", "csv", "file"), help="formaat (standaard: uit de naam)")
    a.add_argument("--columns", metavar="KOLOMMEN.yaml", help="CSV: welke kop welke kolom is (zie docs/casebook.md)")
    a.add_argument("--batch-size", type=_positive, default=500, help="casussen per transactie (standaard 500)")
    a.add_argument("--workers", type=_workers, default=1,
                   help="processen die valideren en evalueren terwijl dit proces schrijft (standaard 1)")
    a.add_argument("--team", help="team voor records zonder team")
    a.add_argument("--tag", action="append", default=[], help="label voor alle records (mag vaker)")
    a.add_argument("--rulesets", metavar="DIR", help="regelsets (standaard de meegeleverde)")
    a.add_argument("--label", help="naam van deze evaluatie (standaard <map>@<digest>)")
    a.add_argument("--json", action="store_true", help="het verslag als JSON")

    a = acts.add_parser("list", help="casussen met hun nieuwste besluit")
    _filters(a)
    a.add_argument("--limit", type=_positive, default=50)
    a.add_argument("--offset", type=_offset, default=0)
    a.add_argument("--json", action="store_true")

    a = acts.add_parser("show", help="één casus: versies, besluiten en de onderbouwing")
    a.add_argument("case_id")
    _case_scope(a)
    a.add_argument("--json", action="store_true")
    a.add_argument("--rulesets", metavar="DIR", help="regelsets voor de feitnamen in de onderbouwing")

    a = acts.add_parser("delete", help="verwijder casussen met al hun versies en besluiten")
    a.add_argument("case_ids", nargs="*", metavar="CASUS")
    a.add_argument("--municipality", "--gemeente", help="met casussen: alleen die van deze gemeente; zonder: alle "
                   "casussen van deze gemeente (vraagt --yes)")
    a.add_argument("--team", help="alleen de casussen van dit team (\"\": die zonder team)")
    a.add_argument("--yes", action="store_true", help="bevestig het verwijderen van een hele gemeente")

    a = acts.add_parser("export", help="alles van één gemeente: casussen, versies en besluiten")
    a.add_argument("--municipality", "--gemeente", required=True)
    a.add_argument("--format", choices=("json", "jsonl"), default="json")
    a.add_argument("-o", "--output", metavar="BESTAND", help="schrijf naar dit bestand (standaard stdout)")

    a = acts.add_parser("reevaluate", help="beoordeel opgeslagen casussen opnieuw; oude besluiten blijven bewaard")
    a.add_argument("--rulesets", metavar="DIR", help="regelsets (standaard de meegeleverde)")
    a.add_argument("--label", help="naam van deze evaluatie (standaard <map>@<digest>)")
    a.add_argument("--as-of", type=_date, metavar="JJJJ-MM-DD",
                   help="beoordeel alsof de peildatum deze dag is (een andere versie van de regelsets)")
    a.add_argument("--municipality", "--gemeente", help="alleen deze gemeente")
    a.add_argument("--case", action="append", metavar="CASUS", help="alleen deze casus (mag vaker)")
    a.add_argument("--batch-size", type=_positive, default=500)
    a.add_argument("--json", action="store_true")

    a = acts.add_parser("report", help="analyse: blokkades, botsingen, routes, kassabon, ontbrekende feiten")
    _filters(a)
    a.add_argument("--period", choices=PERIODS, default="quarter", help="periodes in de tabel per periode")
    a.add_argument("-o", "--html", metavar="RAPPORT.html", help="schrijf het rapport als HTML met grafieken")
    a.add_argument("--csv", metavar="MAP", help="schrijf elke tabel als CSV in deze map")
    a.add_argument("--parquet", metavar="MAP", help="schrijf elke tabel als Parquet in deze map")
    a.add_argument("--json", action="store_true", help="alle tabellen als JSON op stdout")
    a.add_argument("--rulesets", metavar="DIR", help="regelsets voor de namen van feiten")

    a = acts.add_parser("stats", help="aantallen: casussen, versies, besluiten, evaluaties")
    a.add_argument("--json", action="store_true")

    a = acts.add_parser("check", help="controleer de samenhang van de opslag (elke batch heel)")
    a.add_argument("--quick", action="store_true", help="sla het lezen van elk besluit over")

    a = acts.add_parser("generate", help="maak een synthetisch casebook (JSONL) voor tests en demo's")
    a.add_argument("--cases", type=_positive, default=200)
    a.add_argument("--seed", type=int, default=synthetic.DEFAULT_SEED)
    a.add_argument("-o", "--output", required=True, metavar="BESTAND.jsonl")

    a = acts.add_parser("demo", help="vul een lege database met het demo-casebook")
    a.add_argument("--cases", type=_positive, default=200)

    u = acts.add_parser("users", help="gebruikers met een rol en gemeente(n), en hun API-tokens")
    uacts = u.add_subparsers(dest="users_action", required=True, metavar="ACTIE")
    a = uacts.add_parser("add", help="voeg een gebruiker toe")
    a.add_argument("name", metavar="NAAM", help="inlognaam of e-mailadres (kleine letters)")
    a.add_argument("--role", "--rol", required=True, choices=ROLES, help="professional, analyst (analist), "
                   "policy (beleidsmedewerker) of admin (beheerder)")
    a.add_argument("--municipality", "--gemeente", action="append", required=True, metavar="G",
                   help="gemeente (mag vaker); * is alle gemeenten (City Deal-coördinator)")
    a.add_argument("--team", help="het team van een professional, binnen diens gemeente")
    a.add_argument("--token", action="store_true", help="maak meteen een API-token")
    a.add_argument("--rulesets", metavar="DIR", help="regelsets die de gemeenten kennen (standaard de meegeleverde)")
    a = uacts.add_parser("list", help="alle gebruikers")
    a.add_argument("--json", action="store_true")
    a = uacts.add_parser("remove", help="verwijder een gebruiker en diens tokens (het auditlog blijft)")
    a.add_argument("name", metavar="NAAM")
    a = uacts.add_parser("token", help="maak een nieuw API-token (wordt één keer getoond)")
    a.add_argument("name", metavar="NAAM")
    a.add_argument("--revoke", action="store_true", help="trek in plaats daarvan alle tokens van deze gebruiker in")

    a = acts.add_parser("audit", help="het auditlog: wie wanneer welke casussen las, exporteerde of verwijderde")
    a.add_argument("--user", "--gebruiker", metavar="NAAM", help="alleen deze gebruiker")
    a.add_argument("--limit", type=_positive, default=50, help="de nieuwste N regels op het scherm (standaard 50)")
    a.add_argument("--export", metavar="BESTAND", help="schrijf het hele log naar dit bestand (.csv of .jsonl)")

    a = acts.add_parser("retention", help="verwijder casussen die langer dan de bewaartermijn niet zijn gewijzigd")
    a.add_argument("--months", "--maanden", type=_months, metavar="N",
                   help=f"bewaartermijn in maanden (standaard ${retention.ENV_MONTHS})")
    a.add_argument("--dry-run", action="store_true", help="toon alleen wat verwijderd zou worden")
    a.add_argument("--json", action="store_true")


EXTENSIONS.append(_add)


def _db_problem(exc: Exception) -> Problem:
    """What went wrong with the database, without statement parameters (they may hold case data)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).splitlines()[0] if str(orig or exc) else type(exc).__name__
    # the driver's own words (English) after a Dutch lead: what failed is ours to say, why is the driver's
    return Problem(f"de database gaf een fout (melding van de database: {text})",
                   f"the database reported an error ({text})", field="database")


@command("casebook")
def casebook(args) -> int:
    lang = args.lang
    try:
        if args.action == "generate":
            return _generate(args)
        if args.action == "demo":
            result = ensure_demo(args.db, cases=args.cases)
            print(f"{result['cases']} casussen in {result['url']} ({result['created']} nieuw)")
            return 0
        with Store.open(args.db) as store:
            return ACTIONS[args.action](store, args)
    except (ArgumentError, SQLAlchemyError, WriteConflict) as exc:
        return fail([_db_problem(exc)], lang)
    except Forbidden as exc:
        return fail([Problem(exc.message, exc.message_en)], lang)
    except OSError as exc:
        return fail([Problem(f"bestand: {exc}", f"file: {exc}")], lang)


def _access(store: Store, args) -> Access:
    """The command line's caller: everything; audited as cli:<login name> once the casebook has users."""
    if not users.has_users(store.engine):
        return LOCAL
    return command_line(f"regelruimte casebook {args.action}")


def _init(store: Store, args) -> int:
    print(f"casebook klaar: {store.url}")
    return 0


def _import(store: Store, args) -> int:
    registry = load_registry(args.rulesets)
    label = args.label or evaluation_label(registry, args.rulesets or DEFAULT_RULESETS)
    mapping = load_column_mapping(Path(args.columns)) if args.columns else None
    progress = _progress if sys.stderr.isatty() and not args.json else None
    report = import_path(store, registry, Path(args.source), label, fmt=args.format, mapping=mapping,
                         batch_size=args.batch_size, defaults=Meta(team=args.team, tags=tuple(args.tag)),
                         progress=progress, workers=args.workers, access=_access(store, args))
    if args.json:
        print(dumps(report.as_dict(args.lang)), end="")
    else:
        if progress:
            print(file=sys.stderr)
        en = args.lang == "en"
        print(_SUMMARY[args.lang].format(
            r=report, label=label, batches=_count(report.batches, "batch", "batches"),
            problems=_count(len(report.rejected), *(("problem", "problems") if en else ("probleem", "problemen")))))
        if report.skipped:
            head = "skipped, not a case" if args.lang == "en" else "overgeslagen, geen casus"
            print(f"{head}: {', '.join(report.skipped)}")
    if report.rejected:
        head = "error" if args.lang == "en" else "fout"
        for p in report.rejected:
            print(f"regelruimte: {head}: {p.render(args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    if report.read == 0:  # an empty file, a CSV with only its header, a folder without cases: not a success
        source = Path(args.source)
        print(f"regelruimte: {'error' if args.lang == 'en' else 'fout'}: {source.name}: "
              + _NOTHING_READ[args.lang][source.is_dir()], file=sys.stderr)
        return EXIT_INPUT
    return 0


_NOTHING_READ = {
    "nl": {False: "geen enkele casus gelezen: het bestand is leeg of heeft alleen een kopregel; er is niets opgeslagen",
           True: "geen enkele casus gelezen: de map heeft geen casusbestanden (.yaml, .yml, .json); er is niets "
                 "opgeslagen"},
    "en": {False: "no case read: the file is empty or has only a header line; nothing was stored",
           True: "no case read: the folder has no case files (.yaml, .yml, .json); nothing was stored"},
}


def _count(n: int, one: str, many: str) -> str:
    """1 probleem, 2 problemen: a count with its noun in the singular or plural."""
    return f"{n} {one if n == 1 else many}"


_SUMMARY = {
    "nl": "{r.read} gelezen: {r.added} nieuw, {r.new_versions} nieuwe versie, {r.unchanged} al aanwezig, "
          "{r.updated} bijgewerkt, {problems} ({batches}, evaluatie {label})",
    "en": "{r.read} read: {r.added} new, {r.new_versions} new version, {r.unchanged} already there, "
          "{r.updated} updated, {problems} ({batches}, evaluation {label})",
}


def _progress(report: ImportReport) -> None:
    print(f"\r{report.read} gelezen, {report.stored} opgeslagen", end="", file=sys.stderr, flush=True)


def _filters_of(args) -> Filters:
    return Filters(municipalities=tuple(args.municipality or ()), date_from=args.date_from, date_to=args.date_to,
                   evaluation=getattr(args, "evaluation", None), team=args.team, tag=args.tag, outcome=args.outcome)


def _list(store: Store, args) -> int:
    total, rows = store.list_cases(_filters_of(args), limit=args.limit, offset=args.offset,
                                   access=_access(store, args))
    if args.json:
        print(dumps({"total": total, "cases": rows}), end="")
        return 0
    for r in rows:
        print(f"{r['case_id']:<28} v{r['version']:<3} {r['municipality']:<12} {r['reference_date']}  "
              f"{r['outcome']:<18} {r['team'] or '-':<24} {','.join(r['tags'])}")
    print(f"{len(rows)} van {total} casussen")
    return 0


def _show(store: Store, args) -> int:
    found = store.case(args.case_id, _access(store, args), args.municipality, args.team, single=True)
    if found is None:
        # the id is not repeated: it may be a BSN or a name typed by mistake
        raise RegelruimteError([Problem("deze casus staat niet in het casebook", "this case is not in the casebook",
                                        field="case_id")])
    if args.json:
        print(dumps(found), end="")
        return 0
    registry = load_registry(args.rulesets)
    for v in found["versions"]:
        mark = " (nieuwste)" if v["latest"] else ""
        print(f"{v['case_id']} versie {v['version']}{mark}: {v['municipality']}, peildatum {v['reference_date']}, "
              f"team {v['team'] or '-'}, labels {', '.join(v['tags']) or '-'}, opgeslagen {v['created_at'][:19]}")
        if v["signal"]:
            print(f"  signaal: {v['signal']}")
        for d in v["decisions"]:
            print(f"  besluit {d['evaluated_at'][:19]} [{d['evaluation']}]: {d['outcome']}"
                  + (" (huidig)" if d["current"] else ""))
    current = next((d for v in found["versions"] for d in v["decisions"] if d["current"]), None)
    if current:
        print()
        print(explain(current["decision"], args.lang, "text", fact_labels(registry, args.lang)), end="")
    return 0


def _delete(store: Store, args) -> int:
    if not args.case_ids and not args.municipality:
        raise RegelruimteError([Problem("geef een of meer casussen of --municipality",
                                        "give one or more cases or --municipality")])
    if args.municipality and not args.case_ids and not args.yes:
        raise RegelruimteError([Problem("alle casussen van deze gemeente verwijderen? Bevestig met --yes",
                                        "delete every case of this municipality? Confirm with --yes")])
    n = store.delete_cases(args.case_ids, args.municipality, access=_access(store, args), team=args.team)
    if n == 0 and args.case_ids:
        raise RegelruimteError([Problem("geen van deze casussen staat in het casebook",
                                        "none of these cases is in the casebook")])
    print(f"{n} casus(sen) verwijderd, met al hun versies en besluiten")
    return 0


def _export(store: Store, args) -> int:
    versions = store.export(args.municipality, _access(store, args))
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    n = 0
    try:
        if args.format == "jsonl":
            for version in versions:
                out.write(json.dumps(version, ensure_ascii=False, default=str) + "\n")
                n += 1
        else:
            out.write('{"municipality": ' + json.dumps(args.municipality) + ', "exported_at": "'
                      + dt.datetime.now(dt.timezone.utc).isoformat() + '", "cases": [\n')
            for version in versions:
                out.write((",\n" if n else "") + json.dumps(version, ensure_ascii=False, default=str))
                n += 1
            out.write("\n]}\n")
    finally:
        if args.output:
            out.close()
    if args.output:
        print(f"{n} casusversies van {args.municipality} geschreven naar {args.output}")
    return 0


def _reevaluate(store: Store, args) -> int:
    registry = load_registry(args.rulesets)
    label = args.label or evaluation_label(registry, args.rulesets or DEFAULT_RULESETS, args.as_of)
    result = reevaluate(store, registry, label, as_of=args.as_of, municipality=args.municipality,
                        case_ids=args.case, batch_size=args.batch_size, access=_access(store, args))
    summary = {"evaluation": label, "evaluated": result.evaluated, "added": result.written.decisions,
               "unchanged": result.written.unchanged, "problems": [p.as_dict(args.lang) for p in result.problems]}
    if args.json:
        print(dumps(summary), end="")
    else:
        print(f"{result.evaluated} casussen beoordeeld onder {label}: {result.written.decisions} nieuwe besluiten, "
              f"{result.written.unchanged} al zo beoordeeld, {_count(len(result.problems), 'probleem', 'problemen')}")
    if result.problems:
        for p in result.problems:
            print(f"regelruimte: fout: {p.render(args.lang)}", file=sys.stderr)
        return EXIT_INPUT
    return 0


def _report(store: Store, args) -> int:
    registry = load_registry(args.rulesets)
    report = build_report(store, _filters_of(args), fact_labels(registry, "nl"), period=args.period,
                          access=_access(store, args))
    if args.html:
        from service.web.casebook_html import render_report
        Path(args.html).write_text(render_report(report), encoding="utf-8")
    for fmt in ("csv", "parquet"):
        folder = getattr(args, fmt)
        if folder:
            write_tables(report, Path(folder), fmt)
    if args.json:
        print(dumps(report.as_dict()), end="")
    elif not (args.html or args.csv or args.parquet):
        print(text_report(report), end="")
    else:
        written = [x for x in (args.html, args.csv, args.parquet) if x]
        print(f"rapport over {report.overview['cases']} casussen geschreven: {', '.join(written)}")
    return 0


def _fmt(value, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "money":
        return money(value)
    if kind == "share":
        return f"{value * 100:.1f}%".replace(".", ",")
    if kind == "ratio":
        return f"{value}×".replace(".", ",")
    if kind == "bool":
        return "ja" if value else "nee"
    return str(value)


def text_report(report: Report, top: int = 10) -> str:
    """The report for a terminal: the overview, and the first rows of the key tables."""
    o, k = report.overview, report.kassabon
    lines = [f"Casebook: {o['cases']} casussen"
             + (f", peildata {o['first']} t/m {o['last']}" if o["first"] else ""),
             f"  toegestaan {o['allowed']}, route mogelijk {o['route_available']}, informatie nodig "
             f"{o['needs_information']}, geen route {o['blocked']} ({_fmt(o['share_blocked'], 'share')})",
             f"  alleen discretionaire routes: {o['discretionary_only']}; één enkele route: {o['sole_route']}; "
             f"botsende wetten: {o['collision_cases']}",
             f"  kassabon: {k['total']['cases']} casussen, eenmalig {money(k['total']['cost_once'])} tegenover "
             f"{money(k['total']['avoided_per_year'])} per jaar voorkomen", ""]
    for name, columns in (("blocks", ("rank", "rule", "article", "law", "cases", "share")),
                          ("collision_pairs", ("rank", "rule_a", "rule_b", "cases")),
                          ("collision_sets", ("rank", "rules", "cases")),
                          ("routes", ("rank", "route", "article", "discretionary", "available", "sole_way")),
                          ("no_route_patterns", ("rank", "blocks", "cases")),
                          ("kassabon", ("path", "cases", "cost_once", "avoided_per_year", "ratio_per_year")),
                          ("missing_facts", ("rank", "fact", "kind", "cases", "share"))):
        table = report.tables[name]
        cols = [c for c in table.columns if c.name in columns]
        lines.append(f"{table.title}")
        if not table.rows:
            lines += ["  (geen)", ""]
            continue
        cells = [[c.label for c in cols]] + [[_fmt(r.get(c.name), c.kind) for c in cols] for r in table.rows[:top]]
        widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(cols))]
        for row in cells:
            lines.append("  " + "  ".join(cell[:60].ljust(w) for cell, w in zip(row, widths)).rstrip())
        lines.append("")
    return "\n".join(lines)


def _stats(store: Store, args) -> int:
    s = store.stats(_access(store, args))
    if args.json:
        print(dumps(s), end="")
        return 0
    print(f"{store.url}: {s['cases']} casussen ({s['case_versions']} versies), {s['decisions']} besluiten, "
          f"{_count(s['batches'], 'batch', 'batches')}")
    for m in s["municipalities"]:
        print(f"  {m['municipality']:<14} {m['cases']}")
    for e in s["evaluations"]:
        print(f"  evaluatie {e['evaluation']}: {e['decisions']} besluiten ({e['first'][:10]} – {e['last'][:10]})")
    return 0


def _check(store: Store, args) -> int:
    problems = store.check(deep=not args.quick)
    if problems:
        return fail([Problem(p, p) for p in problems], args.lang)
    print("samenhang in orde: elke batch is heel")
    return 0


def _generate(args) -> int:
    registry = load_registry(None)
    synthetic.write_jsonl(Path(args.output), args.cases, args.seed, registry)
    print(f"{args.cases} synthetische casussen (seed {args.seed}) geschreven naar {args.output}")
    return 0


def _users(store: Store, args) -> int:
    t = dt.datetime.now(dt.timezone.utc)
    if args.users_action != "list":  # whose municipalities the step is about, for the audit log (below)
        about = args.municipality if args.users_action == "add" else next(
            (u["municipalities"] for u in users.list_users(store.engine) if u["name"] == args.name), [])
    if args.users_action == "add":
        # a municipality the rule sets do not know and the casebook holds no case of is a slip of the pen
        # (a case of a municipality without a rule set cannot be stored), refused like a bad field
        known = set(load_registry(args.rulesets).municipalities) | set(store.municipalities())
        unknown = sorted(m for m in set(args.municipality) if m != ALL and is_municipality(m) and m not in known)
        if unknown:
            listed, there = ", ".join(unknown), ", ".join(sorted(known))
            raise RegelruimteError([Problem(
                f"onbekende gemeente: {listed}; bekend in de regelsets of het casebook: {there} (of * voor alle "
                "gemeenten)", f"unknown municipality: {listed}; known to the rule sets or the casebook: {there} "
                "(or * for all)", field="municipality")])
        user = users.add_user(store.engine, User(args.name, args.role, tuple(args.municipality), args.team), t)
        scope = "alle gemeenten" if user.municipalities == (ALL,) else ", ".join(user.municipalities)
        print(f"gebruiker {user.name} toegevoegd: {user.role}, {scope}" + (f", team {user.team}" if user.team else ""))
        if args.token:
            _print_token(users.new_token(store.engine, user.name, t))
    elif args.users_action == "list":
        rows = users.list_users(store.engine)
        if args.json:
            print(dumps(rows), end="")
            return 0
        for r in rows:
            print(f"{r['name']:<32} {r['role']:<13} {','.join(r['municipalities']):<24} {r['team'] or '-':<20} "
                  f"{r['tokens']} token(s)")
        print(f"{len(rows)} gebruiker(s)" + ("" if rows else ": het casebook is in de lokale modus (één token, alles)"))
    elif args.users_action == "remove":
        if not users.remove_user(store.engine, args.name):
            raise RegelruimteError([Problem("deze gebruiker bestaat niet", "this user does not exist", field="name")])
        print("gebruiker verwijderd, met al diens tokens")
    elif args.revoke:
        print(f"{users.revoke_tokens(store.engine, args.name)} token(s) ingetrokken")
    else:
        _print_token(users.new_token(store.engine, args.name, t))
    if args.users_action != "list":  # a change to who may do what is in the audit log
        store.log_access(command_line(f"regelruimte casebook users {args.users_action}"), f"user_{args.users_action}",
                         municipalities=[m for m in about if m != ALL])
    return 0


def _print_token(token: str) -> None:
    print(token)
    print("bewaar dit token nu: het wordt niet opgeslagen en niet nog eens getoond", file=sys.stderr)


def _audit(store: Store, args) -> int:
    if args.export:
        path = Path(args.export)
        if path.suffix not in (".csv", ".jsonl"):
            raise RegelruimteError([Problem("het exportbestand eindigt op .csv of .jsonl",
                                            "the export file ends in .csv or .jsonl", field="export")])
        rows = list(audit.entries(store.engine, user=args.user))
        path.write_text(audit.as_csv(rows) if path.suffix == ".csv" else audit.as_jsonl(rows), encoding="utf-8")
        print(f"{len(rows)} regels van het auditlog geschreven naar {path}")
        return 0
    for r in audit.entries(store.engine, user=args.user, limit=args.limit):
        ids = r["case_ids"]
        print(f"{r['at'][:19]}  {r['user_name']:<24} {r['role']:<12} {r['action']:<14} "
              f"{'toegestaan' if r['allowed'] else 'GEWEIGERD':<10} {','.join(r['municipalities']) or '-':<20} "
              f"{len(ids)} casus(sen)  {r['via']}")
    return 0


def _retention(store: Store, args) -> int:
    try:
        months = args.months or retention.configured_months()
    except ValueError as exc:
        raise RegelruimteError([Problem(str(exc), str(exc), field=retention.ENV_MONTHS)]) from None
    if months is None:
        raise RegelruimteError([Problem(f"geef --months N of zet ${retention.ENV_MONTHS}",
                                        f"give --months N or set ${retention.ENV_MONTHS}", field="months")])
    found = retention.run(store, months, dt.datetime.now(dt.timezone.utc), dry_run=args.dry_run,
                          access=_access(store, args))
    if args.json:
        print(dumps({"months": months, "dry_run": args.dry_run,
                     "cases": [{"case_id": e.case_id, "municipality": e.municipality, "team": e.team,
                                "last_changed": e.last_changed.isoformat()} for e in found]}), end="")
        return 0
    for e in found:
        print(f"{e.case_id:<32} {e.municipality:<14} {e.team or '-':<20} "
              f"laatst gewijzigd {e.last_changed.date().isoformat()}")
    verb = "zouden worden verwijderd (proefrun, niets verwijderd)" if args.dry_run else "verwijderd"
    print(f"{len(found)} casus(sen) ouder dan {months} maanden {verb}")
    return 0


ACTIONS = {"init": _init, "import": _import, "list": _list, "show": _show, "delete": _delete, "export": _export,
           "reevaluate": _reevaluate, "report": _report, "stats": _stats, "check": _check,
           "users": _users, "audit": _audit, "retention": _retention}
