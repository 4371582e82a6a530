"""The API and the pages look a case up by its scope and id (decision record 0044): two teams of one
municipality each keep a "casus-001"; the address of one case is its id with its municipality and team; another
team's id is answered as an unknown one (SQLite and PostgreSQL)."""
import re

import pytest

from casebook.access import User
from casebook.users import add_user, new_token
from tests.casebook.conftest import add_records
from tests.service.test_casebook_scopes import ANYONE, CB, NOW, as_user, client_for, forbidden, store, tokens  # noqa: F401
from tests.casebook.two_municipalities import record

SAME = "casus-001"


@pytest.fixture
def teams(store, registry, tokens):  # noqa: F811
    """Zaanstad's teams oost and west each store SAME (another household each); a professional of west too."""
    add_user(store.engine, User("pro-zaanstad-west", "professional", ("zaanstad",), "wijkteam-west"), NOW)
    tokens["pro-zaanstad-west"] = new_token(store.engine, "pro-zaanstad-west", NOW)
    for team, amount in (("wijkteam-oost", "900.00"), ("wijkteam-west", "1300.00")):
        rec = record(SAME, "zaanstad", team)
        rec["case"]["need"]["amount"] = amount
        assert add_records(store, registry, [rec], access=ANYONE).added == 1
    only_west = record("alleen-west", "zaanstad", "wijkteam-west")
    add_records(store, registry, [only_west], access=ANYONE)
    return tokens


@pytest.fixture
def api(store, registry, teams):  # noqa: F811
    with client_for(store, registry, web=True) as c:
        yield c


@pytest.mark.parametrize("user, team", [("pro-zaanstad-oost", "wijkteam-oost"), ("pro-zaanstad-west", "wijkteam-west")])
def test_each_team_reads_its_own_case_by_id(api, teams, user, team):
    me = as_user(teams[user])
    found = api.get(f"{CB}/cases/{SAME}", headers=me).json()
    assert [(v["team"], v["version"], v["latest"]) for v in found["versions"]] == [(team, 1, True)]
    assert api.get(f"{CB}/cases/{SAME}/explanation", headers=me).status_code == 200
    page = api.get(f"/casusboek/casus/{SAME}", headers=me)
    assert page.status_code == 200 and SAME in page.text


def test_an_analyst_picks_one_of_the_ids_cases_by_municipality_and_team(api, teams):
    me = as_user(teams["ana-zaanstad"])
    both = api.get(f"{CB}/cases/{SAME}", headers=me).json()["versions"]
    assert sorted(v["team"] for v in both) == ["wijkteam-oost", "wijkteam-west"]
    for path in (f"{CB}/cases/{SAME}/explanation", f"/casusboek/casus/{SAME}"):
        r = api.get(path, headers=me)
        assert r.status_code == 422 and "kies er één met gemeente en team" in r.text, path
    r = api.get(f"{CB}/cases/{SAME}?municipality=zaanstad&team=wijkteam-west", headers=me)
    assert [v["team"] for v in r.json()["versions"]] == ["wijkteam-west"]
    assert api.get(f"{CB}/cases/{SAME}/explanation?team=wijkteam-west", headers=me).status_code == 200
    r = api.get(f"{CB}/cases/{SAME}?team=" + "x" * 101, headers=me)
    assert r.status_code == 422 and r.json()["problems"][0]["field"] == "team" and "x" * 101 not in r.text
    # a delete of the id alone would delete two households' cases: refused, nothing deleted
    assert api.delete(f"{CB}/cases/{SAME}", headers=me).status_code == 422
    assert api.delete(f"{CB}/cases/{SAME}?team=wijkteam-oost", headers=me).json() == {"deleted": SAME}
    left = api.get(f"{CB}/cases/{SAME}", headers=me).json()["versions"]
    assert [v["team"] for v in left] == ["wijkteam-west"]


def test_the_casebook_pages_link_each_case_with_its_scope(api, teams):
    me = as_user(teams["ana-zaanstad"])
    listed = api.get("/casusboek/casussen", headers=me).text
    links = set(re.findall(r'href="(/casusboek/casus/casus-001\?[^"]+)"', listed))
    assert len(links) == 2
    for link in links:
        page = api.get(link.replace("&amp;", "&"), headers=me)
        assert page.status_code == 200


def test_another_teams_id_gets_the_answer_of_an_unknown_id(api, teams):
    """The hostile angle, through the API and the page: the same status and the same body, word for word."""
    me = as_user(teams["pro-zaanstad-oost"])
    for path in (f"{CB}/cases/{{}}", f"{CB}/cases/{{}}/explanation", "/casusboek/casus/{}"):
        theirs = api.get(path.format("alleen-west"), headers=me)
        unknown = api.get(path.format("bestaat-nergens"), headers=me)
        forbidden(theirs, "inzien")
        assert (theirs.status_code, theirs.text.replace("alleen-west", "X")) == \
            (unknown.status_code, unknown.text.replace("bestaat-nergens", "X")), path
        assert "wijkteam-west" not in theirs.text
    # narrowing to the other team is the same refusal, and still their case is not touched
    forbidden(api.get(f"{CB}/cases/{SAME}?team=wijkteam-west", headers=me), "inzien")
    west = api.get(f"{CB}/cases/{SAME}", headers=as_user(teams["pro-zaanstad-west"])).json()
    assert [(v["version"], v["latest"]) for v in west["versions"]] == [(1, True)]


def test_a_team_saving_another_teams_id_through_the_api_gets_its_own_case(api, teams, store):  # noqa: F811
    rec = record("alleen-west", "zaanstad", None)
    r = api.post(f"{CB}/cases", json=rec, headers=as_user(teams["pro-zaanstad-oost"]))
    assert r.status_code == 201 and r.json()["added"] == 1
    west = api.get(f"{CB}/cases/alleen-west", headers=as_user(teams["pro-zaanstad-west"])).json()["versions"]
    assert [(v["team"], v["version"], v["latest"]) for v in west] == [("wijkteam-west", 1, True)]
    assert store.check() == []
