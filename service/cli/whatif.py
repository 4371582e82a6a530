"""`regelruimte whatif`: what a rule change does to a set of cases, and why.

    regelruimte whatif --base zaanstad@2025-09-15 --change whatif/examples/zaanstad-120.yaml \\
        --population 100000 --seed 1 --html rapport.html --csv flips.csv
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import sys
import tempfile
from pathlib import Path

from engine.errors import Problem, RegelruimteError

from ..config import DEFAULT_RULESETS
from ..spreadsheet import neutral_csv_text
from .main import EXTENSIONS, command, dumps, subparsers


def _parser(parser) -> None:
    p = subparsers(parser).add_parser(
        "whatif", help="wat een wijziging van de regels doet met een set casussen, en waarom",
        description="Vergelijk de uitkomsten onder de huidige regels (--base) met die onder een wijziging "
                    "(--change: een overlaybestand of regelset@datum), voor casusbestanden, het casebook of een "
                    "synthetische populatie.")
    p.add_argument("cases", nargs="*", help="casusbestanden of mappen met casussen (YAML/JSON)")
    p.add_argument("--base", required=True, metavar="REGELSET@DATUM",
                   help="de regelset die verandert, en de datum van de versie die nu geldt (bv. zaanstad@2025-09-15)")
    p.add_argument("--change", metavar="OVERLAY|REGELSET@DATUM",
                   help="een overlaybestand (zie whatif/examples/) of een andere versie, bv. participatiewet@2026-01-01")
    p.add_argument("--casebook", nargs="?", const="", metavar="URL", help="de casussen uit het casebook (optioneel pakket)")
    p.error = _error  # Dutch, and without the value given (argparse: "invalid int value: '²'")
    # (the range of --population is checked when it is used: an exit 2 with the bound, tests/service/http/test_hostile.py)
    p.add_argument("--population", type=_whole("--population", 0, 10**20 - 1, f"1 tot {MAX_POPULATION:,}".replace(",", ".")),
                   metavar="N",
                   help="een synthetische populatie van N huishoudens")
    p.add_argument("--seed", type=_whole("--seed", 0, 2**31 - 1), default=1, help="seed van de populatie (standaard 1)")
    p.add_argument("--date", metavar="JJJJ-MM-DD", help="peildatum van de populatie (standaard de datum bij --base)")
    p.add_argument("--municipality", action="append", metavar="GEMEENTE",
                   help="gemeente(n) van de populatie (standaard: die van --base als die lokaal is, anders alle)")
    p.add_argument("--population-dir", metavar="MAP", help="schrijf de populatie als Parquet-partities naar MAP")
    p.add_argument("--dask", metavar="ADRES", help="reken op Dask: tcp://scheduler:8786, of local (LocalCluster)")
    p.add_argument("--sweep", metavar="PARAM=VAN:TOT:STAP",
                   help="één parameter over een bereik, bv. zaanstad.percentage_inkomensgrens=1.00:1.50:0.05")
    p.add_argument("--html", metavar="BESTAND", help="schrijf het rapport (HTML, werkt offline)")
    p.add_argument("--csv", metavar="BESTAND", help="schrijf de verschuivingen als CSV")
    p.add_argument("--parquet", metavar="BESTAND", help="schrijf de verschuivingen als Parquet")
    p.add_argument("--json", action="store_true", help="de samenvatting als JSON")
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help="taal van de uitvoer (standaard nl)")
    p.add_argument("--rulesets", metavar="DIR", help="map met regelsets (standaard: de meegeleverde)")


EXTENSIONS.append(_parser)

# Every household in the Netherlands is some 8.5 million; beyond that a number is a typing error
# (and a synthetic population of 10^12 would fill the memory first; docs/decisions/0010-input-limits.md).
MAX_POPULATION = 10_000_000


def _whole(option: str, low: int, high: int, span: str | None = None):
    """An argparse type: a whole number of ASCII digits (int() reads "١٢" as 12, str.isdigit() "²") from
    `low` to `high`; the message names the option, never the value."""
    def read(text: str) -> int:
        if len(text) <= 20 and re.fullmatch(r"[0-9]+", text) and low <= int(text) <= high:
            return int(text)
        raise argparse.ArgumentTypeError(f"vul een heel getal in van {span or f'{low:,} tot {high:,}'.replace(',', '.')}")
    read.__name__ = option
    return read


def _error(message: str) -> None:
    """argparse's errors for `regelruimte whatif`, in Dutch and without the value that was given."""
    m = re.match(r"argument ([^:]+): (.*)", message, re.S)
    if m:
        option, what = m[1].split("/")[-1], m[2]
        if what.startswith("invalid choice"):
            choices = re.search(r"\(choose from (.*)\)", what)
            what = f"kies uit {choices[1]}" if choices else "geen geldige keuze"
        elif what.startswith("expected one argument"):
            what = "geef er een waarde bij"
        elif what.startswith("invalid"):  # a type argparse names in English
            what = "geen geldige waarde"
        text = f"{option}: {what}"
    elif message.startswith("the following arguments are required"):
        text = "verplicht: " + message.split(":", 1)[1].strip()
    else:
        text = "de opdracht klopt niet"
    sys.stderr.write(f"regelruimte whatif: {text} (zie regelruimte whatif --help)\n")
    raise SystemExit(2)


def _problem(message: str, message_en: str, field: str) -> RegelruimteError:
    return RegelruimteError([Problem(message, message_en, field=field)])


def _population_day(args, base) -> dt.date:
    if args.date:
        try:
            return dt.date.fromisoformat(args.date)
        except ValueError:
            raise _problem("geen bestaande datum; schrijf JJJJ-MM-DD", "not an existing date; write YYYY-MM-DD", "date") from None
    if base.day:
        return base.day
    raise _problem("geef de peildatum van de populatie: --date, of een datum bij --base",
                   "give the population's reference date: --date, or a date with --base", "date")


def _source(args, root: Path, base):
    from whatif import run
    from whatif.scenario import baseline

    chosen = [bool(args.cases), args.casebook is not None, args.population is not None]
    if sum(chosen) != 1:
        raise _problem("kies één bron: casusbestanden, --casebook of --population N",
                       "choose one source: case files, --casebook or --population N", "cases")
    registry = baseline(root, base)
    if args.cases:
        return run.cases_from_paths(args.cases, registry.vocabulary)
    if args.casebook is not None:
        return run.casebook_source(args.casebook or None, registry.vocabulary)
    if not 0 < args.population <= MAX_POPULATION:
        raise _problem(f"--population is 1 tot {MAX_POPULATION:,} huishoudens".replace(",", "."),
                       f"--population is 1 to {MAX_POPULATION:,} households", "population")
    day = _population_day(args, base)
    towns = args.municipality or ([base.ruleset] if base.ruleset in registry.municipalities else None)
    folder = args.population_dir or (tempfile.mkdtemp(prefix="regelruimte-") if args.dask else None)
    return run.population_source(args.population, args.seed, registry, day, towns, Path(folder) if folder else None)


def _folder(path: str) -> Path:
    """An output file's path, its folder made when it is not there yet (out/rapport.html)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Path(path)


@command("whatif")
def whatif(args) -> int:
    from decimal import Decimal

    from engine.templates import money
    from whatif import population, report, run
    from whatif.overlay import load_overlay
    from whatif.scenario import baseline, is_ref, parse_ref, reform

    root = Path(args.rulesets) if args.rulesets else DEFAULT_RULESETS
    base = parse_ref(args.base, "base")
    if args.change is None and args.sweep is None:
        raise _problem("geef --change (overlay of regelset@datum) of --sweep", "give --change or --sweep", "change")
    change = None
    if args.change is not None:
        change = args.change if is_ref(args.change) else load_overlay(args.change)
    sweep = run.parse_sweep(args.sweep) if args.sweep is not None else None  # "" is a bad sweep, not none
    before_side = baseline(root, base)
    if sweep is not None:
        run.check_sweep_unit(sweep, before_side, base.day, "sweep")
    source = _source(args, root, base)
    after_side = reform(root, base, change) if change is not None else None
    with contextlib.ExitStack() as stack:
        client = None
        if args.dask:
            from whatif import scale
            client = stack.enter_context(scale.cluster(args.dask))
        comparison = run.comparison(before_side, after_side, source, client)
        sweep_table = run.run_sweep(root, base, sweep, source, change, comparison.before, client) if sweep else None

    registries = [before_side] + ([after_side] if after_side is not None else [])
    # --change is an overlay (with its own title) or a version reference, a plain string
    title = f"sweep {sweep.name}" if change is None else change if isinstance(change, str) else \
        (args.lang == "en" and change.content.overlay.title_en) or change.title
    meta = report.Meta(title=title, base=str(base), change=after_side.label if after_side else f"sweep {sweep.name}",
                       source=source.description, labels=report.labels(before_side, lang=args.lang),
                       labels_after=report.labels(registries[-1], lang=args.lang),
                       municipalities=report.municipality_names(before_side),
                       notes=[f"{a.id}: {a.text}" for a in population.ASSUMPTIONS] if args.population else [])
    if args.json:
        out = {"base": str(base), "change": meta.change, "source": source.description, "totals": comparison.totals,
               "by_direction": comparison.by_direction.to_dicts(), "by_rule": comparison.by_rule.to_dicts(),
               "by_municipality": comparison.by_municipality.to_dicts(),
               "by_household_type": comparison.by_household_type.to_dicts(), "cost": comparison.cost.to_dicts(),
               "versions": {"base": list(comparison.before.versions), "change": list(comparison.after.versions)}}
        if sweep_table is not None:
            out["sweep"] = {"parameter": sweep.name, "points": sweep_table.to_dicts()}
        print(dumps(out), end="")
    else:
        summary = report.text_summary(comparison, before_side.vocabulary, meta, args.lang)
        if change is None:  # a sweep alone: the base against itself says nothing ("Niets verandert"); its rows do
            summary = summary.split("\n\n")[0] + "\n"
        print(summary, end="")
        if sweep_table is not None:
            print(f"\nSweep {sweep.name}")
            w = report.WORDS[args.lang]
            for r in sweep_table.iter_rows(named=True):
                print(f"  {r['value']:>8}  {w['helped']} {r['households_helped']:>8}  {w['hurt']} {r['households_hurt']:>8}"
                      f"  {w['open_short']} {r['households_open']:>8}"
                      f"  {w['newly_granted']} {money(Decimal(r['newly_granted_eur']), args.lang)}")
            moved = sum(1 for r in sweep_table.iter_rows(named=True) if r["flips"])
            print(("\n" + (f"Bij {moved} van de {sweep_table.height} waarden verandert er iets voor deze casussen."
                           if moved else "Bij geen enkele waarde verandert er iets voor deze casussen."))
                  if args.lang == "nl" else
                  ("\n" + (f"At {moved} of the {sweep_table.height} values something changes for these cases."
                           if moved else "At no value does anything change for these cases.")))
    written = []
    try:
        if args.html:
            _folder(args.html).write_text(report.html(comparison, before_side.vocabulary, meta, sweep_table,
                                                      sweep.name if sweep else "", args.lang), encoding="utf-8")
            written.append(args.html)
        if args.csv:
            report.flips_table(comparison, args.lang, flat=True).with_columns(neutral_csv_text()).write_csv(_folder(args.csv))
            written.append(args.csv)
        if args.parquet:
            report.flips_table(comparison, args.lang).write_parquet(_folder(args.parquet))
            written.append(args.parquet)
    except OSError as exc:
        raise RegelruimteError([Problem("kan hier niet schrijven", "cannot write here",
                                        file=str(exc.filename or ""))]) from None
    for path in written:
        print(f"geschreven: {path}" if args.lang == "nl" else f"written: {path}", file=sys.stderr)
    return 0
