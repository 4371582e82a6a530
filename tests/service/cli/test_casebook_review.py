"""The command line's casebook after the independent review: an export imports back (item 2) and import
and user messages that say what is wrong (item 5). Kept apart from test_casebook.py so that both grow
without touching each other."""
import json

import pytest

from casebook.store import Store
from casebook.synthetic import generate
from tests.service.cli.test_casebook import cli, db, filled  # noqa: F401 - the same casebook fixtures


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_an_export_imports_back_json_as_jsonl(filled, tmp_path, capsys, fmt):
    """Review item 2: the JSON export's own digests (sha256 of the case and the rule sets) were read as case
    data and refused as BSN-like numbers; its case versions are the records, as in the JSONL export."""
    out = tmp_path / f"z.{fmt}"
    assert cli("export", "--municipality", "zaanstad", "--format", fmt, "-o", str(out), db=filled) == 0
    n = int(capsys.readouterr().out.split()[0])
    assert n > 0
    again = tmp_path / "again.sqlite"
    assert cli("import", str(out), db=again) == 0
    text = capsys.readouterr().out
    assert f"{n} gelezen: {n} nieuw" in text and "0 problemen" in text
    assert cli("import", str(out), db=again) == 0  # and once more: nothing new
    assert f"{n} al aanwezig" in capsys.readouterr().out
    before, after = Store.open(f"sqlite:///{filled}"), Store.open(f"sqlite:///{again}")
    try:
        assert [v["digest"] for v in after.export("zaanstad")] == [v["digest"] for v in before.export("zaanstad")]
    finally:
        before.close()
        after.close()


def test_a_json_export_still_refuses_a_bsn_in_the_case_data(filled, tmp_path, capsys):
    out = tmp_path / "z.json"
    assert cli("export", "--municipality", "zaanstad", "-o", str(out), db=filled) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text())
    doc["cases"][1]["case"]["need"]["description"] = "klant 111222333"  # passes the BSN eleven test
    out.write_text(json.dumps(doc))
    assert cli("import", str(out), db=tmp_path / "again.sqlite") == 2
    _, err = capsys.readouterr()
    assert "BSN" in err and "111222333" not in err and "digest" not in err


def test_import_messages_say_what_is_wrong_and_what_is_allowed(db, tmp_path, registry, capsys):
    """Review item 5: 'Zaanstad' and a case id with é got only 'ongeldige opmaak'."""
    case = next(iter(generate(1, seed=3, registry=registry)))
    case = case.get("case", case)
    upper = dict(case, case_id="hoofdletter-1", municipality="Zaanstad")
    accent = dict(case, case_id="casé-1", municipality="zaanstad")
    path = tmp_path / "fout.jsonl"
    path.write_text(json.dumps(upper) + "\n" + json.dumps(accent, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli("import", str(path), db=db) == 2
    _, err = capsys.readouterr()
    assert "fout.jsonl:1 municipality: ongeldige opmaak: de gemeente is haar korte naam in kleine letters" in err
    assert "zonder hoofdletters" in err and "Zaanstad" not in err
    assert "fout.jsonl:2 case_id: ongeldige opmaak: een casus-id begint met een letter of cijfer" in err
    assert "zonder accent" in err and "casé" not in err


def test_a_csv_with_only_its_header_is_not_a_success(db, tmp_path, capsys):
    path = tmp_path / "leeg.csv"
    path.write_text("case_id,reference_date,municipality,options\n")
    assert cli("import", str(path), db=db) == 2
    _, err = capsys.readouterr()
    assert "leeg.csv: geen enkele casus gelezen" in err and "kopregel" in err and "Traceback" not in err


def test_a_user_of_an_unknown_municipality_is_refused(db, capsys):
    assert cli("init", db=db) == 0
    assert cli("users", "add", "ana@nergens.nl", "--rol", "analyst", "--gemeente", "nergensland", db=db) == 2
    _, err = capsys.readouterr()
    assert "onbekende gemeente: nergensland" in err and "zaanstad" in err
    assert cli("users", "list", "--json", db=db) == 0
    assert json.loads(capsys.readouterr().out) == []  # nothing stored
    assert cli("users", "add", "ana@zaanstad.nl", "--rol", "analyst", "--gemeente", "zaanstad", db=db) == 0
