"""`regelruimte check` on what a user may type in a case file: exit 2, a Dutch message naming the file
and line and field, never the value (docs/decisions/0031-bsn-in-any-spelling.md)."""
from __future__ import annotations

import io
import json

import pytest

from service.cli.main import main
from service.examples import WELDING_MASK
from tests.conftest import CASES

HEAD = "case_id: x\nreference_date: 2025-09-15\nmunicipality: zaanstad\noptions: [in_kind]\nneed:\n  kind: one_off_cost\n"


def check(tmp_path, capsys, content: str, name: str = "case.yaml", *args: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(content)
    code = main(["check", str(path), *args])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("spelling", ['"111-22-2333"', '"111,222,333"', '"111/222/333"', '"1 1 1 2 2 2 3 3 3"',
                                      '"tel 0111222333"', '"111222\\n333"', "|\n    klant 111222\n    333",
                                      '"111  222 333"', '"(111) 222-333"', '"111:222:333"'])
def test_a_bsn_in_any_spelling_exits_2_naming_file_line_and_field(tmp_path, capsys, spelling):
    code, said = check(tmp_path, capsys, HEAD + f"  description: {spelling}\n")
    assert code == 2
    assert "case.yaml:7 need.description: bevat een nummer dat op een BSN lijkt" in said
    assert "333" not in said and "Traceback" not in said


@pytest.mark.parametrize("harmless", ['"16428.72"', '"1.234.567,89"', '"2026-12-05"', '"1234 AB"', '"06-12345678"',
                                      '"111    222 333"', '"05-12-2026 14:30"', '"2026: 10.007,00"'])
def test_amounts_dates_and_a_number_with_four_spaces_in_text_are_decided(tmp_path, capsys, harmless):
    # two spaces ("111  222 333") join the groups of a number since the third review (ADR 0031); four end it
    assert check(tmp_path, capsys, HEAD + f"  description: {harmless}\n")[0] == 0


@pytest.mark.parametrize("amount, expected", [
    ('"12345678901.00"', "case.yaml:7 need.amount: te groot bedrag (ten hoogste 10 cijfers voor de komma)"),
    ("12345678901", "case.yaml:7 need.amount: te groot bedrag (ten hoogste 10 cijfers voor de komma)"),
    ('"-0.00"', "case.yaml:7 need.amount: moet ten minste 0 zijn"),
    ('"-0"', "case.yaml:7 need.amount: moet ten minste 0 zijn"),
    ("-0.00", "case.yaml:7 need.amount: moet ten minste 0 zijn"),
    ('"-1.00"', "case.yaml:7 need.amount: moet ten minste 0 zijn"),
])
def test_an_amount_too_long_or_below_zero_exits_2_in_dutch(tmp_path, capsys, amount, expected):
    code, said = check(tmp_path, capsys, HEAD + f"  amount: {amount}\n")
    assert code == 2 and expected in said and "Decimal input" not in said


@pytest.mark.parametrize("amount", ['"9999999999.99"', '"0.00"', "0"])
def test_the_largest_amount_and_zero_are_accepted(tmp_path, capsys, amount):
    assert check(tmp_path, capsys, HEAD + f"  amount: {amount}\n")[0] == 0


def test_english_on_request(tmp_path, capsys):
    code, said = check(tmp_path, capsys, HEAD + '  amount: "12345678901.00"\n', "case.yaml", "--lang", "en")
    assert code == 2 and "need.amount: Decimal input should have no more than 10 digits before the decimal point" in said


def test_a_json_case_file_with_a_31_digit_number_names_the_field(tmp_path, capsys):
    text = json.dumps(dict(WELDING_MASK, need=dict(WELDING_MASK["need"], amount="X"))).replace('"X"', "9" * 31)
    code, said = check(tmp_path, capsys, text, "case.json")
    assert code == 2 and "case.json need.amount: ongeldige JSON: getal met meer dan 30 cijfers" in said
    assert "9" * 31 not in said


def test_a_json_case_file_with_a_byte_order_mark_is_decided(tmp_path, capsys):
    # Windows tools (Notepad, Excel's "UTF-8" export) write one; a second review found it refused in English
    path = tmp_path / "case.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(WELDING_MASK).encode())
    assert main(["check", str(path)]) == 0
    assert "Onderbouwing casus" in capsys.readouterr().out


def test_text_that_is_no_valid_unicode_is_refused_in_dutch_naming_the_field(tmp_path, capsys):
    # a lone surrogate, as a broken export writes it ("\ud800" in JSON)
    code, said = check(tmp_path, capsys, json.dumps({**WELDING_MASK, "case_id": "x\ud800"}), "case.json")
    assert code == 2
    assert "case.json case_id: bevat tekens die geen geldige tekst zijn" in said and "Traceback" not in said


@pytest.mark.parametrize("written", ["reference_date: 2025-02-30", "reference_date: 0000-01-01",
                                     "circumstances: {x: 2025-13-45}", "debts: {since: 2025-09-15t10:00:00+99:99}"])
def test_a_date_that_does_not_exist_exits_2_naming_the_line(tmp_path, capsys, written):
    content = "case_id: x\nmunicipality: zaanstad\noptions: [in_kind]\n" + written + "\n"
    code, said = check(tmp_path, capsys, content)
    assert code == 2 and "case.yaml:4: ongeldige YAML: geen bestaande datum" in said


@pytest.mark.parametrize("amount", ['"1112223.33e2"', "1112223.33e2", '"11122233.30E1"'])
def test_an_amount_in_e_notation_exits_2_and_is_never_decided(tmp_path, capsys, amount):
    # unquoted, YAML 1.1 reads 1112223.33e2 as text (an exponent without a sign is no float there)
    code, said = check(tmp_path, capsys, HEAD + f"  amount: {amount}\n", "case.yaml", "--json")
    assert code == 2
    assert 'case.yaml:7 need.amount: schrijf het bedrag zonder e-notatie, bijvoorbeeld "1100.00"' in said
    assert "111222333" not in said


@pytest.mark.parametrize("amount, refused", [("1112223.33e2", True), ("1e3", False)])
def test_a_json_case_on_standard_input_is_read_as_the_same_file_is(tmp_path, capsys, monkeypatch, amount, refused):
    # stdin was read as YAML, where the JSON number 1112223.33e2 is text and the guard saw 7 digits
    case = json.dumps(dict(WELDING_MASK, need=dict(WELDING_MASK["need"], amount="X"))).replace('"X"', amount)
    from_file = check(tmp_path, capsys, case, "case.json", "--json")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(case.encode())))  # with its bytes, as a real stdin
    code = main(["check", "-", "--json"])
    out, err = capsys.readouterr()
    assert code == from_file[0] == (2 if refused else 0)
    if refused:
        assert "need.amount: bevat een nummer dat op een BSN lijkt" in err and "111222333" not in out + err
    else:
        assert json.loads(out) == json.loads(from_file[1])


@pytest.mark.parametrize("command", [["check"], ["whatif", "--base", "zaanstad@2025-09-15", "--population", "10",
                                                  "--change"]])
def test_a_file_that_never_ends_is_refused_after_16_mb_not_read_whole(capsys, command):
    """/dev/zero as a case or an overlay: refused once 16 MB are read (it grew to 21 GB before)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code = main([*command, "/dev/zero"])
    _, err = capsys.readouterr()
    assert code == 2 and "/dev/zero: het bestand is groter dan 16 MB" in err
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # kB: 16 MB read, not gigabytes


def test_standard_input_is_read_up_to_the_same_limit(capsys, monkeypatch):
    from engine import yamlsource
    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", 2_000_000)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"a: 1\n" * 500_000)))
    assert main(["check", "-"]) == 2
    assert "<stdin>: het bestand is groter dan 2 MB" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["111222333.yaml", "klant 111.222.333.yaml"])
def test_a_case_file_whose_name_looks_like_a_bsn_exits_2_without_its_name(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_text((CASES / "zaanstad-lasmasker.yaml").read_text())
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert "bestandsnaam" in err and "111" not in out + err
