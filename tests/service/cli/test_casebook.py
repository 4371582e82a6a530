import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from casebook.store import Store
from casebook.synthetic import generate
from service.cli.main import main
from tests.conftest import CASES, ROOT


def cli(*args, db=None):
    prefix = ["casebook", "--db", str(db)] if db else ["casebook"]
    return main([*prefix, *args])


def run(*args):
    return subprocess.run([sys.executable, "-m", "service.cli", "casebook", *args], capture_output=True, text=True,
                          cwd=ROOT)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "casebook.sqlite"


@pytest.fixture
def filled(db, tmp_path, registry):
    path = tmp_path / "syn.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in generate(120, seed=3, registry=registry)))
    assert cli("import", str(path), "--batch-size", "50", db=db) == 0
    return db


def test_import_with_worker_processes_reports_what_one_process_reports(tmp_path, registry, capsys):
    path = tmp_path / "syn.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in generate(40, seed=8, registry=registry)) + "{kapot\n")
    reports = []
    for workers in ("1", "2"):
        assert cli("import", str(path), "--batch-size", "15", "--workers", workers, "--json",
                   db=tmp_path / f"w{workers}.sqlite") == 2  # a record was refused
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1] and (reports[0]["added"], reports[0]["batches"]) == (40, 3)
    assert run("--db", str(tmp_path / "x.sqlite"), "import", str(path), "--workers", "65").returncode == 2


def test_the_import_summary_in_english(db, capsys):
    assert cli("init", db=db) == 0 and cli("--lang", "en", "import", str(CASES), db=db) == 0
    out, _ = capsys.readouterr()
    assert "6 read: 6 new" in out and "skipped, not a case: expected.yaml" in out and "gelezen" not in out


def test_init_import_list_show(db, capsys):
    assert cli("init", db=db) == 0
    assert cli("import", str(CASES), db=db) == 0
    out, err = capsys.readouterr()
    assert "6 gelezen: 6 nieuw" in out and err == ""
    assert "overgeslagen, geen casus: expected.yaml" in out  # the expectations beside the cases, in one line
    assert cli("list", "--municipality", "zaanstad", "--json", db=db) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 2 and {c["case_id"] for c in listed["cases"]} == {"zaanstad-lasmasker",
                                                                                "zaanstad-onvolledig"}
    assert cli("show", "zaanstad-lasmasker", db=db) == 0
    out = capsys.readouterr().out
    assert "zaanstad-lasmasker versie 1 (nieuwste)" in out and "Onderbouwing casus zaanstad-lasmasker" in out
    assert "Kassabon" in out
    assert cli("show", "bestaat-niet", db=db) == 2


def test_a_folder_skips_only_files_that_are_no_case(db, tmp_path, capsys):
    folder = tmp_path / "map"
    folder.mkdir()
    (folder / "notities.yaml").write_text("eigenaar: team oost\nzie: README\n")
    # a case with a mistake is a case: it is reported with file and line, never skipped
    (folder / "fout.yaml").write_text("case_id: fout-1\nreference_date: 2025-09-15\nmunicipality: zaanstad\n"
                                      "income: [{source: wages, net_monthly: '-5'}]\n")
    assert cli("import", str(folder), "--json", db=db) == 2
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["skipped"] == ["notities.yaml"] and result["read"] == 1
    assert "fout.yaml:4" in err


def test_report_text_html_csv_parquet_json(filled, tmp_path, capsys):
    capsys.readouterr()
    assert cli("report", db=filled) == 0
    text = capsys.readouterr().out
    assert text.startswith("Casebook: 120 casussen") and "Blokkades per regel" in text and "Kassabon per route" in text
    html, csv_dir, pq_dir = tmp_path / "r.html", tmp_path / "csv", tmp_path / "pq"
    assert cli("report", "--municipality", "zaanstad", "-o", str(html), "--csv", str(csv_dir), "--parquet", str(pq_dir),
               db=filled) == 0
    assert "<svg" in html.read_text(encoding="utf-8")
    assert (csv_dir / "blocks.csv").read_text().startswith("rank,rule,title,law,article")
    assert pq.read_table(pq_dir / "blocks.parquet").num_rows == len((csv_dir / "blocks.csv").read_text().splitlines()) - 1
    capsys.readouterr()
    assert cli("report", "--json", "--period", "year", db=filled) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["overview"]["cases"] == 120 and data["period"] == "year"
    assert set(data["tables"]) >= {"blocks", "collision_pairs", "routes", "no_route", "kassabon", "missing_facts"}


def test_stats_check_export_delete(filled, tmp_path, capsys):
    capsys.readouterr()
    assert cli("stats", "--json", db=filled) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["cases"] == 120 and stats["batches"] == 3
    assert cli("check", db=filled) == 0
    out = tmp_path / "zaanstad.jsonl"
    assert cli("export", "--municipality", "zaanstad", "--format", "jsonl", "-o", str(out), db=filled) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and all(v["municipality"] == "zaanstad" and v["decisions"] for v in lines)
    assert cli("export", "--municipality", "zaanstad", db=filled) == 0
    capsys.readouterr()
    assert cli("delete", "--municipality", "zaanstad", db=filled) == 2  # asks for --yes
    assert cli("delete", "--municipality", "zaanstad", "--yes", db=filled) == 0
    assert cli("delete", lines[0]["case_id"], db=filled) == 2  # gone already
    with Store.open(str(filled)) as store:
        assert store.stats()["cases"] == 120 - len(lines) and store.check() == []


def test_reevaluate_keeps_both(filled, capsys):
    capsys.readouterr()
    assert cli("reevaluate", "--as-of", "2026-01-01", "--municipality", "utrecht", "--json", db=filled) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["evaluation"].endswith("~2026-01-01") and result["added"] == result["evaluated"] > 0
    assert cli("stats", "--json", db=filled) == 0
    stats = json.loads(capsys.readouterr().out)
    assert [e["decisions"] for e in stats["evaluations"]] == [120, result["added"]]


def test_generate_and_demo(tmp_path, capsys):
    out = tmp_path / "syn.jsonl"
    assert cli("generate", "--cases", "15", "--seed", "4", "-o", str(out)) == 0
    assert len(out.read_text().splitlines()) == 15
    assert cli("demo", "--cases", "15", db=tmp_path / "demo.sqlite") == 0
    assert "15 casussen" in capsys.readouterr().out


def test_bad_input_exits_2_without_a_traceback(tmp_path):
    bad_csv = tmp_path / "x.csv"
    bad_csv.write_text("case_id,reference_date,municipality,options,kleur\n")
    for args, fragment in [
        (["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "stats"], "database:"),
        (["--db", "mysql+nodriver://x/y", "stats"], "database:"),
        (["--db", str(tmp_path / "c.sqlite"), "import", str(bad_csv)], "onbekende kolom 'kleur'"),
        (["--db", str(tmp_path / "c.sqlite"), "import", str(tmp_path / "nergens.jsonl")], "bestaat niet"),
        (["--db", str(tmp_path / "c.sqlite"), "list", "--from", "gisteren"], "geen geldige datum"),
        (["--db", str(tmp_path / "c.sqlite"), "import", str(bad_csv), "--batch-size", "0"], "van 1 tot"),
    ]:
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert fragment in result.stderr and "Traceback" not in result.stderr


def test_users_are_managed_from_the_command_line(db, capsys):
    assert cli("users", "add", "ana@zaanstad.nl", "--rol", "analyst", "--gemeente", "zaanstad", "--token", db=db) == 0
    out, err = capsys.readouterr()
    token = out.splitlines()[-1]
    assert token.startswith("rr_") and "niet nog eens getoond" in err
    stored = b"".join(f.read_bytes() for f in db.parent.glob("casebook.sqlite*"))
    assert token.encode() not in stored  # only its hash is stored
    with Store.open(str(db)) as store:
        from casebook.users import user_by_token
        assert user_by_token(store.engine, token).municipalities == ("zaanstad",)
    assert cli("users", "add", "pro", "--rol", "professional", "--gemeente", "zaanstad", db=db) == 2
    assert "een professional hoort bij een team" in capsys.readouterr().err
    assert cli("users", "add", "111222333", "--rol", "admin", "--gemeente", "*", db=db) == 2  # BSN-like name
    assert "111222333" not in capsys.readouterr().err
    assert cli("users", "list", "--json", db=db) == 0
    assert [u["name"] for u in json.loads(capsys.readouterr().out)] == ["ana@zaanstad.nl"]
    assert cli("users", "token", "ana@zaanstad.nl", "--revoke", db=db) == 0
    assert "1 token(s) ingetrokken" in capsys.readouterr().out
    assert cli("users", "remove", "ana@zaanstad.nl", db=db) == 0
    assert cli("users", "remove", "ana@zaanstad.nl", db=db) == 2


def test_with_users_the_command_line_is_audited_and_the_log_exports(filled, tmp_path, capsys):
    assert cli("users", "add", "beheer", "--rol", "admin", "--gemeente", "*", db=filled) == 0
    assert cli("list", "--limit", "3", db=filled) == 0
    assert cli("export", "--municipality", "zaanstad", "-o", str(tmp_path / "z.json"), db=filled) == 0
    capsys.readouterr()
    assert cli("audit", db=filled) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "export" in lines[0] and "regelruimte casebook export" in lines[0] and "list" in lines[1]
    assert cli("audit", "--export", str(tmp_path / "audit.csv"), db=filled) == 0
    assert (tmp_path / "audit.csv").read_text().startswith("at,user_name,role,action,allowed,via")
    assert cli("audit", "--export", str(tmp_path / "audit.txt"), db=filled) == 2


def test_retention_from_the_command_line(filled, capsys, monkeypatch):
    assert cli("retention", db=filled) == 2
    assert "--months" in capsys.readouterr().err
    monkeypatch.setenv("REGELRUIMTE_CASEBOOK_RETENTION_MONTHS", "12")
    assert cli("retention", "--dry-run", db=filled) == 0  # everything was stored just now
    assert capsys.readouterr().out.startswith("0 casus(sen) ouder dan 12 maanden")
    for bad in ("0", "1201", "99999999", "een"):
        with pytest.raises(SystemExit) as exc:
            cli("retention", "--months", bad, db=filled)
        assert exc.value.code == 2
    assert "geheel aantal maanden van 1 tot 1200" in capsys.readouterr().err
    monkeypatch.setenv("REGELRUIMTE_CASEBOOK_RETENTION_MONTHS", "twaalf")
    assert cli("retention", db=filled) == 2
    assert "geheel aantal maanden" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["mysql://x", "oracle://x", "geen url://", "postgresql+psycopg://postgres@127.0.0.1:1/x"])
def test_a_database_the_casebook_cannot_use_is_said_in_dutch_not_a_traceback(url, capsys):
    """mysql:// gave a ModuleNotFoundError traceback (attacker review); a refused connection the driver's English."""
    assert main(["casebook", "--db", url, "stats"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("regelruimte: fout: database: ")
    assert "geef een SQLite-pad of een PostgreSQL-URL" in err or "de database gaf een fout" in err


@pytest.mark.parametrize("env, value", [("REGELRUIMTE_DATABASE_URL", "mysql://x"),
                                        ("REGELRUIMTE_CASEBOOK_RETENTION_MONTHS", "²")])
def test_the_service_does_not_start_on_a_bad_setting(env, value, monkeypatch, capsys):
    """It started and answered 500 on every casebook route, or stopped with a traceback from its lifespan."""
    monkeypatch.setenv(env, value)
    assert main(["serve", "--port", "1"]) == 2  # refused before the port is opened
    err = capsys.readouterr().err
    assert "Traceback" not in err and "regelruimte: fout: " in err and value not in err


def test_an_import_file_whose_name_looks_like_a_bsn_exits_2_without_its_name(tmp_path):
    for name in ("111222333.yaml", "klant 111.222.333.csv"):
        path = tmp_path / name
        path.write_text((CASES / "zaanstad-lasmasker.yaml").read_text())
        result = run("--db", str(tmp_path / "c.sqlite"), "import", str(path))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "bestandsnaam" in result.stderr and "111" not in result.stderr + result.stdout
