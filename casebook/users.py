"""The users of a shared casebook and their API tokens, stored in the casebook database.

A token is shown once, when it is made, and stored as its SHA-256 only: someone who reads the
database cannot log in with what they find there. The casebook is in the local mode (one user,
everything, `access.LOCAL`) for as long as it has no users.
"""
from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import Engine, delete, func, insert, select

from engine.bsn import looks_like_bsn
from engine.case import is_municipality
from engine.errors import Problem, RegelruimteError

from .access import ALL, ROLES, User
from .models import TokenRow, UserRow
from .names import slug_looks_like_name

users_t = UserRow.__table__
tokens_t = TokenRow.__table__
NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,99}")  # a login name or e-mail address, lower case
TEAM = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
TOKEN_PREFIX = "rr_"  # a user's token says what it is (and a secret scanner can find one that leaked)


def _refuse(message: str, message_en: str, field: str) -> RegelruimteError:
    return RegelruimteError([Problem(message, message_en, field=field)])


def validate(user: User) -> User:
    """The user as stored, or a RegelruimteError naming the field (the value is not repeated)."""
    if not NAME.fullmatch(user.name) or looks_like_bsn(user.name):
        raise _refuse("geen geldige naam: kleine letters, cijfers en . _ @ -, hoogstens 100 tekens",
                      "not a valid name: lower-case letters, digits and . _ @ -, at most 100 characters", "name")
    if user.role not in ROLES:
        raise _refuse(f"de rol is een van {', '.join(ROLES)}", f"the role is one of {', '.join(ROLES)}", "role")
    munis = tuple(sorted(set(user.municipalities)))
    if not munis or (ALL in munis and len(munis) > 1) or not all(m == ALL or is_municipality(m) for m in munis):
        raise _refuse("geef een of meer gemeenten (de slug, bv. zaanstad) of * voor alle gemeenten",
                      "give one or more municipalities (the slug, e.g. zaanstad) or * for all", "municipality")
    if user.role == "professional":
        if len(munis) != 1 or munis == (ALL,):
            raise _refuse("een professional hoort bij precies één gemeente",
                          "a professional belongs to exactly one municipality", "municipality")
        if not user.team or not TEAM.fullmatch(user.team) or looks_like_bsn(user.team):
            raise _refuse("een professional hoort bij een team: kleine letters, cijfers, - en _",
                          "a professional belongs to a team: lower-case letters, digits, - and _", "team")
        if slug_looks_like_name(user.team):  # as the team of a case (casebook/names.py), never repeated
            raise _refuse("het team lijkt de naam van een persoon te bevatten; geef de naam van het team zonder "
                          "namen van mensen (bijvoorbeeld wijkteam-noord)",
                          "the team seems to hold a person's name; give the team's name without people's names "
                          "(for example wijkteam-noord)", "team")
    elif user.team:
        raise _refuse("alleen een professional hoort bij een team", "only a professional belongs to a team", "team")
    return User(user.name, user.role, munis, user.team if user.role == "professional" else None)


def add_user(engine: Engine, user: User, now) -> User:
    user = validate(user)
    with engine.begin() as conn:
        if conn.execute(select(users_t.c.id).where(users_t.c.name == user.name)).first():
            raise _refuse("er is al een gebruiker met deze naam", "a user with this name exists", "name")
        conn.execute(insert(users_t), {"name": user.name, "role": user.role, "municipalities": list(user.municipalities),
                                       "team": user.team, "created_at": now})
    return user


def remove_user(engine: Engine, name: str) -> bool:
    """Remove a user and every token of theirs; their audit entries stay."""
    with engine.begin() as conn:
        uid = conn.execute(select(users_t.c.id).where(users_t.c.name == name)).scalar()
        if uid is None:
            return False
        conn.execute(delete(tokens_t).where(tokens_t.c.user_id == uid))
        conn.execute(delete(users_t).where(users_t.c.id == uid))
    return True


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        counts = dict(conn.execute(select(tokens_t.c.user_id, func.count()).group_by(tokens_t.c.user_id)).all())
        return [{"name": r.name, "role": r.role, "municipalities": list(r.municipalities), "team": r.team,
                 "tokens": counts.get(r.id, 0), "created_at": r.created_at.isoformat()}
                for r in conn.execute(select(users_t).order_by(users_t.c.name))]


def has_users(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(users_t.c.id).limit(1)).first() is not None


def digest(token: str | bytes) -> str:
    return hashlib.sha256(token.encode() if isinstance(token, str) else token).hexdigest()


def new_token(engine: Engine, name: str, now) -> str:
    """A new API token for user `name` (shown once; only its hash is stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        uid = conn.execute(select(users_t.c.id).where(users_t.c.name == name)).scalar()
        if uid is None:
            raise _refuse("deze gebruiker bestaat niet", "this user does not exist", "name")
        conn.execute(insert(tokens_t), {"user_id": uid, "token_sha256": digest(token), "created_at": now})
    return token


def revoke_tokens(engine: Engine, name: str) -> int:
    with engine.begin() as conn:
        uid = conn.execute(select(users_t.c.id).where(users_t.c.name == name)).scalar()
        if uid is None:
            raise _refuse("deze gebruiker bestaat niet", "this user does not exist", "name")
        return conn.execute(delete(tokens_t).where(tokens_t.c.user_id == uid)).rowcount


def user_by_token(engine: Engine, token: str | bytes) -> User | None:
    """The user whose token this is, or None. Looked up by the token's hash: the lookup takes the same
    time whatever part of a guess was right."""
    if not token:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(users_t).join(tokens_t, tokens_t.c.user_id == users_t.c.id)
                           .where(tokens_t.c.token_sha256 == digest(token))).first()
    return None if row is None else User(row.name, row.role, tuple(row.municipalities), row.team)
