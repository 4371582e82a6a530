"""A route whose lead time is a figure from practice (not verified) and clearly too long for when help is
needed is said to be uncertain, with the practice figure longer and not verified, in the CLI text, the
onderbouwing and on the page alike (decision record 0040). Never "waarschijnlijk te laat": the law sets no
period and an urgent case may go faster (legal audit D-27; the legal suite holds it)."""
from __future__ import annotations

import subprocess

import pytest

from explain.lines import probably_late, timing
from tests.conftest import ROOT


def route(**kw):
    return {"in_time": None, "lead_time_days": 42, "lead_time_verified": False} | kw


@pytest.mark.parametrize("r, within, said", [
    (route(), 14, "too_late_unverified"),          # art. 16: about 6 weeks in practice, needed in 2 weeks
    (route(), 21, "too_late_unverified"),          # twice as long: clearly too long
    (route(), 30, None),                            # a practice figure can be off: not "clearly"
    (route(), 60, None),
    (route(), None, None),                          # no deadline in the case
    (route(lead_time_days=None), 14, None),
    (route(lead_time_verified=True, in_time=False), 14, "too_late"),
    (route(lead_time_verified=True, in_time=True, lead_time_days=1), 14, "in_time"),
])
def test_when_a_route_is_probably_too_late(r, within, said):
    assert timing(r, within) == said
    assert probably_late(r, within) == (said == "too_late_unverified")


def test_the_cli_says_it_plainly_and_marks_it_unverified():
    out = subprocess.run([str(ROOT / ".venv/bin/regelruimte"), "check", "examples/zaanstad-lasmasker.yaml"],
                         cwd=ROOT, capture_output=True, text=True).stdout
    text = " ".join(out.split())
    assert ("ca. 42 dagen, geen wettelijke termijn (in één gemelde casus ongeveer 6 weken). Onzeker: de hulp is "
            "nodig binnen 14 dagen, en de doorlooptijd uit de praktijk is langer (niet geverifieerd).") in text
    assert "te laat" not in text.replace("Snelste route die op tijd kan", "")
    # the advice still names only a route with a verified lead time
    assert "Snelste route die op tijd kan: Budget Maatwerkondersteuning" in text

