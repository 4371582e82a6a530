"""Records a careless export or a hostile sender puts in an import, on SQLite and PostgreSQL: the bad
record is named with its line, and the rest of the batch is stored (issue 13)."""
from __future__ import annotations

from decimal import Decimal
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.importers import check_meta
from casebook.records import Meta
from engine.errors import CaseError
from tests.casebook.conftest import add_records
from tests.conftest import lasmasker


def case(i: int, **fields) -> dict:
    return dict(lasmasker(), case_id=f"h-{i}", **fields)


@pytest.mark.parametrize("bad", [
    {"case": case(2), "signal": "tekst met \x00 erin"},                      # PostgreSQL cannot store NUL
    {"case": case(2), "team": "team\x00"},
    case(2, need=dict(lasmasker()["need"], purpose="a\x00b")),
    case(2, circumstances={"gifts_this_year": Decimal("1e999999999")}),      # was stored, then crashed
    {"case": case(2), "signal": "bel 111-222-333"},
    {"case": case(2), "tags": ["Jan Jansen, Dorpsstraat 1"]},
    {"case": case(2), "team": "t\ud800"},                                   # JSON's "\ud800": no UTF-8 holds it
    {"case": case(2), "signal": "s\udfff x"},                               # was: the whole import aborted
])
def test_a_bad_record_is_named_and_the_rest_of_its_batch_stored(store, registry, bad):
    report = add_records(store, registry, [case(1), bad, case(3)], batch_size=10)
    assert report.added == 2
    assert {p.line for p in report.rejected} == {2}
    text = " ".join(p.render() for p in report.rejected)
    assert "111-222-333" not in text and "Jansen" not in text and "\x00" not in text
    assert not any("\ud800" <= c <= "\udfff" for c in text)
    assert store.case("h-2") is None and store.case("h-1") is not None


meta_text = st.lists(st.sampled_from(["a", "1", "111222333", "111-22-2333", " ", "\x00", "\ud800", "\udfff", "\\u0000", "é",
                                      "\n", "\\"]), max_size=6).map("".join)


@settings(max_examples=500)
@given(st.none() | meta_text, st.none() | meta_text, st.lists(meta_text, max_size=3))
def test_the_casebook_fields_are_refused_as_by_the_full_walks(team, signal, tags):
    # check_meta reads NUL and lone surrogates off the fields written as JSON; without it (None), it walks them
    def problems():
        try:
            check_meta(Meta(team=team, signal=signal, tags=tuple(tags)), "f.jsonl", 3)
        except CaseError as exc:
            return [vars(p) for p in exc.problems]
        return []
    found = problems()
    with patch("casebook.importers.as_json", lambda data: None):
        assert problems() == found
