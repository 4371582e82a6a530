"""Alembic environment for the casebook. Run programmatically by `casebook.db.migrate`:
the caller passes an open connection (inside a transaction holding the migration lock)."""
from alembic import context

from casebook.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  version_table="casebook_alembic_version", compare_type=True)
with context.begin_transaction():
    context.run_migrations()
