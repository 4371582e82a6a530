"""The `regelruimte` command line. Exit 0 with a result, 2 with a clear message for bad input.

Subcommands: check, rulesets. Bad input never shows a traceback: every error names the field,
or the file and line, and the message is Dutch unless --lang en.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Callable

from decision.heap import for_many_cases
from engine.errors import CaseError, NoRulesetInForce, Problem, RegelruimteError, RulesetError
from engine.yamlsource import SourceError, load_file

from ..extras import extra_for, missing_extra

EXIT_INPUT = 2

COMMANDS: dict[str, Callable] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn
    return register


def fail(problems: list[Problem], lang: str) -> int:
    head = "error" if lang == "en" else "fout"
    for p in problems:
        print(f"regelruimte: {head}: {p.render(lang)}", file=sys.stderr)
    return EXIT_INPUT


def dumps(data) -> str:
    """Canonical JSON: the same decision gives the same bytes."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help="taal van de uitvoer (standaard nl)")
    p.add_argument("--rulesets", metavar="DIR", help="map met regelsets (standaard: de meegeleverde)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="regelruimte",
                                     description="Regelruimte: welke regel blokkeert welke hulp, en welke maatwerkroute kan dat opheffen.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("check", help="toets één casus of meer (YAML of JSON)")
    p.add_argument("case", nargs="+", help="casusbestand (.yaml, .yml of .json); '-' leest van stdin; "
                   "meer bestanden: na elkaar, in werkprocessen als dat loont (REGELRUIMTE_WORKERS)")
    p.add_argument("--json", action="store_true", help="het besluit als JSON (publiek formaat)")
    p.add_argument("--format", choices=("text", "markdown", "json-tree", "onderbouwing", "onderbouwing-kort"),
                   default="text",
                   help="vorm van de toelichting zonder --json")
    p.add_argument("--backend", choices=("core", "durable"), default="core",
                   help="evaluator: de eigen kern (standaard) of de afgeschermde durable-rules-backend")
    _add_common(p)

    p = sub.add_parser("rulesets", help="toon de regelsets")
    rs = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ls = rs.add_parser("list", help="alle regelsets met hun versies")
    _add_common(ls)
    ls.add_argument("--json", action="store_true")
    show = rs.add_parser("show", help="één regelset: versies, parameters, regels en routes")
    show.add_argument("id")
    show.add_argument("--version", help="ingangsdatum van de versie (standaard: de nieuwste)")
    show.add_argument("--json", action="store_true")
    _add_common(show)
    diff = rs.add_parser("diff", help="wat er tussen twee versies van een regelset is gewijzigd")
    diff.add_argument("old", metavar="VAN", help="oude versie, bv. participatiewet@2026-07-01")
    diff.add_argument("new", metavar="NAAR", help="nieuwe versie, bv. participatiewet@2027-01-01")
    diff.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="vorm van de uitvoer")
    _add_common(diff)
    log = rs.add_parser("changelog", help="per versie van een regelset: periode, horizon en wat er wijzigde")
    log.add_argument("id")
    log.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="vorm van de uitvoer")
    _add_common(log)
    return parser


def _unavailable(name: str, exc: ModuleNotFoundError) -> None:
    """`name` stays a command, one that says which extra to install (whatever arguments it gets)."""
    def add(parser: argparse.ArgumentParser) -> None:
        # no option prefix: every argument, --lang and -h too, is taken as given
        p = subparsers(parser).add_parser(name, add_help=False, prefix_chars="\0",
                                          help=f"(pip install 'regelruimte[{extra_for(exc)}]')")
        p.add_argument("rest", nargs=argparse.REMAINDER)
    EXTENSIONS.append(add)
    def say(args) -> int:
        rest = args.rest
        english = "--lang=en" in rest or any(a == "--lang" and b == "en" for a, b in zip(rest, rest[1:]))
        return fail([missing_extra(name, exc)], "en" if english else "nl")
    COMMANDS[name] = say


def main(argv: list[str] | None = None) -> int:
    # imported here so that each subcommand module registers itself
    from . import check, rulesets  # noqa: F401
    for optional in ("serve", "lint", "casebook", "whatif"):
        try:
            importlib.import_module(f"{__package__}.{optional}")
        except ModuleNotFoundError as exc:
            if extra_for(exc) and optional not in COMMANDS:
                _unavailable(optional, exc)
            elif exc.name != f"{__package__}.{optional}":
                raise
    parser = build_parser()
    for extend in EXTENSIONS:
        extend(parser)
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "nl")
    for_many_cases()  # every command may decide many cases (check, casebook import, serve)
    try:
        return COMMANDS[args.command](args)
    except ModuleNotFoundError as exc:  # a library a command loads when it runs (the what-if's Polars)
        if not extra_for(exc):
            raise
        return fail([missing_extra(args.command, exc)], lang)
    except (CaseError, NoRulesetInForce, RulesetError) as exc:
        return fail(exc.problems, lang)
    except SourceError as exc:
        return fail([exc.problem], lang)
    except RegelruimteError as exc:
        return fail(exc.problems, lang)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


# Subcommand modules may add their own parsers here (serve, lint, casebook, whatif).
EXTENSIONS: list[Callable[[argparse.ArgumentParser], None]] = []


def subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def read_case(path: str):
    if path == "-":
        from engine.yamlsource import parse_text, read_bounded
        return parse_text(read_bounded(sys.stdin.buffer, "<stdin>"), "<stdin>")
    p = Path(path)
    if not p.exists():
        raise SourceError(Problem("bestand bestaat niet", "file does not exist", file=path))
    return load_file(p)

