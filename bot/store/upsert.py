"""INSERT … ON CONFLICT for the two backends we support (both speak the same SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_for(connection: Connection, table: Table) -> Any:
    """A dialect `insert` offering `on_conflict_do_nothing/_update` and `.excluded`."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"database backend {name!r} is not supported (SQLite, PostgreSQL)")
