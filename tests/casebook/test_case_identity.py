"""A case is known by its scope and its id (decision record 0044): two teams, or two municipalities, may each
keep their own "casus-001"; neither reads, versions or overwrites the other's, nor learns that it exists."""
import datetime as dt

import pytest

from casebook import audit
from casebook.access import Access, Forbidden
from casebook.store import Filters
from casebook.users import add_user
from tests.casebook.conftest import add_records
from tests.casebook.two_municipalities import USERS, record

SAME = "casus-001"
TEAMS = {  # user: (municipality, team) of the case that user's team stores under SAME
    "pro-zaanstad-oost": ("zaanstad", "wijkteam-oost"),
    "pro-zaanstad-west": ("zaanstad", "wijkteam-west"),
    "pro-amsterdam-oost": ("amsterdam", "wijkteam-oost"),
}
PEOPLE = {**USERS, "pro-zaanstad-west": type(USERS["pro-zaanstad-oost"])("pro-zaanstad-west", "professional",
                                                                        ("zaanstad",), "wijkteam-west")}


def who(name: str) -> Access:
    return Access.of(PEOPLE[name], via="test")


def own_record(municipality: str, team: str, income: int) -> dict:
    """The same id, each team its own household (another income: another content, another digest)."""
    out = record(SAME, municipality, team)
    out["case"]["income"] = [{"source": "wages", "net_monthly": f"{income}.00"}]
    return out


@pytest.fixture
def teams(store, registry):
    for user in PEOPLE.values():
        add_user(store.engine, user, dt.datetime.now(dt.timezone.utc))
    for n, (name, (municipality, team)) in enumerate(sorted(TEAMS.items())):
        result = add_records(store, registry, [own_record(municipality, team, 1500 + 100 * n)], access=who(name))
        assert (result.added, result.new_versions) == (1, 0), name
    return store


@pytest.mark.parametrize("name", sorted(TEAMS))
def test_each_team_keeps_its_own_case_under_the_same_id(teams, name):
    found = teams.case(SAME, who(name))
    assert [(v["municipality"], v["team"], v["version"], v["latest"]) for v in found["versions"]] == \
        [(*TEAMS[name], 1, True)]
    total, rows = teams.list_cases(Filters(), access=who(name))
    assert total == 1 and [(r["case_id"], r["team"], r["version"]) for r in rows] == [(SAME, TEAMS[name][1], 1)]


def test_a_team_never_learns_of_another_teams_case_with_its_id(teams):
    mine = who("pro-zaanstad-oost")
    assert teams.stats(mine)["cases"] == 1 and teams.stats(mine)["case_versions"] == 1
    assert teams.check() == []
