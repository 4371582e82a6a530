"""Evaluating cases for the casebook, and re-evaluating stored cases under other rule sets.

Every decision is stored with an *evaluation* label: by default the name of the rule-set folder
and a digest of all its versions (`rulesets@1a2b3c4d`), so decisions made under different rule
content stay apart. Stored decisions leave out the explanation text; it is a pure function of the
decision and is rendered when a case is shown.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from engine.case import Case, parse_case
from decision.decide import decide_case
from engine.errors import Problem, RegelruimteError
from engine.registry import Registry

from .records import Prepared, case_ref
from .access import LOCAL, Access
from .store import Evaluated, Store, WriteResult


def registry_digest(registry: Registry) -> str:
    body = "\n".join(sorted(f"{v.key}:{v.digest}" for rs in registry.rulesets.values() for v in rs.versions))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def evaluation_label(registry: Registry, rulesets_path: Path | str, as_of: dt.date | None = None) -> str:
    label = f"{Path(rulesets_path).resolve().name}@{registry_digest(registry)[:8]}"
    return f"{label}~{as_of.isoformat()}" if as_of else label


def evaluate(p: Prepared, registry: Registry) -> dict:
    """The decision of a prepared case (problems name the record's file and line)."""
    try:
        return decide_case(p.case, registry, "nl", data=p.raw, file=p.file, explanation=False)
    except RegelruimteError as exc:
        for problem in exc.problems:
            if problem.line is None:
                problem.line = p.line
        raise


def parse_stored(case_json: dict) -> Case:
    """A stored case as a validated Case again (stored cases were valid when written)."""
    try:
        return parse_case(case_json)
    except RegelruimteError as exc:  # a stored case the current engine no longer accepts
        raise RegelruimteError([Problem(f"opgeslagen casus is niet meer geldig: {exc.render()}",
                                        f"stored case is no longer valid: {exc.render('en')}")]) from None


@dataclass
class ReevaluationReport:
    evaluated: int = 0
    written: WriteResult = field(default_factory=WriteResult)
    problems: list[Problem] = field(default_factory=list)


def reevaluate(store: Store, registry: Registry, evaluation: str, as_of: dt.date | None = None,
               municipality: str | None = None, case_ids: list[str] | None = None, batch_size: int = 500,
               progress: Callable[[int], None] | None = None, access: Access = LOCAL) -> ReevaluationReport:
    """Evaluate the latest version of stored cases under `registry` and keep the new decision next
    to the old ones. `as_of` evaluates as if the reference date were that day (another version of the
    rule sets). Case versions that already have a decision under the label `evaluation` are left alone.
    `case_ids` selects every case with these ids; each is written to its own version (by row)."""
    report = ReevaluationReport()
    after = 0
    while True:
        rows = store.latest_cases(municipality, case_ids, after_id=after, limit=batch_size)
        if not rows:
            break
        after = rows[-1].id
        store.log_access(access, "reevaluate", [(case_ref(r.case_id, r.team), r.municipality) for r in rows])
        batch = []
        done = store.evaluated([r.id for r in rows], evaluation)
        report.written.unchanged += len(done)
        for r in rows:
            if r.id in done:
                continue
            try:
                case = parse_stored(r.case_json)
                if as_of:
                    case = case.model_copy(update={"reference_date": as_of})
                decision = decide_case(case, registry, "nl", explanation=False)
            except RegelruimteError as exc:
                named = f"{r.municipality}/{case_ref(r.case_id, r.team)}"  # the id alone may name two cases
                report.problems += [Problem(f"{named}: {p.message}", f"{named}: {p.message_en}",
                                            field=p.field) for p in exc.problems]
                continue
            batch.append(Evaluated(r.id, r.case_id, r.municipality, r.reference_date, decision))
        report.evaluated += len(batch)
        report.written.merge(store.add_decisions(batch, evaluation, as_of, source="reevaluate"))
        if progress:
            progress(report.evaluated)
    return report
