"""Golden explanations: what a professional reads, kept beside the rule sets, so that a rule change
shows as a diff of that text (Catala's and OpenFisca's practice; docs/decisions/0018-golden-explanations.md).

`<rule-set folder>/golden/` holds

- `cases/<name>.yaml`: readable cases (the acceptance cases and a few generated ones); for each,
  `<name>.nl.txt` and `<name>.en.txt` hold every rendering of its decision (RENDERINGS), in sections;
- `generated.jsonl.gz`: many generated cases, one JSON case a line; `generated.digests` holds, per case
  and language, a digest of each rendering (the full text of thousands of cases would not fit in git).

`regelruimte test --reset` rewrites the .txt files and the digests; `regelruimte test` compares.
A difference in a readable case is shown as a unified diff; one in a generated case names the case,
the language and the renderings that changed, with the new text of the first.
"""
from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from decision.decide import decide
from engine.errors import RegelruimteError
from engine.registry import Registry
from engine.yamlsource import load_file

from .renderings import RENDERINGS, render

FOLDER = "golden"
LANGS = ("nl", "en")
GENERATED = "generated.jsonl.gz"
DIGESTS = "generated.digests"
DIGEST_HEX = 12  # 48 bits: a changed text goes unnoticed once in 10^14
SECTION = "===== {form} =====\n"
SHOWN_LINES = 60  # of a diff or a new text in a message
SHOWN_WIDTH = 200  # of a line in a message (the decision JSON holds the whole text on one line)
# A version's content digest changes with any edit of its files, so it would make every golden file
# differ on every rule change (or a mere move of the figures); the golden copy masks it.
VERSION_DIGEST = re.compile(r"sha256:[0-9a-f]{12,64}")
MASK = "sha256:<regelset>"


@dataclass
class Difference:
    """One case in one language whose renderings are not the golden ones."""

    case: str
    lang: str
    forms: list[str]
    where: str  # the golden file (readable) or the generated cases' file and line
    detail: str  # a unified diff, or the new text of the first changed rendering

    def text(self, lang: str = "nl") -> str:
        forms = ", ".join(self.forms)
        head = (f"{self.where}: case {self.case} ({self.lang}) differs in {forms}" if lang == "en" else
                f"{self.where}: casus {self.case} ({self.lang}) wijkt af in {forms}")
        return head + "\n" + self.detail


@dataclass
class Report:
    readable: int = 0  # cases
    generated: int = 0
    differences: list[Difference] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)  # by reset: the files it changed


def folder(root: Path) -> Path:
    return Path(root) / FOLDER


def renderings(data: Any, registry: Registry, lang: str, file: str | None = None) -> dict[str, str]:
    """Every rendering of the decision on `data`, version digests masked; a case the rules refuse gives
    its error in each."""
    try:
        decision = decide(data, registry, lang, file=file)
    except RegelruimteError as exc:
        return {form: exc.render(lang) + "\n" for form in RENDERINGS}
    return {form: VERSION_DIGEST.sub(MASK, render(decision, registry, lang, form)) for form in RENDERINGS}


def _body(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def readable_text(outputs: dict[str, str]) -> str:
    return "".join(SECTION.format(form=form) + _body(text) for form, text in outputs.items())


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_HEX]


def _readable_cases(root: Path) -> list[Path]:
    return sorted((folder(root) / "cases").glob("*.yaml"))


def _generated(root: Path) -> Iterator[dict]:
    path = folder(root) / GENERATED
    if path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


def _read_digests(root: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(case, lang) -> form -> digest; the first line names the forms of the columns."""
    path = folder(root) / DIGESTS
    if not path.exists():
        return {}
    head, *rows = path.read_text(encoding="utf-8").splitlines()
    forms = head.split()[3:]  # "# case lang <form> ..."
    return {(case, lang): dict(zip(forms, digests)) for case, lang, *digests in map(str.split, rows)}


def _shown(lines: list[str]) -> str:
    """At most SHOWN_LINES lines of at most SHOWN_WIDTH characters."""
    cut = [line if len(line) <= SHOWN_WIDTH else line[:SHOWN_WIDTH] + " …\n" for line in lines[:SHOWN_LINES]]
    more = len(lines) - SHOWN_LINES
    return "".join(cut) + (f"... (+{more} regels)\n" if more > 0 else "")


def _diff(old: str, new: str, name: str) -> str:
    return _shown(list(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                            f"{name} (golden)", f"{name} (nu)", n=2)))


def _sections(text: str) -> dict[str, str]:
    """The renderings in a golden .txt file, by form (to name which of them changed)."""
    out, form = {}, None
    for line in text.splitlines(keepends=True):
        head = line.removeprefix("===== ").removesuffix(" =====\n")
        if line.startswith("===== ") and head in RENDERINGS:
            form = head
            out[form] = ""
        elif form is not None:
            out[form] += line
    return out


def check(root: Path, registry: Registry, every: int = 1) -> Report:
    """Hold the current renderings against the golden files under `root` (`every`: only each n-th
    generated case, for a quick run). Readable differences come first, so the first shown is a diff."""
    root = Path(root)
    report = Report()
    for path in _readable_cases(root):
        report.readable += 1
        data = load_file(path)
        for lang in LANGS:
            outputs = renderings(data, registry, lang, file=f"cases/{path.name}")
            golden = path.parent.parent / f"{path.stem}.{lang}.txt"
            old = golden.read_text(encoding="utf-8") if golden.exists() else ""
            new = readable_text(outputs)
            if new != old:
                before = _sections(old)
                forms = [f for f in RENDERINGS if before.get(f) != _body(outputs[f])]
                report.differences.append(Difference(path.stem, lang, forms, f"{FOLDER}/{golden.name}",
                                                     _diff(old, new, golden.name)))
    stored = _read_digests(root)
    for i, data in enumerate(_generated(root)):
        if i % every:
            continue
        report.generated += 1
        for lang in LANGS:
            outputs = renderings(data, registry, lang)
            want = stored.get((data["case_id"], lang), {})
            forms = [f for f in RENDERINGS if digest(outputs[f]) != want.get(f)]
            if forms:
                detail = (f"nieuwe {forms[0]} (van deze casus is alleen een digest bewaard):\n"
                          + _shown(outputs[forms[0]].splitlines(keepends=True)))
                report.differences.append(Difference(data["case_id"], lang, forms,
                                                     f"{FOLDER}/{GENERATED}:{i + 1}", detail))
    return report


def reset(root: Path, registry: Registry) -> Report:
    """Rewrite the golden files under `root` from the current rules and renderers."""
    root, report = Path(root), Report()
    here, changed = folder(root), report.rewritten

    def write(path: Path, text: str) -> None:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(str(path.relative_to(root)))

    cases = _readable_cases(root)
    report.readable = len(cases)
    for path in cases:
        data = load_file(path)
        for lang in LANGS:
            write(here / f"{path.stem}.{lang}.txt",
                  readable_text(renderings(data, registry, lang, file=f"cases/{path.name}")))
    keep = {f"{p.stem}.{lang}.txt" for p in cases for lang in LANGS}
    for stale in sorted(here.glob("*.txt")):
        if stale.name not in keep:
            stale.unlink()
            changed.append(str(stale.relative_to(root)))
    rows = [f"# case lang {' '.join(RENDERINGS)}\n"]
    for data in _generated(root):
        report.generated += 1
        for lang in LANGS:
            outputs = renderings(data, registry, lang)
            rows.append(f"{data['case_id']} {lang} {' '.join(digest(outputs[f]) for f in RENDERINGS)}\n")
    if len(rows) > 1:
        write(here / DIGESTS, "".join(rows))
    return report
