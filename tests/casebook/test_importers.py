import copy
import json
import multiprocessing
import os
import signal

import pytest
import yaml
from sqlalchemy import select

from casebook import importers, store as store_module
from casebook.importers import MAX_LINE_BYTES, import_path, load_column_mapping, parse_amount, read_csv, read_source
from casebook.models import CaseRow, DecisionRow
from casebook.store import Filters, Store
from casebook.synthetic import generate
from engine.errors import RegelruimteError
from engine.yamlsource import SourceError
from tests.casebook.conftest import database_url
from tests.conftest import CASES


def run(store, registry, path, **kwargs):
    return import_path(store, registry, path, "test", **kwargs)


def messages(report):
    return [p.render() for p in report.rejected]


def test_a_folder_of_yaml_and_json(sqlite_store, registry, tmp_path, welding_case):
    folder = tmp_path / "cases"
    (folder / "sub").mkdir(parents=True)
    (folder / "lasmasker.yaml").write_text((CASES / "zaanstad-lasmasker.yaml").read_text(encoding="utf-8"))
    other = copy.deepcopy(welding_case)
    other["case_id"] = "als-json"
    (folder / "sub" / "case.json").write_text(json.dumps({"case": other, "team": "wijkteam-noord",
                                                          "signal": "systeemprobleem: x", "tags": ["Wsnp"]}))
    (folder / "kapot.yaml").write_text("case_id: x\noptions: [\n")
    (folder / "fout.yaml").write_text("case_id: fout\nreference_date: 2025-01-01\nmunicipality: zaanstad\n"
                                      "options: [in_kind]\nneed: {kind: one_off_cost, amount: -3}\n")
    (folder / "notities.txt").write_text("geen casus")
    report = run(sqlite_store, registry, folder)
    assert (report.read, report.added) == (4, 2)
    text = messages(report)
    assert any(m.startswith("kapot.yaml:") and "ongeldige YAML" in m for m in text)
    assert "fout.yaml:5 need.amount: moet ten minste 0 zijn" in text
    stored = sqlite_store.case("als-json")["versions"][0]
    assert (stored["team"], stored["signal"], stored["tags"]) == ("wijkteam-noord", "systeemprobleem: x", ["wsnp"])
    assert stored["origin"] == "sub/case.json"


def test_a_jsonl_file_reports_bad_lines_and_imports_the_rest(store, registry, tmp_path, welding_case):
    bad_option = dict(copy.deepcopy(welding_case), case_id="b", options=["in_knd"])
    too_early = dict(copy.deepcopy(welding_case), case_id="c", reference_date="2019-01-01")
    lines = [json.dumps(welding_case), "", "{niet json", json.dumps(bad_option), json.dumps(too_early),
             json.dumps({"case": dict(welding_case, case_id="d"), "kleur": "rood"})]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = run(store, registry, path)
    assert (report.read, report.added) == (5, 1)
    text = messages(report)
    assert any(m.startswith("cases.jsonl:3: ongeldige JSON") for m in text)
    assert any(m.startswith("cases.jsonl:4 options.0: onbekende optie; bedoelde u 'in_kind'?; toegestaan:")
               for m in text)
    assert not any("in_knd" in m for m in text)  # the value sent is not repeated
    assert any(m.startswith("cases.jsonl:5 reference_date: geen versie van regelset") for m in text)
    assert any(m.startswith("cases.jsonl:6 kleur: onbekend veld in het importrecord") for m in text)
    assert [r["case_id"] for r in store.list_cases(Filters())[1]] == ["zaanstad-lasmasker"]


def test_a_number_that_looks_like_a_bsn_is_refused_in_the_signal_too(sqlite_store, registry, tmp_path, welding_case):
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"case": welding_case, "signal": "systeemprobleem bij 111222333"}) + "\n")
    report = run(sqlite_store, registry, path)
    assert report.added == 0
    assert "111222333" not in messages(report)[0] and "BSN" in messages(report)[0]


CSV_HEADER = ("case_id;reference_date;municipality;household.composition;applicant.age;income.wages;assets;"
              "debts.regime;debts.since;debts.free_allowance_monthly;benefit;work;need.kind;need.purpose;need.amount;"
              "need.needed_within_days;need.at_risk;options;avoided_costs.per_year;circumstances.necessary_cost;"
              "team;signal;tags")


def test_a_csv_with_dutch_amounts_lists_and_metadata(sqlite_store, registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(
        "\ufeff" + CSV_HEADER + "\n"
        "lasmasker;15-09-2025;zaanstad;single;41;1.720,00;0;wsnp;2025-03-01;1310,00;none;employed;one_off_cost;work;"
        "€ 1.100,00;14;job_loss;wage_deduction|special_assistance|cash_gift|in_kind;16428,72;ja;wijkteam-oost;"
        "systeemprobleem: voorschot mag niet;wsnp|werk\n"
        "\n"
        "tweede;2025-10-01;zaanstad;single;;;;;;;;;one_off_cost;;450;;;special_assistance;;;;;\n", encoding="utf-8")
    report = run(sqlite_store, registry, path)
    assert (report.added, report.rejected) == (2, [])
    stored = sqlite_store.case("lasmasker")["versions"][0]
    assert stored["case"]["debts"] == {"regime": "wsnp", "since": "2025-03-01", "free_allowance_monthly": "1310.00"}
    assert stored["case"]["household"] == {"composition": "single", "members": [{"role": "applicant", "age": 41}]}
    assert stored["case"]["avoided_costs"] == [{"item": "voorkomen kosten", "per_year": "16428.72"}]
    assert stored["case"]["income"] == [{"source": "wages", "net_monthly": "1720.00"}]
    assert stored["case"]["need"]["amount"] == "1100.00"
    assert stored["case"]["reference_date"] == "2025-09-15"
    assert stored["case"]["options"] == ["wage_deduction", "special_assistance", "cash_gift", "in_kind"]
    assert (stored["team"], stored["tags"]) == ("wijkteam-oost", ["wsnp", "werk"])
    assert stored["origin"] == "cases.csv:2"
    decision = stored["decisions"][0]["decision"]
    assert decision["outcome"] == "route_available"  # the welding mask, read from a spreadsheet
    second = sqlite_store.case("tweede")["versions"][0]
    assert "income" not in second["case"] and second["decisions"][0]["outcome"] == "needs_information"
    assert second["origin"] == "cases.csv:4"  # the empty line is skipped but counted


def test_a_csv_header_mapping(sqlite_store, registry, tmp_path):
    mapping = tmp_path / "kolommen.yaml"
    mapping.write_text(yaml.safe_dump({"Casus": "case_id", "Peildatum": "reference_date", "Gemeente": "municipality",
                                       "Opties": "options", "Opmerking": None}))
    path = tmp_path / "export.csv"
    path.write_text("Casus,Peildatum,Gemeente,Opties,Opmerking\nk1,2025-10-01,utrecht,special_assistance;in_kind,"
                    "vrije tekst\n")
    report = run(sqlite_store, registry, path, mapping=load_column_mapping(mapping))
    assert report.added == 1
    assert sqlite_store.case("k1")["versions"][0]["case"]["options"] == ["special_assistance", "in_kind"]


def test_a_csv_with_an_unknown_column_is_refused_whole(registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,need.amout\nx,2025-01-01,zaanstad,in_kind,5\n")
    with pytest.raises(RegelruimteError) as exc:
        list(read_csv(path, registry.vocabulary))
    assert "onbekende kolom 'need.amout' (kolom 5); bedoelde u 'need.amount'?" in exc.value.render()


def test_a_csv_cell_problem_names_the_column_and_line(sqlite_store, registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,applicant.age,income.wages,circumstances.detention\n"
                    "a,2025-01-01,zaanstad,in_kind,veertig,100,nee\n"
                    "b,2025-01-01,zaanstad,in_kind,40,\"1,100\",nee\n"
                    "c,2025-01-01,zaanstad,in_kind,200,100,misschien\n"
                    "d,2025-01-01,zaanstad,in_kind,40,100,nee\n")
    report = run(sqlite_store, registry, path)
    text = messages(report)
    assert report.added == 1
    assert "cases.csv:2 applicant.age: moet een geheel getal zijn" in text
    assert "cases.csv:3 income.wages: dubbelzinnig bedrag; schrijf het als 1100.00" in text
    assert "cases.csv:4 circumstances.detention: moet ja of nee zijn" in text
    report = run(sqlite_store, registry, path)  # the cell problems again, and d is already there
    assert report.unchanged == 1


def test_a_csv_value_problem_found_by_the_case_format_names_the_column(sqlite_store, registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,applicant.age,income.bijstand\n"
                    "a,2025-01-01,zaanstad,in_kind,200,100\n")
    assert messages(run(sqlite_store, registry, path)) == ["cases.csv:2 applicant.age: mag ten hoogste 130 zijn"]


def test_a_csv_names_housemates_one_group_of_columns_each(sqlite_store, registry, tmp_path):
    """Art. 19a Pw: who else lives in the home decides the kostendelersnorm; a spreadsheet says it per housemate."""
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,household.composition,applicant.age,"
                    "partner.age,partner.student_finance_possible,housemate_1.age,housemate_1.close_family,"
                    "housemate_3.age,housemate_3.student_finance,housemate_3.commercial_contract\n"
                    "huis,2026-01-01,zaanstad,special_assistance,couple,45,44,nee,29,ja,19,ja,nee\n"
                    "onbekend,2026-01-01,zaanstad,special_assistance,couple,45,44,nee,,ja,,,\n"
                    "kapot,2026-01-01,zaanstad,special_assistance,couple,45,44,nee,twee,ja,,,\n")
    report = run(sqlite_store, registry, path)
    assert report.added == 2
    household = sqlite_store.case("huis")["versions"][0]["case"]["household"]
    # in the order of their numbers; a number left empty is no one
    assert household["housemates"] == [{"age": 29, "close_family": True},
                                       {"age": 19, "commercial_contract": False, "student_finance": True}]
    assert household["members"][1] == {"role": "partner", "age": 44, "student_finance_possible": False}
    # a housemate without an age is a housemate whose age is unknown (asked in the decision)
    assert sqlite_store.case("onbekend")["versions"][0]["case"]["household"]["housemates"] == [{"close_family": True}]
    # a wrong age: the problem names the column of the age
    assert [(p.line, p.field) for p in report.rejected] == [(4, "housemate_1.age")]


@pytest.mark.parametrize("cell", ["2_9", "\u0662\u0669", "29.0", "+-29"])
def test_a_whole_number_cell_is_written_in_ascii_digits(sqlite_store, registry, tmp_path, cell):
    path = tmp_path / "cases.csv"
    path.write_text(f"case_id,reference_date,municipality,options,applicant.age\na,2025-01-01,zaanstad,in_kind,{cell}\n",
                    encoding="utf-8")
    assert messages(run(sqlite_store, registry, path)) == ["cases.csv:2 applicant.age: moet een geheel getal zijn"]


def test_an_unknown_column_that_looks_like_a_bsn_is_not_repeated(registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,housemate_111222333.age\nx,2025-01-01,zaanstad,in_kind,5\n")
    with pytest.raises(RegelruimteError) as exc:
        list(read_csv(path, registry.vocabulary))
    assert "111222333" not in exc.value.render() + exc.value.render("en")
    assert "de kolomkop (kolom 5) bevat een nummer dat op een BSN lijkt" in exc.value.render()  # since the third review


def test_both_housemates_and_cost_sharers_is_refused_in_the_language_asked(sqlite_store, registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,household.cost_sharers,housemate_1.age\n"
                    "a,2026-01-01,zaanstad,special_assistance,1,30\n")
    [problem] = run(sqlite_store, registry, path).rejected
    assert problem.field == "household.cost_sharers" and "niet allebei" in problem.render()
    assert "not both" in problem.render("en")


def test_a_csv_cell_problem_is_said_in_english_when_asked(sqlite_store, registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,applicant.age,income.wages\n"
                    "a,2025-01-01,zaanstad,in_kind,veertig,\"1,100\"\n")
    problems = run(sqlite_store, registry, path).rejected
    assert sorted(p.render("en") for p in problems) == [
        "cases.csv:2 applicant.age: must be a whole number", "cases.csv:2 income.wages: ambiguous amount; write it as 1100.00"]
    assert sorted(p.render() for p in problems) == [
        "cases.csv:2 applicant.age: moet een geheel getal zijn",
        "cases.csv:2 income.wages: dubbelzinnig bedrag; schrijf het als 1100.00"]


@pytest.mark.parametrize("cell, amount", [("1100", "1100"), ("1100.50", "1100.50"), ("1100,50", "1100.50"),
                                          ("1.100,50", "1100.50"), ("1,100.50", "1100.50"), ("€ 1.100,00", "1100.00"),
                                          ("0,5", "0.5")])
def test_amounts_as_spreadsheets_write_them(cell, amount):
    assert parse_amount(cell) == amount


@pytest.mark.parametrize("cell", ["1.100", "1,100", "1.100.000", "elf"])
def test_ambiguous_or_wrong_amounts_are_refused(cell):
    with pytest.raises(ValueError):
        parse_amount(cell)


@pytest.mark.parametrize("cell", ["1 112 223,33e2", "11122233.30E1", "1e3", "€ 1,5E+2", "1,1e9"])
def test_an_amount_cell_with_an_exponent_is_refused_with_a_clear_message(cell):
    # "1 112 223,33e2" became 1112223.33e2: 111222333 to Decimal, 7 digits and cents to the BSN guard
    with pytest.raises(ValueError, match="schrijf het bedrag zonder e-notatie, bijvoorbeeld 1100,00"):
        parse_amount(cell)


def test_a_csv_row_with_an_amount_in_e_notation_is_refused_naming_the_column(sqlite_store, registry, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text('case_id;reference_date;municipality;options;need.kind;need.amount\n'
                    'a;2025-09-15;zaanstad;in_kind;one_off_cost;1 112 223,33e2\n', encoding="utf-8")
    report = run(sqlite_store, registry, path)
    assert report.stored == 0
    assert messages(report) == ["cases.csv:2 need.amount: schrijf het bedrag zonder e-notatie, bijvoorbeeld 1100,00"]


def test_an_unknown_format_and_a_missing_path(sqlite_store, registry, tmp_path):
    (tmp_path / "cases.xlsx").write_text("x")
    with pytest.raises(SourceError):
        run(sqlite_store, registry, tmp_path / "cases.xlsx")
    with pytest.raises(SourceError):
        run(sqlite_store, registry, tmp_path / "nergens")


def test_each_batch_is_written_whole_or_not_at_all(sqlite_store, registry, welding_case, monkeypatch, tmp_path):
    records = [dict(copy.deepcopy(welding_case), case_id=f"k{i:02d}") for i in range(10)]
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    original = store_module._insert_decisions
    calls = []

    def failing(conn, rows):
        calls.append(len(rows))
        original(conn, rows)  # the rows are written ...
        if len(calls) == 2:
            raise RuntimeError("stroomstoring")  # ... and then the second batch fails before commit

    monkeypatch.setattr(store_module, "_insert_decisions", failing)
    with pytest.raises(RuntimeError):
        run(sqlite_store, registry, path, batch_size=4)
    assert sorted(r["case_id"] for r in sqlite_store.list_cases(Filters())[1]) == ["k00", "k01", "k02", "k03"]
    assert sqlite_store.check() == []
    monkeypatch.setattr(store_module, "_insert_decisions", original)
    report = run(sqlite_store, registry, path, batch_size=4)  # a re-run completes the import
    assert (report.added, report.unchanged) == (6, 4)
    assert sqlite_store.stats()["cases"] == 10


def stored_content(store):
    with store.engine.connect() as conn:
        cases = conn.execute(select(CaseRow.case_id, CaseRow.version, CaseRow.digest, CaseRow.case_json, CaseRow.tags,
                                    CaseRow.origin).order_by(CaseRow.id)).all()
        decisions = conn.execute(select(DecisionRow.case_id, DecisionRow.decision_json, DecisionRow.batch_id)
                                 .order_by(DecisionRow.id)).all()
    return cases, decisions


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_worker_processes_import_exactly_what_one_process_imports(kind, registry, tmp_path):
    records = list(generate(60, seed=21, registry=registry))
    changed = copy.deepcopy(records[3])
    changed["case"]["circumstances"]["necessary_cost"] = not changed["case"]["circumstances"]["necessary_cost"]
    # text the encoders must escape (COPY) or pass through (SQLite) as the driver would: tab, newline, backslash
    odd = dict(copy.deepcopy(records[9]), team="wijk\tteam", signal="regel 1\nregel 2 \\N \\t \r € é \"x\"",
               tags=["a:b", "c"])
    odd["case"]["case_id"] += "-apart"
    lines = [json.dumps(r) for r in records[:30]] + ["{kapot", json.dumps(records[5]), json.dumps(changed),
                                                     json.dumps(dict(records[7], team="team 111222333")),
                                                     json.dumps(odd, ensure_ascii=False), " \u00a0"]
    lines += [json.dumps(r) for r in records[30:]] + ['{"case_id": "leeg"}']
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    reports, contents = [], []
    for workers in (1, 2):
        (tmp_path / f"w{workers}").mkdir()
        url, cleanup = database_url(kind, tmp_path / f"w{workers}")
        try:
            with Store.open(url) as store:
                reports.append(run(store, registry, path, batch_size=7, workers=workers).as_dict())
                contents.append(stored_content(store))
                stored = store.case(odd["case"]["case_id"])["versions"][0]
                assert (stored["team"], stored["signal"], stored["tags"]) == (odd["team"], odd["signal"].strip(),
                                                                                odd["tags"])
                again = run(store, registry, path, batch_size=7, workers=workers)
                assert (again.added, again.new_versions, again.unchanged) == (0, 0, 63)
        finally:
            cleanup()
    assert reports[0] == reports[1]
    assert (reports[0]["added"], reports[0]["new_versions"], reports[0]["unchanged"]) == (61, 1, 1)
    assert {p["line"] for p in reports[0]["rejected"]} == {31, 34, 67}  # bad JSON, a BSN, a case without fields
    assert contents[0] == contents[1]


def test_a_case_stored_when_asked_but_gone_when_written_is_evaluated_by_the_writer(registry, tmp_path, monkeypatch):
    """The workers skip evaluating a case whose content is stored; if it is deleted before the batch is
    written, the writer evaluates it itself and stores the very rows an ordinary import stores."""
    records = list(generate(12, seed=4, registry=registry))
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    with Store.open(f"sqlite:///{tmp_path / 'plain.sqlite'}") as store:
        run(store, registry, path, batch_size=5)
        expected = stored_content(store)
        stored_then = store.known([r["case"]["case_id"] for r in records])
    monkeypatch.setattr(Store, "known", lambda self, ids: stored_then)  # as asked: all stored
    with Store.open(f"sqlite:///{tmp_path / 'gone.sqlite'}") as store:  # as written: none is
        report = run(store, registry, path, batch_size=5, workers=2)
        assert (report.added, report.unchanged) == (12, 0)
        assert stored_content(store) == expected
        assert store.check() == []


def test_a_worker_that_dies_ends_the_import_with_a_message_and_a_rerun_completes(registry, tmp_path, monkeypatch):
    """A worker killed mid-import (kill -9, out of memory): multiprocessing.Pool waited for its lost result for
    ever. Now the import stops at once, whole batches stay stored, no worker is left, and a re-run completes."""
    records = list(generate(40, seed=6, registry=registry))
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    importer, victim = os.getpid(), records[25]["case"]["case_id"]
    to_prepared = importers.to_prepared

    def dying(raw, defaults):  # in a worker (forked after this is set), the record of the 6th batch kills it
        if os.getpid() != importer and raw.data["case"]["case_id"] == victim:
            os.kill(os.getpid(), signal.SIGKILL)
        return to_prepared(raw, defaults)

    def hung(*_):
        raise TimeoutError("the import waits for a result that never comes")

    with Store.open(f"sqlite:///{tmp_path / 'c.sqlite'}") as store:
        monkeypatch.setattr(importers, "to_prepared", dying)
        signal.signal(signal.SIGALRM, hung)
        signal.alarm(60)  # a hang fails the test instead of the test run
        try:
            with pytest.raises(RegelruimteError) as stopped:
                run(store, registry, path, batch_size=5, workers=2)
        finally:
            signal.alarm(0)
        assert "werkproces" in stopped.value.problems[0].message
        assert multiprocessing.active_children() == []
        assert store.stats()["cases"] in (20, 25)  # whole batches only: the 4 or 5 written before the 6th
        assert store.check() == []
        monkeypatch.setattr(importers, "to_prepared", to_prepared)
        again = run(store, registry, path, batch_size=5, workers=2)
        assert store.stats()["cases"] == 40 and again.added == 40 - again.unchanged


def test_a_file_with_a_date_that_does_not_exist_is_a_problem_of_that_file_and_the_rest_is_stored(
        sqlite_store, registry, tmp_path, welding_case):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(dict(welding_case, case_id="goed")))
    (folder / "b.yaml").write_text("case_id: fout\nreference_date: 2025-02-30\nmunicipality: zaanstad\n"
                                   "options: [in_kind]\n")
    report = run(sqlite_store, registry, folder)
    assert (report.read, report.added) == (2, 1)
    assert messages(report) == ["b.yaml:2: ongeldige YAML: geen bestaande datum of tijd; schrijf een datum als "
                                "JJJJ-MM-DD, bv. 2025-02-28"]


def test_a_jsonl_line_with_a_lone_surrogate_is_a_problem_of_its_line_and_the_rest_is_stored(
        store, registry, tmp_path, welding_case):
    lines = [json.dumps(dict(welding_case, case_id=f"c{i}")) for i in range(3)]
    lines[1] = json.dumps(dict(welding_case, case_id="c1", circumstances={"home_equity": "\ud800"}))
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n")
    report = run(store, registry, path, batch_size=1)  # the import stopped here, with c0 stored
    assert (report.read, report.added) == (3, 2)
    assert messages(report) == ["cases.jsonl:2 circumstances.home_equity: bevat tekens die geen geldige tekst zijn"]


@pytest.mark.parametrize("tags", ["111,222,333", "111;222;333", "111|222|333", ["111", "222", "333"]])
def test_tags_that_spell_a_bsn_before_they_are_split_or_as_list_prints_them_are_refused(store, registry, tmp_path,
                                                                                        welding_case, tags):
    # each of 111, 222 and 333 passed the guard, and `casebook list` printed them joined: "111,222,333"
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"case": welding_case, "tags": tags}) + "\n")
    report = run(store, registry, path)
    assert report.stored == 0
    assert messages(report) == ["cases.jsonl:1 tags: bevat een nummer dat op een BSN lijkt, ook als het in stukken "
                                "of in een langer nummer staat; gebruik alleen pseudoniemen (het nummer wordt niet "
                                "getoond)"]


@pytest.mark.parametrize("delimiter, cell", [(",", "111;222;333"), (";", "111|222|333")])
def test_a_csv_tags_cell_that_spells_a_bsn_is_refused(sqlite_store, registry, tmp_path, delimiter, cell):
    path = tmp_path / "cases.csv"
    path.write_text(delimiter.join(["case_id", "reference_date", "municipality", "options", "tags"]) + "\n"
                    + delimiter.join(["a", "2025-09-15", "zaanstad", "in_kind", cell]) + "\n", encoding="utf-8")
    report = run(sqlite_store, registry, path)
    assert report.stored == 0 and [p.field for p in report.rejected] == ["tags"]
    assert "op een BSN lijkt" in messages(report)[0] and "111" not in messages(report)[0]


def test_an_unknown_key_in_an_import_record_is_not_repeated_when_it_looks_like_a_bsn(sqlite_store, registry, tmp_path):
    from tests.conftest import lasmasker
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps({"case": lasmasker(), "111222333": 1}) + "\n")
    report = run(sqlite_store, registry, path)
    assert report.added == 0 and len(report.rejected) == 1
    assert "111222333" not in repr(report.rejected[0])


# -- inputs that never end: refused after a bounded read, never read whole ---------------------------------------

@pytest.mark.parametrize("name", ["zero.jsonl", "zero.csv", "zero.yaml"])
def test_a_device_is_refused_before_it_is_read(tmp_path, registry, name):
    """A symlink to /dev/zero named as a case file: it grew to gigabytes before (the attacker's review)."""
    link = tmp_path / name
    link.symlink_to("/dev/zero")
    with pytest.raises(SourceError) as exc:
        list(read_source(link, None, registry.vocabulary))
    assert "geen gewoon bestand" in exc.value.problem.message


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_line_longer_than_one_case_ends_the_file_with_a_problem_on_that_line(tmp_path, registry, suffix):
    path = tmp_path / f"lang{suffix}"
    path.write_bytes(b"a" * (MAX_LINE_BYTES + 10) + b"\nrest\n")  # (for the CSV, its header)
    records = list(read_source(path, None, registry.vocabulary))
    problems = [p for r in records for p in r.problems]
    assert any("langer dan 1 MB" in p.message and p.line == 1 for p in problems)
    assert not any(r.text == "rest\n" for r in records)  # the rest is not read as cases


def test_a_line_of_exactly_the_limit_is_read(tmp_path, registry):
    path = tmp_path / "net.jsonl"
    path.write_bytes(b"x" * (MAX_LINE_BYTES - 1) + b"\n")
    records = list(read_source(path, None, registry.vocabulary))
    assert len(records) == 1 and not records[0].problems


@pytest.mark.parametrize("name", ["111222333.yaml", "klant 111.222.333.jsonl", "111 - 222 - 333.csv"])
def test_a_file_whose_name_looks_like_a_bsn_is_refused_and_its_name_never_stored(sqlite_store, registry, tmp_path,
                                                                                 welding_case, name):
    # was stored as cases.origin '111222333.yaml:2' and batches.source '111222333.yaml'
    path = tmp_path / name
    path.write_text(json.dumps({"case": welding_case}) + "\n")
    with pytest.raises(SourceError) as exc:
        run(sqlite_store, registry, path)
    assert "bestandsnaam" in exc.value.problem.message and "111" not in exc.value.problem.render()
    assert sqlite_store.list_cases(Filters())[0] == 0
    with pytest.raises(SourceError):  # not there either: the name is not repeated in "bestaat niet"
        run(sqlite_store, registry, tmp_path / "nergens" / name)


def test_a_file_in_a_folder_whose_name_looks_like_a_bsn_is_refused_the_others_read(sqlite_store, registry, tmp_path,
                                                                                   welding_case):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "klant 111.222.333.json").write_text(json.dumps(dict(welding_case, case_id="een")))
    (folder / "goed.json").write_text(json.dumps(dict(welding_case, case_id="twee")))
    report = run(sqlite_store, registry, folder)
    assert report.added == 1 and len(report.rejected) == 1
    assert "bestandsnaam" in messages(report)[0] and "111" not in messages(report)[0]
    assert [r["case_id"] for r in sqlite_store.list_cases(Filters())[1]] == ["twee"]


@pytest.mark.parametrize("mapping", [{}, {"Klant 111.222.333": None}])
def test_a_csv_header_that_looks_like_a_bsn_is_refused_even_where_ignored(registry, tmp_path, mapping):
    path = tmp_path / "cases.csv"
    path.write_text("case_id,reference_date,municipality,options,Klant 111.222.333\nx,2025-01-01,zaanstad,in_kind,5\n")
    with pytest.raises(RegelruimteError) as exc:
        list(read_csv(path, registry.vocabulary, mapping))
    assert "111" not in exc.value.render() + exc.value.render("en")
    assert "kolomkop (kolom 5) bevat een nummer dat op een BSN lijkt" in exc.value.render()


@pytest.mark.parametrize("team, signal", [("team 111 - 222 - 333", "ok"), ("oost", "klant 111  222  333"),
                                          ("oost", "klant (111) 222-333"), ("oost", "klant \u00b9\u00b9\u00b9\u00b2\u00b2\u00b2\u00b3\u00b3\u00b3")])
def test_a_csv_team_or_signal_cell_with_a_bsn_in_any_spelling_is_refused(sqlite_store, registry, tmp_path, team, signal):
    path = tmp_path / "cases.csv"
    path.write_text("case_id;reference_date;municipality;options;team;signal\n"
                    f"a;2025-09-15;zaanstad;in_kind;{team};{signal}\n", encoding="utf-8")
    report = run(sqlite_store, registry, path)
    assert report.stored == 0 and [p.field for p in report.rejected] == ["team" if team != "oost" else "signal"]
    assert "op een BSN lijkt" in messages(report)[0] and "111" not in messages(report)[0]
