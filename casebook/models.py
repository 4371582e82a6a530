"""The casebook's tables.

`cases` keeps every version of a pseudonymous case, known by its scope and id (municipality, team,
case_id; migration 0006): a changed case with the same identity is a new version, the same id in another
team or municipality is another case; `decisions` keeps every evaluation of a case version (re-evaluating under another
rule-set version adds a decision, it never replaces one). The other tables are the decision taken
apart, one row per option, block, route, lifted block and missing fact, so that analysis is SQL
over columns instead of scanning JSON. `batches` records each committed write: a batch's rows are
written in the same transaction as its batch row, so its counts prove it is whole.

The schema itself is created by the Alembic migrations in `casebook/migrations/`; these models
describe it for queries, and a test holds the two together.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# JSON documents: JSONB on PostgreSQL (queryable), JSON text elsewhere.
Document = JSON().with_variant(JSONB(), "postgresql")
# A document written once and read whole: its text everywhere (PostgreSQL's json checks it, does not parse it
# into jsonb; docs/decisions/0034-decision-json-as-text.md).
WholeDocument = JSON()

SHORT = 100  # ids: case, rule, route, option, fact, team, tag
LAW = 200  # the name of a law or municipal regulation
TITLE = 300


class Base(DeclarativeBase):
    pass


class Batch(Base):
    """One committed write: an import batch, a re-evaluation batch or an API write."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # import | reevaluate | api | demo
    source: Mapped[str | None] = mapped_column(String(500))  # a file name or label, never case data
    evaluation: Mapped[str | None] = mapped_column(String(SHORT))
    cases: Mapped[int] = mapped_column(Integer)  # case rows this batch added
    decisions: Mapped[int] = mapped_column(Integer)  # decisions this batch added
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CaseRow(Base):
    """One version of one case, with the professional's team, signal and tags."""

    __tablename__ = "cases"
    __table_args__ = (
        # a case's identity is (municipality, team_key, case_id); case_id first, so a lookup by id uses the key
        UniqueConstraint("case_id", "municipality", "team_key", "digest", name="uq_cases_scope_case_id_digest"),
        UniqueConstraint("case_id", "municipality", "team_key", "version", name="uq_cases_scope_case_id_version"),
        Index("ix_cases_municipality_latest", "municipality", "latest"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(SHORT))
    version: Mapped[int] = mapped_column(Integer)
    latest: Mapped[bool] = mapped_column(Boolean)
    digest: Mapped[str] = mapped_column(String(80))  # sha256 of the canonical case, metadata left out
    municipality: Mapped[str] = mapped_column(String(60))
    reference_date: Mapped[dt.date] = mapped_column(Date)
    team: Mapped[str | None] = mapped_column(String(SHORT))
    # the team as part of the identity: '' for none (a NULL never collides in a unique key)
    team_key: Mapped[str] = mapped_column(String(SHORT), server_default="")
    signal: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list] = mapped_column(Document)
    case_json: Mapped[dict] = mapped_column(Document)
    origin: Mapped[str | None] = mapped_column(String(500))  # file:line it was imported from
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class CaseTag(Base):
    __tablename__ = "case_tags"

    case_row_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(SHORT), primary_key=True, index=True)


class DecisionRow(Base):
    """One evaluation of one case version. An evaluation is named by its label (by default the rule-set
    folder and its digest); evaluating a case version again under the same label adds nothing."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("case_row_id", "evaluation", name="uq_decisions_case_evaluation"),
        Index("ix_decisions_current_scope", "current", "municipality", "reference_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_row_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # copied from the case so that the scope of an analysis is one indexed table
    case_id: Mapped[str] = mapped_column(String(SHORT), index=True)
    municipality: Mapped[str] = mapped_column(String(60))
    reference_date: Mapped[dt.date] = mapped_column(Date)
    # the decision analysis uses by default: the newest evaluation of the newest case version
    current: Mapped[bool] = mapped_column(Boolean)
    evaluation: Mapped[str] = mapped_column(String(SHORT), index=True)
    as_of: Mapped[dt.date | None] = mapped_column(Date)  # evaluated as if on this date (re-evaluation)
    rulesets: Mapped[list] = mapped_column(Document)
    rulesets_digest: Mapped[str] = mapped_column(String(80))
    outcome: Mapped[str] = mapped_column(String(30))
    cost_once_cents: Mapped[int | None] = mapped_column(BigInteger)
    avoided_per_year_cents: Mapped[int | None] = mapped_column(BigInteger)
    avoided_once_cents: Mapped[int | None] = mapped_column(BigInteger)
    primary_route: Mapped[str | None] = mapped_column(String(SHORT))  # the fastest usable route
    usable_routes: Mapped[int] = mapped_column(Integer)
    sole_route: Mapped[str | None] = mapped_column(String(SHORT))  # set when exactly one route is usable
    discretionary_only: Mapped[bool] = mapped_column(Boolean)  # every usable route is discretionary
    decision_json: Mapped[dict] = mapped_column(WholeDocument)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    evaluated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class _PerDecision:
    """Rows that belong to one decision and go when it goes."""

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True)
    option: Mapped[str] = mapped_column(String(SHORT), primary_key=True)


class OptionRow(_PerDecision, Base):
    __tablename__ = "decision_options"

    status: Mapped[str] = mapped_column(String(30))
    blocks: Mapped[int] = mapped_column(Integer)
    usable_routes: Mapped[int] = mapped_column(Integer)
    discretionary_only: Mapped[bool] = mapped_column(Boolean)


class BlockRow(_PerDecision, Base):
    """A rule that blocks an option (`holds`) or may block it (its outcome depends on unknown facts)."""

    __tablename__ = "blocks"

    rule: Mapped[str] = mapped_column(String(SHORT), primary_key=True, index=True)
    holds: Mapped[bool] = mapped_column(Boolean)
    ruleset: Mapped[str] = mapped_column(String(60))
    version: Mapped[str | None] = mapped_column(String(20))
    law: Mapped[str] = mapped_column(String(LAW))  # source.law, else the rule set
    article: Mapped[str | None] = mapped_column(String(20))
    paragraph: Mapped[str | None] = mapped_column(String(20))
    onderdeel: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(TITLE))


class RouteRow(_PerDecision, Base):
    __tablename__ = "routes"

    route: Mapped[str] = mapped_column(String(SHORT), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(20))  # available | conditional | unavailable
    ruleset: Mapped[str] = mapped_column(String(60))
    law: Mapped[str] = mapped_column(String(LAW))
    article: Mapped[str | None] = mapped_column(String(20))
    paragraph: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(TITLE))
    decided_by: Mapped[str | None] = mapped_column(String(60))
    discretionary: Mapped[bool] = mapped_column(Boolean)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    in_time: Mapped[bool | None] = mapped_column(Boolean)


class RouteLiftRow(_PerDecision, Base):
    """Route `route` can lift block `block` of this option (with the route's status in this case)."""

    __tablename__ = "route_lifts"

    route: Mapped[str] = mapped_column(String(SHORT), primary_key=True)
    block: Mapped[str] = mapped_column(String(SHORT), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(20))


class MissingFactRow(_PerDecision, Base):
    """What is missing to decide this option: a fact of the household (`kind` "fact", a professional can
    ask for it) or an open norm of a rule set (`kind` "open_term": a value the rule set does not know, such
    as a municipal percentage; the rule set must supply it). Migration 0005."""

    __tablename__ = "missing_facts"

    fact: Mapped[str] = mapped_column(String(SHORT), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(20), server_default="fact")  # fact | open_term


DETAIL_TABLES = (OptionRow.__table__, BlockRow.__table__, RouteRow.__table__, RouteLiftRow.__table__,
                 MissingFactRow.__table__)


# -- who may see what (casebook/access.py), and who looked at what --------------------------------------

class UserRow(Base):
    """A person who uses a shared casebook: a role and a scope (municipalities, `["*"]` for all; a team
    for a professional). Managed with `regelruimte casebook users`."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(SHORT))
    role: Mapped[str] = mapped_column(String(20))
    municipalities: Mapped[list] = mapped_column(Document)
    team: Mapped[str | None] = mapped_column(String(SHORT))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class TokenRow(Base):
    """An API token of a user, stored as its SHA-256 only (a token is 256 random bits: no slow hash needed)."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_api_tokens_token_sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """One read of case-level data, export, delete or refused attempt: who, when, what, which case ids.
    Never case contents."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_name: Mapped[str] = mapped_column(String(SHORT), index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))  # read | list | report | export | delete | save | retention
    allowed: Mapped[bool] = mapped_column(Boolean)
    via: Mapped[str] = mapped_column(String(200))  # the API route (its template, not the path), page or command
    municipalities: Mapped[list] = mapped_column(Document)  # the municipalities asked for or touched
    case_ids: Mapped[list] = mapped_column(Document)
