"""Persistence (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL for replicas."""

from bot.store.store import Store, open_store

__all__ = ["Store", "open_store"]
