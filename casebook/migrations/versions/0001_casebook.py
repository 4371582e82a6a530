"""The casebook: cases, decisions and the decision taken apart for analysis.

Revision ID: 0001
Revises:
Create Date: 2026-02-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Document = sa.JSON().with_variant(JSONB(), "postgresql")


def _per_decision(name: str, *columns: sa.Column, key: tuple[str, ...]) -> None:
    op.create_table(
        name,
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("option", sa.String(100), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint("decision_id", "option", *key),
    )


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.String(500)),
        sa.Column("evaluation", sa.String(100)),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("decisions", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("latest", sa.Boolean, nullable=False),
        sa.Column("digest", sa.String(80), nullable=False),
        sa.Column("municipality", sa.String(60), nullable=False),
        sa.Column("reference_date", sa.Date, nullable=False),
        sa.Column("team", sa.String(100)),
        sa.Column("signal", sa.Text),
        sa.Column("tags", Document, nullable=False),
        sa.Column("case_json", Document, nullable=False),
        sa.Column("origin", sa.String(500)),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "digest", name="uq_cases_case_id_digest"),
        sa.UniqueConstraint("case_id", "version", name="uq_cases_case_id_version"),
    )
    op.create_index("ix_cases_municipality_latest", "cases", ["municipality", "latest"])
    op.create_index("ix_cases_batch_id", "cases", ["batch_id"])
    op.create_table(
        "case_tags",
        sa.Column("case_row_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tag", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("case_row_id", "tag"),
    )
    op.create_index("ix_case_tags_tag", "case_tags", ["tag"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_row_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("case_id", sa.String(100), nullable=False),
        sa.Column("municipality", sa.String(60), nullable=False),
        sa.Column("reference_date", sa.Date, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("evaluation", sa.String(100), nullable=False),
        sa.Column("as_of", sa.Date),
        sa.Column("rulesets", Document, nullable=False),
        sa.Column("rulesets_digest", sa.String(80), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("cost_once_cents", sa.BigInteger),
        sa.Column("avoided_per_year_cents", sa.BigInteger),
        sa.Column("avoided_once_cents", sa.BigInteger),
        sa.Column("primary_route", sa.String(100)),
        sa.Column("usable_routes", sa.Integer, nullable=False),
        sa.Column("sole_route", sa.String(100)),
        sa.Column("discretionary_only", sa.Boolean, nullable=False),
        sa.Column("decision_json", Document, nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_row_id", "evaluation", name="uq_decisions_case_evaluation"),
    )
    op.create_index("ix_decisions_current_scope", "decisions", ["current", "municipality", "reference_date"])
    op.create_index("ix_decisions_case_row_id", "decisions", ["case_row_id"])
    op.create_index("ix_decisions_case_id", "decisions", ["case_id"])
    op.create_index("ix_decisions_evaluation", "decisions", ["evaluation"])
    op.create_index("ix_decisions_batch_id", "decisions", ["batch_id"])

    _per_decision("decision_options",
                  sa.Column("status", sa.String(30), nullable=False),
                  sa.Column("blocks", sa.Integer, nullable=False),
                  sa.Column("usable_routes", sa.Integer, nullable=False),
                  sa.Column("discretionary_only", sa.Boolean, nullable=False),
                  key=())
    _per_decision("blocks",
                  sa.Column("rule", sa.String(100), nullable=False),
                  sa.Column("holds", sa.Boolean, nullable=False),
                  sa.Column("ruleset", sa.String(60), nullable=False),
                  sa.Column("version", sa.String(20)),
                  sa.Column("law", sa.String(200), nullable=False),
                  sa.Column("article", sa.String(20)),
                  sa.Column("paragraph", sa.String(20)),
                  sa.Column("onderdeel", sa.String(20)),
                  sa.Column("title", sa.String(300)),
                  key=("rule",))
    op.create_index("ix_blocks_rule", "blocks", ["rule"])
    _per_decision("routes",
                  sa.Column("route", sa.String(100), nullable=False),
                  sa.Column("status", sa.String(20), nullable=False),
                  sa.Column("ruleset", sa.String(60), nullable=False),
                  sa.Column("law", sa.String(200), nullable=False),
                  sa.Column("article", sa.String(20)),
                  sa.Column("paragraph", sa.String(20)),
                  sa.Column("title", sa.String(300)),
                  sa.Column("decided_by", sa.String(60)),
                  sa.Column("discretionary", sa.Boolean, nullable=False),
                  sa.Column("lead_time_days", sa.Integer),
                  sa.Column("in_time", sa.Boolean),
                  key=("route",))
    op.create_index("ix_routes_route", "routes", ["route"])
    _per_decision("route_lifts",
                  sa.Column("route", sa.String(100), nullable=False),
                  sa.Column("block", sa.String(100), nullable=False),
                  sa.Column("status", sa.String(20), nullable=False),
                  key=("route", "block"))
    op.create_index("ix_route_lifts_block", "route_lifts", ["block"])
    _per_decision("missing_facts",
                  sa.Column("fact", sa.String(100), nullable=False),
                  key=("fact",))
    op.create_index("ix_missing_facts_fact", "missing_facts", ["fact"])


def downgrade() -> None:
    for table in ("missing_facts", "route_lifts", "routes", "blocks", "decision_options", "decisions",
                  "case_tags", "cases", "batches"):
        op.drop_table(table)
