"""A tiny rule-set folder for testing lint and the rule-set test runner: one national rule set with two
versions, one municipality, and a test file that covers everything. Tests change it to provoke findings."""
from __future__ import annotations

from pathlib import Path

FACTS = """\
facts:
  case.reference_date: {type: date, label: peildatum, label_en: date, question: "Peildatum?", question_en: "Date?"}
  case.municipality: {type: text, label: gemeente, label_en: municipality, question: "Gemeente?", question_en: "Municipality?"}
  income.net_monthly: {type: money, label: inkomen, label_en: income, question: "Inkomen?", question_en: "Income?"}
  applicant.age: {type: integer, label: leeftijd, label_en: age, question: "Leeftijd?", question_en: "Age?"}
options:
  opt_a: {title: Optie A, title_en: Option A}
"""

RULESET = """\
id: demo
title: Demowet
title_en: Demo act
jurisdiction: national
law: Demowet
source: {law: Demowet, url: "https://wetten.overheid.nl/BWBR0000001"}
"""

V2024 = """\
version:
  changes: Basisversie.
parameters:
  grens:
    title: Inkomensgrens
    title_en: Income limit
    unit: EUR/maand
    value: "1000"
    source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/BWBR0000001/2024-01-01"}
rules:
  - id: demo.2.grens
    kind: block
    title: Geen hulp boven de grens
    title_en: No help above the limit
    applies_to: [opt_a]
    when: income.net_monthly > demo.grens
    reason: Het inkomen is te hoog.
    reason_en: Income is too high.
    source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/jci1.3:c:BWBR0000001&artikel=2"}
routes:
  - id: demo.3.ouderen
    title: Uitzondering voor ouderen
    title_en: Exception for older people
    lifts: [demo.2.grens]
    when: applicant.age >= 60
    decided_by: college
    discretionary: true
    lead_time: {days: 10, basis: praktijk, basis_en: practice}
    argue: Leg uit waarom.
    argue_en: Explain why.
    source: {law: Demowet, article: "3", url: "https://wetten.overheid.nl/jci1.3:c:BWBR0000001&artikel=3"}
"""

V2025 = """\
version:
  changes: Nieuwe grens.
parameters:
  grens:
    title: Inkomensgrens
    title_en: Income limit
    unit: EUR/maand
    value: "1100"
    source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/BWBR0000001/2025-01-01"}
"""

LOCAL = """\
id: stad
title: Stad
title_en: Town
jurisdiction: stad
law: Beleid Stad
source: {law: Beleid Stad, note: demo}
layers_on: [demo]
"""

TESTS = """\
defaults:
  municipality: stad
  options: [opt_a]
tests:
  - id: boven-de-grens
    date: 2024-06-01
    case: {income: [{source: wages, net_monthly: "1000.01"}]}
    expect:
      status: {opt_a: blocked}
      blocks: {opt_a: [demo.2.grens]}
      routes: {opt_a: {demo.3.ouderen: unavailable}}
  - id: oudere-boven-de-grens
    date: 2024-06-01
    case: {income: [{source: wages, net_monthly: "1500"}], household: {members: [{role: applicant, age: 61}]}}
    expect:
      status: {opt_a: route_available}
      routes: {opt_a: {demo.3.ouderen: available}}
  - id: op-de-grens
    date: 2024-12-31
    case: {income: [{source: wages, net_monthly: "1000"}]}
    expect:
      status: {opt_a: allowed}
      not_blocked: {opt_a: [demo.2.grens]}
      facts: {demo.grens: "1000"}
  - id: nieuwe-grens
    date: 2025-01-01
    case: {income: [{source: wages, net_monthly: "1050"}]}
    expect:
      status: {opt_a: allowed}
      facts: {demo.grens: "1100"}
"""


def write(root: Path, files: dict[str, str] | None = None) -> Path:
    """Write the demo rule sets under `root`; `files` adds or replaces files (None deletes one)."""
    content = {
        "facts.yaml": FACTS,
        "demo/ruleset.yaml": RULESET,
        "demo/2024-01-01/rules.yaml": V2024,
        "demo/2025-01-01/version.yaml": V2025,
        "demo/2024-01-01/demo.test.yaml": TESTS,
        "local/stad/ruleset.yaml": LOCAL,
        "local/stad/2024-01-01/version.yaml": "version:\n  changes: Basisversie.\n",
    }
    content.update(files or {})
    for name, text in content.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# The same demo with its figure as a time series (parameters/<group>.yaml) instead of restated per version.
SERIES = """\
parameters:
  grens:
    title: Inkomensgrens
    title_en: Income limit
    unit: EUR/maand
    values:
      2024-01-01:
        value: "1000"
        source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/BWBR0000001/2024-01-01"}
      2025-01-01:
        value: "1100"
        source: {law: Demowet, article: "2", url: "https://wetten.overheid.nl/BWBR0000001/2025-01-01"}
"""

# A second figure whose series starts with the 2025 version (append it to SERIES).
EXTRA_FROM_2025 = """\
  extra:
    title: Extra
    title_en: Extra
    unit: EUR
    values:
      2025-01-01: {value: "5", source: {law: Demowet, article: "5", url: "https://wetten.overheid.nl/BWBR0000001/2025-01-01"}}
"""

AS_SERIES = {
    "demo/parameters/grenzen.yaml": SERIES,
    "demo/2024-01-01/rules.yaml": V2024.replace(V2024[V2024.index("parameters:"):V2024.index("rules:")], ""),
    "demo/2025-01-01/version.yaml": V2025[:V2025.index("parameters:")],
}


def write_series(root: Path, files: dict[str, str] | None = None) -> Path:
    """The demo with its figures as series; `files` as for `write`."""
    return write(root, {**AS_SERIES, **(files or {})})
