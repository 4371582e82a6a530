"""Two municipalities' users through the HTTP API, the pages and the exports: neither reads, exports
or deletes the other's cases, each refusal is a Dutch 403 that names the action (not the value) and
is in the audit log. Against SQLite and PostgreSQL."""
import base64
import json
import re
import datetime as dt
import sys
import time
import types

import pytest
from starlette.testclient import TestClient

from casebook import audit, retention
from casebook.access import Access, User
from casebook import store as store_module
from casebook.evaluation import evaluate
from casebook.importers import RawRecord, to_prepared
from casebook.records import case_ref
from casebook.store import Store
from service.http import casebook as api_casebook
from service.http.app import create_app
from tests.casebook.conftest import database_url
from tests.conftest import ROOT
from tests.casebook.two_municipalities import CASES as CASES_ALL, MARKER, add_users, fill, of, record, refs_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
CB = "/v1/casebook"
ANYONE = Access("test-beheer")  # the test's own look into the store: an administrator of every municipality


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, registry):
    url, cleanup = database_url(request.param, tmp_path)
    s = Store.open(url)
    fill(s, registry)
    yield s
    s.close()
    cleanup()


@pytest.fixture
def tokens(store):
    return add_users(store, NOW)


def client_for(store, registry, **kwargs) -> TestClient:
    app = create_app(registry=registry, tokens=kwargs.pop("tokens", ()), cors_origins=(), web=kwargs.pop("web", False))
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    return TestClient(app)


@pytest.fixture
def client(store, registry, tokens):
    with client_for(store, registry) as c:
        yield c


def as_user(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def forbidden(r, action_word: str) -> None:
    """A Dutch 403 naming the action: the API's error format, or for a route that answers a page, a page."""
    assert r.status_code == 403, r.text
    if r.headers["content-type"].startswith("text/html"):
        assert "Geen toegang" in r.text and action_word in r.text
        return
    body = r.json()
    assert body["error"] == "forbidden" and action_word in body["problems"][0]["message"]


def refusals(store, user: str) -> list[dict]:
    return [e for e in audit.entries(store.engine) if e["user_name"] == user and not e["allowed"]]


@pytest.mark.parametrize("mine, theirs", [("zaanstad", "amsterdam"), ("amsterdam", "zaanstad")])
def test_an_analyst_cannot_reach_the_other_municipality(client, store, tokens, mine, theirs):
    me = as_user(tokens[f"ana-{mine}"])
    listed = client.get(f"{CB}/cases", headers=me).json()
    assert {c["case_id"] for c in listed["cases"]} == of(mine)
    other = sorted(of(theirs))[0]

    attempts = [("read", client.get(f"{CB}/cases/{other}", headers=me)),
                ("read", client.get(f"{CB}/cases/{other}/explanation", headers=me)),
                ("delete", client.delete(f"{CB}/cases/{other}", headers=me)),
                ("export", client.get(f"{CB}/export?municipality={theirs}", headers=me)),
                ("read", client.get(f"{CB}/cases?municipality={theirs}", headers=me)),
                ("report", client.get(f"{CB}/report?municipality={theirs}", headers=me)),
                ("report", client.get(f"{CB}/tables/signals.csv?municipality={theirs}", headers=me)),
                ("report", client.get(f"{CB}/page?municipality={theirs}", headers=me)),
                ("report", client.get(f"{CB}/report.html?municipality={theirs}", headers=me))]
    for action, r in attempts:
        forbidden(r, "buiten uw gemeente")
        assert other not in r.text and theirs not in r.text  # names the action, never the value
        assert MARKER not in r.text
    logged = refusals(store, f"ana-{mine}")
    assert [e["action"] for e in reversed(logged)] == [a for a, _ in attempts]
    assert logged[-1]["case_ids"] == [case_ref(other, CASES_ALL[other][1])]
    assert logged[-1]["via"] == "GET /v1/casebook/cases/{case_id}"
    assert store.case(other, ANYONE) is not None  # not deleted

    for path in ("report", "report.html", "tables/signals.csv", "tables/no_route.csv", "stats",
                 f"export?municipality={mine}"):
        r = client.get(f"{CB}/{path}", headers=me)
        assert r.status_code == 200, path
        assert not any(cid in r.text for cid in of(theirs)), path
        assert theirs not in r.text, path
    assert all(cid in client.get(f"{CB}/tables/signals.csv", headers=me).text for cid in of(mine))


def test_without_a_users_token_the_shared_casebook_answers_401(client, tokens):
    assert client.get(f"{CB}/cases").status_code == 401
    assert client.get(f"{CB}/cases", headers=as_user("rr_geraden")).status_code == 401
    assert client.get(f"{CB}/cases", headers=as_user(tokens["ana-zaanstad"])).status_code == 200


def test_a_browser_uses_its_token_as_password_and_sees_its_own_page(client, tokens):
    basic = base64.b64encode(f"wie-dan-ook:{tokens['ana-amsterdam']}".encode()).decode()
    r = client.get(f"{CB}/page", headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200 and not any(cid in r.text for cid in of("zaanstad"))


def test_a_professional_saves_and_sees_only_their_team(client, store, tokens):
    me = as_user(tokens["pro-zaanstad-oost"])
    r = client.post(f"{CB}/cases", json=record("zaanstad-oost-2", "zaanstad", None), headers=me)
    assert r.status_code == 201, r.text
    assert store.case("zaanstad-oost-2", ANYONE)["versions"][0]["team"] == "wijkteam-oost"
    listed = client.get(f"{CB}/cases", headers=me).json()
    assert {c["case_id"] for c in listed["cases"]} == {"zaanstad-oost-1", "zaanstad-oost-2"}
    forbidden(client.get(f"{CB}/cases/zaanstad-west-1", headers=me), "buiten uw team")
    forbidden(client.post(f"{CB}/cases", json=record("zaanstad-x", "zaanstad", "wijkteam-west"), headers=me),
              "casussen opslaan buiten uw team")
    forbidden(client.get(f"{CB}/export?municipality=zaanstad", headers=me), "als professional mag u geen")
    assert store.case("zaanstad-x", ANYONE) is None
    assert [e["action"] for e in refusals(store, "pro-zaanstad-oost")] == ["export", "save", "read"]
    # the other municipality's team of the same name sees none of this
    other = client.get(f"{CB}/cases", headers=as_user(tokens["pro-amsterdam-oost"])).json()
    assert {c["case_id"] for c in other["cases"]} == {"amsterdam-oost-1"}


def more_cases(store, registry, n: int, municipality: str = "zaanstad") -> None:
    """`n` more cases of one municipality (team wijkteam-oost), so a group is large enough for a policy officer."""
    from tests.casebook.conftest import add_records
    add_records(store, registry, [record(f"{municipality}-extra-{i}", municipality, "wijkteam-oost") for i in range(n)],
                access=ANYONE)


def test_a_policy_officer_gets_reports_but_no_cases(client, store, registry, tokens):
    me = as_user(tokens["beleid"])
    more_cases(store, registry, 8)
    assert client.get(f"{CB}/report", headers=me).json()["overview"]["cases"] == 10  # Amsterdam's 2: too few
    forbidden(client.get(f"{CB}/cases", headers=me), "als beleidsmedewerker mag u geen casussen inzien")
    forbidden(client.delete(f"{CB}/cases/zaanstad-oost-1", headers=me), "verwijderen")


def test_the_administrator_views_and_exports_the_audit_log(client, store, tokens):
    client.get(f"{CB}/cases/amsterdam-oost-1", headers=as_user(tokens["ana-zaanstad"]))
    forbidden(client.get(f"{CB}/audit", headers=as_user(tokens["ana-zaanstad"])), "auditlog")
    entries = client.get(f"{CB}/audit", headers=as_user(tokens["beheer"])).json()
    denied = [e for e in entries if e["user_name"] == "ana-zaanstad" and e["action"] == "read"]
    assert denied[0]["allowed"] is False and denied[0]["case_ids"] == [case_ref("amsterdam-oost-1", "wijkteam-oost")]
    assert any(e["user_name"] == "ana-zaanstad" and e["action"] == "audit" for e in entries)
    csv = client.get(f"{CB}/audit?format=csv", headers=as_user(tokens["beheer"]))
    assert csv.headers["content-type"].startswith("text/csv")
    assert "ana-zaanstad,analyst,read,false" in csv.text and MARKER not in csv.text


def test_a_users_token_opens_the_service_that_has_its_own_tokens(store, registry, tokens):
    with client_for(store, registry, tokens=["statisch-token"]) as c:
        assert c.get("/v1/rulesets", headers=as_user(tokens["beleid"])).status_code == 200
        assert c.get("/v1/rulesets", headers=as_user("statisch-token")).status_code == 200
        assert c.get("/v1/rulesets", headers=as_user("rr_fout")).status_code == 401
        assert c.get(f"{CB}/cases", headers=as_user(tokens["ana-zaanstad"])).status_code == 200
        # once the casebook has users, the casebook wants to know who: the service's token is nobody
        assert c.get(f"{CB}/cases", headers=as_user("statisch-token")).status_code == 401


def test_without_users_the_local_mode_is_unchanged(store, registry):
    with client_for(store, registry) as c:
        assert c.get(f"{CB}/cases").json()["total"] == 4
        assert c.get(f"{CB}/cases/amsterdam-oost-1").status_code == 200
    assert list(audit.entries(store.engine)) == []


def test_the_service_deletes_expired_cases_at_start(store, registry, tokens, monkeypatch):
    monkeypatch.setattr(store_module, "now", lambda: dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc))
    rec = record("zaanstad-verlopen", "zaanstad", "wijkteam-oost")
    store.add([to_prepared(RawRecord("t", 1, rec))], lambda p: evaluate(p, registry), "test", access=ANYONE)
    monkeypatch.undo()
    monkeypatch.setenv("REGELRUIMTE_CASEBOOK_RETENTION_MONTHS", "24")
    with client_for(store, registry):
        for _ in range(100):  # the run is in the background: wait for it (without reading, which is audited)
            if retention.expired(store, 24, dt.datetime.now(dt.timezone.utc)) == []:
                break
            time.sleep(0.1)
    assert store.case("zaanstad-verlopen", ANYONE) is None and store.stats(ANYONE)["cases"] == 4
    runs = [e for e in audit.entries(store.engine) if e["action"] == "retention"]
    assert [(e["user_name"], e["case_ids"]) for e in runs] == \
        [("retentie", [case_ref("zaanstad-verlopen", "wijkteam-oost")])]


def sso_example() -> str:
    """The example identity module of docs/casebook.md, as written there."""
    text = (ROOT / "docs" / "casebook.md").read_text(encoding="utf-8")
    return text.split("```python\n# gemeente_sso.py", 1)[1].split("```", 1)[0].split("\n", 1)[1]


def test_a_deployment_replaces_the_user_lookup_with_its_proxys_claims(store, registry, tokens, tmp_path,
                                                                      monkeypatch):
    (tmp_path / "gemeente_sso.py").write_text(sso_example(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("REGELRUIMTE_IDENTITY_MODULE", "gemeente_sso")
    claims = {"x-auth-request-email": "Els@Amsterdam.nl",
              "x-auth-request-groups": "regelruimte-analist,gemeente-amsterdam"}
    with client_for(store, registry) as c:
        listed = c.get(f"{CB}/cases", headers=claims).json()
        assert {x["case_id"] for x in listed["cases"]} == of("amsterdam")
        forbidden(c.get(f"{CB}/cases/zaanstad-oost-1", headers=claims), "buiten uw gemeente")
        assert refusals(store, "els@amsterdam.nl")[0]["case_ids"] == [case_ref("zaanstad-oost-1", "wijkteam-oost")]
        no_scope = {**claims, "x-auth-request-groups": "regelruimte-analist"}
        assert c.get(f"{CB}/cases", headers=no_scope).status_code == 401
        # the tokens no longer count: the module decides who is asking
        assert c.get(f"{CB}/cases", headers=as_user(tokens["ana-zaanstad"])).status_code == 401


def test_a_replaced_lookup_that_forgets_the_team_does_not_open_the_municipality(store, registry, tokens,
                                                                                  monkeypatch):
    sloppy = types.ModuleType("slordige_sso")
    sloppy.identify = lambda request, store: User("jan", "professional", ("zaanstad",))  # no team
    monkeypatch.setitem(sys.modules, "slordige_sso", sloppy)
    monkeypatch.setenv("REGELRUIMTE_IDENTITY_MODULE", "slordige_sso")
    with client_for(store, registry) as c:
        assert c.get(f"{CB}/cases").status_code == 401


def test_a_guessed_user_token_without_a_casebook_creates_none(tmp_path, monkeypatch):
    """A service with tokens and no casebook yet: a token shaped like a user's is refused without
    opening, and so creating, casebook.sqlite in the working directory."""
    from service.http.app import create_app
    from starlette.testclient import TestClient

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGELRUIMTE_DATABASE_URL", raising=False)
    with TestClient(create_app(registry=None, tokens=["statisch-token"], cors_origins=())) as c:
        assert c.get("/v1/rulesets", headers=as_user("rr_geraden")).status_code == 401
    assert list(tmp_path.iterdir()) == []


def test_the_casusboek_pages_keep_the_municipalities_apart(store, registry, tokens):
    """The site's Casusboek (overview, the cases behind a count, one case) as the API: within scope."""
    with client_for(store, registry, web=True) as client:
        _casusboek_within_scope(client, store, tokens)


def _casusboek_within_scope(client, store, tokens):
    me = as_user(tokens["ana-zaanstad"])
    overview = client.get("/casusboek", headers=me)
    assert overview.status_code == 200 and "Amsterdam" not in overview.text
    listed = client.get("/casusboek/casussen", headers=me)
    assert listed.status_code == 200
    assert all(cid in listed.text for cid in of("zaanstad")) and not any(cid in listed.text for cid in of("amsterdam"))
    own, other = sorted(of("zaanstad"))[0], sorted(of("amsterdam"))[0]
    assert client.get(f"/casusboek/casus/{own}", headers=me).status_code == 200
    refused = client.get(f"/casusboek/casus/{other}", headers=me)
    assert refused.status_code == 403 and other not in refused.text and MARKER not in refused.text
    assert client.get("/casusboek?municipality=amsterdam", headers=me).status_code == 403
    assert client.get("/casusboek/casussen?municipality=amsterdam", headers=me).status_code == 403
    assert len(refusals(store, "ana-zaanstad")) == 3
    assert client.get("/casusboek").status_code == 401  # a shared casebook wants to know who asks


# -- what an attacker tried after the first build of the scopes --------------------------------------------


def test_an_administrator_of_one_municipality_sees_only_its_audit_entries(client, store, tokens):
    from casebook.users import add_user, new_token
    add_user(store.engine, User("beheer-zaanstad", "admin", ("zaanstad",)), NOW)
    mine = as_user(new_token(store.engine, "beheer-zaanstad", NOW))
    assert client.delete(f"{CB}/cases/amsterdam-west-1", headers=as_user(tokens["ana-amsterdam"])).status_code == 200
    client.get(f"{CB}/cases/bestaat-niet", headers=as_user(tokens["ana-amsterdam"]))  # an entry without municipality
    client.get(f"{CB}/cases/bestaat-niet", headers=as_user(tokens["ana-zaanstad"]))
    client.get(f"{CB}/cases/zaanstad-oost-1", headers=as_user(tokens["ana-zaanstad"]))

    everything = client.get(f"{CB}/audit", headers=as_user(tokens["beheer"])).json()
    deleted = [e for e in everything if e["action"] == "delete"]
    assert [(e["case_ids"], e["municipalities"]) for e in deleted] == \
        [([case_ref("amsterdam-west-1", "wijkteam-west")], ["amsterdam"])]
    seen = client.get(f"{CB}/audit", headers=mine).json()
    assert {e["user_name"] for e in seen} == {"ana-zaanstad"}
    assert all(set(e["municipalities"]) <= {"zaanstad"} for e in seen)
    assert "amsterdam" not in client.get(f"{CB}/audit?format=csv", headers=mine).text


def test_a_case_not_stored_is_refused_like_another_municipalitys(client, store, registry, tokens):
    """No answer tells a scoped user that a case id exists elsewhere: the same 403 either way, and
    what was typed is not logged."""
    me = as_user(tokens["ana-zaanstad"])
    for method, suffix in (("get", ""), ("get", "/explanation"), ("delete", "")):
        other = getattr(client, method)(f"{CB}/cases/amsterdam-oost-1{suffix}", headers=me)
        unknown = getattr(client, method)(f"{CB}/cases/bestaat-niet{suffix}", headers=me)
        assert other.status_code == unknown.status_code == 403 and other.json() == unknown.json()
    with client_for(store, registry, web=True) as web:
        other_page = web.get("/casusboek/casus/amsterdam-oost-1", headers=me)
        unknown_page = web.get("/casusboek/casus/bestaat-niet", headers=me)
    assert other_page.status_code == unknown_page.status_code == 403
    assert other_page.text == unknown_page.text
    assert not any("bestaat-niet" in e["case_ids"] for e in audit.entries(store.engine))
    assert store.case("amsterdam-oost-1", ANYONE) is not None


def test_in_the_local_mode_a_case_not_stored_is_not_found(store, registry):
    with client_for(store, registry) as c:
        assert c.get(f"{CB}/cases/bestaat-niet").status_code == 404


def test_the_lists_of_the_casebook_page_are_in_the_audit_log(store, registry, tokens):
    with client_for(store, registry, web=True) as web:
        assert web.get("/casusboek/casussen", headers=as_user(tokens["ana-zaanstad"])).status_code == 200
    listed = [e for e in audit.entries(store.engine) if e["user_name"] == "ana-zaanstad" and e["action"] == "list"]
    assert listed and set(listed[0]["case_ids"]) == refs_of("zaanstad") and listed[0]["municipalities"] == ["zaanstad"]


def test_counts_and_reports_stay_within_scope(client, store, registry, tokens):
    # a batch of Amsterdam's alone is not counted for Zaanstad
    store.add([to_prepared(RawRecord("t", 1, record("amsterdam-extra", "amsterdam", "wijkteam-oost")))],
              lambda p: evaluate(p, registry), "test", access=ANYONE)
    stats = {who: client.get(f"{CB}/stats", headers=as_user(tokens[who])).json()
             for who in ("ana-zaanstad", "ana-amsterdam", "beheer")}
    assert stats["beheer"]["batches"] == stats["ana-amsterdam"]["batches"] == stats["ana-zaanstad"]["batches"] + 1


def test_a_policy_officer_sees_groups_never_a_household(client, store, registry, tokens):
    """Counts of at least MIN_GROUP cases, selected by municipality, whole months and outcome only; no row
    per case, no amounts of a smaller group (the attack: a team or one day narrowed a report to one case)."""
    me = as_user(tokens["beleid"])
    for query in ("", "?municipality=zaanstad"):  # 4 and 2 cases
        assert "minder dan 10 casussen" in client.get(f"{CB}/report{query}", headers=me).json()["problems"][0]["message"]
    more_cases(store, registry, 8)
    assert client.get(f"{CB}/report?municipality=zaanstad", headers=me).status_code == 200  # 10 cases
    for query in ("team=wijkteam-oost", "tag=x", "from=2025-09-15&to=2025-09-15", "from=2025-09-01&to=2025-09-15",
                  "outcome=route_available", "evaluation=x"):
        r = client.get(f"{CB}/report?{query}", headers=me)
        assert r.status_code == 403 and "alleen op gemeente en hele maanden" in r.json()["problems"][0]["message"], query
    assert client.get(f"{CB}/report?from=2025-09-01&to=2025-09-30", headers=me).status_code == 200
    report = client.get(f"{CB}/report", headers=me).json()
    for table in ("no_route", "signals", "tags"):  # rows per case, and the free text of teams
        assert report["tables"][table]["rows"] == [], table
    assert all(len(report["overview"][k]) == 7 for k in ("first", "last"))  # months, not a case's day
    stats = client.get(f"{CB}/stats", headers=me).json()
    assert all(len(v) == 7 for v in stats["reference_dates"].values())
    assert all(len(e["first"]) == 7 and len(e["last"]) == 7 for e in stats["evaluations"])
    for path in ("report", "report.html", "tables/signals.csv", "tables/no_route.csv", "tables/kassabon.csv", "page"):
        text = client.get(f"{CB}/{path}", headers=me).text
        assert MARKER not in text and not any(cid in text for cid in CASES_ALL), path
        assert "wijkteam-oost" not in text and "wijkteam-west" not in text, path
    refused = [e for e in audit.entries(store.engine) if e["user_name"] == "beleid" and not e["allowed"]]
    assert len(refused) == 8


def test_a_policy_officer_is_not_asked_for_a_team_but_told_they_may_not_save(store, registry, tokens):
    """A policy officer checks a case on the site: the decision page says in Dutch that their role may not save
    cases, with no form that asks for a team; a save posted all the same (an old tab) and the API's are refused
    with a 403 before the team or the body is looked at, and are in the audit log."""
    from tests.service.web.test_site import welding_form
    me = as_user(tokens["beleid"])
    with client_for(store, registry, web=True) as c:
        page = c.post("/toets", data=welding_form(), headers=me)
        assert page.status_code == 200
        key = re.search(r"/besluit/([^/?]+)$", str(page.url))[1]
        save = page.text.split('id="opslaan"', 1)[1].split("</section>", 1)[0]
        assert 'name="team"' not in save and "<form" not in save
        assert "U kunt deze casus niet opslaan: als beleidsmedewerker mag u geen casussen opslaan." in save
        en = c.get(f"/besluit/{key}?lang=en", headers=me).text.split('id="opslaan"', 1)[1].split("</section>", 1)[0]
        assert "You cannot save this case: as a policy officer you may not save cases." in en
        forbidden(c.post(f"/besluit/{key}/casusboek", data={}, headers=me), "als beleidsmedewerker mag u geen casussen opslaan")
        forbidden(c.post(f"{CB}/cases", json={"case": {}}, headers=me), "als beleidsmedewerker mag u geen casussen opslaan")
        assert [e["action"] for e in refusals(store, "beleid")] == ["save", "save"]
        # who may save still gets the form (and, without its tick, is asked for it)
        pro = as_user(tokens["pro-zaanstad-oost"])
        assert "<form" in c.get(f"/besluit/{key}", headers=pro).text.split('id="opslaan"', 1)[1]
        assert c.post(f"/besluit/{key}/casusboek", data={}, headers=pro).status_code == 422


def test_a_professional_is_shown_their_team_and_saves_under_it_whatever_is_typed(store, registry, tokens):
    """The page review: a professional whose casebook team is 'wijkteam-oost' typed 'Wijkteam Oost' and got a page
    'Geen toegang' with no way back and the signal lost. The form shows the team and asks nothing; the case is
    saved under it; a refusal of the save itself is said on the decision page with the signal kept."""
    from tests.service.web.test_site import welding_form
    pro = as_user(tokens["pro-zaanstad-oost"])
    with client_for(store, registry, web=True) as c:
        page = c.post("/toets", data=welding_form(), headers=pro)
        key = re.search(r"/besluit/([^/?]+)$", str(page.url))[1]
        save = page.text.split('id="opslaan"', 1)[1].split("</section>", 1)[0]
        assert 'name="team"' not in save and "Uw team: <strong>wijkteam-oost</strong>" in " ".join(save.split())
        done = c.post(f"/besluit/{key}/casusboek", headers=pro, follow_redirects=False,
                      data={"team": "Wijkteam Oost", "signal": "lasmasker niet te betalen", "consent": "ja"})
        assert done.status_code == 303 and "opgeslagen=ja" in done.headers["location"]
        from service.examples import WELDING_MASK
        assert {r.team for r in store.latest_cases("zaanstad", [WELDING_MASK["case_id"]])} == {"wijkteam-oost"}


def test_the_report_page_refuses_as_a_page(client, tokens):
    r = client.get(f"{CB}/page?municipality=amsterdam", headers=as_user(tokens["ana-zaanstad"]))
    assert r.status_code == 403 and r.headers["content-type"].startswith("text/html")
    assert "Geen toegang" in r.text and "buiten uw gemeente" in r.text


def whatif_client(store, registry):
    from service.web.whatif_jobs import Jobs
    app = create_app(registry=registry, tokens=(), cors_origins=())
    app.state.whatif_jobs = Jobs()
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    return TestClient(app)


WHATIF = {"ruleset": "zaanstad", "date": "15-9-2025", "change": "parameters", "source": "casebook",
          "param.percentage_inkomensgrens": "120"}


def finished_job(client, address: str, headers: dict) -> str:
    for _ in range(300):
        if client.get(address + "/stand", headers=headers).json()["state"] in ("done", "failed"):
            return client.get(address, headers=headers).text
        time.sleep(0.1)
    raise AssertionError("the what-if did not finish")


def test_a_whatif_job_is_its_owners_alone(store, registry, tokens):
    with whatif_client(store, registry) as c:
        me, other = as_user(tokens["ana-zaanstad"]), as_user(tokens["ana-amsterdam"])
        answer = c.post("/wat-als", data=WHATIF, headers=me, follow_redirects=False)
        assert answer.status_code == 303
        address = answer.headers["location"]
        report = finished_job(c, address, me)
        assert "casussen uit het casusboek" in report
        for path in ("", "/stand", "/verschuivingen.csv", "/verschuivingen.parquet"):
            assert c.get(address + path, headers=other).status_code == 404, path
            assert c.get(address + path, headers=me).status_code == 200, path
    read = [e for e in audit.entries(store.engine) if e["action"] == "whatif"]
    assert [(e["user_name"], set(e["case_ids"])) for e in read] == [("ana-zaanstad", of("zaanstad"))]


def test_a_policy_officer_runs_no_whatif_over_the_casebook(store, registry, tokens):
    """A what-if's costs, tables and sweep over a handful of stored households would show one of them
    (the attack: a sweep narrowed one household's income); a policy officer uses a population instead."""
    more_cases(store, registry, 8)
    with whatif_client(store, registry) as c:
        me = as_user(tokens["beleid"])
        refused = c.post("/wat-als", data=WHATIF, headers=me, follow_redirects=False)
        assert refused.status_code == 403 and "als beleidsmedewerker mag u geen casussen inzien" in refused.text
        assert "/wat-als/taak/" not in refused.text  # refused before a job took a place
        population = {**WHATIF, "source": "population", "population.n": "200", "population.seed": "1"}
        address = c.post("/wat-als", data=population, headers=me, follow_redirects=False).headers["location"]
        assert "synthetische populatie van 200 huishoudens" in finished_job(c, address, me)
    assert not [e for e in audit.entries(store.engine) if e["action"] == "whatif" and e["allowed"]]


def test_two_allowed_selections_never_differ_by_a_handful_of_households(client, store, registry, tokens):
    """The attack: October's 10 cases, then October and November (one more case with its own need): the
    difference was that household. A policy officer's selections are made of (municipality, month) cells
    of at least 10 cases, and any count of fewer than 10 in a table or tile is left out."""
    from tests.casebook.conftest import add_records
    october = [record(f"zaanstad-okt-{i}", "zaanstad", "wijkteam-oost") for i in range(10)]
    for r in october:
        r["case"]["reference_date"] = "2025-10-15"
    november = record("zaanstad-nov-1", "zaanstad", "wijkteam-oost")
    november["case"].update(reference_date="2025-11-20", need={**november["case"]["need"], "amount": "777.77"})
    add_records(store, registry, [*october, november], access=ANYONE)
    me = as_user(tokens["beleid"])
    oct_only = client.get(f"{CB}/report?municipality=zaanstad&from=2025-10-01&to=2025-10-31", headers=me).json()
    oct_nov = client.get(f"{CB}/report?municipality=zaanstad&from=2025-10-01&to=2025-11-30", headers=me).json()
    assert oct_only["overview"]["cases"] == oct_nov["overview"]["cases"] == 10  # November's one case is left out
    assert oct_only["kassabon"] == oct_nov["kassabon"]
    assert client.get(f"{CB}/report?municipality=zaanstad&from=2025-11-01&to=2025-11-30", headers=me).status_code == 403
    everything = client.get(f"{CB}/report?period=month", headers=me).json()  # Amsterdam's 2 and September's 2 left out
    for name, table in everything["tables"].items():
        for row in table["rows"]:
            counts = [v for k, v in row.items() if k not in ("rank", "size") and type(v) is int]
            assert not any(0 < v < 10 for v in counts), (name, row)
    assert "777" not in client.get(f"{CB}/report.html?municipality=zaanstad&from=2025-10-01&to=2025-11-30",
                                   headers=me).text.replace(".", "")
    analyst = client.get(f"{CB}/report?municipality=zaanstad", headers=as_user(tokens["ana-zaanstad"])).json()
    assert analyst["overview"]["cases"] == 13  # who may read cases sees them all


def test_a_report_is_in_the_audit_log_of_each_municipality_it_covers(client, store, registry, tokens):
    more_cases(store, registry, 8)
    more_cases(store, registry, 8, "amsterdam")
    assert client.get(f"{CB}/report", headers=as_user(tokens["beleid"])).status_code == 200
    reports = [e for e in audit.entries(store.engine) if e["user_name"] == "beleid" and e["action"] == "report"]
    assert sorted(m for e in reports for m in e["municipalities"]) == ["amsterdam", "zaanstad"]


def test_a_typed_municipality_is_not_logged(client, store, tokens):
    r = client.get(f"{CB}/report?municipality=familie-jansen", headers=as_user(tokens["ana-zaanstad"]))
    assert r.status_code == 403
    assert "familie-jansen" not in str(list(audit.entries(store.engine)))


def test_a_save_under_another_municipalitys_id_is_a_case_of_its_own(client, store, tokens):
    """Decision record 0044: the id is Zaanstad's own case; Amsterdam's is not touched, nor named anywhere."""
    from casebook.users import add_user, new_token
    add_user(store.engine, User("beheer-amsterdam", "admin", ("amsterdam",)), NOW)
    theirs = as_user(new_token(store.engine, "beheer-amsterdam", NOW))
    before = client.get(f"{CB}/cases/amsterdam-oost-1", headers=as_user(tokens["ana-amsterdam"])).json()
    r = client.post(f"{CB}/cases", json=record("amsterdam-oost-1", "zaanstad", None), headers=as_user(tokens["ana-zaanstad"]))
    assert r.status_code == 201 and r.json()["added"] == 1
    assert client.get(f"{CB}/cases/amsterdam-oost-1", headers=as_user(tokens["ana-amsterdam"])).json() == before
    seen = [e for e in client.get(f"{CB}/audit", headers=theirs).json() if e["user_name"] == "ana-zaanstad"]
    assert seen == []


def test_a_step_over_two_municipalities_is_in_each_ones_audit_log(client, store, tokens):
    from casebook.users import add_user, new_token
    add_user(store.engine, User("beheer-zaanstad", "admin", ("zaanstad",)), NOW)
    mine = as_user(new_token(store.engine, "beheer-zaanstad", NOW))
    assert client.get(f"{CB}/cases", headers=as_user(tokens["beheer"])).status_code == 200  # both municipalities
    listed = [e for e in client.get(f"{CB}/audit", headers=mine).json() if e["action"] == "list"]
    assert [(e["user_name"], set(e["case_ids"])) for e in listed] == [("beheer", refs_of("zaanstad"))]


def test_the_access_log_names_the_route_not_the_case(store, registry, tokens, caplog):
    with client_for(store, registry, web=True) as web, caplog.at_level("INFO", logger="regelruimte.access"):
        web.get("/casusboek/casus/zaanstad-oost-1", headers=as_user(tokens["ana-zaanstad"]))
        web.delete(f"{CB}/cases/zaanstad-west-1", headers=as_user(tokens["ana-zaanstad"]))
        web.get("/casusboek/casus/zaanstad-oost-1/extra", headers=as_user(tokens["ana-zaanstad"]))  # no route
        web.get(f"{CB}/cases/zaanstad-oost-1/", headers=as_user(tokens["ana-zaanstad"]), follow_redirects=False)
        web.get("/familie-jansen/kerkstraat", headers=as_user(tokens["ana-zaanstad"]))  # a typed first segment
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "regelruimte.access")
    assert "/casusboek/casus/{case_id}" in logged and "/v1/casebook/cases/{case_id}" in logged
    assert "/casusboek/…" in logged and "/v1/…" in logged and " /… " in logged
    assert "zaanstad-oost-1" not in logged and "zaanstad-west-1" not in logged and "jansen" not in logged


def test_a_whatif_started_with_the_services_token_is_that_tokens_alone(store, registry, tokens):
    from service.web.whatif_jobs import Jobs
    app = create_app(registry=registry, tokens=["dienst-token"], cors_origins=())
    app.state.whatif_jobs = Jobs()
    app.dependency_overrides[api_casebook.get_store] = lambda: store
    data = {"ruleset": "zaanstad", "date": "15-9-2025", "change": "parameters", "source": "population",
            "population.n": "200", "population.seed": "1", "param.percentage_inkomensgrens": "120"}
    with TestClient(app) as c:
        service_token = as_user("dienst-token")
        address = c.post("/wat-als", data=data, headers=service_token, follow_redirects=False).headers["location"]
        finished_job(c, address, service_token)
        assert c.get(address, headers=as_user(tokens["beleid"])).status_code == 404
        assert c.get(address, headers=service_token).status_code == 200


def test_the_command_line_imports_and_manages_users_in_a_shared_casebook(store, registry, tokens, tmp_path):
    import json
    from service.cli.main import main
    db = store.engine.url.render_as_string(hide_password=False)  # --db takes a URL, SQLite's or PostgreSQL's
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text(json.dumps(record("zaanstad-cli-1", "zaanstad", "wijkteam-oost")) + "\n", encoding="utf-8")
    assert main(["casebook", "--db", db, "import", str(jsonl)]) == 0
    assert store.case("zaanstad-cli-1", ANYONE) is not None
    assert main(["casebook", "--db", db, "users", "add", "nieuw", "--rol", "analyst", "--gemeente", "zaanstad"]) == 0
    assert main(["casebook", "--db", db, "reevaluate", "--label", "opnieuw"]) == 0
    actions = {(e["action"], tuple(e["municipalities"])) for e in audit.entries(store.engine)
               if e["user_name"].startswith("cli:")}
    assert main(["whatif", "--base", "zaanstad@2025-10-01", "--change", "zaanstad@2025-01-01", "--casebook", db]) == 0
    actions = {(e["action"], tuple(e["municipalities"])) for e in audit.entries(store.engine)
               if e["user_name"].startswith("cli:")}
    assert {("save", ("zaanstad",)), ("user_add", ("zaanstad",)), ("reevaluate", ("amsterdam",)),
            ("reevaluate", ("zaanstad",)), ("whatif", ("zaanstad",)), ("whatif", ("amsterdam",))} <= actions


def test_a_policy_officers_page_names_their_scope_and_says_what_it_leaves_out(store, registry, tokens):
    """Review item 3: the page said "Alle gemeenten, 22 casussen" to a policy officer of one municipality while
    `stats` said 177: the cases of months with fewer than 10 were left out without a word."""
    from casebook.users import add_user, new_token
    from tests.casebook.conftest import add_records
    add_user(store.engine, User("beleid-amsterdam", "policy", ("amsterdam",)), NOW)
    me = as_user(new_token(store.engine, "beleid-amsterdam", NOW))
    more_cases(store, registry, 10, "amsterdam")  # with the 2 stored: one month of 12
    small = [record(f"amsterdam-mei-{i}", "amsterdam", "wijkteam-oost") for i in range(3)]
    for r in small:
        r["case"]["reference_date"] = "2025-05-15"  # a month of 3: left out
    add_records(store, registry, small, access=ANYONE)
    with client_for(store, registry, web=True) as client:
        stats = client.get(f"{CB}/stats", headers=me).json()
        page = client.get("/casusboek", headers=me)
        assert page.status_code == 200
        words = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
        assert "alle gemeenten" not in words.lower() and "Uw gemeente(n): Amsterdam, 12 casussen" in words
        assert "3 casussen zijn weggelaten: ze vallen in een maand met minder dan 10 casussen" in words
        assert stats["cases"] == 15  # what the page shows and leaves out add up to what stats says
        # with dates, no number: two selections' numbers would tell a small month apart
        dated = client.get("/casusboek?from=2025-01-01&to=2025-12-31", headers=me)
        words = " ".join(re.sub(r"<[^>]+>", " ", dated.text).split())
        assert "zijn weggelaten" in words and "3 casussen zijn weggelaten" not in words
        # a coordinator's policy officer (every municipality) still reads "Alle gemeenten"; an analyst sees no notice
        everyone = client.get("/casusboek", headers=as_user(tokens["beleid"])).text
        assert "Alle gemeenten" in everyone and "zijn weggelaten" in everyone
        analyst = client.get("/casusboek", headers=as_user(tokens["ana-amsterdam"])).text
        assert "weggelaten" not in analyst and "Uw gemeente(n): Amsterdam" in analyst
        report = client.get(f"{CB}/report.html", headers=me).text  # the HTML report names the scope too
        assert "Alle gemeenten" not in report and "Uw gemeente(n): Amsterdam" in report


def test_the_same_id_in_another_municipality_is_another_case_and_not_hinted_at(client, store, registry, tokens):
    """Review item 3 (decision record 0041) and 0044: a record of zaanstad-oost-1 for Amsterdam once became
    version 2 of Zaanstad's case and told its analyst, by a `"latest": false`, that a newer version existed
    elsewhere. Now it is Amsterdam's own case: each municipality sees version 1, the latest, and nothing else."""
    from tests.casebook.conftest import add_records
    moved = record("zaanstad-oost-1", "amsterdam", "wijkteam-oost")
    moved["case"]["reference_date"] = "2025-12-01"
    assert add_records(store, registry, [moved], access=ANYONE).added == 1
    for analyst, municipality in (("ana-zaanstad", "zaanstad"), ("ana-amsterdam", "amsterdam")):
        mine = client.get(f"{CB}/cases/zaanstad-oost-1", headers=as_user(tokens[analyst])).json()
        assert [(v["version"], v["latest"], v["municipality"]) for v in mine["versions"]] == [(1, True, municipality)]
        assert [d["current"] for d in mine["versions"][0]["decisions"]] == [True]
    exported = client.get(f"{CB}/export?municipality=zaanstad&format=jsonl", headers=as_user(tokens["ana-zaanstad"]))
    line = next(json.loads(x) for x in exported.text.splitlines() if '"zaanstad-oost-1"' in x)
    assert line["latest"] is True and "amsterdam" not in exported.text
    everything = client.get(f"{CB}/cases/zaanstad-oost-1", headers=as_user(tokens["beheer"])).json()
    assert [(v["municipality"], v["version"], v["latest"]) for v in everything["versions"]] == \
        [("amsterdam", 1, True), ("zaanstad", 1, True)]  # who sees both sees two cases
