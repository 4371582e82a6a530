"""A shared casebook of two municipalities, each with two teams (the same team names in both), and
its users. Every case carries a signal with a marker that must never reach the audit log."""
from __future__ import annotations

from casebook.access import User
from casebook.users import add_user, new_token
from tests.casebook.conftest import add_records
from tests.conftest import lasmasker

CASES = {  # case id: (municipality, team)
    "zaanstad-oost-1": ("zaanstad", "wijkteam-oost"),
    "zaanstad-west-1": ("zaanstad", "wijkteam-west"),
    "amsterdam-oost-1": ("amsterdam", "wijkteam-oost"),
    "amsterdam-west-1": ("amsterdam", "wijkteam-west"),
}
MARKER = "merkteken-vertrouwelijk"
USERS = {
    "ana-zaanstad": User("ana-zaanstad", "analyst", ("zaanstad",)),
    "ana-amsterdam": User("ana-amsterdam", "analyst", ("amsterdam",)),
    "pro-zaanstad-oost": User("pro-zaanstad-oost", "professional", ("zaanstad",), "wijkteam-oost"),
    "pro-amsterdam-oost": User("pro-amsterdam-oost", "professional", ("amsterdam",), "wijkteam-oost"),
    "beleid": User("beleid", "policy", ("*",)),
    "beheer": User("beheer", "admin", ("*",)),
}


def record(case_id: str, municipality: str, team: str | None) -> dict:
    case = lasmasker()
    case.update(case_id=case_id, municipality=municipality)
    out = {"case": case, "signal": f"systeemprobleem: {MARKER}"}
    if team:
        out["team"] = team
    return out


def fill(store, registry) -> None:
    add_records(store, registry, [record(cid, m, team) for cid, (m, team) in CASES.items()])


def add_users(store, now) -> dict[str, str]:
    """Every user of USERS, with a token each: {name: token}."""
    tokens = {}
    for user in USERS.values():
        add_user(store.engine, user, now)
        tokens[user.name] = new_token(store.engine, user.name, now)
    return tokens


def of(municipality: str) -> set[str]:
    return {cid for cid, (m, _) in CASES.items() if m == municipality}


def refs_of(municipality: str) -> set[str]:
    """How the audit log names the cases of `municipality` (records.case_ref)."""
    from casebook.records import case_ref
    return {case_ref(cid, team) for cid, (m, team) in CASES.items() if m == municipality}
