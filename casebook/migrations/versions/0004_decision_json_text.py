"""PostgreSQL: a decision's JSON stored as `json` (its text, checked) instead of `jsonb` (parsed).

A decision is written once, read whole and never searched inside (analysis reads the detail tables), so
parsing its 15–25 kB into jsonb's binary form on every write buys nothing; it was about 80 µs of the
server's CPU per imported case (docs/decisions/0034-decision-json-as-text.md). The values read back are
the same dicts; their keys now come back in the order they were written, as on SQLite. lz4 compression
(0003) is kept. SQLite: nothing to do.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _retype(kind: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    change = f"ALTER COLUMN decision_json TYPE {kind} USING decision_json::{kind}"
    # a new type resets the column's compression: lz4 again, where 0003 could set it, in the same statement,
    # so that the rows it rewrites are compressed with lz4 too (2.6 times faster than pglz, as measured)
    if bind.exec_driver_sql("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
                            ).scalar():
        change += ", ALTER COLUMN decision_json SET COMPRESSION lz4"
    op.execute(f"ALTER TABLE decisions {change}")


def upgrade() -> None:
    _retype("json")


def downgrade() -> None:
    _retype("jsonb")
