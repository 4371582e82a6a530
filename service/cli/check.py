"""`regelruimte check CASE...`: each case's explained decision, in the order given.

Several files print exactly what `regelruimte check` on each file in turn would print, a case's
problems included, and exit 2 if any case had them; a long list is decided in forked worker
processes (decision.pool: this process has no threads or connections to copy)."""
from __future__ import annotations

import functools
from pathlib import Path

from decision.pool import Pool
from decision.decide import decide
from engine.bsn import FILE_NAME_MESSAGE, looks_like_bsn
from engine.errors import Problem, RegelruimteError
from engine.yamlsource import SourceError

from ..config import load_registry
from .main import command, fail, read_case
from .renderings import render


def _check_file(lang: str, form: str, backend: str, registry, name: str) -> tuple[str, list[Problem] | None]:
    """One file's printed decision, or the problems `regelruimte check` would report for it."""
    if name != "-" and looks_like_bsn(Path(name).name):  # it would head every problem and the decision's origin
        return "", [Problem(*FILE_NAME_MESSAGE)]
    try:
        data = read_case(name)
        label = name if name != "-" else "<stdin>"
        if backend == "durable":
            from decision.durable import decide_durable
            decision = decide_durable(data, registry, lang, file=label)
        else:
            decision = decide(data, registry, lang, file=label)
        return render(decision, registry, lang, form), None
    except RegelruimteError as exc:
        return "", exc.problems
    except SourceError as exc:
        return "", [exc.problem]


@command("check")
def check(args) -> int:
    registry = load_registry(args.rulesets)
    task = functools.partial(_check_file, args.lang, "json" if args.json else args.format, args.backend)
    status = 0
    # stdin is this process's own: a list that reads it is decided here
    with Pool(method="fork", registry=registry, workers=1 if "-" in args.case else None) as pool:
        for text, problems in pool.map(task, args.case, registry):
            if problems is None:
                print(text, end="", flush=True)
            else:
                status = fail(problems, args.lang)
    return status
