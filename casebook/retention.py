"""Retention: cases not stored or changed for a configured number of months are deleted.

A case's age is counted from the last time any version of it was stored or changed (its newest
`updated_at`), not from its reference date: a case imported today about last year is kept the full
period. Deleting goes through `Store.delete_cases` (every version and decision, secure_delete and
a WAL checkpoint on SQLite), so an expired case is gone from the database, its write-ahead log
and every later export. `REGELRUIMTE_CASEBOOK_RETENTION_MONTHS` makes the service run it at start
and daily (service/http/casebook.py).
"""
from __future__ import annotations

import calendar
import datetime as dt
import os
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.errors import Problem, RegelruimteError

from .access import LOCAL, Access
from .records import case_ref
from .store import Store, cases_t

ENV_MONTHS = "REGELRUIMTE_CASEBOOK_RETENTION_MONTHS"
MAX_MONTHS = 1200


@dataclass(frozen=True)
class Expired:
    case_id: str
    municipality: str
    team: str | None
    last_changed: dt.datetime


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the 31st becomes the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def configured_months(environ=os.environ) -> int | None:
    """The retention period from the environment; None when unset. A bad value is an error, never ignored."""
    text = (environ.get(ENV_MONTHS) or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and 1 <= int(text) <= MAX_MONTHS):
        raise RegelruimteError([Problem(f"moet een geheel aantal maanden van 1 tot {MAX_MONTHS} zijn",
                                        f"must be a whole number of months from 1 to {MAX_MONTHS}", field=ENV_MONTHS)])
    return int(text)


def expired(store: Store, months: int, now: dt.datetime) -> list[Expired]:
    """The cases (a case is its key: decision record 0044) whose newest stored or changed version is older
    than `months` before `now`."""
    cutoff = months_before(now.astimezone(dt.timezone.utc), months)
    c = cases_t.c
    last = func.max(c.updated_at)
    q = (select(c.case_id, c.municipality, c.team_key, last).group_by(c.case_id, c.municipality, c.team_key)
         .having(last < cutoff).order_by(c.case_id, c.municipality, c.team_key))
    with store.engine.connect() as conn:
        return [Expired(r[0], r[1], r[2] or None, r[3]) for r in conn.execute(q)]


def run(store: Store, months: int, now: dt.datetime, dry_run: bool = False,
        access: Access = LOCAL) -> list[Expired]:
    """Delete the expired cases (or, with `dry_run`, only list them); returns them."""
    found = expired(store, months, now)
    if dry_run:
        store.log_access(access, "retention_list", [(case_ref(e.case_id, e.team), e.municipality) for e in found])
    else:
        per_scope: dict[tuple[str, str], list[str]] = {}  # deleted by scope: another scope's case keeps its id
        for e in found:
            per_scope.setdefault((e.municipality, e.team or ""), []).append(e.case_id)
        for (municipality, team), ids in sorted(per_scope.items()):
            for i in range(0, len(ids), 500):
                store.delete_cases(ids[i:i + 500], municipality, access=access, action="retention", team=team)
    return found
