"""`regelruimte lint [PATH]` and `regelruimte test [PATH]`: check rule sets before they go live.

lint: exit 0 without errors, 1 with errors, 2 when the path cannot be read.
test: exit 0 when every rule-set test passes and the golden renderings hold (service/cli/golden.py), 1 when
one fails, 2 when a test file is invalid. `test --reset` first rewrites the golden files.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
from pathlib import Path

from decision.decide import decide
from engine.errors import Problem
from engine.lint import CATALOGUE, LintInputError, counts, find_root, lint
from engine.registry import Registry
from engine.ruletests import RuleTestFileError, discover, load_test_file, run_test

from ..config import DEFAULT_RULESETS
from . import golden
from .main import EXIT_INPUT, EXTENSIONS, command, dumps, fail, subparsers

EXIT_FAILED = 1
LISTED = 20  # golden differences named one by one


def shown(file: str | None) -> str | None:
    """A path as the user sees it: relative to the working folder when it lies below it."""
    if not file:
        return file
    try:
        return os.path.relpath(file) if Path(file).resolve().is_relative_to(Path.cwd()) else file
    except ValueError:
        return file


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("geef een datum als JJJJ-MM-DD") from None


def _add_parsers(parser) -> None:
    sub = subparsers(parser)
    p = sub.add_parser("lint", help="controleer regelsets en hun tests (codes RR001 …)")
    p.add_argument("path", nargs="?", help="map met regelsets, één regelset of versiemap (standaard: de meegeleverde)")
    p.add_argument("--json", action="store_true", help="de meldingen als JSON")
    p.add_argument("--severity", choices=("error", "warning", "info"), default="info",
                   help="toon meldingen vanaf deze ernst (standaard: alles)")
    p.add_argument("--codes", action="store_true", help="toon de catalogus van codes en stop")
    p.add_argument("--today", metavar="JJJJ-MM-DD", type=_day,
                   help="de dag waarvan de horizoncontrole (RR025) uitgaat (standaard: vandaag)")
    p.add_argument("--lang", choices=("nl", "en"), default="nl", help="taal van de uitvoer (standaard nl)")
    t = sub.add_parser("test", help="voer de YAML-tests van de regelsets uit (*.test.yaml)")
    t.add_argument("path", nargs="?", help="map of testbestand (standaard: alle meegeleverde tests)")
    t.add_argument("--json", action="store_true", help="de resultaten als JSON")
    t.add_argument("--lang", choices=("nl", "en"), default="nl", help="taal van de uitvoer (standaard nl)")
    t.add_argument("--reset", action="store_true",
                   help="schrijf eerst de gouden uitvoer opnieuw (map golden/ van de regelsets) en toon wat wijzigde")


EXTENSIONS.append(_add_parsers)


@command("lint")
def lint_command(args) -> int:
    lang = args.lang
    if args.codes:
        for code, (name, severity, nl, en) in CATALOGUE.items():
            print(f"{code} {name} ({severity}): {en if lang == 'en' else nl}")
        return 0
    try:
        diags = lint(Path(args.path) if args.path else DEFAULT_RULESETS, today=args.today)
    except LintInputError as exc:
        return fail(exc.problems, lang)
    total = counts(diags)
    keep = ("error", "warning", "info")[: ("error", "warning", "info").index(args.severity) + 1]
    diags = [dataclasses.replace(d, file=shown(d.file)) for d in diags if d.severity in keep]
    if args.json:
        print(dumps({"diagnostics": [d.as_dict(lang) for d in diags], "counts": total}), end="")
    else:
        for d in diags:
            print(d.render(lang))
        if lang == "en":
            print(f"lint: {total['error']} errors, {total['warning']} warnings, {total['info']} infos")
        else:
            print(f"lint: {total['error']} fouten, {total['warning']} waarschuwingen, {total['info']} meldingen")
    if any(d.code == "RR100" for d in diags):
        return EXIT_INPUT
    return EXIT_FAILED if total["error"] else 0


@command("test")
def test_command(args) -> int:
    lang = args.lang
    target = Path(args.path) if args.path else DEFAULT_RULESETS
    if not target.exists():
        return fail([Problem("pad bestaat niet", "path does not exist", file=str(target))], lang)
    try:
        root = find_root(target)
    except LintInputError as exc:
        return fail(exc.problems, lang)
    registry = Registry.load(root)
    tests, problems = [], []
    for f in discover(target):
        try:
            tests += load_test_file(f, shown(str(f)))
        except RuleTestFileError as exc:
            problems += exc.problems
    if problems:
        return fail(problems, lang)
    results = [run_test(t, registry, decide) for t in tests]
    failed = [r for r in results if not r.passed]
    per_set = _per_ruleset(results, registry, root)
    # the golden renderings belong to the whole rule-set folder: checked when the test runs on all of it
    gold = golden.folder(root).is_dir() and target.resolve() == root
    report = (golden.reset if args.reset else golden.check)(root, registry) if gold else golden.Report()
    if args.json:
        print(dumps({"tests": len(results), "passed": len(results) - len(failed),
                     "failed": [{"test": r.test.nodeid, "line": r.test.line, "failures": [f.text(lang) for f in r.failures]}
                                for r in failed],
                     "rulesets": per_set,
                     "golden": {"readable_cases": report.readable, "generated_cases": report.generated,
                                "rewritten": report.rewritten,
                                "differences": [{"case": d.case, "lang": d.lang, "forms": d.forms, "where": d.where,
                                                 "detail": d.detail} for d in report.differences]}}), end="")
        return EXIT_FAILED if failed or report.differences else 0
    for r in failed:
        head = "FAILED" if lang == "en" else "MISLUKT"
        print(f"{head} {r.test.where} {r.test.id}" + (f" ({r.test.title})" if r.test.title else ""))
        for f in r.failures:
            print(f"  - {f.text(lang)}")
    for s in per_set:
        words = ("tests", "rules", "routes", "parameters") if lang == "en" else ("tests", "regels", "routes", "parameters")
        print(f"{s['ruleset']:<16} {s['tests']:>4} {words[0]}  {s['rules']:>3} {words[1]}  {s['routes']:>3} {words[2]}  "
              f"{s['parameters']:>3} {words[3]}")
    if gold:
        _print_golden(report, lang)
    passed = len(results) - len(failed)
    if lang == "en":
        print(f"test: {len(results)} tests, {passed} passed, {len(failed)} failed")
    else:
        print(f"test: {len(results)} tests, {passed} geslaagd, {len(failed)} mislukt")
    return EXIT_FAILED if failed or report.differences else 0


def _print_golden(report: golden.Report, lang: str) -> None:
    head = "FAILED" if lang == "en" else "MISLUKT"
    for d in report.differences[:1]:  # the first in full; the rest by name
        print(f"{head} {d.text(lang)}", end="" if d.text(lang).endswith("\n") else "\n")
    for d in report.differences[1:LISTED]:
        print(f"{head} {d.where}: {d.case} ({d.lang}) {', '.join(d.forms)}")
    if len(report.differences) > LISTED:
        more = len(report.differences) - LISTED
        print(f"... and {more} more" if lang == "en" else f"... en nog {more}")
    cases, n = report.readable + report.generated, len(report.differences)
    if lang == "en":
        print(f"golden: {cases} cases ({report.readable} readable), {n} differ, {len(report.rewritten)} files rewritten")
    else:
        print(f"golden: {cases} casussen ({report.readable} leesbaar), {n} wijken af, {len(report.rewritten)} bestanden herschreven")


def _per_ruleset(results, registry: Registry, root: Path) -> list[dict]:
    """Per rule set: its tests (by folder) and its distinct rules, routes and parameters over all versions."""
    out = []
    for rid in registry.order:
        rs = registry.rulesets[rid]
        folder = rs.path.resolve()
        n_tests = sum(1 for r in results if folder in Path(r.test.file).resolve().parents)
        rules = {k for v in rs.versions for k, r in v.rules.items()}
        routes = {k for v in rs.versions for k in v.routes}
        params = {k for v in rs.versions for k in v.parameters}
        out.append({"ruleset": rid, "tests": n_tests, "rules": len(rules), "routes": len(routes), "parameters": len(params)})
    return out
