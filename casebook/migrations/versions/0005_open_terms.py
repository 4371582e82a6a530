"""The open norms of the rule sets in `missing_facts`, with a `kind` column.

Before, `missing_facts` held only the household's missing facts (`missing_facts` of an option); the open
norms a decision waits for (`open_terms` of an option and of its routes) were in the
decision JSON only, so the casebook never counted them. The column `kind` tells them apart: "fact" (the
professional can ask for it) or "open_term" (the rule set must supply it). Every row stored before is a
fact; the open terms of every stored decision are added from its JSON here, in the same transaction, so an
existing casebook needs no re-evaluation (docs/casebook.md, *Versions, evaluations and what analysis
counts*). The downgrade removes them with the column.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHUNK = 1000


def _open_terms(option: dict) -> list[str]:
    # the same reading as casebook.records.open_terms, written out so that this migration stays as it is
    names = list(option.get("open_terms") or ())
    for route in option.get("routes") or ():
        names += route.get("open_terms") or ()
    facts = set(option.get("missing_facts") or ())
    return [n for n in dict.fromkeys(names) if n not in facts]


def upgrade() -> None:
    op.add_column("missing_facts", sa.Column("kind", sa.String(20), nullable=False, server_default="fact"))
    bind = op.get_bind()
    missing = sa.table("missing_facts", sa.column("decision_id", sa.Integer), sa.column("option", sa.String),
                       sa.column("fact", sa.String), sa.column("kind", sa.String))
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, decision_json FROM decisions WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": CHUNK}).all()
        if not rows:
            break
        last = rows[-1][0]
        values = []
        for decision_id, doc in rows:
            if isinstance(doc, (bytes, bytearray, memoryview)):
                doc = bytes(doc).decode("utf-8")
            if isinstance(doc, str):
                doc = json.loads(doc)
            for option in (doc or {}).get("options") or ():
                values += [{"decision_id": decision_id, "option": option["option"], "fact": name, "kind": "open_term"}
                           for name in _open_terms(option)]
        if values:
            bind.execute(sa.insert(missing), values)


def downgrade() -> None:
    op.execute("DELETE FROM missing_facts WHERE kind = 'open_term'")
    with op.batch_alter_table("missing_facts") as batch:
        batch.drop_column("kind")
