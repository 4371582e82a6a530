"""What a careless integrator or a hostile user sends to the API, the web page and the command line:
refused with a 422 / exit 2 naming the field, quickly, without echoing the value, without stalling
anyone else (issue 13; the limits are in docs/decisions/0010-input-limits.md)."""
from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import threading
import time

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from casebook.exports import neutral_text
from service.cli.main import main
from service.examples import WELDING_MASK
from service.http.guard import loggable
from service.http.live import LiveRegistry
from tests.conftest import RULESETS, lasmasker
from tests.engine.test_input_limits import billion_laughs
from tests.serving import running_server
from tests.service.conftest import make_client

JSON = {"content-type": "application/json"}


@pytest.fixture
def client(registry, tmp_path):
    """The whole service, with a casebook of its own in a temporary folder (never ./casebook.sqlite)."""
    from casebook.store import Store
    from service.http import casebook as api_casebook
    from service.http.app import create_app
    from starlette.testclient import TestClient
    store = Store.open(f"sqlite:///{tmp_path / 'casebook.sqlite'}")
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    app.dependency_overrides[api_casebook.get_registry] = lambda: registry
    with TestClient(app) as c:
        yield c
    store.close()
BASE = "zaanstad@2025-09-15"
OVERLAY_META = {"title": "Aanval", "ruleset": "zaanstad", "from": "2026-01-01"}


def overlay_rule(when: str) -> dict:
    return {"overlay": OVERLAY_META, "rules": [{"id": "zaanstad.bb.inkomensgrens", "when": when}]}


# -- resource exhaustion --------------------------------------------------------------------------

def test_a_yaml_bomb_through_the_web_paste_is_refused_quickly(client):
    # (how quickly: the reader's own test in tests/engine; here the page, off the event loop)
    r = client.post("/toets/bestand", files={"paste": (None, billion_laughs())})
    assert r.status_code == 422 and "alias" in r.text


def test_a_yaml_bomb_is_exit_2_for_check_import_and_whatif(tmp_path, capsys):
    bomb = tmp_path / "bom.yaml"
    bomb.write_text(billion_laughs())
    for args in (["check", str(bomb)], ["casebook", "--db", str(tmp_path / "c.sqlite"), "import", str(bomb)],
                 ["whatif", "--base", BASE, "--change", str(bomb), str(bomb)]):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert "bom.yaml" in err and "Traceback" not in err


def test_healthz_answers_while_a_large_batch_is_decided():
    cases = [dict(WELDING_MASK, case_id=f"c-{i}") for i in range(1000)]
    with running_server() as (base, _):
        done = {}

        def batch():
            done["status"] = httpx.post(f"{base}/v1/decisions:batch", json={"cases": cases}, timeout=120).status_code
            done["at"] = time.perf_counter()
        worker = threading.Thread(target=batch)
        worker.start()
        time.sleep(0.3)  # the batch is being read and decided
        health = httpx.get(f"{base}/healthz", timeout=30)
        answered = time.perf_counter()
        worker.join()
    assert health.status_code == 200 and done["status"] == 200
    assert answered < done["at"]  # /healthz did not wait for the batch


@pytest.mark.parametrize("when", [
    " and ".join(["income.net_monthly > 1"] * 2000),           # 54 s before
    "income.net_monthly in [" + ", ".join(["1"] * 8000) + "]",  # 38 s before
    "not " * 3000 + "known(income.net_monthly)",
    'need.kind * 100000000 == "x"',                             # a 1.2 GB string before
    'sum(["a", "b"]) > 1',
])
def test_a_hostile_overlay_condition_is_refused_not_run(client, when):
    # refused before anything is evaluated (the compile-time bounds: tests/engine/test_input_limits.py);
    # the answer names the limit and does not copy the condition back
    r = client.post("/v1/whatif", json={"base": BASE, "change": overlay_rule(when), "cases": [lasmasker()]})
    assert r.status_code == 422 and r.json()["error"] == "invalid_request"
    assert len(r.content) < 5000


@pytest.mark.parametrize("payload, field", [
    ({"change": {"overlay": OVERLAY_META, "parameters": {"percentage_inkomensgrens": {"value": "1e30"}}}},
     "parameters.percentage_inkomensgrens.value"),
    ({"change": {"overlay": OVERLAY_META, "parameters": {"percentage_inkomensgrens": {"value": 10**25}}}},
     "parameters.percentage_inkomensgrens.value"),
    ({"sweep": "zaanstad.percentage_inkomensgrens=0:1e999999:1e-999999"}, "sweep"),
    ({"sweep": "zaanstad.percentage_inkomensgrens=1:1e30:1"}, "sweep"),
    ({"population": {"n": 200_000}, "cases": None,
      "sweep": "zaanstad.percentage_inkomensgrens=1.00:1.50:0.05"}, "population"),
    ({"population": {"n": 10, "municipalities": ["111222333"]}, "cases": None}, "population.municipalities.0"),
    ({"population": {"n": 10, "municipalities": ["a111222333"]}, "cases": None}, "municipalities.0"),
])
def test_absurd_what_if_values_are_422_naming_the_field(client, payload, field):
    body = {"base": BASE, "change": {"overlay": OVERLAY_META, "parameters": {}}, "cases": [lasmasker()], **payload}
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post("/v1/whatif", json=body)
    assert r.status_code == 422, r.text
    assert field in [p.get("field") for p in r.json()["problems"]]
    assert "111222333" not in r.text


def test_whatif_messages_hold_no_server_paths(client):
    r = client.post("/v1/whatif", json={"base": BASE, "change": overlay_rule("onbekend.feit > 1"),
                                        "cases": [lasmasker()]})
    assert r.status_code == 422
    assert str(RULESETS.resolve()) not in r.text and "/work/" not in r.text


def test_unknown_circumstance_keys_in_bulk_are_refused_briefly_and_not_echoed(client):
    keys = {f"naam_{i}_jansen": True for i in range(20_000)}  # about 0.5 MB of keys
    r = client.post("/v1/decisions", json=dict(WELDING_MASK, circumstances=keys))
    assert r.status_code == 422
    assert len(r.content) < 2000 and "jansen" not in r.text
    assert [p["field"] for p in r.json()["problems"]] == ["circumstances"]


def test_one_unknown_circumstance_is_named_by_place_with_a_suggestion(client):
    r = client.post("/v1/decisions", json=dict(WELDING_MASK, circumstances={"jan_jansen_dorpsstraat": True,
                                                                            "overpayed": True}))
    assert r.status_code == 422
    assert "jan_jansen" not in r.text and "overpaid" in r.text


def test_reloads_asked_for_in_a_burst_are_coalesced(tmp_path, monkeypatch):
    import asyncio

    from service.http import live as live_module
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root)
    live = LiveRegistry(root)
    edited = root / "wsnp" / "2024-01-01" / "version.yaml"
    edited.write_text(edited.read_text() + "# een wijziging\n")
    loads = []
    real = live_module.Registry.load
    monkeypatch.setattr(live_module.Registry, "load", lambda folder: loads.append(folder) or real(folder))

    async def burst():
        tasks = [live.request_reload() for _ in range(5)]
        await asyncio.gather(*[t for t in tasks if t is not None])
        return sum(t is not None for t in tasks)
    started = asyncio.run(burst())
    assert started == 1 and len(loads) == 1 and live.generation == 2


# -- 5xx from input alone: now 422 naming the field -----------------------------------------------

BIG = "9" * 5000


@pytest.mark.parametrize("path, body", [
    ("/v1/decisions", '{"case_id": "x", "reference_date": "2025-09-15", "municipality": "zaanstad", '
                      '"options": ["loan"], "assets": ' + BIG + "}"),
    ("/v1/decisions:batch", '{"cases": ' + BIG + "}"),
    ("/v1/casebook/cases", '{"case": ' + BIG + "}"),
    ("/v1/whatif", '{"base": "zaanstad@2025-09-15", "flips": ' + BIG + "}"),
])
def test_json_integers_of_thousands_of_digits_are_422_on_every_route(client, path, body):
    r = client.post(path, content=body, headers=JSON)
    assert r.status_code == 422 and "cijfers" in r.text and BIG not in r.text


def test_in_a_batch_such_an_integer_refuses_only_its_case(client):
    # docs/decisions/0031-bsn-in-any-spelling.md: the batch answers each case in its place
    r = client.post("/v1/decisions:batch", content='{"cases": [' + BIG + "]}", headers=JSON)
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "invalid" and "cijfers" in r.text


@pytest.mark.parametrize("field", ['{"income": "abc"}', '{"need": [1]}', "[" * 5000 + "]" * 5000,
                                   '{"household": {"members": "x"}}', '{"case_id": ' + BIG + "}", "null"])
def test_a_malformed_case_in_the_edit_form_starts_afresh(client, field):
    r = client.post("/bewerk", data={"case": field}, follow_redirects=False)
    assert r.status_code == 303


def test_a_case_refused_for_a_bsn_is_not_shown_again_in_the_textarea(client):
    text = "case_id: x\nreference_date: 2025-09-15\nmunicipality: zaanstad\noptions: [loan]\n" \
           "need: {kind: one_off_cost, purpose: 'voor 111\u00a0222\u00a0333'}\n"
    r = client.post("/toets/bestand", files={"paste": (None, text)})
    assert r.status_code == 422 and "BSN" in r.text
    assert "222\u00a0333" not in r.text and "one_off_cost, purpose" not in r.text  # the textarea is empty


def test_circumstances_money_is_validated_like_case_money_in_the_casebook(client):
    case = dict(WELDING_MASK, circumstances={"gifts_this_year": "1e999999999"})
    for path, body in (("/v1/decisions", case), ("/v1/casebook/cases", {"case": case})):
        r = client.post(path, json=body)
        assert r.status_code == 422, path
        assert any("circumstances" in (p.get("field") or "") for p in r.json()["problems"])


def test_a_nul_character_is_422_naming_the_field(client):
    r = client.post("/v1/casebook/cases", json={"case": WELDING_MASK, "signal": "a\x00b"})
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["signal"]
    r = client.post("/v1/decisions", json=dict(WELDING_MASK, need=dict(WELDING_MASK["need"], purpose="a\x00b")))
    assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["need.purpose"]


def test_cli_files_that_are_not_utf8_or_have_huge_cells_exit_2_naming_the_line(tmp_path, capsys):
    db = str(tmp_path / "c.sqlite")
    good = json.dumps({"case": lasmasker()})
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_bytes(good.encode() + b"\n" + b'{"case": "\xff\xfe"}\n')
    assert main(["casebook", "--db", db, "import", str(jsonl)]) == 2
    assert "cases.jsonl:2" in capsys.readouterr().err
    csv_file = tmp_path / "cases.csv"
    csv_file.write_bytes(b"case_id,reference_date,municipality,options\nx,2025-09-15,zaanstad,\xff\n")
    assert main(["casebook", "--db", db, "import", str(csv_file)]) == 2
    assert "cases.csv:2" in capsys.readouterr().err
    csv_file.write_text("case_id,reference_date,municipality,options\nx,2025-09-15,zaanstad," + "a" * 140_000 + "\n")
    assert main(["casebook", "--db", db, "import", str(csv_file)]) == 2
    err = capsys.readouterr().err
    assert "cases.csv:2" in err and "131.072" in err and "Traceback" not in err


@pytest.mark.parametrize("args, fragment", [
    (["casebook", "list", "--limit", "99999999999999999999"], "1.000.000"),
    (["casebook", "list", "--offset", "-1"], "≥ 0"),
])
def test_cli_numbers_beyond_any_use_exit_2(tmp_path, capsys, args, fragment):
    with pytest.raises(SystemExit) as info:  # argparse's own exit 2, with our message
        main([args[0], "--db", str(tmp_path / "c.sqlite"), *args[1:]])
    assert info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_cli_population_beyond_any_use_exits_2(capsys):
    assert main(["whatif", "--base", BASE, "--change", BASE, "--population", str(10**12)]) == 2
    assert "10.000.000" in capsys.readouterr().err


def test_casebook_show_does_not_print_the_id_back(tmp_path, capsys):
    assert main(["casebook", "--db", str(tmp_path / "c.sqlite"), "show", "111222333"]) == 2
    out, err = capsys.readouterr()
    assert "111222333" not in out + err and "niet in het casebook" in err


# -- pseudonymity and echo --------------------------------------------------------------------------

@pytest.mark.parametrize("purpose", ["111-222-333", "111\u00a0222\u00a0333", "111\u200b222\u200b333", "111_222_333"])
def test_every_spelling_of_a_bsn_is_refused_by_the_api_and_the_casebook(client, purpose):
    case = dict(WELDING_MASK, need=dict(WELDING_MASK["need"], purpose=f"voor {purpose}"))
    for path, body in (("/v1/decisions", case), ("/v1/casebook/cases", {"case": case})):
        r = client.post(path, json=body)
        assert r.status_code == 422 and "BSN" in r.text and "333" not in r.text


def test_an_unknown_tag_is_named_by_place_not_value(client):
    r = client.post("/v1/casebook/cases", json={"case": WELDING_MASK, "tags": ["Jan Jansen, Dorpsstraat 1"]})
    assert r.status_code == 422 and "Jansen" not in r.text and "nr. 1" in r.text


# -- web and export safety --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/v1/decisions", "/v1/casebook/cases", "/v1/whatif"])
def test_a_body_without_json_content_type_is_415(client, path):
    # what a cross-site no-cors fetch with a Blob body sends
    r = client.post(path, content=json.dumps(WELDING_MASK).encode(), headers={"content-type": ""})
    assert r.status_code == 415


def test_a_state_changing_request_from_another_site_is_403():
    with make_client() as c:
        foreign = c.post("/v1/decisions", json=WELDING_MASK, headers={"origin": "https://evil.example"})
        assert foreign.status_code == 403 and foreign.json()["error"] == "forbidden_origin"
        same = c.post("/v1/decisions", json=WELDING_MASK, headers={"origin": "http://testserver"})
        assert same.status_code == 200
        assert c.get("/v1/rulesets", headers={"origin": "https://evil.example"}).status_code == 200
    with make_client(cors_origins=["https://portaal.example"]) as c:
        allowed = c.post("/v1/decisions", json=WELDING_MASK, headers={"origin": "https://portaal.example"})
        assert allowed.status_code == 200


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "=cmd|' /C calc'!A0", "@SUM(A1)", "+1+1", "-1+1",
                                  "\tx", "\rx"])
def test_csv_cells_that_would_be_formulas_are_made_text(cell):
    assert neutral_text(cell).startswith("'")
    assert neutral_text("wijkteam-oost") == "wijkteam-oost"


FORMULA = ("=", "+", "-", "@")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab =+-@;,\t\r1")), max_size=20))
def test_no_cell_a_spreadsheet_cuts_out_of_a_text_runs_as_a_formula(text):
    """A Dutch spreadsheet splits on ";" too: "zie dossier;=cmd|…" held a second cell that ran (attacker review).
    In the CSV and in the what-if's Polars export alike, no ";"-separated part starts with a formula."""
    import polars as pl
    from service.spreadsheet import neutral_csv_text
    polars_text = pl.DataFrame({"t": [text]}).with_columns(neutral_csv_text())["t"][0]
    for written in (neutral_text(text), polars_text):
        first, *rest = written.split(";")
        assert not first.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert not any(part.lstrip().startswith(FORMULA) for part in rest), written
    if ";" not in text and not text.startswith(("=", "+", "-", "@", "\t", "\r")):
        assert neutral_text(text) == text  # plain text is left as it is


def test_an_exported_table_neutralises_a_team_name(client):
    team = "=HYPERLINK(\"http://evil.example\",\"klik\")"
    assert client.post("/v1/casebook/cases", json={"case": WELDING_MASK, "team": team}).status_code == 201
    tables = client.get("/v1/casebook/tables").json()
    for table in tables if isinstance(tables, list) else tables.get("tables", []):
        name = table["name"] if isinstance(table, dict) else table
        text = client.get(f"/v1/casebook/tables/{name}.csv").text
        assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_a_forged_log_line_through_the_path_is_escaped(client, caplog):
    assert "\n" not in loggable("/x\nINFO regelruimte.access GET / 200")
    with caplog.at_level(logging.INFO, logger="regelruimte.access"):
        client.get("/v1/rulesets/x%0aINFO%20vals")
    assert not any("\n" in r.getMessage() for r in caplog.records)


def test_readyz_shows_no_absolute_paths(tmp_path):
    root = tmp_path / "rulesets"
    shutil.copytree(RULESETS, root)
    with make_client(rulesets_dir=root) as c:
        (root / "wsnp" / "ruleset.yaml").write_text("id: [\n")
        assert c.app.state.live.reload() is False
        body = c.get("/readyz").text
    assert str(tmp_path) not in body and "wsnp/ruleset.yaml" in body


def test_a_disconnected_client_is_not_logged_as_an_error(caplog):
    import asyncio

    from starlette.requests import ClientDisconnect

    from service.http.guard import Guard

    async def gone(scope, receive, send):
        raise ClientDisconnect()

    async def call():
        scope = {"type": "http", "method": "POST", "path": "/v1/decisions", "headers": [], "query_string": b""}
        sent = []

        async def receive():
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)
        await Guard(gone)(scope, receive, send)
        return sent
    with caplog.at_level(logging.INFO):
        sent = asyncio.run(call())
    assert sent == []  # nobody to answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(" 499 " in r.getMessage() for r in caplog.records if r.name == "regelruimte.access")


def test_a_deleted_case_is_not_left_in_the_sqlite_files(tmp_path, registry):
    db = tmp_path / "c.sqlite"
    marker = "geheim-signaal-xyzzy"
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"case": lasmasker(), "signal": marker}))
    assert main(["casebook", "--db", str(db), "import", str(record)]) == 0
    assert main(["casebook", "--db", str(db), "delete", lasmasker()["case_id"]]) == 0
    for path in tmp_path.glob("c.sqlite*"):
        assert marker.encode() not in path.read_bytes(), path.name
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_an_overlay_comparing_money_with_an_integer_is_answered(client):
    # `income.net_monthly > 1000`: an integer literal against money was a 500 (int has no quantize)
    change = overlay_rule("income.net_monthly > 1000")
    r = client.post("/v1/whatif", json={"base": BASE, "change": change, "cases": [lasmasker()]})
    assert r.status_code == 200, r.text


def test_a_compressed_body_is_refused_as_such(client):
    """Content-Encoding: gzip was read as text and answered "de inhoud is geen UTF-8-tekst" (attacker review)."""
    import gzip
    body = gzip.compress(json.dumps(lasmasker()).encode())
    r = client.post("/v1/decisions", content=body, headers={**JSON, "content-encoding": "gzip"})
    assert r.status_code == 415 and "zonder compressie" in r.json()["message"]
    assert client.post("/v1/decisions", json=lasmasker(), headers={"content-encoding": "identity"}).status_code == 200
