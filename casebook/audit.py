"""The audit log: who read, exported, saved or deleted which cases, and which attempts were refused.

An entry holds who (user name and role), when, what (the action and where it came in: an API
route's template, a page, a command) and which case ids and municipalities. Never case contents,
never filter values or free text. Written by the store (casebook/store.py) for every audited caller.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Iterable, Iterator

from sqlalchemy import Engine, insert, select

from .access import ALL, Access
from .models import AuditRow

audit_t = AuditRow.__table__
COLUMNS = ("at", "user_name", "role", "action", "allowed", "via", "municipalities", "case_ids")


def record(engine: Engine, access: Access, action: str, at: dt.datetime, cases: Iterable[tuple[str, str]] = (),
           municipalities: Iterable[str] = (), allowed: bool = True) -> None:
    """One entry per municipality involved, with that municipality's case ids (`cases`: (id, municipality)),
    so each municipality's administrator sees every step that touched its cases, and only those; one
    entry without municipality when none is involved."""
    per: dict[str | None, set[str]] = {m: set() for m in municipalities}
    for case_id, municipality in cases:
        per.setdefault(municipality, set()).add(case_id)
    common = {"at": at, "user_name": access.user, "role": access.role, "action": action, "allowed": allowed,
              "via": access.via[:200]}
    rows = [{**common, "municipalities": [m], "case_ids": sorted(ids)} for m, ids in sorted(per.items()) if m] or \
        [{**common, "municipalities": [], "case_ids": []}]
    with engine.begin() as conn:
        conn.execute(insert(audit_t), rows)


def entries(engine: Engine, user: str | None = None, since: dt.datetime | None = None,
            limit: int | None = None) -> Iterator[dict]:
    """Entries, newest first."""
    q = select(audit_t).order_by(audit_t.c.id.desc())
    if user:
        q = q.where(audit_t.c.user_name == user)
    if since:
        q = q.where(audit_t.c.at >= since)
    if limit:
        q = q.limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    for r in rows:
        yield {"at": r.at.isoformat(), "user_name": r.user_name, "role": r.role, "action": r.action,
               "allowed": r.allowed, "via": r.via, "municipalities": list(r.municipalities),
               "case_ids": list(r.case_ids)}


def visible_to(rows: Iterable[dict], access: Access, users: Iterable[dict]) -> Iterator[dict]:
    """The entries an administrator may see: all of them for a coordinator (every municipality); for
    an administrator of some municipalities, those of their municipalities (an entry names one, see
    `record`), and those naming none (a refusal, a user-management step) made by a user whose scope lies
    within theirs. An entry about no municipality by a user of another municipality, or of all, stays
    hidden."""
    if access.municipalities is None:
        yield from rows
        return
    own = {u["name"] for u in users
           if ALL not in u["municipalities"] and set(u["municipalities"]) <= access.municipalities}
    own.add(access.user)
    for r in rows:
        munis = set(r["municipalities"])
        if munis <= access.municipalities if munis else r["user_name"] in own:
            yield r


def as_csv(rows: Iterable[dict]) -> str:
    """The entries as CSV (lists joined with |), safe to open in a spreadsheet."""
    from .exports import neutral_text  # exports needs the store, which needs this module
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([neutral_text("|".join(v)) if isinstance(v, list) else
                         ("true" if v else "false") if isinstance(v, bool) else neutral_text(str(v))
                         for v in (r[c] for c in COLUMNS)])
    return out.getvalue()


def as_jsonl(rows: Iterable[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
