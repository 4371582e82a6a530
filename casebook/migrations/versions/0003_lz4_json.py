"""PostgreSQL: the large JSON columns compressed with lz4 instead of pglz.

A decision is about 25 kB of JSON; compressing it is a large part of what the server does per imported
case, and lz4 does it for about 40% less CPU (docs/decisions/0030). Only the storage of new values changes:
the values, as read, are the same, and rows stored before keep their compression. A server built without
lz4 keeps pglz. SQLite: nothing to do.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (("decisions", "decision_json"), ("cases", "case_json"))


def _set(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # NULL before PostgreSQL 14 (no choice of compression), false when built without lz4
    if not bind.exec_driver_sql("SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                                "WHERE name = 'default_toast_compression'").scalar():
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    _set("lz4")


def downgrade() -> None:
    _set("default")
