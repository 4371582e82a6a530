"""Optional parts of the package: which extra (pyproject.toml) brings which library.

`pip install regelruimte` gives `check`, `rulesets`, `lint`, `test` and `serve`; the casebook, the
what-if and the durable-rules backend need an extra. A command whose extra is missing says which
one to install, instead of a traceback.
"""
from __future__ import annotations

from engine.errors import Problem

# top-level module -> the extra that installs it
EXTRAS = {
    "sqlalchemy": "casebook", "alembic": "casebook", "psycopg": "casebook",
    "polars": "scale", "pyarrow": "scale", "dask": "scale", "distributed": "scale",
    "durable": "durable",
}


def extra_for(exc: ModuleNotFoundError) -> str | None:
    """The extra that would have installed the missing module, or None when it is not an extra's."""
    return EXTRAS.get((exc.name or "").split(".")[0])


def missing_extra(command: str, exc: ModuleNotFoundError) -> Problem:
    extra, module = extra_for(exc), exc.name
    return Problem(f"'regelruimte {command}' heeft het extra pakket '{extra}' nodig ({module} ontbreekt); "
                   f"installeer het met: pip install 'regelruimte[{extra}]'",
                   f"'regelruimte {command}' needs the extra '{extra}' ({module} is missing); "
                   f"install it with: pip install 'regelruimte[{extra}]'")
