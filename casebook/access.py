"""Who may see what in a shared casebook: roles, a user's scope, and the caller of one request.

A City Deal casebook holds the cases of several municipalities. Every store query takes an
`Access` (the caller's scope) and limits itself to it (casebook/store.py); nothing else decides.
`LOCAL` is the single-token local mode: one user who sees everything, nothing audited.

Roles (docs/casebook.md, "Users, scope and audit"):

| role | save cases | read cases | report | export | delete | users, audit |
|---|---|---|---|---|---|---|
| professional | own team | own team | own team | - | - | - |
| analyst | scope | scope | scope | scope | scope | - |
| policy | - | - | scope | - | - | - |
| admin | scope | scope | scope | scope | scope | yes |

A team is a municipality plus a team name: a professional of `zaanstad` in team `wijkteam-oost`
sees the cases of Zaanstad whose team is `wijkteam-oost`, never another municipality's team of
the same name.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass

ROLES = ("professional", "analyst", "policy", "admin")
ROLE_NL = {"professional": "professional", "analyst": "analist", "policy": "beleidsmedewerker",
           "admin": "beheerder"}
ROLE_EN = {"professional": "a professional", "analyst": "an analyst", "policy": "a policy officer",
           "admin": "an administrator"}
ALL = "*"  # the scope of a City Deal coordinator: every municipality
# Whoever may not read cases (a policy officer) sees groups, never one household: a selection holds at
# least this many cases, filters only by municipality, whole months and outcome, and amounts of a
# smaller group inside it are withheld (casebook/store.py Store.scope, casebook/report.py).
MIN_GROUP = 10

SAVE, READ, REPORT, EXPORT, DELETE, ADMIN = "save", "read", "report", "export", "delete", "admin"
MAY = {
    "professional": {SAVE, READ, REPORT},
    "analyst": {SAVE, READ, REPORT, EXPORT, DELETE},
    "policy": {REPORT},
    "admin": {SAVE, READ, REPORT, EXPORT, DELETE, ADMIN},
}
# what a refusal says: the action, never the value asked for
ACTION_NL = {SAVE: ("casussen opslaan", "save cases"), READ: ("casussen inzien", "read cases"),
             REPORT: ("rapporten bekijken", "view reports"), EXPORT: ("casussen exporteren", "export cases"),
             DELETE: ("casussen verwijderen", "delete cases"),
             ADMIN: ("gebruikers en het auditlog beheren", "manage users and the audit log")}


class Forbidden(Exception):
    """The caller may not do this: a 403 on the API, exit 2 on the command line. Logged in the audit log
    before it is raised."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


@dataclass(frozen=True)
class User:
    """A person with a role and a scope: municipalities (`("*",)` is all), and for a professional a team."""

    name: str
    role: str
    municipalities: tuple[str, ...]
    team: str | None = None


@dataclass(frozen=True)
class Access:
    """The caller of one request or command: who (None in the local mode), what they may do, and
    `via`, where they came in (an API route, a page, the command line), for the audit log."""

    user: str | None
    role: str = "admin"
    municipalities: frozenset[str] | None = None  # None: every municipality
    team: str | None = None  # set for a professional: only this team's cases
    via: str = ""

    @classmethod
    def of(cls, user: User, via: str = "") -> "Access":
        munis = None if ALL in user.municipalities else frozenset(user.municipalities)
        return cls(user.name, user.role, munis, user.team if user.role == "professional" else None, via)

    @property
    def audited(self) -> bool:
        return self.user is not None

    def may(self, action: str) -> bool:
        return action in MAY.get(self.role, ())

    @property
    def groups_only(self) -> bool:
        """Sees counts of groups of cases (MIN_GROUP), never a case."""
        return not self.may(READ)

    def sees(self, municipality: str, team: str | None) -> bool:
        """Whether a case of this municipality and team is within scope."""
        if self.municipalities is not None and municipality not in self.municipalities:
            return False
        return self.team is None or team == self.team

    def refusal(self, action: str, outside: bool = False) -> Forbidden:
        nl, en = ACTION_NL[action]
        if outside:
            return Forbidden(f"u mag geen {nl} buiten uw {'team' if self.team else 'gemeente(n)'}",
                             f"you may not {en} outside your {'team' if self.team else 'municipalities'}")
        return Forbidden(f"als {ROLE_NL.get(self.role, self.role)} mag u geen {nl}",
                         f"as {ROLE_EN.get(self.role, self.role)} you may not {en}")


LOCAL = Access(user=None)  # the single-token local mode: everything, nothing audited


def command_line(via: str) -> Access:
    """The command line as a caller: everything, audited as cli:<login name> (`via`: the command)."""
    return Access(f"cli:{getpass.getuser()}"[:100], via=via)
