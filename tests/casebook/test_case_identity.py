"""A case is known by its scope and its id (decision record 0044): two teams, or two municipalities, may each
keep their own "casus-001"; neither reads, versions or overwrites the other's, nor learns that it exists."""
import datetime as dt
import json

import pytest

from casebook import audit
from casebook.access import Access, Forbidden, User
from casebook.evaluation import reevaluate
from casebook.importers import import_path
from casebook.records import case_ref
from casebook.store import Filters, Store
from casebook.users import add_user, validate
from engine.errors import RegelruimteError
from tests.casebook.conftest import add_records
from tests.casebook.test_importers import CSV_HEADER
from tests.casebook.two_municipalities import MARKER, USERS, record

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


def test_a_changed_case_is_a_new_version_of_its_own_teams_case_only(teams, registry):
    me = who("pro-zaanstad-oost")
    changed = own_record("zaanstad", "wijkteam-oost", 2500)
    assert add_records(teams, registry, [changed], access=me).new_versions == 1
    assert [(v["version"], v["latest"]) for v in teams.case(SAME, me)["versions"]] == [(1, False), (2, True)]
    west = teams.case(SAME, who("pro-zaanstad-west"))["versions"]
    assert [(v["version"], v["latest"]) for v in west] == [(1, True)]
    assert teams.check() == []


def test_an_analyst_sees_each_teams_case_and_exports_only_their_municipality(teams):
    me = who("ana-zaanstad")
    assert sorted((v["team"], v["version"]) for v in teams.case(SAME, me)["versions"]) == \
        [("wijkteam-oost", 1), ("wijkteam-west", 1)]
    one = teams.case(SAME, me, "zaanstad", "wijkteam-west")["versions"]
    assert [(v["team"], v["municipality"]) for v in one] == [("wijkteam-west", "zaanstad")]
    with pytest.raises(RegelruimteError) as exc:  # where one case is meant, the id alone is not enough
        teams.case(SAME, me, single=True)
    assert exc.value.problems[0].field == "case_id" and SAME not in exc.value.problems[0].message
    exported = list(teams.export("zaanstad", me))
    assert sorted((v["municipality"], v["team"], v["version"]) for v in exported) == \
        [("zaanstad", "wijkteam-oost", 1), ("zaanstad", "wijkteam-west", 1)]


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_an_export_imports_back_with_each_case_apart(teams, registry, tmp_path, fmt):
    exported = list(teams.export("zaanstad", who("ana-zaanstad")))
    path = tmp_path / f"export.{fmt}"
    path.write_text("".join(json.dumps(v) + "\n" for v in exported) if fmt == "jsonl" else json.dumps(exported),
                    encoding="utf-8")
    with Store.open(f"sqlite:///{tmp_path / 'copy.sqlite'}") as copy:
        result = import_path(copy, registry, path, "copy")
        assert (result.added, result.new_versions, result.rejected) == (2, 0, [])
        assert sorted((v["team"], v["version"], v["digest"]) for v in copy.case(SAME)["versions"]) == \
            sorted((v["team"], v["version"], v["digest"]) for v in exported)
        assert import_path(copy, registry, path, "copy").unchanged == 2  # a re-run adds nothing


def test_a_csv_of_each_team_under_the_same_id_stores_two_cases(store, registry, tmp_path):
    path = tmp_path / "teams.csv"
    row = "casus-001;2025-09-15;zaanstad;single;;{income};;;;;;;one_off_cost;;450;;;special_assistance;;;{team};;\n"
    path.write_text(CSV_HEADER + "\n" + row.format(income="1500", team="wijkteam-oost")
                    + row.format(income="1700", team="wijkteam-west"), encoding="utf-8")
    assert import_path(store, registry, path, "test").added == 2
    assert sorted((v["team"], v["version"]) for v in store.case(SAME)["versions"]) == \
        [("wijkteam-oost", 1), ("wijkteam-west", 1)]


def test_reevaluating_an_id_adds_a_decision_to_each_of_its_cases(teams, registry):
    report = reevaluate(teams, registry, "opnieuw", case_ids=[SAME])
    assert report.written.decisions == 3 and report.problems == []
    for name in TEAMS:
        [version] = teams.case(SAME, who(name))["versions"]
        assert [(d["evaluation"], d["current"]) for d in version["decisions"]][-1] == ("opnieuw", True)
    assert teams.check() == []


def test_deleting_an_id_deletes_the_callers_case_only(teams):
    assert teams.delete_cases([SAME], access=who("ana-amsterdam")) == 1  # Amsterdam's, not Zaanstad's two
    assert teams.case(SAME, who("pro-zaanstad-west"))["versions"][0]["version"] == 1
    with pytest.raises(RegelruimteError):  # two cases of the id in scope, one meant: refused, nothing deleted
        teams.delete_cases([SAME], access=who("beheer"), single=True)
    assert teams.delete_cases([SAME], "zaanstad", access=who("beheer"), team="wijkteam-oost", single=True) == 1
    assert [v["team"] for v in teams.case(SAME, who("beheer"))["versions"]] == ["wijkteam-west"]


def test_another_teams_id_is_answered_as_an_unknown_one(teams, registry):
    """The hostile angle: a professional asks for an id only another team uses. The refusal is the one for an id
    stored nowhere, word for word; the other team's case is untouched and its text is nowhere in the log."""
    only_west = own_record("zaanstad", "wijkteam-west", 1900)
    only_west["case"]["case_id"] = "alleen-west"
    add_records(teams, registry, [only_west], access=who("pro-zaanstad-west"))
    pro, analyst = who("pro-zaanstad-oost"), who("ana-amsterdam")
    answers = []
    for case_id in ("alleen-west", "bestaat-nergens"):
        for attempt in (lambda: teams.case(case_id, pro), lambda: teams.case(case_id, analyst),
                        lambda: teams.delete_cases([case_id], access=analyst)):
            with pytest.raises(Forbidden) as exc:
                attempt()
            answers.append((exc.value.message, exc.value.message_en))
    assert answers[:3] == answers[3:]
    assert teams.case("alleen-west", who("pro-zaanstad-west"))["versions"][0]["version"] == 1
    text = json.dumps(list(audit.entries(teams.engine)))
    assert "wijkteam" not in text and MARKER not in text
    # the other team's case is named by its reference in the refusal, for its own municipality's administrator
    refused = [e for e in audit.entries(teams.engine) if not e["allowed"]]
    assert case_ref("alleen-west", "wijkteam-west") in refused[-1]["case_ids"]


def test_the_audit_log_tells_two_teams_cases_with_one_id_apart(teams):
    teams.case(SAME, who("pro-zaanstad-oost"))
    teams.case(SAME, who("pro-zaanstad-west"))
    reads = [e["case_ids"] for e in audit.entries(teams.engine) if e["action"] == "read"]
    assert reads == [[case_ref(SAME, "wijkteam-west")], [case_ref(SAME, "wijkteam-oost")]]
    assert len(set(r[0] for r in reads)) == 2


@pytest.mark.parametrize("team", ["team-jan", "wijkteam-de-vries", "mevrouw-bakker", "team_jansen"])
def test_a_users_team_that_names_a_person_is_refused_without_repeating_it(team):
    with pytest.raises(RegelruimteError) as exc:
        validate(User("pro", "professional", ("zaanstad",), team))
    problem = exc.value.problems[0]
    assert problem.field == "team" and "naam van een persoon" in problem.message
    assert team not in problem.message and team not in problem.message_en


@pytest.mark.parametrize("team", ["wijkteam-oost", "schuldhulp-zaanstad", "wijkteam-de-pijp", "sint-jan", "wij-groningen"])
def test_a_users_team_named_as_teams_are_passes(team):
    assert validate(User("pro", "professional", ("zaanstad",), team)).team == team
